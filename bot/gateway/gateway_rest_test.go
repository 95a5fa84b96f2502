package gateway_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// These tests break Discord's REST API under the Gateway in the ways that
// lose answers: rate limits, server errors and the global rate limit.

const (
	callbackRoute = "/interactions/{id}/{token}/callback"
	editRoute     = "/webhooks/{app}/{token}/messages/@original"
	// interactionLife is how long Discord waits for the first response.
	interactionLife = 3 * time.Second
)

// answers lists what the fake answered to the requests on route made for
// the interaction whose token is token, in order, and when each arrived.
func answers(srv *discordtest.Server, method, route, token string) (statuses []int, times []time.Time) {
	match := discordtest.Match(method, route)
	for _, r := range srv.Requests() {
		if match(r) && r.Params["token"] == token {
			statuses = append(statuses, r.Status)
			times = append(times, r.Time)
		}
	}
	return statuses, times
}

// waitLogged waits for a log line that has every one of parts.
func (e *gwEnv) waitLogged(t testing.TB, parts ...string) string {
	t.Helper()
	var found string
	waitUntil(t, "a log line with "+strings.Join(parts, ", "), func() bool {
		for _, line := range strings.Split(e.logs.String(), "\n") {
			ok := true
			for _, p := range parts {
				ok = ok && strings.Contains(line, p)
			}
			if ok {
				found = line
				return true
			}
		}
		return false
	})
	return found
}

// clock stands in for the Gateway's timer: it records every wait and ends
// it at once, so that backoffs of seconds take no time. Once hold is set,
// a wait is announced on held and lasts until released or its context
// ends: the test sees each wait begin and chooses when it is over.
type clock struct {
	held    chan time.Duration
	release chan struct{}

	mu    sync.Mutex
	waits []time.Duration
	hold  bool
}

func newClock(hold bool) *clock {
	return &clock{held: make(chan time.Duration), release: make(chan struct{}), hold: hold}
}

func (c *clock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.waits = append(c.waits, d)
	hold := c.hold
	c.mu.Unlock()
	if !hold {
		return ctx.Err()
	}
	select {
	case c.held <- d:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-c.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *clock) holdWaits() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hold = true
}

func (c *clock) slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.waits)
}

// next waits for the next held wait to begin.
func (c *clock) next(t testing.TB) time.Duration {
	t.Helper()
	select {
	case d := <-c.held:
		return d
	case <-time.After(gwWait):
		t.Fatal("timed out waiting for the gateway to wait")
		return 0
	}
}

// askAs is /ask with a token of its own, so that a fault can be aimed at
// this interaction's requests alone.
func (e *gwEnv) askAs(token, question string) *discordgo.Interaction {
	return e.srv.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand, GuildID: gwGuild, ChannelID: gwChannel,
		Locale: "en-US", Token: token,
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{strOpt("question", question)}},
	})
}

// TestGatewayCallbackFailures: the first response must reach Discord within
// three seconds of the interaction's arrival. A 429 is waited out when the
// wait ends in time and given up at once when it does not; a server error
// is retried, after waits that grow, until the three seconds are up.
func TestGatewayCallbackFailures(t *testing.T) {
	t.Parallel()
	// As on Discord, a callback after three seconds is refused. The fake
	// counts them from the dispatch, the bot from its arrival: half a
	// second more is the gateway's delivery, under -race on a busy machine.
	e := startGateway(t, gwSetup{discord: discordtest.Options{InteractionTimeout: interactionLife + 500*time.Millisecond}})
	tests := []struct {
		name string
		// fault breaks the callbacks to the route given.
		fault func(srv *discordtest.Server, route string)
		// want is what the fake answered the callbacks; a trailing 204
		// means the answer got through. Nil: at least three 503s.
		want []int
		// lost, when the answer is lost, is in the one log line saying so.
		lost string
	}{
		{name: "429 that ends in time",
			fault: func(srv *discordtest.Server, route string) { srv.RateLimitOnce("POST", route, 300*time.Millisecond) },
			want:  []int{429, 204}},
		{name: "429 past the deadline",
			fault: func(srv *discordtest.Server, route string) { srv.RateLimitOnce("POST", route, 5*time.Second) },
			want:  []int{429}, lost: "rate limit"},
		{name: "500",
			fault: func(srv *discordtest.Server, route string) {
				srv.FailOnce("POST", route, 500, 0, "500: Internal Server Error")
			},
			want: []int{500, 204}},
		{name: "502",
			fault: func(srv *discordtest.Server, route string) { srv.FailOnce("POST", route, 502, 0, "502: Bad Gateway") },
			want:  []int{502, 204}},
		{name: "503 twice",
			fault: func(srv *discordtest.Server, route string) {
				srv.FailOnce("POST", route, 503, 0, "503: Service Unavailable")
				srv.FailOnce("POST", route, 503, 0, "503: Service Unavailable")
			},
			want: []int{503, 503, 204}},
		{name: "503 until the deadline",
			fault: func(srv *discordtest.Server, route string) {
				for range 50 {
					srv.FailOnce("POST", route, 503, 0, "503: Service Unavailable")
				}
			},
			lost: "503"},
	}
	for n, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			token := fmt.Sprintf("callback-failure-%d", n)
			tt.fault(e.srv, "/interactions/{id}/"+token+"/callback")
			in := e.askAs(token, "compute")
			if tt.lost == "" {
				req, err := e.srv.WaitRequest(ctxFor(t), func(r discordtest.Request) bool {
					return r.Params["token"] == in.Token && r.Status == http.StatusNoContent
				})
				if err != nil {
					t.Fatal(err)
				}
				var r wireResponse
				if err := req.Decode(&r); err != nil || r.Data == nil || len(r.Data.Embeds) == 0 {
					t.Errorf("the answer %s: %v", req.JSON, err)
				}
			} else {
				line := e.waitLogged(t, "reply to interaction", in.ID)
				if !strings.Contains(line, tt.lost) {
					t.Errorf("logged %q, want it to say %q", line, tt.lost)
				}
				if strings.Contains(line, in.Token) {
					t.Error("the log shows the interaction's token")
				}
				if n := strings.Count(e.logs.String(), "interaction="+in.ID); n != 1 {
					t.Errorf("%d log lines about the lost answer, want 1", n)
				}
			}
			got, times := answers(e.srv, "POST", callbackRoute, in.Token)
			if tt.want != nil && !slices.Equal(got, tt.want) {
				t.Errorf("callbacks answered %v, want %v", got, tt.want)
			}
			if tt.want == nil && (len(got) < 3 || slices.ContainsFunc(got, func(s int) bool { return s != 503 })) {
				t.Errorf("callbacks answered %v, want a few 503s", got)
			}
			// The first attempt follows the interaction's arrival, which
			// the three seconds count from.
			for i, at := range times {
				if at.Sub(times[0]) > interactionLife {
					t.Errorf("callback %d sent %v after the first", i+1, at.Sub(times[0]))
				}
			}
			if n := len(times); n >= 4 && times[n-1].Sub(times[n-2]) <= times[1].Sub(times[0]) {
				t.Errorf("the waits between callbacks do not grow: %v", times)
			}
		})
	}
}

// TestGatewayEditFailures: a deferred answer is delivered by editing the
// original response through the interaction's webhook, which lives fifteen
// minutes. A 429 is waited out and a server error retried, a few times and
// within thirty seconds.
func TestGatewayEditFailures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fault func(srv *discordtest.Server, route string)
		want  []int // what the fake answered the edits
		lost  string
		waits func(t *testing.T, waits []time.Duration)
	}{
		{name: "429",
			fault: func(srv *discordtest.Server, route string) { srv.RateLimitOnce("PATCH", route, 7*time.Second) },
			want:  []int{429, 200},
			waits: func(t *testing.T, waits []time.Duration) {
				if !slices.Contains(waits, 7*time.Second) {
					t.Errorf("waits %v, want retry_after's 7s", waits)
				}
			}},
		{name: "429 past thirty seconds",
			fault: func(srv *discordtest.Server, route string) { srv.RateLimitOnce("PATCH", route, 45*time.Second) },
			want:  []int{429}, lost: "rate limit"},
		{name: "500, 502, 503",
			fault: func(srv *discordtest.Server, route string) {
				for _, code := range []int{500, 502, 503} {
					srv.FailOnce("PATCH", route, code, 0, http.StatusText(code))
				}
			},
			want: []int{500, 502, 503, 200}},
		{name: "server errors until the attempts run out",
			fault: func(srv *discordtest.Server, route string) {
				for range 20 {
					srv.FailOnce("PATCH", route, 503, 0, "503: Service Unavailable")
				}
			},
			want: []int{503, 503, 503, 503, 503}, lost: "503",
			waits: func(t *testing.T, waits []time.Duration) {
				if len(waits) != 4 {
					t.Fatalf("waits %v, want 4", waits)
				}
				var sum time.Duration
				for i, w := range waits {
					sum += w
					if i > 0 && w <= waits[i-1]/2 {
						t.Errorf("waits %v do not back off", waits)
					}
				}
				if sum > 30*time.Second {
					t.Errorf("waits %v add up past thirty seconds", waits)
				}
			}},
	}
	c := newClock(false)
	e := startGateway(t, gwSetup{
		search:    func(s bot.Searcher) bot.Searcher { return gwSlowSearcher{Searcher: s, delay: 100 * time.Millisecond} },
		slowAfter: 20 * time.Millisecond,
		sleep:     c.sleep,
	})
	// One after the other, so that the clock's waits are the subtest's.
	for n, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := fmt.Sprintf("edit-failure-%d", n)
			before := len(c.slept())
			tt.fault(e.srv, "/webhooks/{app}/"+token+"/messages/@original")
			in := e.askAs(token, "compute")
			if tt.lost == "" {
				edit := waitSent(t, e.srv, func(r discordtest.Request) bool {
					return r.Method == "PATCH" && r.Params["token"] == in.Token && r.Status == http.StatusOK
				})
				if len(edit.Embeds) == 0 {
					t.Errorf("the edit has no answer: %+v", edit)
				}
			} else {
				line := e.waitLogged(t, "reply to interaction", in.ID)
				if !strings.Contains(line, tt.lost) || !strings.Contains(line, "edit deferred response") {
					t.Errorf("logged %q, want it to say %q", line, tt.lost)
				}
			}
			if got, _ := answers(e.srv, "PATCH", editRoute, in.Token); !slices.Equal(got, tt.want) {
				t.Errorf("edits answered %v, want %v", got, tt.want)
			}
			if tt.waits != nil {
				tt.waits(t, c.slept()[before:])
			}
		})
	}
}

// TestGatewayGlobalRateLimit: after a global 429 nothing but interaction
// callbacks and webhooks, which Discord exempts, is sent until the limit
// has passed; what waits is sent then.
func TestGatewayGlobalRateLimit(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{noOpen: true})
	const limit = time.Second
	commands := "/applications/{app}/guilds/" + gwGuild + "/commands"
	e.srv.RateLimitGlobalOnce("PUT", commands, limit)
	if err := e.gw.Open(ctxFor(t)); err != nil {
		t.Fatal(err)
	}
	first, err := e.srv.WaitRequest(ctxFor(t), discordtest.Match("PUT", commands))
	if err != nil {
		t.Fatal(err)
	}
	// Once the bot knows of the limit (it logs the wait), an interaction
	// is answered at once and a mention's reply waits.
	e.waitLogged(t, "retrying", "PUT")
	in := e.ask("en-US", "compute")
	self := e.gw.BotUserID()
	e.srv.DispatchMessageCreate(&discordgo.Message{
		ChannelID: gwChannel, GuildID: gwGuild, Content: "<@" + self + "> compute?",
		Mentions: []*discordgo.User{{ID: self, Bot: true}},
	})
	if r := e.reply(t, in); len(r.Data.Embeds) == 0 {
		t.Errorf("not answered during the global limit: %+v", r.Data)
	}
	e.waitMessage(t, gwChannel)
	if _, err := e.srv.WaitRequest(ctxFor(t), func(r discordtest.Request) bool {
		return r.Method == "PUT" && r.Status == http.StatusOK
	}); err != nil {
		t.Fatal(err)
	}
	for _, r := range e.srv.Requests() {
		if r.Status == http.StatusTooManyRequests && r.Time.After(first.Time) {
			t.Errorf("%s %s sent during the global limit", r.Method, r.Path)
		}
		if strings.HasPrefix(r.Path, "/channels/") && r.Time.Before(first.Time.Add(limit)) {
			t.Errorf("%s %s sent %v into a %v global limit", r.Method, r.Path, r.Time.Sub(first.Time), limit)
		}
	}
}

// TestGatewayGatewayDiscoveryRateLimited: a 429 on GET /gateway, which
// discordgo sleeps out inside Open holding the session's lock, is waited
// out by the Gateway, when it connects and when it reconnects.
func TestGatewayGatewayDiscoveryRateLimited(t *testing.T) {
	t.Parallel()
	sideBySide(t, subtest{"connect", func(t *testing.T) {
		c := newClock(false)
		e := startGateway(t, gwSetup{noOpen: true, sleep: c.sleep})
		e.srv.RateLimitOnce("GET", "/gateway", time.Minute)
		if err := e.gw.Open(ctxFor(t)); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(c.slept(), time.Minute) {
			t.Errorf("waits %v, want the minute the 429 asked for", c.slept())
		}
		if r := e.reply(t, e.ask("en-US", "compute")); len(r.Data.Embeds) == 0 {
			t.Errorf("not answered: %+v", r.Data)
		}
	}}, subtest{"reconnect, then Close during the wait", func(t *testing.T) {
		c := newClock(false)
		e := startGateway(t, gwSetup{sleep: c.sleep})
		ctx := ctxFor(t)
		if err := e.srv.WaitSettled(ctx); err != nil {
			t.Fatal(err)
		}
		// discordgo asks GET /gateway again only after a failed dial.
		e.srv.RefuseConnections(1)
		e.srv.RateLimitOnce("GET", "/gateway", 30*time.Second)
		if err := e.srv.DropConnection(); err != nil {
			t.Fatal(err)
		}
		if err := e.srv.WaitResumed(ctx); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(c.slept(), 30*time.Second) {
			t.Errorf("waits %v, want the 30s the 429 asked for", c.slept())
		}
		if r := e.reply(t, e.ask("en-US", "compute")); len(r.Data.Embeds) == 0 {
			t.Errorf("not answered: %+v", r.Data)
		}

		// Again, and Close while the Gateway waits out the 429.
		if err := e.srv.WaitSettled(ctx); err != nil {
			t.Fatal(err)
		}
		c.holdWaits()
		e.srv.RefuseConnections(1)
		e.srv.RateLimitOnce("GET", "/gateway", time.Minute)
		if err := e.srv.DropConnection(); err != nil {
			t.Fatal(err)
		}
		c.next(t) // the backoff after the refused dial
		c.release <- struct{}{}
		if d := c.next(t); d != time.Minute {
			t.Errorf("waiting %v, want the 429's minute", d)
		}
		closeQuickly(t, e)
	}}, subtest{"Open's context ends the wait", func(t *testing.T) {
		e := startGateway(t, gwSetup{noOpen: true})
		e.srv.RateLimitOnce("GET", "/gateway", time.Minute)
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := e.gw.Open(ctx); err == nil {
			t.Error("Open succeeded")
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("Open took %v", took)
		}
	}})
}

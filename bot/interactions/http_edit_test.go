package interactions_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// These tests break the webhook edit that delivers a deferred answer in
// HTTP mode, where the REST session is cmd's plain discordgo session.

// askBody is a signed-ready /ask interaction with a token of its own.
func askBody(token string) []byte {
	var m map[string]any
	_ = json.Unmarshal(interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What is Hyperion?", false)), &m)
	m["token"] = token
	body, _ := json.Marshal(m)
	return body
}

func editRouteFor(token string) string {
	return "/webhooks/{app}/" + token + "/messages/@original"
}

func TestHTTPEditFailures(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, endpointOptions{
		searcher:  func(ix *index.Index) bot.Searcher { return slowSearcher{ix, 100 * time.Millisecond} },
		slowAfter: 20 * time.Millisecond,
	})
	tests := []struct {
		name  string
		fault func(srv *discordtest.Server, route string)
		want  []int
	}{
		{"429", func(srv *discordtest.Server, route string) { srv.RateLimitOnce("PATCH", route, 300*time.Millisecond) }, []int{429, 200}},
		{"500 then 503", func(srv *discordtest.Server, route string) {
			srv.FailOnce("PATCH", route, 500, 0, "500: Internal Server Error")
			srv.FailOnce("PATCH", route, 503, 0, "503: Service Unavailable")
		}, []int{500, 503, 200}},
		{"502", func(srv *discordtest.Server, route string) { srv.FailOnce("PATCH", route, 502, 0, "502: Bad Gateway") }, []int{502, 200}},
	}
	for n, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := fmt.Sprintf("http-edit-failure-%d", n)
			tt.fault(e.discord, editRouteFor(token))
			if w := decodeWire(t, e.post(t, askBody(token))); w.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
				t.Fatalf("type %d, want 5", w.Type)
			}
			edit := waitSent(t, e.discord, func(r discordtest.Request) bool {
				return r.Method == "PATCH" && r.Params["token"] == token && r.Status == http.StatusOK
			})
			if len(edit.Embeds) == 0 {
				t.Errorf("the edit has no answer: %+v", edit)
			}
			if got, _ := answers(e.discord, "PATCH", editRoute, token); !slices.Equal(got, tt.want) {
				t.Errorf("edits answered %v, want %v", got, tt.want)
			}
		})
	}
}

// TestHTTPEditWaitFreesSlot: an answer waiting to retry its edit holds no
// in-flight slot, so that a rate limit on one answer does not make the
// endpoint refuse the next interactions.
func TestHTTPEditWaitFreesSlot(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, endpointOptions{
		searcher:    func(ix *index.Index) bot.Searcher { return slowSearcher{ix, 50 * time.Millisecond} },
		slowAfter:   10 * time.Millisecond,
		maxInFlight: 1,
	})
	const token = "http-edit-slot"
	e.discord.RateLimitOnce("PATCH", editRouteFor(token), time.Second)
	if w := decodeWire(t, e.post(t, askBody(token))); w.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("type %d, want 5", w.Type)
	}
	if _, err := e.discord.WaitRequest(ctxFor(t), discordtest.Match("PATCH", editRouteFor(token))); err != nil {
		t.Fatal(err)
	}
	// The slot is given back just after the 429 has been read: try until
	// it is, which must be before the edit is retried.
	ping := interaction(discordgo.InteractionPing, "", nil)
	waitUntil(t, "a PING answered while the edit waits", func() bool {
		if statuses, _ := answers(e.discord, "PATCH", editRoute, token); len(statuses) > 1 {
			t.Fatalf("the edit was retried (%v) before a PING got in: the waiting answer held the slot", statuses)
		}
		resp := e.post(t, ping)
		return resp.StatusCode == http.StatusOK
	})
	edit := waitSent(t, e.discord, func(r discordtest.Request) bool {
		return r.Method == "PATCH" && r.Params["token"] == token && r.Status == http.StatusOK
	})
	if len(edit.Embeds) == 0 {
		t.Errorf("the edit has no answer: %+v", edit)
	}
}

// TestHTTPShutdownEndsEditWait: a shutdown does not wait for an edit that
// waits out a long 429: it gives the edit up at once.
func TestHTTPShutdownEndsEditWait(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, endpointOptions{
		searcher:  func(ix *index.Index) bot.Searcher { return slowSearcher{ix, 50 * time.Millisecond} },
		slowAfter: 10 * time.Millisecond,
	})
	const token = "http-edit-shutdown"
	e.discord.RateLimitOnce("PATCH", editRouteFor(token), 25*time.Second)
	if w := decodeWire(t, e.post(t, askBody(token))); w.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("type %d, want 5", w.Type)
	}
	if _, err := e.discord.WaitRequest(ctxFor(t), discordtest.Match("PATCH", editRouteFor(token))); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := e.stop(); err != nil {
		t.Errorf("Run: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("shutdown took %v", took)
	}
	if statuses, _ := answers(e.discord, "PATCH", editRoute, token); !slices.Equal(statuses, []int{429}) {
		t.Errorf("edits answered %v, want the one 429", statuses)
	}
}

package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/bot/interactions"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/discordtest"
	"github.com/interviewbot/interviewbot/internal/health"
	"github.com/interviewbot/interviewbot/web"
)

// TestServeSite: serve answers the bot's routes and the web site on one
// address; the site's /api/ask says exactly what ask -json says.
func TestServeSite(t *testing.T) {
	t.Parallel()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	discord := discordtest.NewServer(t, discordtest.Options{Token: serveToken})
	env := serveEnv(pub, discord)
	env["PUBLIC_URL"] = "https://bot.example.com/"
	env["LOG_QUESTIONS"] = "false"
	logs := newServeLog(t)
	base, stop := startRun(t, env, logs, "serve", "-addr", "127.0.0.1:0")

	for _, c := range []struct {
		path, want string
		code       int
	}{
		{"/", `<link rel="canonical" href="https://bot.example.com/">`, 200},
		{"/ask?q=Hyperion", "<mark>Hyperion</mark>", 200},
		{"/p/88", `id="p88"`, 200},
		{"/transcript", `id="p1"`, 200},
		{"/nope", "Page not found", 404},
		{"/healthz", "ok", 200},
		{"/readyz", "ready", 200},
		{"/metrics", `interviewbot_http_requests_total{code="200",route="/ask"} 1`, 200},
		{"/metrics", `interviewbot_questions_total{command="web-ask",locale="en",outcome="answered"} 1`, 200},
	} {
		if code, body := serveGet(t, base+c.path); code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("GET %s = %d, want %d with %q:\n%.1500s", c.path, code, c.code, c.want, body)
		}
	}
	resp, err := http.Post(base+"/ask", "application/x-www-form-urlencoded", strings.NewReader("q=Hyperion"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Errorf("POST /ask = %d, want 405", resp.StatusCode)
	}

	t.Run("api is ask -json", func(t *testing.T) {
		for i, c := range []struct{ q, locale, k string }{
			{"Hyperion 要擴到多大?", "", "3"},
			{"小扎為什麼說研究員更在乎GPU?", "zh-CN", "2"},
			{"Why do researchers care about GPUs?", "en-US", "5"},
			{"hi", "zh-Hant", "3"},
			{"What's the weather in Paris tomorrow?", "", "3"},
			{"  ", "", "3"},
			{strings.Repeat("字", index.MaxQuestionRunes+1), "", "3"},
			{"<script>alert(1)</script> \u202eGPU", "", "3"},
		} {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				args := []string{"ask", "-json", "-k", c.k}
				v := url.Values{"q": {c.q}, "k": {c.k}}
				if c.locale != "" {
					args = append(args, "-locale", c.locale)
					v.Set("lang", c.locale)
				}
				want, _, err := runCLI(t, nil, "", append(args, "--", c.q)...)
				if err != nil {
					t.Fatal(err)
				}
				_, got := serveGet(t, base+"/api/ask?"+v.Encode())
				if got != want {
					t.Errorf("%.40q: /api/ask says\n%s\nask -json says\n%s", c.q, got, want)
				}
			})
		}
	})

	if err := stop(); err != nil {
		t.Errorf("serve returned %v after a clean shutdown", err)
	}
	if strings.Contains(logs.String(), "Hyperion") {
		t.Error("a question is in the logs without LOG_QUESTIONS")
	}
}

// slowSearcher answers as the index does, late: late enough that the
// bot defers its answer.
type slowSearcher struct {
	*index.Index
	delay time.Duration
}

func (s slowSearcher) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	time.Sleep(s.delay)
	return s.Index.Search(ctx, req)
}

// TestServeHTTPDrains: on shutdown, serveHTTP returns only once an answer
// that was deferred has been delivered, as the bot's server alone does.
func TestServeHTTPDrains(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	discord := discordtest.NewServer(t, discordtest.Options{Token: serveToken})
	// The fake knows only the interactions it dispatched over its gateway;
	// an HTTP interaction is acknowledged by the HTTP response, so its
	// webhook is answered here.
	discord.Handle("PATCH", "/webhooks/{app}/{token}/messages/@original", func(r discordtest.Request) (int, any) {
		var m map[string]any
		if err := r.Decode(&m); err != nil {
			return http.StatusBadRequest, map[string]any{"message": err.Error(), "code": 50109}
		}
		m["id"] = discord.NewID()
		return http.StatusOK, m
	})
	c := &config{APIURL: discord.APIURL()}
	session, err := c.restSession()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := sharedIndex()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	b := bot.New(bot.Config{Searcher: slowSearcher{ix, 400 * time.Millisecond}, Article: ix.Article(), Logger: log})
	srv, err := interactions.NewServer(interactions.ServerConfig{Bot: b, PublicKey: pub, Editor: session, Logger: log, SlowAfter: 50 * time.Millisecond, ShutdownTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New(web.Config{Searcher: ix, Article: ix.Article()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- serveHTTP(ctx, ln, srv, site, log) }()

	ask := `{"id":"1400000000000000002","application_id":"` + discordtest.DefaultAppID + `","type":2,"token":"token-in-flight","version":1,"locale":"en-US",` +
		`"member":{"user":{"id":"1200000000000000002","username":"tester"}},` +
		`"data":{"id":"1","name":"ask","type":1,"options":[{"name":"question","type":3,"value":"What is Hyperion?"}]}}`
	code, body := servePost(t, "http://"+ln.Addr().String()+"/interactions", priv, ask)
	var r discordgo.InteractionResponse
	if err := json.Unmarshal([]byte(body), &r); code != 200 || err != nil || r.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Fatalf("POST /interactions = %d %s, want a deferred answer", code, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serveHTTP: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serveHTTP did not return")
	}
	for _, r := range discord.Requests() {
		if r.Method == "PATCH" && strings.Contains(r.Path, "token-in-flight") && r.Status == 200 {
			if _, err := net.Dial("tcp", ln.Addr().String()); err == nil {
				t.Error("still listening after shutdown")
			}
			return
		}
	}
	t.Error("serveHTTP returned before the deferred answer was delivered")
}

// TestServeHTTPStopsWhenServingFails: a listener that fails ends
// serveHTTP with the error, and the bot's server with it.
func TestServeHTTPStopsWhenServingFails(t *testing.T) {
	t.Parallel()
	ix, err := sharedIndex()
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New(web.Config{Searcher: ix, Article: ix.Article()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close()
	probes, err := health.New(health.Config{Ready: func() bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	err = serveHTTP(context.Background(), ln, probesOnly{probes, slog.New(slog.DiscardHandler)}, site, slog.New(slog.DiscardHandler))
	if err == nil || !errors.Is(err, net.ErrClosed) {
		t.Errorf("serveHTTP on a closed listener: %v, want the listener's error", err)
	}
}

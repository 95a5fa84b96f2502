package interactions_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/interviewbot/interviewbot/internal/health"
	"github.com/interviewbot/interviewbot/internal/metrics"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/bot/interactions"
	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/index/zhconv"
	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// endpoint is an interactions endpoint running on 127.0.0.1, its signing
// key, and the fake Discord its deferred answers go to.
type endpoint struct {
	url     string // http://127.0.0.1:PORT
	priv    ed25519.PrivateKey
	discord *discordtest.Server
	server  *interactions.Server
	logs    *endpointLog
	cancel  context.CancelFunc
	stopped chan error // Run's result
}

type endpointOptions struct {
	searcher    func(*index.Index) bot.Searcher // wraps the real index
	slowAfter   time.Duration
	maxInFlight int
	maxConns    int
	workers     int
	ready       func() bool
	// writeTimeout replaces the server's write deadline when not zero.
	writeTimeout time.Duration
	// clock is the bot's and the server's; nil means time.Now.
	clock *testClock
	// quiet keeps the log, from info up, without showing it: for loads.
	quiet bool
}

func newEndpoint(t testing.TB, opts endpointOptions) *endpoint {
	t.Helper()
	ix := sharedIndex(t)
	a := ix.Article()
	var search bot.Searcher = ix
	if opts.searcher != nil {
		search = opts.searcher(ix)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	discord := discordtest.NewServer(t, discordtest.Options{})
	// The fake knows only the interactions it dispatched over its gateway;
	// an HTTP interaction is acknowledged by the HTTP response, so its
	// webhook is answered here.
	discord.Handle("PATCH", "/webhooks/{app}/{token}/messages/@original", func(r discordtest.Request) (int, any) {
		var m map[string]any
		if err := r.Decode(&m); err != nil {
			return http.StatusBadRequest, map[string]any{"message": err.Error(), "code": 50109}
		}
		m["id"] = discord.NewID()
		m["channel_id"] = "1300000000000000001"
		return http.StatusOK, m
	})
	session, err := discordgo.New(discord.Token())
	if err != nil {
		t.Fatal(err)
	}
	session.Client = &http.Client{Transport: discord.Transport(), Timeout: 10 * time.Second}

	metrics := metrics.New()
	logs := newEndpointLog(t)
	level := slog.LevelDebug
	if opts.quiet {
		logs.done, level = true, slog.LevelInfo
	}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: level}))
	var now func() time.Time
	if opts.clock != nil {
		now = opts.clock.Now
	}
	b := bot.New(bot.Config{Searcher: search, Article: a, Logger: log, Metrics: metrics, Version: "test", Now: now})
	ready := opts.ready
	if ready == nil {
		ready = func() bool { return true }
	}
	probes, err := health.New(health.Config{Ready: ready, Metrics: metrics, Requests: metrics})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := interactions.NewServer(interactions.ServerConfig{
		Bot: b, PublicKey: pub, Editor: session, Logger: log, Metrics: metrics, Fallback: probes,
		SlowAfter: opts.slowAfter, MaxInFlight: opts.maxInFlight, MaxConns: opts.maxConns, Workers: opts.workers, Now: now,
	})
	if err != nil {
		t.Fatal(err)
	}
	if opts.writeTimeout > 0 {
		interactions.SetWriteTimeout(srv, opts.writeTimeout)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	e := &endpoint{
		url: "http://" + ln.Addr().String(), priv: priv, discord: discord,
		server: srv, logs: logs, cancel: cancel, stopped: make(chan error, 1),
	}
	go func() { e.stopped <- srv.Run(ctx, ln) }()
	t.Cleanup(func() {
		if err := e.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return e
}

// stop shuts the server down and returns what Run returned; it may be
// called more than once.
func (e *endpoint) stop() error {
	e.cancel()
	err, ok := <-e.stopped
	if ok {
		close(e.stopped)
	}
	return err
}

// endpointLog sends log lines to t.Log, so that they show with the test
// that wrote them, and keeps them for tests that check what was logged.
// Lines written once the test is over are kept but not shown.
type endpointLog struct {
	t    testing.TB
	mu   sync.Mutex
	buf  bytes.Buffer
	done bool
}

func newEndpointLog(t testing.TB) *endpointLog {
	l := &endpointLog{t: t}
	t.Cleanup(func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.done = true
	})
	return l
}

func (l *endpointLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if !l.done {
		l.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// lines are the lines logged so far that contain every one of parts.
func (l *endpointLog) lines(parts ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.buf.String(), "\n") {
		ok := line != ""
		for _, p := range parts {
			ok = ok && strings.Contains(line, p)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

// sign signs body as Discord does: Ed25519 over the timestamp followed by
// the body.
func sign(priv ed25519.PrivateKey, ts string, body []byte) string {
	return hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...)))
}

// post sends a signed interaction and returns the response.
func (e *endpoint) post(t testing.TB, body []byte) *http.Response {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	return e.send(t, http.MethodPost, body, map[string]string{
		"X-Signature-Ed25519":   sign(e.priv, ts, body),
		"X-Signature-Timestamp": ts,
	})
}

func (e *endpoint) send(t testing.TB, method string, body []byte, headers map[string]string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, e.url+"/interactions", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// interaction builds an interaction the way Discord sends it.
func interaction(typ discordgo.InteractionType, locale string, data any) []byte {
	m := map[string]any{
		"id":             "1400000000000000001",
		"application_id": discordtest.DefaultAppID,
		"type":           typ,
		"token":          "aW50ZXJhY3Rpb246MTQwMDAwMDAwMDAwMDAwMDAwMTp0ZXN0",
		"version":        1,
		"guild_id":       "1500000000000000001",
		"channel_id":     "1300000000000000001",
		"member": map[string]any{"user": map[string]any{
			"id": discordtest.TestUserID, "username": "tester", "discriminator": "0",
		}},
		"app_permissions": "0",
	}
	if locale != "" {
		m["locale"] = locale
	}
	if data != nil {
		m["data"] = data
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

func askData(question string, private bool) map[string]any {
	opts := []map[string]any{{"name": "question", "type": 3, "value": question}}
	if private {
		opts = append(opts, map[string]any{"name": "private", "type": 5, "value": true})
	}
	return map[string]any{"id": "1600000000000000001", "name": "ask", "type": 1, "options": opts}
}

func buttonData(customID string) map[string]any {
	return map[string]any{"custom_id": customID, "component_type": 2}
}

func decodeWire(t testing.TB, resp *http.Response) wireResponse {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var w wireResponse
	if err := json.NewDecoder(resp.Body).Decode(&w); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestHTTPPing(t *testing.T) {
	e := newEndpoint(t, endpointOptions{})
	resp := e.post(t, interaction(discordgo.InteractionPing, "", nil))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	body, _ := io.ReadAll(resp.Body)
	if got := strings.TrimSpace(string(body)); got != `{"type":1}` {
		t.Errorf("PING answered %s, want {\"type\":1}", got)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestHTTPAnswers(t *testing.T) {
	e := newEndpoint(t, endpointOptions{})
	description := func(t *testing.T, w wireResponse) string {
		t.Helper()
		if len(w.Data.Embeds) == 0 {
			t.Fatalf("no embed: %+v", w.Data)
		}
		return w.Data.Embeds[0].Description
	}
	tests := []struct {
		name      string
		body      []byte
		wantType  int
		ephemeral bool
		check     func(t *testing.T, w wireResponse)
	}{
		{
			name: "ask zh-TW answers in the original Traditional text",
			body: interaction(discordgo.InteractionApplicationCommand, "zh-TW", askData("小扎為什麼說研究員更在乎GPU?", false)),
			check: func(t *testing.T, w wireResponse) {
				d := description(t, w)
				if !index.HasHan(d) || zhconv.Mainland(d) == d {
					t.Errorf("want Traditional Chinese, got %q", d)
				}
				if strings.Contains(d, "Original") {
					t.Errorf("zh-TW answer has the English layout: %q", d)
				}
			},
		},
		{
			name: "ask zh-CN answers in Simplified",
			body: interaction(discordgo.InteractionApplicationCommand, "zh-CN", askData("数据中心为什么要用帐篷来建", false)),
			check: func(t *testing.T, w wireResponse) {
				d := description(t, w)
				if !index.HasHan(d) || zhconv.Mainland(d) != d {
					t.Errorf("want Simplified Chinese, got %q", d)
				}
				if footer := w.Data.Embeds[0].Footer; footer == nil || !strings.Contains(footer.Text, "访谈") && !strings.Contains(footer.Text, "编者摘要") {
					t.Errorf("footer not in Simplified: %+v", footer)
				}
			},
		},
		{
			name: "ask en-US answers in English with the original",
			body: interaction(discordgo.InteractionApplicationCommand, "en-US", askData("Is there a ceiling on how much Meta will spend on capex?", false)),
			check: func(t *testing.T, w wireResponse) {
				d := description(t, w)
				english, original, ok := strings.Cut(d, "**Original**")
				if !ok || index.HasHan(english) || strings.TrimSpace(english) == "" || !index.HasHan(original) {
					t.Errorf("want English then the original, got %q", d)
				}
			},
		},
		{
			name:      "private ask is ephemeral",
			body:      interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What is Hyperion?", true)),
			ephemeral: true,
		},
		{
			name: "off-topic ask offers topics",
			body: interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What's the weather in Paris tomorrow?", false)),
			check: func(t *testing.T, w wireResponse) {
				if len(w.Data.Components) == 0 || !strings.HasPrefix(w.Data.Components[0].Components[0].CustomID, "topic:en:") {
					t.Errorf("want topic buttons, got %+v", w.Data.Components)
				}
			},
		},
		{
			name:      "context button",
			body:      interaction(discordgo.InteractionMessageComponent, "zh-TW", buttonData("ctx:tw:i05")),
			ephemeral: true,
			check: func(t *testing.T, w wireResponse) {
				if d := description(t, w); !strings.Contains(d, "**") {
					t.Errorf("context does not mark the passage: %q", d)
				}
			},
		},
		{
			name:      "more button",
			body:      interaction(discordgo.InteractionMessageComponent, "en-US", buttonData("more:en:2:i05.i07")),
			ephemeral: true,
			check: func(t *testing.T, w wireResponse) {
				if d := description(t, w); !strings.Contains(d, "**2.**") || !strings.Contains(d, "**3.**") {
					t.Errorf("want passages 2 and 3, got %q", d)
				}
			},
		},
		{
			name:      "feedback button",
			body:      interaction(discordgo.InteractionMessageComponent, "en-US", buttonData("fb:en:up:i05")),
			ephemeral: true,
			check: func(t *testing.T, w wireResponse) {
				if !strings.Contains(w.Data.Content, "Thanks") {
					t.Errorf("content = %q", w.Data.Content)
				}
			},
		},
		{
			name:      "topic button",
			body:      interaction(discordgo.InteractionMessageComponent, "en-US", buttonData("topic:en:compute")),
			ephemeral: true,
			check: func(t *testing.T, w wireResponse) {
				if d := description(t, w); !strings.Contains(strings.ToLower(d), "gpu") && !strings.Contains(strings.ToLower(d), "compute") {
					t.Errorf("compute topic answered %q", d)
				}
			},
		},
		{
			name:      "expired button",
			body:      interaction(discordgo.InteractionMessageComponent, "en-US", buttonData("gone:en:x")),
			ephemeral: true,
		},
		{
			name: "topics",
			body: interaction(discordgo.InteractionApplicationCommand, "zh-CN", map[string]any{"id": "1", "name": "topics", "type": 1}),
		},
		{
			name: "about",
			body: interaction(discordgo.InteractionApplicationCommand, "en-US", map[string]any{"id": "1", "name": "about", "type": 1}),
		},
		{
			name: "quote by number",
			body: interaction(discordgo.InteractionApplicationCommand, "zh-TW", map[string]any{
				"id": "1", "name": "quote", "type": 1,
				"options": []map[string]any{{"name": "number", "type": 4, "value": 20}},
			}),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := decodeWire(t, e.post(t, tc.body))
			if w.Type != discordgo.InteractionResponseChannelMessageWithSource {
				t.Fatalf("type = %d, want 4", w.Type)
			}
			checkWire(t, w.Data)
			if got := w.Data.Flags&discordgo.MessageFlagsEphemeral != 0; got != tc.ephemeral {
				t.Errorf("ephemeral = %v, want %v", got, tc.ephemeral)
			}
			if tc.check != nil {
				tc.check(t, w)
			}
		})
	}
}

func TestHTTPAutocomplete(t *testing.T) {
	e := newEndpoint(t, endpointOptions{})
	tests := []struct {
		name, locale, typed string
	}{
		{"english prefix", "en-US", "hyper"},
		{"traditional", "zh-TW", "資料中心"},
		{"simplified", "zh-CN", "数据"},
		{"empty", "en-US", ""},
		{"a long paste", "en-US", strings.Repeat("superintelligence ", 40)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := interaction(discordgo.InteractionApplicationCommandAutocomplete, tc.locale, map[string]any{
				"id": "1", "name": "ask", "type": 1,
				"options": []map[string]any{{"name": "question", "type": 3, "value": tc.typed, "focused": true}},
			})
			w := decodeWire(t, e.post(t, body))
			if w.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
				t.Fatalf("type = %d, want 8", w.Type)
			}
			checkChoices(t, w.Data)
			if tc.typed != "" && len(w.Data.Choices) == 0 {
				t.Errorf("no suggestions for %q", tc.typed)
			}
		})
	}
}

func TestHTTPRefusals(t *testing.T) {
	e := newEndpoint(t, endpointOptions{})
	_, otherPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ping := interaction(discordgo.InteractionPing, "", nil)
	now := time.Now().Unix()
	stamp := func(offset time.Duration) string { return strconv.FormatInt(now+int64(offset/time.Second), 10) }
	fresh := stamp(0)
	good := sign(e.priv, fresh, ping)
	flipped := []byte(good)
	if flipped[10] == '0' {
		flipped[10] = '1'
	} else {
		flipped[10] = '0'
	}
	signed := func(ts string, body []byte) map[string]string {
		return map[string]string{"X-Signature-Ed25519": sign(e.priv, ts, body), "X-Signature-Timestamp": ts}
	}
	// The handlers read option values by their declared type; a mismatch
	// must be refused here, not panic there.
	wrongOption := interaction(discordgo.InteractionApplicationCommandAutocomplete, "en-US", map[string]any{
		"id": "1", "name": "ask", "type": 1,
		"options": []map[string]any{{"name": "question", "type": 3, "value": 5, "focused": true}},
	})
	nullOption := interaction(discordgo.InteractionApplicationCommand, "en-US", map[string]any{
		"id": "1", "name": "ask", "type": 1, "options": []any{nil},
	})
	tampered := bytes.Replace(ping, []byte(`"version":1`), []byte(`"version":2`), 1)
	oversized := append(bytes.Repeat([]byte(" "), interactions.DefaultMaxBodyBytes), ping...)
	tests := []struct {
		name    string
		method  string
		body    []byte
		headers map[string]string
		want    int
	}{
		{"no signature", "POST", ping, map[string]string{"X-Signature-Timestamp": fresh}, 401},
		{"no timestamp", "POST", ping, map[string]string{"X-Signature-Ed25519": good}, 401},
		{"no headers", "POST", ping, nil, 401},
		{"signature not hex", "POST", ping, map[string]string{"X-Signature-Ed25519": strings.Repeat("zz", 64), "X-Signature-Timestamp": fresh}, 401},
		{"short signature", "POST", ping, map[string]string{"X-Signature-Ed25519": good[:126], "X-Signature-Timestamp": fresh}, 401},
		{"long signature", "POST", ping, map[string]string{"X-Signature-Ed25519": good + "00", "X-Signature-Timestamp": fresh}, 401},
		{"flipped bit", "POST", ping, map[string]string{"X-Signature-Ed25519": string(flipped), "X-Signature-Timestamp": fresh}, 401},
		{"other key", "POST", ping, map[string]string{"X-Signature-Ed25519": sign(otherPriv, fresh, ping), "X-Signature-Timestamp": fresh}, 401},
		{"tampered body", "POST", tampered, map[string]string{"X-Signature-Ed25519": good, "X-Signature-Timestamp": fresh}, 401},
		{"other timestamp than signed", "POST", ping, map[string]string{"X-Signature-Ed25519": good, "X-Signature-Timestamp": stamp(time.Second)}, 401},
		{"stale timestamp", "POST", ping, signed(stamp(-6*time.Minute), ping), 401},
		{"future timestamp", "POST", ping, signed(stamp(6*time.Minute), ping), 401},
		{"non-numeric timestamp", "POST", ping, signed("yesterday", ping), 401},
		{"oversized body", "POST", oversized, signed(fresh, oversized), 413},
		{"GET", "GET", nil, nil, 405},
		{"PUT", "PUT", ping, signed(fresh, ping), 405},
		{"malformed JSON", "POST", []byte(`{"type":1,`), signed(fresh, []byte(`{"type":1,`)), 400},
		{"JSON but not an object", "POST", []byte(`[1,2]`), signed(fresh, []byte(`[1,2]`)), 400},
		{"no type", "POST", []byte(`{"id":"1"}`), signed(fresh, []byte(`{"id":"1"}`)), 400},
		{"unknown type", "POST", []byte(`{"id":"1","type":42,"token":"t","application_id":"1"}`), signed(fresh, []byte(`{"id":"1","type":42,"token":"t","application_id":"1"}`)), 400},
		{"command without data", "POST", []byte(`{"id":"1","type":2,"token":"t","application_id":"1"}`), signed(fresh, []byte(`{"id":"1","type":2,"token":"t","application_id":"1"}`)), 400},
		{"command without token", "POST", interactionWithout("token"), signed(fresh, interactionWithout("token")), 400},
		{"option value of the wrong type", "POST", wrongOption, signed(fresh, wrongOption), 400},
		{"null option", "POST", nullOption, signed(fresh, nullOption), 400},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.send(t, tc.method, tc.body, tc.headers)
			if resp.StatusCode != tc.want {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.want, b)
			}
			if tc.want == http.StatusMethodNotAllowed && resp.Header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", resp.Header.Get("Allow"))
			}
		})
	}
	t.Run("chunked oversized body", func(t *testing.T) {
		ts := stamp(0)
		req, err := http.NewRequest(http.MethodPost, e.url+"/interactions", io.MultiReader(bytes.NewReader(oversized)))
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = -1 // no Content-Length: the server finds out while reading
		req.Header.Set("X-Signature-Ed25519", sign(e.priv, ts, oversized))
		req.Header.Set("X-Signature-Timestamp", ts)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", resp.StatusCode)
		}
	})
}

func interactionWithout(field string) []byte {
	var m map[string]any
	if err := json.Unmarshal(interaction(discordgo.InteractionApplicationCommand, "en-US", askData("GPU", false)), &m); err != nil {
		panic(err)
	}
	delete(m, field)
	b, _ := json.Marshal(m)
	return b
}

// slowSearcher answers like the index, late: to make answers deferred.
type slowSearcher struct {
	bot.Searcher
	delay time.Duration
}

func (s slowSearcher) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	time.Sleep(s.delay)
	return s.Searcher.Search(ctx, req)
}

func TestHTTPDeferred(t *testing.T) {
	t.Parallel()
	e := newEndpoint(t, endpointOptions{
		searcher:  func(ix *index.Index) bot.Searcher { return slowSearcher{ix, 300 * time.Millisecond} },
		slowAfter: 30 * time.Millisecond,
	})
	tests := []struct {
		name      string
		body      []byte
		ephemeral bool
	}{
		{"public ask", interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What is Hyperion?", false)), false},
		{"private ask", interaction(discordgo.InteractionApplicationCommand, "zh-TW", askData("泰坦叢集是什麼", true)), true},
		{"topic button", interaction(discordgo.InteractionMessageComponent, "en-US", buttonData("topic:en:capex")), true},
	}
	for n, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// a token of its own, to find this interaction's edit
			var m map[string]any
			_ = json.Unmarshal(tc.body, &m)
			token := fmt.Sprintf("deferred-token-%d", n)
			m["token"] = token
			body, _ := json.Marshal(m)

			w := decodeWire(t, e.post(t, body))
			if w.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
				t.Fatalf("type = %d, want 5", w.Type)
			}
			checkWire(t, w.Data)
			if got := w.Data.Flags&discordgo.MessageFlagsEphemeral != 0; got != tc.ephemeral {
				t.Errorf("ephemeral = %v, want %v", got, tc.ephemeral)
			}
			edit := waitSent(t, e.discord, discordtest.Match("PATCH", "/webhooks/"+discordtest.DefaultAppID+"/"+token+"/messages/@original"))
			if len(edit.Embeds) == 0 || edit.Embeds[0].Description == "" {
				t.Errorf("the edit has no answer: %+v", edit)
			}
		})
	}
	t.Run("shutdown waits for a deferred answer", func(t *testing.T) {
		var m map[string]any
		_ = json.Unmarshal(interaction(discordgo.InteractionApplicationCommand, "en-US", askData("Who is Alexandr Wang?", false)), &m)
		m["token"] = "token-in-flight-at-shutdown"
		body, _ := json.Marshal(m)
		if w := decodeWire(t, e.post(t, body)); w.Type != 5 {
			t.Fatalf("type = %d, want 5", w.Type)
		}
		if err := e.stop(); err != nil {
			t.Fatalf("Run: %v", err)
		}
		// Run has returned: the edit must have been made by now.
		for _, r := range e.discord.Requests() {
			if r.Method == "PATCH" && strings.Contains(r.Path, "token-in-flight-at-shutdown") && r.Status == 200 {
				return
			}
		}
		t.Error("Run returned before the deferred answer was delivered")
	})
}

func TestHTTPHealth(t *testing.T) {
	var ready atomic.Bool
	e := newEndpoint(t, endpointOptions{ready: ready.Load})
	get := func(path string) (int, string) {
		resp, err := http.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tests := []struct {
		name     string
		ready    bool
		path     string
		want     int
		contains string
	}{
		{"healthz while not ready", false, "/healthz", 200, "ok"},
		{"readyz while not ready", false, "/readyz", 503, "not ready"},
		{"readyz when ready", true, "/readyz", 200, "ready"},
		{"metrics", true, "/metrics", 200, "go_goroutines"},
		{"unknown path", true, "/wp-login.php", 404, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ready.Store(tc.ready)
			code, body := get(tc.path)
			if code != tc.want || !strings.Contains(body, tc.contains) {
				t.Errorf("GET %s = %d %q, want %d containing %q", tc.path, code, body, tc.want, tc.contains)
			}
		})
	}
}

func TestHTTPMetricsCount(t *testing.T) {
	e := newEndpoint(t, endpointOptions{})
	for _, body := range [][]byte{
		interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What is Hyperion?", false)),
		interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What is Prometheus?", false)),
		interaction(discordgo.InteractionApplicationCommand, "zh-TW", askData("泰坦叢集是什麼", false)),
		interaction(discordgo.InteractionMessageComponent, "en-US", buttonData("fb:en:down:i05")),
	} {
		decodeWire(t, e.post(t, body))
	}
	e.send(t, "POST", []byte(`{}`), nil) // refused: 401
	resp, err := http.Get(e.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	scrape, _ := io.ReadAll(resp.Body)
	tests := []struct {
		name, line string
	}{
		{"answered questions in en-US", `interviewbot_questions_total{command="ask",locale="en-US",outcome="answered"} 2`},
		{"answered questions in zh-TW", `interviewbot_questions_total{command="ask",locale="zh-TW",outcome="answered"} 1`},
		{"feedback down", `interviewbot_feedback_total{vote="down"} 1`},
		{"feedback up", `interviewbot_feedback_total{vote="up"} 0`},
		{"searches", `interviewbot_search_duration_seconds_count 3`},
		{"interaction durations", `interviewbot_interaction_duration_seconds_count{command="ask"} 3`},
		{"requests answered", `interviewbot_http_requests_total{code="200",route="/interactions"} 4`},
		{"requests refused", `interviewbot_http_requests_total{code="401",route="/interactions"} 1`},
		{"reconnects exist", `interviewbot_gateway_reconnects_total 0`},
		{"process collector", `process_start_time_seconds`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !bytes.Contains(scrape, []byte(tc.line)) {
				t.Errorf("/metrics has no %q", tc.line)
			}
		})
	}
}

func TestHTTPBusy(t *testing.T) {
	release := make(chan struct{})
	e := newEndpoint(t, endpointOptions{
		searcher:    func(ix *index.Index) bot.Searcher { return blockingSearcher{ix, release} },
		maxInFlight: 1,
		slowAfter:   10 * time.Millisecond,
	})
	defer close(release)
	// The first takes the only slot until its (deferred) answer is done.
	first := interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What is Hyperion?", false))
	if w := decodeWire(t, e.post(t, first)); w.Type != 5 {
		t.Fatalf("first: type %d, want 5", w.Type)
	}
	resp := e.post(t, interaction(discordgo.InteractionPing, "", nil))
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("second: status %d, Retry-After %q; want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

type blockingSearcher struct {
	bot.Searcher
	release chan struct{}
}

func (s blockingSearcher) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	<-s.release
	return s.Searcher.Search(ctx, req)
}

// BenchmarkServeAsk measures one signed /ask through the whole handler:
// read, verify, decode, search (the real index), render and encode. The
// request is signed once: signing is Discord's work, not ours.
func BenchmarkServeAsk(b *testing.B) {
	for _, bc := range []struct {
		name   string
		cached bool
	}{
		{"cached", true},
		{"uncached", false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			a, err := data.Load()
			if err != nil {
				b.Fatal(err)
			}
			opts := index.Options{CacheSize: index.DefaultCacheSize}
			if !bc.cached {
				opts.CacheSize = 0
			}
			ix, err := index.NewWithOptions(a, opts)
			if err != nil {
				b.Fatal(err)
			}
			defer ix.Close()
			pub, priv, _ := ed25519.GenerateKey(rand.Reader)
			metrics := metrics.New()
			log := slog.New(slog.NewJSONHandler(io.Discard, nil))
			srv, err := interactions.NewServer(interactions.ServerConfig{
				Bot:       bot.New(bot.Config{Searcher: ix, Article: a, Logger: log, Metrics: metrics}),
				PublicKey: pub, Logger: log, Metrics: metrics,
			})
			if err != nil {
				b.Fatal(err)
			}
			body := interaction(discordgo.InteractionApplicationCommand, "zh-TW", askData("小扎為什麼說研究員更在乎GPU?", false))
			ts := strconv.FormatInt(time.Now().Unix(), 10)
			sig := sign(priv, ts, body)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodPost, "/interactions", bytes.NewReader(body))
				req.Header.Set("X-Signature-Ed25519", sig)
				req.Header.Set("X-Signature-Timestamp", ts)
				w := &discardWriter{h: http.Header{}}
				srv.ServeHTTP(w, req)
				if w.code != http.StatusOK {
					b.Fatalf("status %d", w.code)
				}
			}
		})
	}
}

// discardWriter is the cheapest ResponseWriter, so that the benchmark
// measures the handler.
type discardWriter struct {
	h    http.Header
	code int
}

func (w *discardWriter) Header() http.Header { return w.h }
func (w *discardWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return len(p), nil
}
func (w *discardWriter) WriteHeader(code int) { w.code = code }

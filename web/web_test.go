package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/interviewbot/interviewbot/internal/metrics"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
)

// theIndex is built once for the package's tests: building takes a
// fraction of a second, and the index is safe for concurrent use.
var theIndex = sync.OnceValues(func() (*index.Index, error) {
	a, err := data.Load()
	if err != nil {
		return nil, err
	}
	return index.New(a)
})

func realIndex(t testing.TB) *index.Index {
	t.Helper()
	ix, err := theIndex()
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// newSite is the site over the real index, with cfg's other settings.
func newSite(t testing.TB, cfg Config) *Site {
	t.Helper()
	ix := realIndex(t)
	cfg.Searcher, cfg.Article = ix, ix.Article()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func TestStatus(t *testing.T) {
	s := newSite(t, Config{})
	long := url.QueryEscape(strings.Repeat("字", index.MaxQuestionRunes+1))
	tests := []struct {
		name, method, target string
		status               int
		contentType          string
		contains             string
	}{
		{"home", "GET", "/", 200, "text/html; charset=utf-8", `action="/ask"`},
		{"home by HEAD", "HEAD", "/", 200, "text/html; charset=utf-8", ""},
		{"post refused", "POST", "/", 405, "text/html; charset=utf-8", "Not allowed"},
		{"put refused", "PUT", "/ask?q=Hyperion", 405, "text/html; charset=utf-8", ""},
		{"delete on the API refused", "DELETE", "/api/ask?q=Hyperion", 405, "text/html; charset=utf-8", ""},
		{"options refused", "OPTIONS", "/", 405, "text/html; charset=utf-8", ""},
		{"ask without q is the home page", "GET", "/ask", 200, "text/html; charset=utf-8", `action="/ask"`},
		{"ask with empty q is the home page", "GET", "/ask?q=", 200, "text/html; charset=utf-8", "Topics of the interview"},
		{"ask with spaces is the home page", "GET", "/ask?q=+%20%09", 200, "text/html; charset=utf-8", "Topics of the interview"},
		{"answer", "GET", "/ask?q=Hyperion", 200, "text/html; charset=utf-8", "<mark>Hyperion</mark>"},
		{"answer by HEAD", "HEAD", "/ask?q=Hyperion", 200, "text/html; charset=utf-8", ""},
		{"only controls", "GET", "/ask?q=%01%02%7f", 400, "text/html; charset=utf-8", "Your question is empty"},
		{"too long", "GET", "/ask?q=" + long, 400, "text/html; charset=utf-8", "1000"},
		{"far too long", "GET", "/ask?q=" + strings.Repeat("a", maxRawQuery), 414, "text/html; charset=utf-8", "too long"},
		{"malformed escape", "GET", "/ask?q=%zz", 400, "text/html; charset=utf-8", "malformed"},
		{"passage", "GET", "/p/1", 200, "text/html; charset=utf-8", `id="p1"`},
		{"last passage", "GET", "/p/88", 200, "text/html; charset=utf-8", `id="p88"`},
		{"passage 0", "GET", "/p/0", 404, "text/html; charset=utf-8", "passages 1 to 88"},
		{"passage past the end", "GET", "/p/89", 404, "text/html; charset=utf-8", "passages 1 to 88"},
		{"leading zero", "GET", "/p/01", 404, "text/html; charset=utf-8", ""},
		{"sign", "GET", "/p/+1", 404, "text/html; charset=utf-8", ""},
		{"negative", "GET", "/p/-1", 404, "text/html; charset=utf-8", ""},
		{"not a number", "GET", "/p/abc", 404, "text/html; charset=utf-8", ""},
		{"huge number", "GET", "/p/99999999999999999999", 404, "text/html; charset=utf-8", ""},
		{"trailing slash", "GET", "/p/1/", 404, "text/html; charset=utf-8", ""},
		{"transcript", "GET", "/transcript", 200, "text/html; charset=utf-8", `id="p88"`},
		{"stylesheet", "GET", s.css, 200, "text/css; charset=utf-8", "prefers-color-scheme"},
		{"old stylesheet", "GET", "/static/site.css", 404, "text/html; charset=utf-8", ""},
		{"icon", "GET", "/favicon.ico", 200, "image/svg+xml", "<svg"},
		{"robots", "GET", "/robots.txt", 200, "text/plain; charset=utf-8", "Disallow: /ask"},
		{"metrics are not the site's", "GET", "/metrics", 404, "text/html; charset=utf-8", ""},
		{"health is not the site's", "GET", "/healthz", 404, "text/html; charset=utf-8", ""},
		{"unknown", "GET", "/wp-login.php", 404, "text/html; charset=utf-8", "Page not found"},
		{"api", "GET", "/api/ask?q=Hyperion", 200, "application/json", `"answered":true`},
		{"api without q", "GET", "/api/ask", 400, "application/json", `"error":"the question is empty`},
		{"api too long", "GET", "/api/ask?q=" + long, 400, "application/json", `"error":"the question is too long`},
		{"api bad locale", "GET", "/api/ask?q=Hyperion&lang=fr", 400, "application/json", `"error":"lang is not a reading locale`},
		{"api bad k", "GET", "/api/ask?q=Hyperion&k=0", 400, "application/json", `"error":"k must be between 1 and 50"`},
		{"api k too big", "GET", "/api/ask?q=Hyperion&k=51", 400, "application/json", `"error":"k must be between 1 and 50"`},
		{"api malformed", "GET", "/api/ask?q=%zz", 400, "application/json", `"error":"the address is malformed`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := do(s, tt.method, tt.target)
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			if got := w.Header().Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			if !strings.Contains(w.Body.String(), tt.contains) {
				t.Errorf("body has no %q:\n%.600s", tt.contains, w.Body.String())
			}
			if tt.status == 405 && w.Header().Get("Allow") != "GET, HEAD" {
				t.Errorf("Allow %q, want GET, HEAD", w.Header().Get("Allow"))
			}
		})
	}
}

// TestHeaders: every response, whatever its status or type, carries the
// security headers.
func TestHeaders(t *testing.T) {
	s := newSite(t, Config{})
	for _, target := range []string{"/", "/ask?q=Hyperion", "/p/3", "/transcript", "/api/ask?q=x", s.css, "/nope", "/p/0"} {
		t.Run(target, func(t *testing.T) {
			h := get(s, target).Header()
			for k, want := range map[string]string{
				"Content-Security-Policy": csp,
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "no-referrer",
				"X-Frame-Options":         "DENY",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("%s: %q, want %q", k, got, want)
				}
			}
		})
	}
	t.Run("stylesheet is cached for good", func(t *testing.T) {
		if got := get(s, s.css).Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control %q", got)
		}
	})
	t.Run("pages vary by Accept-Language", func(t *testing.T) {
		if got := get(s, "/").Header().Get("Vary"); got != "Accept-Language" {
			t.Errorf("Vary %q", got)
		}
	})
}

// TestAnswers: each verdict reads as the bot says it, in each language,
// over the real index.
func TestAnswers(t *testing.T) {
	s := newSite(t, Config{})
	tests := []struct {
		name, q, lang string
		want, not     []string
	}{
		{"answer zh-TW", "小扎為什麼說研究員更在乎GPU?", "zh-TW",
			[]string{`<html lang="zh-Hant">`, "<mark>GPU</mark>", "主持人的提問", "其他相關段落", `href="/p/75?lang=zh-TW#p75"`}, []string{"Original"}},
		{"answer zh-CN in Simplified", "小扎為什麼說研究員更在乎GPU?", "zh-CN",
			[]string{`<html lang="zh-Hans">`, `lang="zh-Hans"`, "<mark>GPU</mark>", "主持人的提问", "他们关心的是"}, []string{"他們關心的是"}},
		{"answer en: English first, original beneath", "小扎為什麼說研究員更在乎GPU?", "en",
			[]string{`<html lang="en">`, "<mark>GPUs</mark>", `<p class="label">Original</p>`, `<p class="text second" lang="zh-Hant">`, "The host asked"}, nil},
		{"chat", "hi", "en", []string{"👋 Hi!", "Topics of the interview"}, []string{`class="passage`, "<mark>"}},
		{"chat zh-TW", "謝謝", "zh-TW", []string{"不客氣", "訪談主題"}, []string{`class="passage`}},
		{"chat, emphasis without asterisks", "你是誰", "zh-TW", []string{"<em>研究員為什麼更在乎 GPU?</em>"}, []string{"*"}},
		{"none", "What's the weather in Paris tomorrow?", "en", []string{"The interview doesn&#39;t cover that", `class="topics"`}, []string{`class="passage`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(s, "/ask?q="+url.QueryEscape(tt.q)+"&lang="+tt.lang)
			body := w.Body.String()
			if w.Code != 200 {
				t.Fatalf("status %d", w.Code)
			}
			for _, want := range tt.want {
				if !strings.Contains(body, want) {
					t.Errorf("no %q", want)
				}
			}
			for _, not := range tt.not {
				if strings.Contains(body, not) {
					t.Errorf("has %q", not)
				}
			}
			checkPage(t, body)
		})
	}
}

// TestUnsure takes a question the index is unsure about and checks the
// page says so over one passage.
func TestUnsure(t *testing.T) {
	s := newSite(t, Config{})
	q := ""
	for _, c := range []string{"How do I bake bread?", "Who won the world cup?", "What is Zuckerberg's favorite food?", "什麼是量子計算?"} {
		res, err := realIndex(t).Search(t.Context(), index.Request{Question: c, Limit: 5})
		if err == nil && res.Verdict == index.Unsure {
			q = c
			break
		}
	}
	if q == "" {
		t.Fatal("the index is sure about every question here: add one it is unsure about")
	}
	body := get(s, "/ask?q="+url.QueryEscape(q)+"&lang=zh-TW").Body.String()
	if !strings.Contains(body, bot.UnsureText(language.Traditional)) || strings.Count(body, `<article class="passage`) != 1 || strings.Contains(body, "其他相關段落") {
		t.Errorf("want the caveat over one passage:\n%s", body)
	}
}

// TestBadInput: what people type, or paste, or forge, never breaks a page
// or gets into one unescaped.
func TestBadInput(t *testing.T) {
	s := newSite(t, Config{})
	tests := []struct {
		name, q string
		status  int
		not     []string
	}{
		{"script", `<script>alert(1)</script> Hyperion`, 200, []string{"<script"}},
		{"attribute breakout", `"><img src=x onerror=alert(1)> Hyperion`, 200, []string{"<img", `"><img`}},
		{"controls", "Hyper\x1b[2Jion\x00 GPU\u202e", 200, []string{"\x1b", "\x00", "\u202e"}},
		{"invalid UTF-8", "Hyperion \xff\xfe GPU", 200, []string{"\xff"}},
		{"only invalid UTF-8", "\xff\xfe", 400, []string{"\xff"}},
		{"over the limit", strings.Repeat("研究員 ", 400), 400, []string{"研究員 研究員 研究員"}},
		{"huge", strings.Repeat("研究員", 2000), 414, []string{"研究員研究員研究員"}},
		{"mentions", "@everyone Hyperion", 200, []string{"@everyone"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := get(s, "/ask?q="+url.QueryEscape(tt.q))
			body := w.Body.String()
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			if !utf8.ValidString(body) {
				t.Error("the page is not valid UTF-8")
			}
			for _, not := range tt.not {
				if strings.Contains(body, not) {
					t.Errorf("page has %q", not)
				}
			}
			checkPage(t, body)
		})
	}
}

// TestLanguage: ?lang= first, then Accept-Language by its q-values, then
// the question's script.
func TestLanguage(t *testing.T) {
	s := newSite(t, Config{})
	tests := []struct {
		name, target, accept, want string
	}{
		{"lang param", "/?lang=zh-TW", "en", "zh-Hant"},
		{"locale param", "/?locale=zh-CN", "", "zh-Hans"},
		{"script subtag", "/?lang=zh-Hans", "", "zh-Hans"},
		{"traditional subtag", "/?lang=zh-Hant-HK", "", "zh-Hant"},
		{"en-US", "/?lang=en-US", "zh-TW", "en"},
		{"unknown lang falls back to the header", "/?lang=fr", "zh-TW", "zh-Hant"},
		{"header", "/", "zh-CN,zh;q=0.9", "zh-Hans"},
		{"q-values order", "/", "en;q=0.4, zh-TW;q=0.8", "zh-Hant"},
		{"ties keep their order", "/", "zh-TW;q=0.5, en;q=0.5", "zh-Hant"},
		{"q=0 means not", "/", "zh-TW;q=0, en;q=0.1", "en"},
		{"languages the site cannot read are skipped", "/", "fr-FR, de;q=0.9, zh-HK;q=0.2", "zh-Hant"},
		{"malformed q is ignored", "/", "zh-TW;q=2, zh-CN;q=0.3", "zh-Hans"},
		{"wildcard is no language", "/", "*", "en"},
		{"nothing", "/", "", "en"},
		{"question's script: Traditional", "/ask?q=" + url.QueryEscape("研究員為什麼在乎GPU"), "fr", "zh-Hant"},
		{"question's script: Simplified", "/ask?q=" + url.QueryEscape("研究员为什么在乎GPU"), "", "zh-Hans"},
		{"question's script: Latin", "/ask?q=Hyperion", "", "en"},
		{"header beats the script", "/ask?q=Hyperion", "zh-TW", "zh-Hant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := get(s, tt.target, "Accept-Language", tt.accept).Body.String()
			if want := `<html lang="` + tt.want + `">`; !strings.Contains(body, want) {
				t.Errorf("want %s in %.200s", want, body)
			}
		})
	}
	t.Run("a chosen language stays in every link", func(t *testing.T) {
		body := get(s, "/ask?q=Hyperion&lang=zh-CN").Body.String()
		for _, want := range []string{`href="/?lang=zh-CN"`, `href="/transcript?lang=zh-CN"`, `<input type="hidden" name="lang" value="zh-CN">`, `?lang=zh-CN#p`} {
			if !strings.Contains(body, want) {
				t.Errorf("no %s", want)
			}
		}
	})
}

func TestAcceptLanguage(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""}, {"en", "en"}, {"zh-TW", "zh-TW"}, {"zh", "zh-CN"}, {"ZH-hant;Q=0.9", "zh-TW"},
		{"en;q=0.5,zh-CN;q=0.6", "zh-CN"}, {"en;q=1.0,zh-CN", "en"}, {"en;q=1.", "en"}, {"en;q=0.", ""}, {"en;q=1.001", ""},
		{"en;q=0.0001", ""}, {"en;q=abc", ""}, {"en;q=", ""}, {"en;q=0", ""}, {" zh-tw ; q = 0.7 , en;q=0.6", "zh-TW"},
		{"fr,de,ja", ""}, {strings.Repeat("fr,", 40) + "en", ""}, {strings.Repeat("x", 5000) + ",en", ""},
	} {
		t.Run(tt.in[:min(len(tt.in), 30)], func(t *testing.T) {
			if got := acceptLanguage([]string{tt.in}); got != tt.want {
				t.Errorf("acceptLanguage(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestRateLimit: a client may ask a burst, then must wait; the clock is
// the site's, so no test waits.
func TestRateLimit(t *testing.T) {
	clock := newClock()
	s := newSite(t, Config{RateBurst: 3, RateEvery: 2 * time.Second, Now: clock.Now})
	from := func(target, addr string) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", target, nil)
		r.RemoteAddr = addr
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		return w
	}
	for i := range 3 {
		if w := from("/ask?q=Hyperion", "192.0.2.1:1000"); w.Code != 200 {
			t.Fatalf("question %d: status %d", i+1, w.Code)
		}
	}
	w := from("/ask?q=Hyperion", "192.0.2.1:1001")
	if w.Code != 429 || w.Header().Get("Retry-After") != "2" || !strings.Contains(w.Body.String(), "wait 2 seconds") {
		t.Fatalf("over the burst: status %d, Retry-After %q\n%.300s", w.Code, w.Header().Get("Retry-After"), w.Body.String())
	}
	if w := from("/api/ask?q=Hyperion", "192.0.2.1:1002"); w.Code != 429 || w.Header().Get("Retry-After") != "2" || !strings.Contains(w.Body.String(), `"error":"too many questions`) {
		t.Errorf("the API shares the allowance: status %d %s", w.Code, w.Body.String())
	}
	if w := from("/ask?q=Hyperion", "192.0.2.2:1000"); w.Code != 200 {
		t.Errorf("another client: status %d", w.Code)
	}
	if w := from("/p/3", "192.0.2.1:1000"); w.Code != 200 {
		t.Errorf("reading is not limited: status %d", w.Code)
	}
	if w := from("/ask", "192.0.2.1:1000"); w.Code != 200 {
		t.Errorf("the empty form is not limited: status %d", w.Code)
	}
	clock.Add(2 * time.Second)
	if w := from("/ask?q=Hyperion", "192.0.2.1:1000"); w.Code != 200 {
		t.Errorf("after waiting: status %d", w.Code)
	}
	t.Run("IPv6 clients are their /64", func(t *testing.T) {
		for i := range 3 {
			from("/ask?q=Hyperion", "[2001:db8:1:2::"+string(rune('a'+i))+"]:1000")
		}
		if w := from("/ask?q=Hyperion", "[2001:db8:1:2:ffff::1]:1000"); w.Code != 429 {
			t.Errorf("same /64: status %d, want 429", w.Code)
		}
		if w := from("/ask?q=Hyperion", "[2001:db8:1:3::1]:1000"); w.Code != 200 {
			t.Errorf("another /64: status %d", w.Code)
		}
	})
}

func TestClient(t *testing.T) {
	s := newSite(t, Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}})
	tests := []struct {
		name, remote string
		xff          []string
		want         string
	}{
		{"direct", "192.0.2.7:5555", nil, "192.0.2.7"},
		{"forged header from an untrusted address", "192.0.2.7:5555", []string{"198.51.100.1"}, "192.0.2.7"},
		{"trusted proxy", "10.1.2.3:80", []string{"198.51.100.1"}, "198.51.100.1"},
		{"forged left part is ignored", "10.1.2.3:80", []string{"6.6.6.6, 198.51.100.1"}, "198.51.100.1"},
		{"chain of trusted proxies", "10.1.2.3:80", []string{"198.51.100.1, 10.9.9.9"}, "198.51.100.1"},
		{"two headers", "10.1.2.3:80", []string{"198.51.100.1", "10.9.9.9"}, "198.51.100.1"},
		{"malformed hop stops at the proxy", "10.1.2.3:80", []string{"198.51.100.1, junk"}, "10.1.2.3"},
		{"no header", "10.1.2.3:80", nil, "10.1.2.3"},
		{"IPv6 proxy, IPv4-mapped client", "[::1]:80", []string{"::ffff:198.51.100.9"}, "198.51.100.9"},
		{"IPv6 client", "[::1]:80", []string{"2001:db8:aa:bb:1:2:3:4"}, "2001:db8:aa:bb::/64"},
		{"no address", "", nil, "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := s.client(r); got != tt.want {
				t.Errorf("client %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLogQuestions: the text of a question is in the logs only when the
// operator asks for it.
func TestLogQuestions(t *testing.T) {
	for _, logQs := range []bool{false, true} {
		var buf bytes.Buffer
		s := newSite(t, Config{Logger: slog.New(slog.NewJSONHandler(&buf, nil)), LogQuestions: logQs})
		get(s, "/ask?q="+url.QueryEscape("Hyperion secret-words"))
		get(s, "/api/ask?q="+url.QueryEscape("Prometheus secret-words"))
		logs := buf.String()
		if got := strings.Contains(logs, "secret-words"); got != logQs {
			t.Errorf("LogQuestions %v: question in the logs %v:\n%s", logQs, got, logs)
		}
		if strings.Count(logs, `"msg":"web question"`) != 2 || !strings.Contains(logs, `"outcome":`) {
			t.Errorf("want one line per question with its outcome:\n%s", logs)
		}
	}
}

// TestMetrics counts through the bot's real metrics and reads them back
// from /metrics as Prometheus would.
func TestMetrics(t *testing.T) {
	m := metrics.New()
	s := newSite(t, Config{Metrics: m})
	get(s, "/ask?q=Hyperion&lang=en")
	get(s, "/api/ask?q=hi")
	get(s, "/p/1")
	get(s, "/nope")
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	out := rec.Body.String()
	for _, want := range []string{
		`interviewbot_http_requests_total{code="200",route="/api/ask"} 1`,
		`interviewbot_http_requests_total{code="200",route="/ask"} 1`,
		`interviewbot_http_requests_total{code="200",route="/p"} 1`,
		`interviewbot_http_requests_total{code="404",route="other"} 1`,
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("/metrics has no %q", want)
		}
	}
	if n := strings.Count(out, "\ninterviewbot_questions_total{"); n != 2 {
		t.Errorf("%d question series, want 2:\n%s", n, out)
	}
}

// TestAPI: the JSON is one line of ask -json; a locale adds the localized
// text.
func TestAPI(t *testing.T) {
	s := newSite(t, Config{})
	w := get(s, "/api/ask?q=Hyperion&locale=zh-Hans&k=2")
	body := w.Body.String()
	if !strings.HasSuffix(body, "}\n") || strings.Count(body, "\n") != 1 {
		t.Errorf("want one line: %q", body)
	}
	var a struct {
		Locale   string
		Passages []struct{ Text, Localized string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	if a.Locale != "zh-CN" || len(a.Passages) != 2 || a.Passages[0].Localized != language.Simplified.Pick("", a.Passages[0].Text) {
		t.Errorf("got %+v", a)
	}
}

// failingSearcher fails as a broken index might, with details no reader
// should see.
type failingSearcher struct{}

func (failingSearcher) Search(context.Context, index.Request) (*index.Result, error) {
	return nil, errors.New("bleve: segment 3 corrupt at /var/lib/interviewbot/index")
}

// TestSearchFails: a failure is a friendly page or JSON error and a log
// line; nothing internal reaches the reader.
func TestSearchFails(t *testing.T) {
	var buf bytes.Buffer
	s, err := New(Config{Searcher: failingSearcher{}, Article: loadArticle(t), Logger: slog.New(slog.NewJSONHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ target, want string }{
		{"/ask?q=Hyperion", "Something went wrong"},
		{"/api/ask?q=Hyperion", `"error":"the search failed: try again in a moment"`},
	} {
		t.Run(tt.target, func(t *testing.T) {
			w := get(s, tt.target)
			if w.Code != 500 || !strings.Contains(w.Body.String(), tt.want) {
				t.Errorf("status %d, want 500 and %q:\n%.300s", w.Code, tt.want, w.Body.String())
			}
			for _, leak := range []string{"bleve", "segment", "/var/lib"} {
				if strings.Contains(w.Body.String(), leak) {
					t.Errorf("the response shows %q", leak)
				}
			}
		})
	}
	if !strings.Contains(buf.String(), "segment 3 corrupt") {
		t.Errorf("the log does not say what failed:\n%s", buf.String())
	}
}

func TestNew(t *testing.T) {
	a := loadArticle(t)
	ix := realIndex(t)
	for _, tt := range []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"minimal", Config{Searcher: ix, Article: a}, true},
		{"no searcher", Config{Article: a}, false},
		{"no article", Config{Searcher: ix}, false},
		{"public URL", Config{Searcher: ix, Article: a, PublicURL: "https://bot.example.com/site/"}, true},
		{"relative public URL", Config{Searcher: ix, Article: a, PublicURL: "bot.example.com"}, false},
		{"ftp public URL", Config{Searcher: ix, Article: a, PublicURL: "ftp://bot.example.com"}, false},
		{"public URL with a query", Config{Searcher: ix, Article: a, PublicURL: "https://bot.example.com/?a=b"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if (err == nil) != tt.ok {
				t.Errorf("err %v, want ok %v", err, tt.ok)
			}
		})
	}
	t.Run("canonical links", func(t *testing.T) {
		s, err := New(Config{Searcher: ix, Article: a, PublicURL: "https://bot.example.com/site/"})
		if err != nil {
			t.Fatal(err)
		}
		if body := get(s, "/p/7?lang=en").Body.String(); !strings.Contains(body, `<link rel="canonical" href="https://bot.example.com/site/p/7">`) {
			t.Errorf("no canonical link:\n%.600s", body)
		}
	})
}

func TestMarked(t *testing.T) {
	text := "研究員在乎GPU和算力"
	at := func(s string) index.Span {
		i := strings.Index(text, s)
		return index.Span{Start: i, End: i + len(s)}
	}
	tests := []struct {
		name    string
		spans   []index.Span
		convert func(string) string
		want    string
	}{
		{"none", nil, nil, "研究員在乎GPU和算力"},
		{"two", []index.Span{at("研究員"), at("GPU")}, nil, "[研究員]在乎[GPU]和算力"},
		{"at the end", []index.Span{at("算力")}, nil, "研究員在乎GPU和[算力]"},
		{"overlapping and out of range are skipped", []index.Span{at("研究員"), at("研究"), {Start: 5, End: 999}, at("算力")}, nil, "[研究員]在乎GPU和[算力]"},
		{"converted piece by piece", []index.Span{at("研究員")}, func(s string) string { return language.Simplified.Pick("", s) }, "[研究员]在乎GPU和算力"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			for _, s := range marked(text, tt.spans, tt.convert) {
				if s.Mark {
					b.WriteString("[" + s.Text + "]")
				} else {
					b.WriteString(s.Text)
				}
			}
			if b.String() != tt.want {
				t.Errorf("got %s, want %s", b.String(), tt.want)
			}
		})
	}
}

func TestEmphasis(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain", "plain"},
		{"ask *Why GPUs?*, or pick", "ask _Why GPUs?_, or pick"},
		{"a * b", "a * b"}, // one asterisk is not markup
		{"*all*", "_all_"},
	} {
		var b strings.Builder
		for _, s := range emphasis(tt.in) {
			if s.Em {
				b.WriteString("_" + s.Text + "_")
			} else {
				b.WriteString(s.Text)
			}
		}
		if b.String() != tt.want {
			t.Errorf("emphasis(%q) = %q, want %q", tt.in, b.String(), tt.want)
		}
	}
}

// TestFixedPages: pages rendered once serve each reader their own
// language and links, whatever was asked before.
func TestFixedPages(t *testing.T) {
	s := newSite(t, Config{})
	first := get(s, "/p/5?lang=en").Body.String()
	if again := get(s, "/p/5?lang=en&utm=x").Body.String(); again != first {
		t.Error("the same page differs the second time")
	}
	for _, tt := range []struct{ target, accept, want, not string }{
		{"/p/5", "zh-TW", `<html lang="zh-Hant">`, `href="/p/4?lang=`},
		{"/p/5", "en", `<html lang="en">`, "?lang=en#p4"},
		{"/p/5?lang=zh-CN", "en", `href="/p/4?lang=zh-CN#p4"`, `<html lang="en">`},
		{"/ask?q=%20%01", "en", `href="/ask?lang=zh-TW"`, "%01"},
		{"/ask", "en", `href="/ask?lang=zh-TW"`, "%01"},
		{"/transcript?lang=zh-TW", "", `<html lang="zh-Hant">`, `<html lang="en">`},
		{"/transcript", "", `<html lang="en">`, "?lang=zh-TW#p"},
	} {
		t.Run(tt.target+" "+tt.accept, func(t *testing.T) {
			body := get(s, tt.target, "Accept-Language", tt.accept).Body.String()
			if !strings.Contains(body, tt.want) {
				t.Errorf("no %s", tt.want)
			}
			if strings.Contains(body, tt.not) {
				t.Errorf("has %s", tt.not)
			}
		})
	}
}

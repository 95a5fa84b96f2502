package web

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
)

// update rewrites the golden files: go test ./web -run TestGolden -update
var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// preparedSearcher answers the questions it was given results for, as the
// index might answer them: the golden pages stay the same when the index
// is tuned. It refuses what the index refuses, with the index's own
// check; any other question is a mistake in the test.
type preparedSearcher map[string]*index.Result

func (p preparedSearcher) Search(_ context.Context, req index.Request) (*index.Result, error) {
	if _, err := index.Clean(req.Question); err != nil {
		return nil, err
	}
	if res, ok := p[req.Question]; ok {
		return res, nil
	}
	return nil, fmt.Errorf("no prepared result for %q", req.Question)
}

// hit makes a search hit on passage id with the words zh and en marked,
// as the index would.
func hit(t *testing.T, a *data.Article, id string, zh, en []string) index.Hit {
	t.Helper()
	p, ok := a.ByID(id)
	if !ok {
		t.Fatalf("no passage %s", id)
	}
	spans := func(text string, words []string) []index.Span {
		var out []index.Span
		for _, w := range words {
			if i := strings.Index(text, w); i >= 0 {
				out = append(out, index.Span{Start: i, End: i + len(w)})
			}
		}
		slices.SortFunc(out, func(x, y index.Span) int { return x.Start - y.Start })
		return out
	}
	return index.Hit{Passage: p, Score: 1, Coverage: 0.5, Text: spans(p.Text, zh), English: spans(p.English, en)}
}

func loadArticle(t testing.TB) *data.Article {
	t.Helper()
	a, err := data.Load()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// goldenQuestions are the questions the golden pages ask, with their
// prepared results: one of each verdict.
func goldenQuestions(t *testing.T, a *data.Article) preparedSearcher {
	zh, en := []string{"研究員", "算力"}, []string{"researchers", "compute"}
	return preparedSearcher{
		"研究員為什麼在乎算力?": {Question: "研究員為什麼在乎算力?", Answered: true, Confidence: 0.8, Verdict: index.Answer, Hits: []index.Hit{
			hit(t, a, "i60", zh, en), hit(t, a, "s06", zh, en), hit(t, a, "i61", zh, en),
			hit(t, a, "i59", zh, en), hit(t, a, "s01", nil, nil),
		}},
		"Prometheus 會有幾張 GPU?": {Question: "Prometheus 會有幾張 GPU?", Verdict: index.Unsure, Confidence: 0.3, Hits: []index.Hit{
			hit(t, a, "i50", []string{"Prometheus"}, []string{"Prometheus"}), hit(t, a, "i54", nil, nil),
		}},
		"<script>alert(1)</script> weather on Mars?": {Question: "<script>alert(1)</script> weather on Mars?", Confidence: 0.1, Verdict: index.None,
			Hits: []index.Hit{hit(t, a, "i50", nil, nil)}},
		"hi": {Question: "hi", Verdict: index.Chat, Greeting: index.Hello},
	}
}

// fixedClock is a clock that moves only when told.
type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time      { return c.t }
func (c *fixedClock) Add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *fixedClock               { return &fixedClock{time.Date(2025, 7, 20, 12, 0, 0, 0, time.UTC)} }
func get(s http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	return do(s, http.MethodGet, target, header...)
}

func do(s http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// TestGolden renders every page in the three languages and compares it
// with testdata/golden. The answers are prepared, not searched, so that
// tuning the index does not change them.
func TestGolden(t *testing.T) {
	a := loadArticle(t)
	clock := newClock()
	site, err := New(Config{Searcher: goldenQuestions(t, a), Article: a, PublicURL: "https://bot.example.com/", RateBurst: 1, RateEvery: time.Minute, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ask := func(q string) string { return "/ask?q=" + url.QueryEscape(q) }
	pages := []struct {
		name, target string
		status       int
	}{
		{"home", "/", 200},
		{"answer", ask("研究員為什麼在乎算力?"), 200},
		{"unsure", ask("Prometheus 會有幾張 GPU?"), 200},
		{"none", ask("<script>alert(1)</script> weather on Mars?"), 200},
		{"chat", ask("hi"), 200},
		{"passage", "/p/74", 200},
		{"passage-first", "/p/1", 200},
		{"passage-last", "/p/88", 200},
		{"transcript", "/transcript", 200},
		{"not-found", "/p/89", 404},
		{"too-long", ask(strings.Repeat("字", index.MaxQuestionRunes+1)), 400},
		{"empty", ask("\x01\x02"), 400},
		{"slow-down", ask("hi"), 429}, // the second question of a burst of 1
	}
	langs := []struct{ name, header string }{
		{"zh-TW", "zh-TW,zh;q=0.9,en;q=0.5"},
		{"zh-CN", "zh-CN,zh;q=0.9"},
		{"en", "en-US,en;q=0.9"},
	}
	for _, l := range langs {
		for _, p := range pages {
			t.Run(p.name+"-"+l.name, func(t *testing.T) {
				if p.name == "slow-down" {
					clock.Add(0)
				} else {
					clock.Add(time.Hour) // a full allowance for every other page
				}
				w := get(site, p.target, "Accept-Language", l.header)
				if w.Code != p.status {
					t.Fatalf("status %d, want %d", w.Code, p.status)
				}
				checkPage(t, w.Body.String())
				// The assets' paths name their content: a change of style
				// is not a change of page.
				body := strings.NewReplacer(site.css, "/static/site.HASH.css", site.icon, "/static/icon.HASH.svg").Replace(w.Body.String())
				golden(t, filepath.Join("testdata", "golden", p.name+"-"+l.name+".html"), []byte(body))
			})
		}
	}
}

// checkPage checks what every page has: one h1, the landmarks, the skip
// link to main, a lang attribute, no script and no inline style.
func checkPage(t *testing.T, body string) {
	t.Helper()
	for _, want := range []string{`<html lang="`, `<a class="skip" href="#main">`, `<header class="site">`, `<main id="main"`, `<footer class="site">`, `<nav `} {
		if !strings.Contains(body, want) {
			t.Errorf("page has no %s", want)
		}
	}
	if n := strings.Count(body, "<h1"); n != 1 {
		t.Errorf("%d h1 headings, want 1", n)
	}
	for _, bad := range []string{"<script", "style=", "<style", "javascript:", "onload", "onclick"} {
		if strings.Contains(strings.ToLower(body), bad) {
			t.Errorf("page has %q", bad)
		}
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update if the change is intended):\n%s", path, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows where two texts part, line by line.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want %q\n  got  %q", i+1, wl, gl)
		}
	}
	return "(same lines)"
}

package web

import (
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// benchSite has no rate limit to speak of: the benchmarks measure pages.
func benchSite(b *testing.B) *Site {
	return newSite(b, Config{RateBurst: 1 << 30})
}

func benchGet(b *testing.B, s *Site, target string) {
	b.Helper()
	b.ReportAllocs()
	r := httptest.NewRequest("GET", target, nil)
	r.Header.Set("Accept-Language", "zh-TW,zh;q=0.9,en;q=0.5")
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkAskPage is an answer page for a question asked before (the
// index caches its answers): rendering, mostly.
func BenchmarkAskPage(b *testing.B) {
	benchGet(b, benchSite(b), "/ask?q="+url.QueryEscape("小扎為什麼說研究員更在乎GPU?"))
}

// BenchmarkAskPageNew is an answer page for a question never asked
// before: a fresh search each time.
func BenchmarkAskPageNew(b *testing.B) {
	s := benchSite(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		r := httptest.NewRequest("GET", "/ask?q="+url.QueryEscape("研究員為什麼在乎GPU 第"+strconv.Itoa(i)+"次"), nil)
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

func BenchmarkAPI(b *testing.B) {
	benchGet(b, benchSite(b), "/api/ask?q="+url.QueryEscape("Hyperion 要擴到多大?"))
}

func BenchmarkPassagePage(b *testing.B) { benchGet(b, benchSite(b), "/p/75") }

func BenchmarkTranscript(b *testing.B) { benchGet(b, benchSite(b), "/transcript") }

func BenchmarkHome(b *testing.B) { benchGet(b, benchSite(b), "/") }

// FuzzAsk: whatever comes in the address, an answer page is a page: a
// status the site means, valid UTF-8, nothing of the question unescaped,
// and never an error of the server's.
func FuzzAsk(f *testing.F) {
	for _, q := range []string{"Hyperion", "研究員為什麼在乎GPU?", "<script>alert(1)</script>", "\xff\xfe", "%zz", "hi", "", "q=a&q=b", strings.Repeat("字", 1001)} {
		f.Add(q, "zh-TW")
	}
	s := newSite(f, Config{RateBurst: 1 << 30})
	f.Fuzz(func(t *testing.T, q, lang string) {
		for _, target := range []string{
			"/ask?q=" + url.QueryEscape(q) + "&lang=" + url.QueryEscape(lang),
			"/ask?" + q, // raw, as a forged address may be
			"/api/ask?q=" + url.QueryEscape(q),
		} {
			r := httptest.NewRequest("GET", "/", nil)
			r.URL.RawQuery = strings.TrimPrefix(target[strings.Index(target, "?"):], "?")
			r.URL.Path = target[:strings.Index(target, "?")]
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			switch w.Code {
			case 200, 400, 414:
			default:
				t.Fatalf("%s: status %d", target, w.Code)
			}
			body := w.Body.String()
			if !utf8.ValidString(body) {
				t.Fatalf("%s: not UTF-8", target)
			}
			if strings.Contains(strings.ToLower(body), "<script") {
				t.Fatalf("%s: a script in the page", target)
			}
		}
	})
}

// Package web is the bot's public web site: the page every answer can link
// to. It asks the same index the bot asks and shows the same outcomes:
//
//	/             the question box and the topics
//	/ask?q=       the answer, as a page
//	/p/{n}        passage n among its neighbours, highlighted
//	/transcript   the whole interview, an anchor per passage
//	/api/ask?q=   the answer as JSON, exactly one line of `ask -json`
//
// It is safe by construction: every page is an html/template, there is no
// script at all, the one stylesheet is embedded and served from the site,
// and a strict Content-Security-Policy says so to the browser. Questions
// are rate-limited per client, bounded in length, and never logged unless
// the operator asks for it. The site serves only GET and HEAD.
//
// It does not serve /healthz, /readyz or /metrics: those stay with the
// bot's server, and /metrics belongs on an address of its own that the
// public never reaches; here it is a page not found.
package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Searcher answers questions. *index.Index implements it.
type Searcher interface {
	Search(ctx context.Context, req index.Request) (*index.Result, error)
}

// Metrics records what the site does. *metrics.Metrics implements
// it: requests by route and status, questions by outcome, search time.
type Metrics interface {
	HTTPRequest(route string, code int)
	Interaction(command, locale, outcome string, took time.Duration)
	Search(took time.Duration)
}

// Limiter takes one question from a client's allowance, or says how long
// until the client may ask again. *bot.Limiter implements it.
type Limiter interface {
	Allow(key string) (bool, time.Duration)
}

// Defaults of Config.
const (
	// DefaultRateBurst and DefaultRateEvery: a client (one address) may
	// ask 10 questions at once, then one a second. More generous than the
	// bot's per-member limit, because one address may be a whole office
	// behind one NAT; still far below what would cost the server.
	DefaultRateBurst = 10
	DefaultRateEvery = time.Second
	// hitsPerAnswer is how many passages an answer page shows: the best
	// in full, the others compact.
	hitsPerAnswer = 5
	// apiHits is the number of passages /api/ask returns unless k says,
	// the default of ask -k.
	apiHits = 3
	// searchTimeout bounds one search; the index answers in about a
	// millisecond.
	searchTimeout = 3 * time.Second
	// maxRawQuery bounds the query string read at all: a question of
	// index.MaxQuestionRunes Chinese characters, percent-encoded, is 9 KB.
	maxRawQuery = 12 << 10
)

// Config is what the site needs. Searcher and Article are required.
type Config struct {
	Searcher Searcher
	Article  *data.Article
	// Logger logs one line per question and every failure; nil discards.
	Logger *slog.Logger
	// LogQuestions logs the text of questions; off by default for privacy.
	LogQuestions bool
	// PublicURL is the site's address as the public reaches it
	// ("https://bot.example.com"), for canonical links; "" for none.
	PublicURL string
	// Limiter throttles clients; nil uses a per-address token bucket of
	// RateBurst questions, refilled one every RateEvery (DefaultRateBurst
	// and DefaultRateEvery when zero), on the clock Now.
	Limiter   Limiter
	RateBurst int
	RateEvery time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client. Empty: the connection's address is the client, whatever
	// the headers say.
	TrustedProxies []netip.Prefix
	// Metrics is optional.
	Metrics Metrics
	// Now is the clock; nil uses time.Now.
	Now func() time.Time
}

// Site is the web site. It is an http.Handler, safe for concurrent use.
type Site struct {
	search    Searcher
	article   *data.Article
	log       *slog.Logger
	logQs     bool
	publicURL string
	limiter   Limiter
	proxies   []netip.Prefix
	metrics   Metrics
	now       func() time.Time

	pages  map[string]*template.Template
	fixed  sync.Map         // fixedKey → []byte: pages rendered once
	assets map[string]asset // by path
	css    string           // the stylesheet's path, which names its content
	icon   string
	mux    *http.ServeMux
}

// asset is an embedded file served as it is.
type asset struct {
	body        []byte
	contentType string
	cache       string
}

// New returns the site.
func New(cfg Config) (*Site, error) {
	if cfg.Searcher == nil || cfg.Article == nil || len(cfg.Article.Passages) == 0 {
		return nil, errors.New("web: a Searcher and an Article with passages are required")
	}
	s := &Site{
		search: cfg.Searcher, article: cfg.Article, log: cfg.Logger, logQs: cfg.LogQuestions,
		limiter: cfg.Limiter, proxies: cfg.TrustedProxies, metrics: cfg.Metrics, now: cfg.Now,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("web: public URL %q: want an absolute http or https URL without query", cfg.PublicURL)
		}
		s.publicURL = strings.TrimRight(u.String(), "/")
	}
	if s.limiter == nil {
		burst, every := cfg.RateBurst, cfg.RateEvery
		if burst <= 0 {
			burst = DefaultRateBurst
		}
		if every <= 0 {
			every = DefaultRateEvery
		}
		s.limiter = bot.NewLimiter(burst, every, s.now)
	}
	if err := s.loadAssets(); err != nil {
		return nil, err
	}
	if err := s.loadTemplates(); err != nil {
		return nil, err
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("/{$}", s.home)
	s.mux.HandleFunc("/ask", s.ask)
	s.mux.HandleFunc("/api/ask", s.api)
	s.mux.HandleFunc("/p/{n}", s.passage)
	s.mux.HandleFunc("/transcript", s.transcript)
	s.mux.HandleFunc("/static/{name}", s.static)
	s.mux.HandleFunc("/favicon.ico", s.static)
	s.mux.HandleFunc("/robots.txt", s.static)
	s.mux.HandleFunc("/", s.notFound)
	return s, nil
}

func (s *Site) loadAssets() error {
	s.assets = map[string]asset{}
	const year = "public, max-age=31536000, immutable"
	for _, f := range []struct{ name, contentType string }{
		{"site.css", "text/css; charset=utf-8"},
		{"icon.svg", "image/svg+xml"},
	} {
		b, err := staticFS.ReadFile("static/" + f.name)
		if err != nil {
			return fmt.Errorf("web: %w", err)
		}
		// The path names the content, so that a browser may keep it for
		// a year and still never use an old one.
		sum := sha256.Sum256(b)
		ext := path.Ext(f.name)
		p := "/static/" + strings.TrimSuffix(f.name, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		s.assets[p] = asset{b, f.contentType, year}
		switch f.name {
		case "site.css":
			s.css = p
		case "icon.svg":
			s.icon = p
			s.assets["/favicon.ico"] = asset{b, f.contentType, "public, max-age=86400"}
		}
	}
	s.assets["/robots.txt"] = asset{[]byte(robots), "text/plain; charset=utf-8", "public, max-age=86400"}
	return nil
}

// robots lets crawlers read the transcript and the passages, not ask
// questions: every topic link would cost a search.
const robots = "User-agent: *\nDisallow: /ask\nDisallow: /api/\n"

func (s *Site) loadTemplates() error {
	base, err := template.New("").ParseFS(templateFS, "templates/layout.tmpl")
	if err != nil {
		return fmt.Errorf("web: templates: %w", err)
	}
	s.pages = map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.tmpl")
	if err != nil {
		return fmt.Errorf("web: templates: %w", err)
	}
	for _, name := range names {
		page := strings.TrimSuffix(path.Base(name), ".tmpl")
		if page == "layout" {
			continue
		}
		t, err := base.Clone()
		if err == nil {
			t, err = t.ParseFS(templateFS, name)
		}
		if err != nil {
			return fmt.Errorf("web: templates: %w", err)
		}
		s.pages[page] = t
	}
	return nil
}

// securityHeaders go on every response. The policy allows the site's own
// stylesheet and images and nothing else: no script, no frame, no form
// that posts elsewhere, no <base>.
func securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
}

// ServeHTTP serves one request.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header())
	sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		sw.Header().Set("Allow", "GET, HEAD")
		s.fail(sw, r, failure{status: http.StatusMethodNotAllowed, rd: readerOf(r, nil, "")})
	case len(r.URL.RawQuery) > maxRawQuery:
		s.fail(sw, r, failure{status: http.StatusRequestURITooLong, rd: readerOf(r, nil, ""), form: true})
	default:
		s.mux.ServeHTTP(sw, r)
	}
	if s.metrics != nil {
		s.metrics.HTTPRequest(routeLabel(r.URL.Path), sw.code)
	}
}

// routeLabel keeps the route label's values few: any path a scanner tries
// is "other".
func routeLabel(p string) string {
	switch {
	case p == "/", p == "/ask", p == "/api/ask", p == "/transcript":
		return p
	case strings.HasPrefix(p, "/p/"):
		return "/p"
	case strings.HasPrefix(p, "/static/"), p == "/favicon.ico", p == "/robots.txt":
		return "/static"
	}
	return "other"
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// static serves the embedded files by their content-named paths.
func (s *Site) static(w http.ResponseWriter, r *http.Request) {
	a, ok := s.assets[r.URL.Path]
	if !ok {
		s.notFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", a.cache)
	_, _ = w.Write(a.body)
}

// render writes page name with status. The page is rendered whole before
// anything is written, so a failure is a clean error page, never half a
// page.
func (s *Site) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	b, err := s.execute(name, p)
	if err != nil {
		s.log.Error("web page failed", "path", r.URL.Path, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	writePage(w, status, b)
}

// fixedKey names a page that depends on nothing but its path and its
// reader: the home page, a passage, the transcript.
type fixedKey struct {
	path   string
	lang   language.Lang
	chosen string
}

// renderFixed writes the page at r's path for rd, built and rendered by
// build the first time only: later requests get the same bytes. Callers
// pass only paths that exist, and a reader chooses at most its own
// language, so there are at most six of each page: 546 pages, about 2 MB,
// once every one has been asked for.
func (s *Site) renderFixed(w http.ResponseWriter, r *http.Request, rd reader, name string, build func() *page) {
	key := fixedKey{r.URL.Path, rd.lang, rd.chosen}
	if b, ok := s.fixed.Load(key); ok {
		writePage(w, http.StatusOK, b.([]byte))
		return
	}
	b, err := s.execute(name, build())
	if err != nil {
		s.log.Error("web page failed", "path", r.URL.Path, "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	s.fixed.Store(key, b)
	writePage(w, http.StatusOK, b)
}

func (s *Site) execute(name string, p *page) ([]byte, error) {
	t, ok := s.pages[name]
	if !ok {
		return nil, fmt.Errorf("no template %s", name)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writePage(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The language of a page may come from Accept-Language.
	h.Set("Vary", "Accept-Language")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

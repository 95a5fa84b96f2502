package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/answer"
	"github.com/interviewbot/interviewbot/internal/language"
)

// page is what the layout shows around every page's content.
type page struct {
	T         *texts
	Lang      string
	Title     string
	Canonical string
	NoIndex   bool
	CSS, Icon string
	Nav       navView
	Langs     []langLink
	Form      *formView
	Notice    *message
	Source    string
	API       string

	Home       []topicView
	Ask        *askView
	Context    *contextView
	Transcript []sectionView
	Message    *message
}

type navView struct{ Home, Transcript, Current string }

type langLink struct {
	Href, Name, HTMLLang string
	Current              bool
}

// formView is the question box: what it holds, and the language the
// reader chose, which a new question keeps.
type formView struct {
	Query, QueryLang, Chosen string
}

type message struct{ Title, Body string }

// askView is an answer page.
type askView struct {
	Question     string
	QuestionLang string
	// Verdict is index.Verdict's: answer, unsure, none or chat.
	Verdict string
	Caveat  string
	Best    *passageView
	Others  []passageView
	Chat    *text
	Topics  []topicView
}

// contextView is a passage's page: the passage between its neighbours.
type contextView struct {
	Title         string
	Current       passageView
	AskedFirst    *passageView // the host's question, when it is not a neighbour
	Before, After []passageView
	Prev, Next    string
	Transcript    string
}

type sectionView struct {
	ID, Title string
	Turns     []turnView
}

// turnView is one speaker's turn; Speaker is empty in the summary, whose
// heading already says who writes.
type turnView struct {
	Speaker, Role string
	Passages      []passageView
}

// newPage is a page for rd at r's path, titled title (the site's name
// follows).
func (s *Site) newPage(r *http.Request, rd reader, title string, v url.Values) *page {
	t := textsFor(rd.lang)
	p := &page{
		T: t, Lang: htmlLang[rd.lang], Title: t.SiteName, CSS: s.css, Icon: s.icon,
		Nav:    navView{Home: rd.link("/", ""), Transcript: rd.link("/transcript", "")},
		Source: s.article.Source, API: rd.link("/api/ask", "", "q", "Hyperion"),
	}
	if title != "" {
		p.Title = title + " – " + t.SiteName
	}
	p.Langs = langLinks(r, rd, v, "")
	return p
}

// langLinks link to this page in each language: the same path, the same
// question, and fragment.
func langLinks(r *http.Request, rd reader, v url.Values, fragment string) []langLink {
	var out []langLink
	q := v.Get("q")
	for _, l := range []language.Lang{language.Traditional, language.Simplified, language.English} {
		other := reader{lang: l, chosen: localeOf[l]}
		href := other.link(r.URL.Path, fragment)
		if q != "" && r.URL.Path == "/ask" {
			href = other.link(r.URL.Path, fragment, "q", q)
		}
		out = append(out, langLink{Href: href, Name: langName[l], HTMLLang: htmlLang[l], Current: l == rd.lang})
	}
	return out
}

func (s *Site) canonical(p string) string {
	if s.publicURL == "" {
		return ""
	}
	return s.publicURL + p
}

// query parses the query string. A malformed one (a stray % that is not
// an escape) is refused rather than read in part.
func (s *Site) query(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		s.fail(w, r, failure{status: http.StatusBadRequest, rd: readerOf(r, nil, ""), title: textsOf(r).BadTitle, body: textsOf(r).Bad, form: true})
		return nil, false
	}
	return v, true
}

func textsOf(r *http.Request) *texts { return textsFor(readerOf(r, nil, "").lang) }

// home is the question box and the topics.
func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	v, ok := s.query(w, r)
	if !ok {
		return
	}
	s.renderHome(w, r, readerOf(r, v, ""), http.StatusOK, nil)
}

func (s *Site) renderHome(w http.ResponseWriter, r *http.Request, rd reader, status int, notice *message) {
	build := func() *page {
		// Nothing of the address but its path and language: a blank
		// question is no question.
		p := s.newPage(r, rd, "", nil)
		p.Nav.Current = "home"
		p.Canonical = s.canonical("/")
		p.Form = &formView{Chosen: rd.chosen}
		p.Notice = notice
		p.Home = topics(s.article, rd, nil)
		if r.URL.Path != "/" {
			p.NoIndex = true
		}
		return p
	}
	if notice != nil || status != http.StatusOK {
		s.render(w, r, status, "home", build())
		return
	}
	s.renderFixed(w, r, rd, "home", build)
}

// ask answers a question as a page. An empty question is the home page.
func (s *Site) ask(w http.ResponseWriter, r *http.Request) {
	v, ok := s.query(w, r)
	if !ok {
		return
	}
	q := v.Get("q")
	rd := readerOf(r, v, q)
	if strings.TrimSpace(q) == "" {
		s.renderHome(w, r, rd, http.StatusOK, nil)
		return
	}
	t := textsFor(rd.lang)
	start := s.now()
	if ok, wait := s.limiter.Allow(s.client(r)); !ok {
		s.slowDown(w, r, rd, wait)
		s.record(r, "web-ask", rd, "rate-limited", http.StatusTooManyRequests, start, q)
		return
	}
	res, err := s.searchFor(r.Context(), q, hitsPerAnswer)
	switch {
	case errors.Is(err, index.ErrEmpty):
		s.renderHome(w, r, rd, http.StatusBadRequest, &message{t.EmptyTitle, t.Empty})
		s.record(r, "web-ask", rd, "invalid", http.StatusBadRequest, start, q)
		return
	case errors.Is(err, index.ErrTooLong):
		s.fail(w, r, failure{status: http.StatusBadRequest, rd: rd, title: t.TooLongTitle, body: fmt.Sprintf(t.TooLong, index.MaxQuestionRunes), form: true})
		s.record(r, "web-ask", rd, "invalid", http.StatusBadRequest, start, q)
		return
	case err != nil:
		s.log.Error("web search failed", "route", "/ask", "err", err)
		s.fail(w, r, failure{status: http.StatusInternalServerError, rd: rd})
		s.record(r, "web-ask", rd, "error", http.StatusInternalServerError, start, q)
		return
	}
	p := s.newPage(r, rd, clip(res.Question, 60), v)
	p.NoIndex = true
	p.Form = &formView{Query: res.Question, QueryLang: htmlLang[language.For("", res.Question)], Chosen: rd.chosen}
	p.Ask = answerView(s.article, rd, res)
	s.render(w, r, http.StatusOK, "ask", p)
	s.record(r, "web-ask", rd, outcome(res.Verdict), http.StatusOK, start, q)
}

// answerView is what an answer page shows for a verdict, as the bot
// shows it: the best passage in full then the next ones compact; for an
// unsure answer the caveat over the closest passage; for none, topics
// instead; for small talk, a reply in kind and the topics.
func answerView(a *data.Article, rd reader, res *index.Result) *askView {
	v := &askView{Question: res.Question, QuestionLang: htmlLang[language.For("", res.Question)], Verdict: string(res.Verdict)}
	switch {
	case res.Verdict == index.Chat:
		v.Chat = &text{Lang: htmlLang[rd.lang], Segs: emphasis(bot.ChatText(res.Greeting, rd.lang))}
		v.Topics = topics(a, rd, nil)
	case len(res.Hits) == 0 || res.Verdict != index.Answer && res.Verdict != index.Unsure:
		v.Verdict = string(index.None)
		ids := suggestedTopics(a, res.Hits)
		v.Topics = topics(a, rd, ids[:min(6, len(ids))])
	default:
		best := res.Hits[0]
		bv := view(a, rd, best.Passage, best.Text, best.English, false)
		v.Best = &bv
		if res.Verdict == index.Unsure {
			v.Caveat = bot.UnsureText(rd.lang)
			break
		}
		for _, h := range res.Hits[1:] {
			v.Others = append(v.Others, view(a, rd, h.Passage, h.Text, h.English, false))
		}
	}
	return v
}

// outcome names a verdict in logs and metrics, as the bot does.
func outcome(v index.Verdict) string {
	switch v {
	case index.Answer:
		return "answered"
	case index.Unsure:
		return "unsure"
	case index.Chat:
		return "chat"
	}
	return "no-answer"
}

func (s *Site) searchFor(ctx context.Context, q string, limit int) (*index.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, searchTimeout)
	defer cancel()
	start := s.now()
	res, err := s.search.Search(ctx, index.Request{Question: q, Limit: limit})
	if s.metrics != nil {
		s.metrics.Search(s.now().Sub(start))
	}
	return res, err
}

// record logs a question, and counts it: one line each, with the text of
// the question only when the operator asked for it.
func (s *Site) record(r *http.Request, command string, rd reader, outcome string, status int, start time.Time, q string) {
	took := s.now().Sub(start)
	attrs := []any{"route", r.URL.Path, "lang", localeOf[rd.lang], "outcome", outcome, "status", status, "took", took}
	if s.logQs {
		attrs = append(attrs, "question", clip(oneLine(strings.ToValidUTF8(q, "\uFFFD")), 300))
	}
	s.log.Info("web question", attrs...)
	if s.metrics != nil {
		s.metrics.Interaction(command, localeOf[rd.lang], outcome, took)
	}
}

// api answers a question with exactly what one line of `ask -json` says,
// given the same question, -k and -locale (k, lang or locale here).
func (s *Site) api(w http.ResponseWriter, r *http.Request) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeAnswer(w, http.StatusBadRequest, answer.Refused("", "the address is malformed: encode the question with %XX escapes", ""))
		return
	}
	q := v.Get("q")
	locale := ""
	for _, k := range []string{"lang", "locale"} {
		if !v.Has(k) {
			continue
		}
		l, ok := answer.ReadingLocale(v.Get(k))
		if !ok {
			writeAnswer(w, http.StatusBadRequest, answer.Refused(clip(q, 100), k+" is not a reading locale: use zh-TW (the original, Traditional), zh-CN (Simplified) or en", ""))
			return
		}
		locale = l
	}
	k := apiHits
	if v.Has("k") {
		n, err := strconv.Atoi(v.Get("k"))
		if err != nil || n < 1 || n > index.MaxLimit {
			writeAnswer(w, http.StatusBadRequest, answer.Refused(clip(q, 100), fmt.Sprintf("k must be between 1 and %d", index.MaxLimit), locale))
			return
		}
		k = n
	}
	rd := reader{lang: language.For(locale, q), chosen: locale}
	start := s.now()
	if ok, wait := s.limiter.Allow(s.client(r)); !ok {
		secs := retrySeconds(wait)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		writeAnswer(w, http.StatusTooManyRequests, answer.Refused(clip(q, 100), fmt.Sprintf("too many questions: try again in %d s", secs), locale))
		s.record(r, "api-ask", rd, "rate-limited", http.StatusTooManyRequests, start, q)
		return
	}
	res, err := s.searchFor(r.Context(), q, k)
	status, out := http.StatusOK, ""
	switch {
	case errors.Is(err, index.ErrEmpty) || errors.Is(err, index.ErrTooLong):
		status, out = http.StatusBadRequest, "invalid"
	case err != nil:
		s.log.Error("web search failed", "route", "/api/ask", "err", err)
		writeAnswer(w, http.StatusInternalServerError, answer.Refused(clip(q, 100), "the search failed: try again in a moment", locale))
		s.record(r, "api-ask", rd, "error", http.StatusInternalServerError, start, q)
		return
	default:
		out = outcome(res.Verdict)
	}
	writeAnswer(w, status, answer.New(s.article, q, res, err, locale))
	s.record(r, "api-ask", rd, out, status, start, q)
}

func writeAnswer(w http.ResponseWriter, status int, a answer.Answer) {
	b, err := answer.Marshal(a)
	if err != nil { // an Answer is plain data: cannot happen
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// passage is /p/{n}: passage n between its neighbours, highlighted.
func (s *Site) passage(w http.ResponseWriter, r *http.Request) {
	v, ok := s.query(w, r)
	if !ok {
		return
	}
	rd := readerOf(r, v, "")
	n, ok := position(r.PathValue("n"), len(s.article.Passages))
	if !ok {
		t := textsFor(rd.lang)
		s.fail(w, r, failure{status: http.StatusNotFound, rd: rd, title: t.NotFoundTitle, body: fmt.Sprintf(t.NoPassage, len(s.article.Passages))})
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	s.renderFixed(w, r, rd, "passage", func() *page { return s.passagePage(r, rd, v, n) })
}

// passagePage is passage n between its neighbours.
func (s *Site) passagePage(r *http.Request, rd reader, v url.Values, n int) *page {
	a := s.article
	t := textsFor(rd.lang)
	cur, _ := a.At(n)
	c := &contextView{
		Title:      fmt.Sprintf(t.PassageN, n, len(a.Passages)),
		Current:    view(a, rd, cur, nil, nil, true),
		Transcript: rd.link("/transcript", anchor(n)),
	}
	if prev, ok := a.At(n - 1); ok {
		c.Before = []passageView{view(a, rd, prev, nil, nil, false)}
		c.Prev = passageHref(rd, n-1)
	}
	if next, ok := a.At(n + 1); ok {
		c.After = []passageView{view(a, rd, next, nil, nil, false)}
		c.Next = passageHref(rd, n+1)
	}
	// The host's question: shown as the neighbour before when it is, else
	// first, apart, as the bot's context shows it.
	if q, ok := a.ByID(cur.QuestionID); ok {
		if q.Position < n-1 {
			qv := view(a, rd, q, nil, nil, false)
			c.AskedFirst = &qv
			c.AskedFirst.Label = t.HostAsked
		} else if len(c.Before) > 0 && c.Before[0].N == q.Position {
			c.Before[0].Label = t.HostAsked
		}
		c.Current.Asked = nil
	}
	p := s.newPage(r, rd, c.Title, v)
	p.Langs = langLinks(r, rd, v, anchor(n))
	p.Canonical = s.canonical("/p/" + strconv.Itoa(n))
	p.Context = c
	p.Nav.Current = "passage"
	return p
}

// position reads a passage number as written in links: decimal, no sign,
// no leading zero, 1 to total.
func position(s string, total int) (int, bool) {
	if s == "" || len(s) > 6 || s[0] == '0' {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > total {
		return 0, false
	}
	return n, true
}

// transcript is the whole interview, each passage with its anchor.
func (s *Site) transcript(w http.ResponseWriter, r *http.Request) {
	v, ok := s.query(w, r)
	if !ok {
		return
	}
	rd := readerOf(r, v, "")
	w.Header().Set("Cache-Control", "public, max-age=300")
	s.renderFixed(w, r, rd, "transcript", func() *page {
		p := s.newPage(r, rd, textsFor(rd.lang).TranscriptTitle, v)
		p.Nav.Current = "transcript"
		p.Canonical = s.canonical("/transcript")
		p.Transcript = transcriptView(s.article, rd)
		return p
	})
}

func transcriptView(a *data.Article, rd reader) []sectionView {
	t := textsFor(rd.lang)
	var out []sectionView
	for i := range a.Passages {
		p := &a.Passages[i]
		if len(out) == 0 || string(p.Section) != out[len(out)-1].ID {
			title := t.Interview
			if p.Section == data.Summary {
				title = t.Summary
			}
			out = append(out, sectionView{ID: string(p.Section), Title: title})
		}
		sec := &out[len(out)-1]
		if len(sec.Turns) == 0 || p.Section == data.Interview && p.Turn != a.Passages[i-1].Turn {
			tv := turnView{Role: role(p)}
			if p.Section == data.Interview {
				tv.Speaker = rd.lang.Pick(p.SpeakerEN, p.Speaker)
			}
			sec.Turns = append(sec.Turns, tv)
		}
		turn := &sec.Turns[len(sec.Turns)-1]
		pv := view(a, rd, p, nil, nil, false)
		pv.Asked = nil
		turn.Passages = append(turn.Passages, pv)
	}
	return out
}

// notFound is every path the site does not have.
func (s *Site) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, failure{status: http.StatusNotFound, rd: readerOf(r, nil, "")})
}

// failure is a request the site cannot answer as asked, in words for the
// reader; the defaults by status are in fail.
type failure struct {
	status      int
	rd          reader
	title, body string
	form        bool // offer the question box
}

// fail answers with a friendly page. Nothing internal is ever on it.
func (s *Site) fail(w http.ResponseWriter, r *http.Request, f failure) {
	t := textsFor(f.rd.lang)
	if f.title == "" {
		switch f.status {
		case http.StatusNotFound:
			f.title, f.body = t.NotFoundTitle, t.NotFound
		case http.StatusMethodNotAllowed:
			f.title, f.body = t.MethodTitle, t.Method
		case http.StatusRequestURITooLong:
			f.title, f.body = t.TooLongTitle, fmt.Sprintf(t.TooLong, index.MaxQuestionRunes)
		default:
			f.title, f.body = t.FailedTitle, t.Failed
		}
	}
	p := s.newPage(r, f.rd, f.title, nil)
	p.NoIndex = true
	p.Message = &message{f.title, f.body}
	if f.form {
		p.Form = &formView{Chosen: f.rd.chosen}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, f.status, "message", p)
}

// slowDown is the answer to a client over its rate: 429 with Retry-After.
func (s *Site) slowDown(w http.ResponseWriter, r *http.Request, rd reader, wait time.Duration) {
	t := textsFor(rd.lang)
	secs := retrySeconds(wait)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	s.fail(w, r, failure{status: http.StatusTooManyRequests, rd: rd, title: t.SlowTitle, body: fmt.Sprintf(t.SlowDown, secs)})
}

func retrySeconds(wait time.Duration) int { return max(int(math.Ceil(wait.Seconds())), 1) }

// Package index finds the passages of the interview that answer a question,
// in Traditional Chinese, Simplified Chinese or English, or says that the
// interview has no good answer. It builds a bleve v2 index in memory from the
// embedded passages at start-up.
//
// How it works, and why (figures are from the tuning and dev sets, see
// quality_test.go):
//   - Chinese is folded to one canonical form, mainland Simplified
//     (zhconv.Mainland), in the index and in the query, so 資料中心, 數據中心 and
//     数据中心 are one word. Then overlapping bigrams plus unigrams.
//   - English questions meet the English rendering of every passage, stemmed
//     by bleve's en analyzer; Latin words in Chinese questions (GPU, Hyperion,
//     Llama) meet both sides.
//   - Every passage also carries search aids written from its own content:
//     keywords and the questions it answers, in both languages. They weigh
//     less than the text itself but bridge paraphrases.
//   - Answers inherit, with a low weight, the host question they answer.
//   - A small expansion table maps nicknames and everyday synonyms that
//     bigrams cannot (小扎 → 扎克伯格, Zuck → Zuckerberg); see expand.go.
//   - The host's lines rank below answers, the editor's summary below the
//     interview, and a question about how the interview opened or ended
//     lifts its first or last turns (place.go).
//   - Scoring is bleve's BM25. Whether to answer at all is decided by how much
//     of the question the best passage covers (confidence.go), not by the raw
//     score, which is not comparable between questions.
package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index/zhconv"
)

// Field boosts, measured on the tuning set.
const (
	boostText = 1.0
	boostAids = 2.5
	// The English renderings are one wording of a translation; questions
	// in English meet the aids' paraphrases more often than the rendering.
	boostAidsEN  = 5.0
	boostContext = 0.5
	boostFuzzy   = 0.3
	// expansions are guesses at what the asker meant: they rank below the
	// asker's own words
	boostExpansion = 0.5
	// hostWeight scales the host's lines: a question usually wants the
	// answer, not the host's own question, unless it asks about the host.
	hostWeight = 0.45
	// summaryWeight scales the editor's summary, which retells the answers
	// in fewer words: BM25 favours short passages, the reader the original.
	summaryWeight = 0.7
	rerankDepth   = 20
	// placeWeight lifts the first or last turns of the interview for a
	// question about how it started or ended.
	placeWeight = 2.0
	// maxQueryTerms bounds the Chinese terms one question searches for. A
	// pasted paragraph makes hundreds, and the search slows with each; the
	// rarest say the most about which passage is meant.
	maxQueryTerms = 96
)

// Index answers questions about one article. It is safe for concurrent use.
type Index struct {
	article *data.Article
	bleve   bleve.Index
	zh, en  analysis.Analyzer
	stats   *termStats
	suggest *suggester
	cache   *resultCache
	marks   []passageMarks
	// zhFold and enFold fold synonyms for confidence (confidence.go)
	zhFold, enFold folder
}

// Options tune an Index.
type Options struct {
	// CacheSize is how many recent answers to keep; 0 keeps none.
	CacheSize int
}

// DefaultCacheSize is a cache for a busy community: a few megabytes.
const DefaultCacheSize = 4096

// Hit is one passage found for a question.
type Hit struct {
	Passage *data.Passage
	// Score is bleve's BM25 score; only comparable within one question.
	Score float64
	// Coverage is how much of the question this passage covers, 0 to 1.
	Coverage float64
	// Text and English mark the matched words in Passage.Text and
	// Passage.English (byte offsets, sorted, not overlapping).
	Text, English []Span
}

// Span is a half-open byte range [Start, End).
type Span struct{ Start, End int }

// Result is the answer to one question.
type Result struct {
	// Question is the cleaned question that was searched.
	Question string
	// Answered is false when the interview has no good answer.
	Answered bool
	// Confidence is the best hit's coverage, 0 to 1.
	Confidence float64
	// Hits are the best passages, best first. They are present even when
	// Answered is false (as hints); callers decide whether to show them.
	Hits []Hit
	// Total is how many passages matched at all.
	Total int
}

// Request asks for Limit hits after skipping Offset.
type Request struct {
	Question string
	Limit    int
	Offset   int
}

// MaxLimit caps how many hits one request may ask for.
const MaxLimit = 50

// New builds the index for an article, with the default options.
func New(a *data.Article) (*Index, error) {
	return NewWithOptions(a, Options{CacheSize: DefaultCacheSize})
}

// NewWithOptions builds the index for an article.
func NewWithOptions(a *data.Article, opts Options) (*Index, error) {
	m, err := newMapping()
	if err != nil {
		return nil, fmt.Errorf("index mapping: %w", err)
	}
	// NewMemOnly would silently ignore BM25: scorch in memory does not.
	b, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("create index: %w", err)
	}
	ix := &Index{
		article: a, bleve: b, cache: newResultCache(opts.CacheSize),
		zhFold: newFolder(zhGroups), enFold: newFolder(enGroups),
	}
	if ix.zh, ix.en, err = analyzers(m); err != nil {
		return nil, err
	}
	batch := b.NewBatch()
	docs := make([]map[string]string, len(a.Passages))
	for i := range a.Passages {
		docs[i] = document(a, &a.Passages[i])
		if err := batch.Index(a.Passages[i].ID, docs[i]); err != nil {
			return nil, fmt.Errorf("index passage %s: %w", a.Passages[i].ID, err)
		}
	}
	// The statistics for confidence analyse the same text again; they need
	// nothing from bleve, so both run at once.
	stats := make(chan *termStats, 1)
	go func() { stats <- newTermStats(ix, docs) }()
	err = b.Batch(batch)
	ix.stats = <-stats
	if err != nil {
		return nil, fmt.Errorf("index passages: %w", err)
	}
	if ix.suggest, err = newSuggester(ix); err != nil {
		return nil, err
	}
	ix.marks = ix.newMarks(a)
	return ix, nil
}

func analyzers(m *mapping.IndexMappingImpl) (zh, en analysis.Analyzer, err error) {
	zh, en = m.AnalyzerNamed(analyzerZH), m.AnalyzerNamed(analyzerEN)
	if zh == nil || en == nil {
		return nil, nil, errors.New("index mapping: analyzers missing")
	}
	return zh, en, nil
}

// Close releases the index.
func (ix *Index) Close() error { return ix.bleve.Close() }

// Article returns the article the index was built from.
func (ix *Index) Article() *data.Article { return ix.article }

// document is what bleve indexes for a passage.
func document(a *data.Article, p *data.Passage) map[string]string {
	var zhAids, enAids []string
	zhAids = append(zhAids, p.Keywords.ZH...)
	zhAids = append(zhAids, p.Questions.ZH...)
	enAids = append(enAids, p.Keywords.EN...)
	enAids = append(enAids, p.Questions.EN...)
	for _, t := range a.Topics {
		for _, id := range p.Topics {
			if id == t.ID {
				zhAids = append(zhAids, t.ZH)
				enAids = append(enAids, t.EN)
			}
		}
	}
	doc := map[string]string{
		fieldZH:     canonicalZH(p.Text),
		fieldZHAids: canonicalZH(strings.Join(zhAids, "\n")),
		fieldEN:     p.English,
		fieldENAids: strings.Join(enAids, "\n"),
	}
	if q, ok := a.ByID(p.QuestionID); ok {
		doc[fieldCtxZH] = canonicalZH(q.Text)
		doc[fieldCtxEN] = q.English
	}
	return doc
}

// canonicalZH is the one form Chinese text takes inside the index.
func canonicalZH(s string) string { return zhconv.Mainland(strings.ToLower(s)) }

// Search answers one question.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	q, err := Clean(req.Question)
	if err != nil {
		return nil, err
	}
	limit := min(max(req.Limit, 1), MaxLimit)
	offset := min(max(req.Offset, 0), len(ix.article.Passages))
	key := cacheKey{q, limit, offset}
	if res, ok := ix.cache.get(key); ok {
		return res, nil
	}
	res, err := ix.search(ctx, q, limit, offset)
	if err != nil {
		return nil, err
	}
	ix.cache.put(key, res)
	return res, nil
}

func (ix *Index) search(ctx context.Context, q string, limit, offset int) (*Result, error) {
	pq := ix.parse(q)
	// Fetch more than asked for: the host's questions are re-ranked below
	// the answers, which may lift an answer from beyond the page.
	sr := bleve.NewSearchRequestOptions(ix.query(pq), max(offset+limit, rerankDepth), 0, false)
	res, err := ix.bleve.SearchInContext(ctx, sr)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &Result{Question: q, Total: int(res.Total)}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		p, ok := ix.article.ByID(h.ID)
		if !ok {
			continue
		}
		score := h.Score
		switch {
		case p.Speaker == data.SpeakerHost && !pq.aboutHost:
			score *= hostWeight
		case p.Section == data.Summary:
			score *= summaryWeight
		}
		if pq.place != anywhere && ix.inPlace(p, pq.place) {
			score *= placeWeight
		}
		hits = append(hits, Hit{Passage: p, Score: score})
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	for rank := range hits {
		if rank >= offset+limit {
			break
		}
		h := &hits[rank]
		h.Coverage = ix.stats.coverage(pq, h.Passage.Position-1)
		// every page's confidence is that of the question: earlier pages'
		// hits are scored here too
		if rank < answerDepth {
			out.Confidence = math.Max(out.Confidence, h.Coverage)
		}
		if rank >= offset {
			h.Text, h.English = ix.highlight(pq, h.Passage)
			out.Hits = append(out.Hits, *h)
		}
	}
	out.Answered = len(hits) > 0 && out.Confidence >= ix.stats.threshold(pq)
	return out, nil
}

// parsed is a question prepared for both languages.
type parsed struct {
	zh, en       string   // canonical Chinese text; English text, lower-cased
	zhSearch     []string // the Chinese terms to search for
	zhExp, enExp string   // expansions, searched with a lower weight
	latin        []string
	corrections  []correction // likely meant terms for misspelt words
	// terms of the question as analysed, before expansion: what to mark
	zhTerms, enTerms map[string]bool
	// what coverage reads; see prepareCoverage
	hanRuns    [][]rune
	latinTerms []string
	latinNeed  []string   // for each latin term, a "name number" pair it needs
	latinNear  [][]string // for each latin term, the index's terms within one edit
	aboutHost  bool       // the question asks about the host
	place      place      // the question asks about the start or the end
}

func (ix *Index) parse(q string) parsed {
	lower := strings.ToLower(q)
	zh := canonicalZH(q)
	// The English fields hear only the question's Latin words: Chinese
	// characters never match there, and each would cost a term search.
	latin := latinWords(lower)
	p := parsed{zh: zh, en: strings.Join(latin, " "), latin: latin}
	// Synonyms folded to their group's first word (小扎 → 扎克伯格).
	zhFolded, enFolded := ix.zhFold.apply(zh), ix.enFold.apply(lower)
	// zhGroups[1] and enGroups[1] name the host
	p.aboutHost = contains(zhFolded, zhGroups[1][0]) || contains(enFolded, enGroups[1][0])
	p.place = placeOf(zh, lower)
	p.zhTerms = terms(ix.zh, zh)
	p.enTerms = terms(ix.en, lower)
	p.zhSearch = ix.stats.rarest(p.zhTerms, maxQueryTerms)
	ix.prepareCoverage(&p, zhFolded, enFolded)
	p.zhExp, p.enExp = expandZH(zh), expandEN(lower)
	p.corrections = ix.stats.corrections(p)
	return p
}

func terms(a analysis.Analyzer, s string) map[string]bool {
	out := map[string]bool{}
	for _, t := range a.Analyze([]byte(s)) {
		out[string(t.Term)] = true
	}
	return out
}

// latinWords returns the words written in Latin letters or digits, as they
// appear in Chinese text, for spelling correction.
func latinWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

func match(text, field string, boost float64) query.Query {
	m := query.NewMatchQuery(text)
	m.SetField(field)
	m.SetBoost(boost)
	return m
}

// anyTerm matches documents with any of the terms in field, as MatchQuery
// does after analysing its text: the terms are analysed already.
func anyTerm(terms []string, field string, boost float64) query.Query {
	qs := make([]query.Query, len(terms))
	for i, t := range terms {
		q := query.NewTermQuery(t)
		q.SetField(field)
		q.SetBoost(boost)
		qs[i] = q
	}
	return query.NewDisjunctionQuery(qs)
}

// query builds the bleve query. User text only ever reaches bleve through
// MatchQuery on a named field, so no character of it is query syntax.
func (ix *Index) query(p parsed) query.Query {
	qs := []query.Query{
		anyTerm(p.zhSearch, fieldZH, boostText),
		anyTerm(p.zhSearch, fieldZHAids, boostAids),
		anyTerm(p.zhSearch, fieldCtxZH, boostContext),
		match(p.en, fieldEN, boostText),
		match(p.en, fieldENAids, boostAidsEN),
		match(p.en, fieldCtxEN, boostContext),
	}
	if p.zhExp != "" {
		qs = append(qs, match(p.zhExp, fieldZH, boostExpansion), match(p.zhExp, fieldZHAids, boostExpansion*boostAids))
	}
	if p.enExp != "" {
		qs = append(qs, match(p.enExp, fieldEN, boostExpansion), match(p.enExp, fieldENAids, boostExpansion*boostAidsEN))
	}
	for _, c := range p.corrections {
		t := query.NewTermQuery(c.term)
		t.SetField(c.field)
		t.SetBoost(boostFuzzy)
		qs = append(qs, t)
	}
	return query.NewDisjunctionQuery(qs)
}

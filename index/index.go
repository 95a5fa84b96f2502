// Package index finds the passages of the interview that answer a question,
// in Traditional Chinese, Simplified Chinese or English, and decides whether
// they do: it answers, shows the closest passage with a caveat, says the
// interview has no answer, or recognises small talk. It builds a bleve v2
// index in memory from the embedded passages at start-up.
//
// How it works, and why (figures are from the question sets, see
// quality_test.go):
//   - Chinese is folded to one canonical form, mainland Simplified
//     (zhconv.Mainland), in the index and in the question, so 資料中心,
//     數據中心 and 数据中心 are one word; then overlapping bigrams plus single
//     characters (analysis.go).
//   - English questions meet the English rendering of every passage,
//     stemmed; Latin words in Chinese questions (GPU, Hyperion, Llama) meet
//     both sides.
//   - Every passage also carries search aids written from its own content:
//     keywords and the questions it answers, in both languages, and the
//     host's question it answers (fields.go).
//   - Nicknames and everyday synonyms are folded to one word (小扎 →
//     扎克伯格, salary → pay; groups.go); words of asking and filler are
//     dropped (lexicon.go); misspelt names are corrected against the
//     index's own vocabulary (spelling.go).
//   - A question is analysed once and asks bleve for its rarest known terms
//     in one term query each; bleve scores with BM25. The host's lines rank
//     below answers, the editor's summary below the interview, and a
//     question about how the interview opened or ended lifts its first or
//     last turns (place.go).
//   - Whether to answer is decided by a small model fitted on questions
//     written apart from the passages (decide.go), from how much of the
//     question the best passages cover and how (coverage.go), not by the raw
//     score, which is not comparable between questions.
package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/interviewbot/interviewbot/data"
)

// Ranking, measured on the question sets.
const (
	// boostEN weighs the English field against the Chinese one: an English
	// word is worth a Chinese word, which is two characters' worth of terms.
	boostEN = 1.0
	// boostFuzzy weighs a spelling correction: a guess at what was meant.
	boostFuzzy = 0.3
	// hostWeight scales the host's lines: a question usually wants the
	// answer, not the host's own question, unless it asks about the host.
	hostWeight = 0.45
	// summaryWeight scales the editor's summary, which retells the answers
	// in fewer words: BM25 favours short passages, the reader the original.
	summaryWeight = 0.7
	// placeWeight lifts the first or last turns of the interview for a
	// question about how it started or ended.
	placeWeight = 2.0
	// kindWeight lifts the passages that give the kind of answer a question
	// asks for: a span of years for "when" (qtype.go).
	kindWeight = 2.5
	// maxQueryTerms bounds the terms one question searches for in each
	// language. A pasted paragraph makes hundreds, and the search slows
	// with each; the rarest say the most about which passage is meant.
	maxQueryTerms = 32
)

// Index answers questions about one article. It is safe for concurrent use.
type Index struct {
	article *data.Article
	// bleve is the index: scorch in memory, used directly rather than
	// through package bleve, whose registry of every index type, store
	// and analyser would be most of the binary's search code.
	bleve   bleveindex.Index
	mapping *mapping.IndexMappingImpl
	// queue is bleve's analysis queue; its goroutines end with Close.
	queue *bleveindex.AnalysisQueue
	// matchPools holds bleve's DocumentMatch pools for reuse: a search
	// that makes its own allocates more in it than in all else.
	matchPools *sync.Pool
	zh         zhAnalyzer
	en         analysis.Analyzer
	stats      *termStats
	lex        *lexicon
	asker      *asker
	// synonyms are what a question's synonyms mark (highlight.go)
	synonyms synonymMarks
	suggest  *suggester
	cache    *resultCache
	marks    []passageMarks
	kinds    []qkind // what kinds of answer each passage gives (qtype.go)
	given    qkind   // the kinds that some passage gives
	gister   *gister
	gist     []int // the editor's key points, by index (gist.go)
	// zhFold and enFold fold synonyms to one word (groups.go)
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
	// Score is bleve's BM25 score, re-ranked; only comparable within one
	// question.
	Score float64
	// Coverage is how much of the question this passage covers, 0 to 1.
	Coverage float64
	// Text and English mark the matched words in Passage.Text and
	// Passage.English (byte offsets, sorted, not overlapping).
	Text, English []Span
}

// Span is a half-open byte range [Start, End).
type Span struct{ Start, End int }

// Verdict is what the index makes of a question.
type Verdict string

// The verdicts.
const (
	// Answer: the best passages answer the question.
	Answer Verdict = "answer"
	// Unsure: the closest passage may not answer it directly.
	Unsure Verdict = "unsure"
	// None: the interview does not cover it.
	None Verdict = "none"
	// Chat: small talk or talk about the bot, not a question about the
	// interview.
	Chat Verdict = "chat"
)

// Greeting is the kind of small talk a Chat verdict answers.
type Greeting int

// The kinds of small talk the bot answers in kind.
const (
	OtherTalk Greeting = iota // anything else: who are you, help, lol
	Hello                     // hi, 你好
	Thanks                    // thanks, 謝謝
	Bye                       // bye, 再見
)

// Result is the answer to one question.
type Result struct {
	// Question is the cleaned question that was searched.
	Question string
	Verdict  Verdict
	// Greeting says what kind of small talk a Chat verdict is.
	Greeting Greeting
	// Answered is Verdict == Answer.
	Answered bool
	// Confidence is how likely the best passages answer the question, 0 to 1.
	Confidence float64
	// Hits are the best passages, best first: the answer, or for the other
	// verdicts the closest passages. Small talk is answered in kind, never
	// with passages: callers show none for Chat.
	Hits []Hit
}

// Request asks for the Limit best passages for a question.
type Request struct {
	Question string
	Limit    int
}

// MaxLimit caps how many hits one request may ask for.
const MaxLimit = 50

// New builds the index for an article, with the default options.
func New(a *data.Article) (*Index, error) {
	return NewWithOptions(a, Options{CacheSize: DefaultCacheSize})
}

// NewWithOptions builds the index for an article.
func NewWithOptions(a *data.Article, opts Options) (*Index, error) {
	en, err := newENAnalyzer()
	if err != nil {
		return nil, fmt.Errorf("english analyzer: %w", err)
	}
	queue := bleveindex.NewAnalysisQueue(runtime.GOMAXPROCS(0))
	b, err := scorch.NewScorch(scorch.Name, map[string]any{"path": ""}, queue)
	if err == nil {
		err = b.Open()
	}
	if err != nil {
		queue.Close()
		return nil, fmt.Errorf("create index: %w", err)
	}
	ix := &Index{
		article: a, bleve: b, mapping: newMapping(), queue: queue, en: en, cache: newResultCache(opts.CacheSize),
		zhFold: newFolder(zhGroups), enFold: newFolder(enGroups),
		matchPools: &sync.Pool{New: func() any { return search.NewDocumentMatchPool(64, 0) }},
	}
	// What reads only the passages and the word lists is built beside the
	// bleve index, on another core.
	var side sync.WaitGroup
	side.Go(func() {
		ix.lex = newLexicon(en, ix.zhFold, ix.enFold)
		ix.asker = newAsker()
		ix.gister = newGister(ix.zhFold, ix.enFold)
		for i := range a.Passages {
			if a.Passages[i].Gist {
				ix.gist = append(ix.gist, i)
			}
		}
		ix.suggest = newSuggester(ix)
		ix.marks = ix.newMarks(a)
		ix.synonyms = ix.newSynonymMarks()
		ix.kinds = make([]qkind, len(a.Passages))
		answers := newAnswerer()
		for i := range a.Passages {
			ix.kinds[i] = answers.kinds(&a.Passages[i])
			ix.given |= ix.kinds[i]
		}
	})
	err = ix.indexPassages(b)
	side.Wait()
	if err != nil {
		return nil, errors.Join(err, ix.Close())
	}
	return ix, nil
}

// indexPassages analyses the passages, half on each of two cores, and
// indexes them in one batch while the statistics are read from the same
// tokens.
func (ix *Index) indexPassages(b bleveindex.Index) error {
	a := ix.article
	texts := make([]passageText, len(a.Passages))
	var wg sync.WaitGroup
	half := len(texts) / 2
	wg.Go(func() {
		for i := range texts[:half] {
			texts[i] = ix.passageText(a, &a.Passages[i])
		}
	})
	for i := half; i < len(texts); i++ {
		texts[i] = ix.passageText(a, &a.Passages[i])
	}
	wg.Wait()
	batch := bleveindex.NewBatch()
	for i := range texts {
		batch.Update(passageDocument(a.Passages[i].ID, texts[i]))
	}
	wg.Go(func() { ix.stats = newTermStats(texts) })
	err := b.Batch(batch)
	wg.Wait()
	if err != nil {
		return fmt.Errorf("index passages: %w", err)
	}
	return nil
}

// Close releases the index.
func (ix *Index) Close() error {
	err := ix.bleve.Close()
	ix.queue.Close()
	return err
}

// Article returns the article the index was built from.
func (ix *Index) Article() *data.Article { return ix.article }

// Search answers one question.
//
// A message of emoji or punctuation only (👍, ???) is small talk: it gets
// the verdict Chat. A message with nothing at all is ErrEmpty.
func (ix *Index) Search(ctx context.Context, req Request) (*Result, error) {
	q, err := Clean(req.Question)
	if errors.Is(err, ErrEmpty) {
		if s, _ := clean(req.Question); s != "" {
			return &Result{Question: s, Verdict: Chat, Greeting: greeting(strings.ToLower(s), s)}, nil
		}
	}
	if err != nil {
		return nil, err
	}
	limit := min(max(req.Limit, 1), MaxLimit)
	key := cacheKey{q, limit}
	if res, ok := ix.cache.get(key); ok {
		return res, nil
	}
	res, err := ix.search(ctx, q, limit)
	if err != nil {
		return nil, err
	}
	ix.cache.put(key, res)
	return res, nil
}

func (ix *Index) search(ctx context.Context, text string, limit int) (*Result, error) {
	q := ix.parse(text)
	hits, f, err := ix.assess(ctx, q, limit)
	if err != nil {
		return nil, err
	}
	out := &Result{Question: text}
	out.Verdict, out.Confidence = decide(&f)
	if len(ix.gist) > 0 && ix.asksGist(q) {
		hits = make([]Hit, len(ix.gist))
		for i, doc := range ix.gist {
			hits[i] = Hit{Passage: &ix.article.Passages[doc], Coverage: ix.stats.coverage(&q.content, doc)}
		}
		out.Verdict, out.Confidence = Answer, max(out.Confidence, answerThreshold)
	}
	if out.Verdict == Answer && ix.givesNone(q.kinds) {
		// Whatever words it shares with a passage, a question that asks
		// only for a kind of fact the interview never gives (anyone's
		// age) is not answered by it: "how old is Zuck" is not about old
		// friends.
		out.Verdict = Unsure
	}
	out.Answered = out.Verdict == Answer
	if out.Verdict == Chat {
		out.Greeting = greeting(q.lower, q.zh)
	}
	out.Hits = hits[:min(limit, len(hits))]
	for i := range out.Hits {
		out.Hits[i].Text, out.Hits[i].English = ix.highlight(q, out.Hits[i].Passage)
	}
	return out, nil
}

// assess ranks the passages for q and measures the question against them:
// the best hits, at least answerDepth of them and limit if more, with their
// coverage, and the features the decision reads.
func (ix *Index) assess(ctx context.Context, q *question, limit int) ([]Hit, features, error) {
	ranked, err := ix.rank(ctx, q)
	if err != nil {
		return nil, features{}, err
	}
	hits := make([]Hit, min(max(limit, answerDepth), len(ranked)))
	for i := range hits {
		p := &ix.article.Passages[ranked[i].doc]
		hits[i] = Hit{Passage: p, Score: ranked[i].score, Coverage: ix.stats.coverage(&q.content, int(ranked[i].doc))}
	}
	return hits, ix.features(q, hits), nil
}

// givesNone reports whether a question asks for kinds of answer (beyond
// why) and no passage of the interview gives any of them.
func (ix *Index) givesNone(asked qkind) bool {
	asked &^= kindWhy
	return asked != 0 && asked&ix.given == 0
}

// scored is a passage, by its index, and its score.
type scored struct {
	doc   int32
	score float64
}

// rank asks bleve for the passages that match q, with their BM25 scores,
// and re-ranks them, best first.
func (ix *Index) rank(ctx context.Context, q *question) ([]scored, error) {
	hits, err := ix.match(ctx, q)
	if err != nil {
		return nil, err
	}
	kept := hits[:0]
	for _, h := range hits {
		p := &ix.article.Passages[h.doc]
		// a greeting or a thank-you answers only a question about how the
		// interview opened or ended
		if p.Filler && (q.place == anywhere || !ix.inPlace(p, q.place)) {
			continue
		}
		kept = append(kept, scored{h.doc, ix.rerank(q, p, h.score)})
	}
	hits = kept
	// ties keep the index's order, as bleve's collector does
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return hits[i].doc < hits[j].doc
	})
	return hits, nil
}

// match returns the passages that match q with bleve's scores, in the
// index's order. It reads bleve's term searchers directly rather than
// through SearchInContext: an 88-passage index needs no top-N collector,
// and the collector's pools, stored-field loading and result maps cost more
// than the search itself. Nor does it merge the term searchers through
// bleve's disjunction searcher, whose heap re-orders them at every
// posting: with so few passages, one array indexed by passage adds up the
// same sums. The scoring is the disjunction's own: every term searcher
// normalised by one query norm, and a passage's sum scaled by the share of
// terms that matched it (TestRankMatchesBleve compares it with bleve's).
func (ix *Index) match(ctx context.Context, q *question) ([]scored, error) {
	terms := ix.terms(q)
	if len(terms) == 0 {
		return nil, nil
	}
	reader, err := ix.bleve.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer reader.Close()
	ctx = context.WithValue(ctx, search.GetScoringModelCallbackKey, search.GetScoringModelCallbackFn(bm25))
	searchers := make([]search.Searcher, 0, len(terms))
	defer func() {
		for _, s := range searchers {
			s.Close()
		}
	}()
	weights := 0.0
	for _, t := range terms {
		s, err := t.Searcher(ctx, reader, ix.mapping, search.SearcherOptions{})
		if err != nil {
			return nil, fmt.Errorf("search: %w", err)
		}
		searchers = append(searchers, s)
		weights += s.Weight()
	}
	norm := 1 / math.Sqrt(weights)

	pool := ix.matchPools.Get().(*search.DocumentMatchPool)
	defer ix.matchPools.Put(pool)
	sctx := &search.SearchContext{DocumentMatchPool: pool, IndexReader: reader}
	type sum struct {
		id      string // bleve's number for the passage
		score   float64
		matched int
	}
	sums := make([]sum, len(ix.article.Passages))
	var found []int32
	// bleve's number for a passage is looked up once a search: the
	// snapshot's numbers are its own
	byID := make(map[string]int32, len(ix.article.Passages))
	for _, s := range searchers {
		s.SetQueryNorm(norm)
		for {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("search: %w", err)
			}
			dm, err := s.Next(sctx)
			if err != nil {
				return nil, fmt.Errorf("search: %w", err)
			}
			if dm == nil {
				break
			}
			doc, seen := byID[string(dm.IndexInternalID)]
			if !seen {
				id, err := reader.ExternalID(dm.IndexInternalID)
				if err != nil {
					return nil, fmt.Errorf("search: %w", err)
				}
				key := string(dm.IndexInternalID)
				doc = -1
				if i, ok := ix.article.Index(id); ok {
					doc = int32(i)
					sums[doc].id = key
					found = append(found, doc)
				}
				byID[key] = doc
			}
			if doc >= 0 {
				sums[doc].score += dm.Score
				sums[doc].matched++
			}
			pool.Put(dm)
		}
	}
	// bleve's order: by its internal number
	slices.SortFunc(found, func(a, b int32) int { return strings.Compare(sums[a].id, sums[b].id) })
	hits := make([]scored, len(found))
	for i, doc := range found {
		hits[i] = scored{doc, sums[doc].score * (float64(sums[doc].matched) / float64(len(searchers)))}
	}
	return hits, nil
}

func bm25() string { return bleveindex.BM25Scoring }

// rerank adjusts bleve's score of passage p for question q.
func (ix *Index) rerank(q *question, p *data.Passage, score float64) float64 {
	switch {
	case p.Speaker == data.SpeakerHost && !q.aboutHost:
		score *= hostWeight
	case p.Section == data.Summary:
		score *= summaryWeight
	}
	if q.place != anywhere && ix.inPlace(p, q.place) {
		score *= placeWeight
	}
	if q.kinds&ix.kinds[p.Position-1]&^kindWhy != 0 {
		score *= kindWeight
	}
	return score
}

// terms are the term queries of q: one per term, in the field of its
// language. User text only ever reaches bleve as terms of a named field, so
// no character of it is query syntax.
func (ix *Index) terms(q *question) []query.Query {
	qs := make([]query.Query, 0, len(q.zhSearch)+len(q.enSearch)+len(q.corrections))
	term := func(t, field string, boost float64) {
		tq := query.NewTermQuery(t)
		tq.SetField(field)
		tq.SetBoost(boost)
		qs = append(qs, tq)
	}
	for _, t := range q.zhSearch {
		term(t, fieldZH, 1)
	}
	for _, t := range q.enSearch {
		term(t, fieldEN, boostEN)
	}
	for _, c := range q.corrections {
		term(c.term, c.field, boostFuzzy)
	}
	return qs
}

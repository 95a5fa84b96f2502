package index

import (
	"math"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
)

// termStats are what the index knows of its own vocabulary, read from the
// tokens bleve indexes: which terms each passage has, and how many passages
// use each term. Coverage (coverage.go) and spelling correction
// (spelling.go) read them; bleve's own statistics are only reachable
// through a search.
type termStats struct {
	docs []docTerms
	df   map[string]int // "z:" + Chinese-field term, "e:" + English-field term
	n    float64
	// BM25's inverse document frequency of every term of each field, and
	// that of a term no passage uses, the highest there is
	zhIDF, enIDF map[string]float64
	unknownIDF   float64
	// Latin terms by length: stemmed English, and as written in the Chinese
	// field (GPU, Hyperion), for spelling correction. A word within one
	// edit of a term is at most one byte longer or shorter.
	enByLen, zhLatinByLen map[int][]string
}

// docTerms are the terms of one passage: for each, the parts of the
// passage it occurs in (a bit per part).
type docTerms struct {
	zh    map[string]parts // Chinese unigrams and bigrams, Latin words as written
	en    map[string]parts // stemmed English terms
	pairs map[string]bool  // names with numbers, see namePairs
}

// parts is a set of parts of a passage.
type parts uint8

const anyPart parts = 1<<partText | 1<<partAids | 1<<partHost

func newTermStats(texts []passageText) *termStats {
	s := &termStats{
		docs: make([]docTerms, len(texts)), df: map[string]int{}, n: float64(len(texts)),
		enByLen: map[int][]string{}, zhLatinByLen: map[int][]string{},
	}
	for i, t := range texts {
		d := docTerms{zh: map[string]parts{}, en: map[string]parts{}, pairs: map[string]bool{}}
		for _, tok := range t.zhToks {
			d.zh[string(tok.Term)] |= 1 << t.zhPart(tok)
		}
		for _, tok := range t.enToks {
			d.en[string(tok.Term)] |= 1 << t.enPart(tok)
		}
		namePairs(t.zhToks, d.pairs)
		namePairs(t.enToks, d.pairs)
		for term := range d.zh {
			if s.df["z:"+term] == 0 && !HasHan(term) {
				s.zhLatinByLen[len(term)] = append(s.zhLatinByLen[len(term)], term)
			}
			s.df["z:"+term]++
		}
		for term := range d.en {
			if s.df["e:"+term] == 0 {
				s.enByLen[len(term)] = append(s.enByLen[len(term)], term)
			}
			s.df["e:"+term]++
		}
		s.docs[i] = d
	}
	s.zhIDF, s.enIDF = map[string]float64{}, map[string]float64{}
	for key := range s.df {
		if t, ok := strings.CutPrefix(key, "z:"); ok {
			s.zhIDF[t] = s.idf(key)
		} else {
			s.enIDF[strings.TrimPrefix(key, "e:")] = s.idf(key)
		}
	}
	s.unknownIDF = s.idf("")
	for _, byLen := range []map[int][]string{s.enByLen, s.zhLatinByLen} {
		for _, ts := range byLen {
			slices.Sort(ts) // the maps above are filled in random order
		}
	}
	return s
}

// idf is BM25's inverse document frequency of a term: high for rare terms,
// highest for terms the interview never uses.
func (s *termStats) idf(key string) float64 {
	df := float64(s.df[key])
	return math.Log(1 + (s.n-df+0.5)/(df+0.5))
}

// rarest returns up to n of terms that some passage uses, those the fewest
// passages use first. Terms no passage uses are left out: they cannot match.
func (s *termStats) rarest(prefix string, terms []string, n int) []string {
	type term struct {
		t  string
		df int
	}
	ts := make([]term, 0, len(terms))
	for _, t := range terms {
		if df := s.df[prefix+t]; df > 0 {
			ts = append(ts, term{t, df})
		}
	}
	slices.SortFunc(ts, func(a, b term) int {
		if a.df != b.df {
			return a.df - b.df
		}
		return strings.Compare(a.t, b.t)
	})
	out := make([]string, min(n, len(ts)))
	for i := range out {
		out[i] = ts[i].t
	}
	return out
}

// namePairs adds the "word number" pairs of adjacent tokens (llama 4) to
// into: a name with a number counts only when both are there together.
func namePairs(toks analysis.TokenStream, into map[string]bool) {
	for i := 1; i < len(toks); i++ {
		a, b := toks[i-1], toks[i]
		if a.Position+1 == b.Position && isNumber(string(b.Term)) && !isNumber(string(a.Term)) {
			into[string(a.Term)+" "+string(b.Term)] = true
		}
	}
}

func isNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// rarestOf returns the rarest of the leading terms of two rarest-first
// lists (see rarest), Chinese before English on a tie.
func (s *termStats) rarestOf(zh, en []string) string {
	switch {
	case len(zh) == 0 && len(en) == 0:
		return ""
	case len(en) == 0:
		return zh[0]
	case len(zh) == 0 || s.df["e:"+en[0]] < s.df["z:"+zh[0]]:
		return en[0]
	}
	return zh[0]
}

// knows reports whether the interview uses a word, given as it folds in
// the Chinese field and in the English one, or one within one edit of it.
func (s *termStats) knows(zh, en string, enAnalyzer analysis.Analyzer) bool {
	if s.df["z:"+zh] > 0 || len(near(zh, s.zhLatinByLen)) > 0 {
		return true
	}
	for _, tok := range enAnalyzer.Analyze([]byte(en)) {
		t := string(tok.Term)
		if s.df["e:"+t] > 0 || len(near(t, s.enByLen)) > 0 {
			return true
		}
	}
	return false
}

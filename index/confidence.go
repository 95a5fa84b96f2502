package index

import (
	"math"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Whether to answer. BM25 scores grow with the length of the question, so a
// fixed score threshold either rejects long good questions or accepts short
// bad ones. Instead we ask how much of the question the best passage covers:
// every content word of the question, weighted by how rare it is in the
// interview (a word the interview never uses weighs most), counts as covered
// when the passage or its search aids contain it. "What is Zuckerberg's net
// worth?" shares Zuckerberg with half the passages but "net worth" with none,
// so it covers little; a paraphrase of a real answer covers most of itself.
// The threshold is set on the tuning set (see quality_test.go).
const (
	answerThreshold = 0.5
	// English questions paraphrase with more words the interview never
	// uses (literally, hanging out): their threshold is lower by this much,
	// in proportion to how much of the question is English.
	englishAllowance = 0.08
	// answerDepth is how many top hits may vouch for an answer.
	answerDepth = 3
	// partial credit for a Chinese character found only on its own, and for
	// a Latin word found only within one edit.
	creditUnigram = 0.25
	creditFuzzy   = 0.7
)

// stopChars are Chinese function characters: grammar and question words
// that say nothing about the topic.
const stopChars = "的了吗呢吧啊呀嘛啦哦么什怎为哪谁几是不对在有和与跟也都就还说这那个会能要想把被给让得地着过很最又再才该可以之其而及或如何请问下一些吗呗咋啥嗯觉认讲聊谈提他她它"

// stopPhrases are Chinese ways of asking that carry no topic; they are cut
// out of the question before its coverage is weighed.
var stopPhrases = []string{
	"什么时候", "为什么", "为啥", "什么", "怎么样", "怎么", "如何", "是不是", "有没有", "能不能",
	"会不会", "要不要", "觉得", "认为", "知道", "时候", "请问", "到底", "一下", "东西", "事情",
	"这个", "那个", "哪些", "哪个", "具体", "提到", "说过", "表示", "看法", "怎么看",
}

// hanWeight scales a Chinese character against an English word: most
// Chinese words are two characters.
const hanWeight = 0.5

// stopWords are English words of asking, beyond bleve's stop list, that say
// nothing about the topic (after stemming).
var stopWords = map[string]bool{
	"sai": true, "said": true, "think": true, "thought": true, "mention": true, "talk": true,
	"tell": true, "told": true, "go": true, "get": true, "got": true, "thing": true, "stuff": true,
	"realli": true, "actual": true, "liter": true, "kind": true, "sort": true, "like": true,
	"just": true, "also": true, "even": true, "ok": true, "lol": true, "guy": true, "ppl": true,
	"someth": true, "anyth": true, "wai": true, "make": true, "much": true, "mani": true,
	"explain": true, "describ": true, "view": true, "opinion": true, "what'": true, "whats": true,
	"someon": true, "anyon": true, "everyon": true, "somebodi": true, "anybodi": true, "els": true,
}

type docTerms struct {
	zh    map[string]bool // Chinese unigrams and bigrams, Latin words in Chinese text
	en    map[string]bool // stemmed English terms
	pairs map[string]bool // names with numbers, see namePairs
}

type termStats struct {
	docs []docTerms
	// vocabularies of Latin terms: stemmed English, and as written in the
	// Chinese text (GPU, Hyperion), for spelling correction
	enVocab, zhLatin map[string]bool
	// the same, grouped by length: a word within one edit of a term is at
	// most one byte longer or shorter
	enByLen, zhLatinByLen map[int][]string
	df                    map[string]int
	n                     float64
}

func newTermStats(ix *Index, docs []map[string]string) *termStats {
	s := &termStats{
		docs: make([]docTerms, len(docs)), df: map[string]int{}, n: float64(len(docs)),
		enVocab: map[string]bool{}, zhLatin: map[string]bool{},
		enByLen: map[int][]string{}, zhLatinByLen: map[int][]string{},
	}
	for i, d := range docs {
		t := docTerms{zh: map[string]bool{}, en: map[string]bool{}, pairs: map[string]bool{}}
		for _, f := range []string{fieldZH, fieldZHAids, fieldCtxZH} {
			toks := ix.zh.Analyze([]byte(ix.zhFold.apply(d[f])))
			for _, tok := range toks {
				t.zh[string(tok.Term)] = true
			}
			if strings.ContainsAny(d[f], "0123456789") {
				namePairs(ix.en.Analyze([]byte(d[f])), t.pairs)
			}
		}
		for _, f := range []string{fieldEN, fieldENAids, fieldCtxEN} {
			toks := ix.en.Analyze([]byte(ix.enFold.apply(strings.ToLower(d[f]))))
			for _, tok := range toks {
				t.en[string(tok.Term)] = true
			}
			namePairs(toks, t.pairs)
		}
		for term := range t.zh {
			s.df["z:"+term]++
			if !HasHan(term) {
				s.zhLatin[term] = true
			}
		}
		for term := range t.en {
			s.df["e:"+term]++
			s.enVocab[term] = true
		}
		s.docs[i] = t
	}
	for t := range s.enVocab {
		s.enByLen[len(t)] = append(s.enByLen[len(t)], t)
	}
	for t := range s.zhLatin {
		s.zhLatinByLen[len(t)] = append(s.zhLatinByLen[len(t)], t)
	}
	return s
}

// minFuzzy is the shortest word that spelling correction and fuzzy
// coverage consider: shorter ones have too many neighbours.
const minFuzzy = 5

// near returns the words of byLen within one edit of t.
func near(t string, byLen map[int][]string) []string {
	var out []string
	for n := len(t) - 1; n <= len(t)+1; n++ {
		for _, v := range byLen[n] {
			if withinOneEdit(t, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

func (s *termStats) idf(key string) float64 {
	df := float64(s.df[key])
	return math.Log(1 + (s.n-df+0.5)/(df+0.5))
}

// coverage is the weighted share of the question's content that document
// doc covers.
//
// Chinese is weighed character by character, each through the words it
// forms: a character belongs to the known bigrams it makes with its
// neighbours (進展 in 目前進展滿意); it weighs as much as the rarest of them
// and is covered when the document has one. Bigrams the interview never uses
// are mostly seams between two words (展滿), so they are ignored while the
// character has a known bigram on its other side. A character with no known
// bigram on either side is part of a word the interview never uses (員工,
// 比特幣): it weighs the most and is covered, weakly, only by itself.
func (s *termStats) coverage(p parsed, doc int) float64 {
	d := s.docs[doc]
	var got, total float64
	for _, run := range p.hanRuns {
		for i, r := range run {
			if strings.ContainsRune(stopChars, r) {
				continue
			}
			var w float64
			known, covered := false, false
			for _, j := range [2]int{i - 1, i} {
				if j < 0 || j+1 >= len(run) {
					continue
				}
				bg := string(run[j : j+2])
				if s.df["z:"+bg] == 0 {
					continue
				}
				known = true
				w = math.Max(w, s.idf("z:"+bg))
				covered = covered || d.zh[bg]
			}
			if !known {
				w = s.idf("")
			}
			w *= hanWeight
			total += w
			switch {
			case covered:
				got += w
			case d.zh[string(r)]:
				got += w * creditUnigram
			}
		}
	}
	for i, t := range p.latinTerms {
		w := math.Min(s.idf("e:"+t), s.idf("z:"+t))
		total += w
		if need := p.latinNeed[i]; need != "" && !d.pairs[need] {
			// a name with a number (Llama 5, H100) is only covered whole
			continue
		}
		switch {
		case d.en[t] || d.zh[t]:
			got += w
		case slices.ContainsFunc(p.latinNear[i], func(v string) bool { return d.en[v] || d.zh[v] }):
			got += w * creditFuzzy
		}
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// threshold is the coverage a question needs to be answered.
func (s *termStats) threshold(p parsed) float64 {
	var han, latin float64
	for _, run := range p.hanRuns {
		han += float64(len(run)) * hanWeight
	}
	latin = float64(len(p.latinTerms))
	if han+latin == 0 {
		return answerThreshold
	}
	return answerThreshold - englishAllowance*latin/(han+latin)
}

// prepareCoverage fills the parts of p that coverage reads: the question's
// Chinese runs and its English terms, from its canonical Chinese and its
// lower-cased text with synonyms folded to their group's canonical word, so
// that 小扎 counts as 扎克伯格.
func (ix *Index) prepareCoverage(p *parsed, zhFolded, enFolded string) {
	// Zuckerberg is the subject of nearly every question: his name says
	// nothing about which answer is meant.
	zh := strings.ReplaceAll(zhFolded, zhGroups[0][0], " ")
	for _, w := range stopPhrases {
		zh = strings.ReplaceAll(zh, w, " ")
	}
	lower := strings.ReplaceAll(enFolded, enGroups[0][0], " ")
	var run []rune
	for _, r := range zh {
		if isHan(r) {
			run = append(run, r)
			continue
		}
		if len(run) > 0 {
			p.hanRuns = append(p.hanRuns, run)
			run = nil
		}
	}
	if len(run) > 0 {
		p.hanRuns = append(p.hanRuns, run)
	}
	seen := map[string]bool{}
	var prev *analysis.Token
	for _, tok := range ix.en.Analyze([]byte(lower)) {
		t := string(tok.Term)
		if tok.Type == analysis.Ideographic || HasHan(t) || stopWords[t] {
			prev = nil
			continue
		}
		need := ""
		if prev != nil && prev.Position+1 == tok.Position && isNumber(t) && !isNumber(string(prev.Term)) {
			need = string(prev.Term) + " " + t
		}
		prev = tok
		if seen[t+"|"+need] {
			continue
		}
		seen[t+"|"+need] = true
		p.latinTerms = append(p.latinTerms, t)
		p.latinNeed = append(p.latinNeed, need)
		var nearby []string
		if len(t) >= minFuzzy {
			nearby = append(near(t, ix.stats.enByLen), near(t, ix.stats.zhLatinByLen)...)
		}
		p.latinNear = append(p.latinNear, nearby)
	}
}

// namePairs returns "word number" pairs of adjacent tokens (llama 4).
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

// folder replaces every non-canonical member of a group of words with the
// group's canonical (first) word. Chinese members go through one
// strings.Replacer pass; words in Latin letters are replaced as whole words
// only (so "lab" is left alone in "collaborate").
type folder struct {
	han   *strings.Replacer
	latin [][2]string // member, canonical
}

func newFolder(groups [][]string) folder {
	var han []string
	var latin [][2]string
	for _, g := range groups {
		for _, w := range g[1:] {
			if w != "" && w[0] >= 0x80 {
				han = append(han, w, g[0])
			} else {
				latin = append(latin, [2]string{w, g[0]})
			}
		}
	}
	return folder{han: strings.NewReplacer(han...), latin: latin}
}

func (f folder) apply(s string) string {
	s = f.han.Replace(s)
	for _, l := range f.latin {
		if contains(s, l[0]) {
			s = replaceWord(s, l[0], l[1])
		}
	}
	return s
}

// replaceWord replaces old, a word in Latin letters, where it stands as a
// whole word.
func replaceWord(s, old, repl string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], old)
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		start, end := i+j, i+j+len(old)
		b.WriteString(s[i:start])
		if (start == 0 || !isWordByte(s[start-1])) && (end == len(s) || !isWordByte(s[end])) {
			b.WriteString(repl)
		} else {
			b.WriteString(old)
		}
		i = end
	}
	return b.String()
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or transposition of adjacent bytes.
func withinOneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return len(b)-len(a) <= 1
	}
	switch {
	case len(a) == len(b):
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	default:
		return a[i:] == b[i+1:]
	}
}

// correction is a term of the index that a misspelt word likely meant.
type correction struct{ field, term string }

// corrections finds, for each Latin word of the question that the interview
// never uses, the terms within one edit that it does use (Hyperian →
// hyperion, Vally → valley). bleve's fuzzy queries do the same but build a
// Levenshtein automaton per word and search, which cost more than the
// whole rest of a question; the vocabulary here is a few thousand terms.
func (s *termStats) corrections(p parsed) []correction {
	var out []correction
	fix := func(words []string, byLen map[int][]string, fields ...string) {
		for _, w := range words {
			if len(w) < minFuzzy || s.enVocab[w] || s.zhLatin[w] {
				continue
			}
			for _, v := range near(w, byLen) {
				for _, f := range fields {
					out = append(out, correction{f, v})
				}
			}
		}
	}
	// English words are matched stemmed; Latin words in the Chinese text
	// (names, model numbers) as written.
	fix(p.latinTerms, s.enByLen, fieldEN, fieldENAids)
	fix(p.latin, s.zhLatinByLen, fieldZH, fieldZHAids)
	return out
}

// rarest returns the n terms of set that the fewest passages use, terms the
// interview never uses last (they cannot match).
func (s *termStats) rarest(set map[string]bool, n int) []string {
	type term struct {
		t  string
		df int
	}
	ts := make([]term, 0, len(set))
	for t := range set {
		df := s.df["z:"+t]
		if df == 0 {
			df = len(s.docs) + 1
		}
		ts = append(ts, term{t, df})
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

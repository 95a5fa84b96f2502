package index

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
)

// question is a question prepared once for everything a search does with
// it: the terms bleve searches for, what coverage weighs, what the answer
// marks, and what kind of question it is.
type question struct {
	text  string // cleaned, as asked
	lower string // lower case, synonyms folded: what the English side reads
	zh    string // canonical Chinese, synonyms folded

	// content is what the question is about: the question without the
	// words of asking, filler and Zuckerberg's name, in each language.
	zhContent string
	zhTerms   []string // distinct terms of zhContent: unigrams, bigrams, Latin words
	// what an answer marks: the terms, and the other words of their
	// synonym groups
	zhMarks, enMarks map[string]bool
	latin            []string // Latin words of zhContent, as written
	enTerms          []string // distinct stemmed English content terms

	// what bleve searches for: known terms, the rarest first, and the
	// likely meaning of misspelt words
	zhSearch, enSearch []string
	corrections        []correction
	rarest             string // the known term the fewest passages use

	// what coverage weighs (coverage.go): the content, and the question
	// with only Zuckerberg's name taken out
	content, raw words

	aboutHost bool  // asks about the host
	place     place // asks about the start or the end
	kinds     qkind // the kinds of answer it asks for
}

func (ix *Index) parse(text string) *question {
	lower := strings.ToLower(text)
	q := &question{
		text:  text,
		lower: ix.enFold.apply(lower),
		zh:    ix.zhFold.apply(canonicalZH(text)),
	}
	q.aboutHost = contains(q.zh, hostZH[0]) || contains(q.lower, hostEN[0])
	q.place = placeOf(q.zh, q.lower)
	var zhAsked, lowerAsked string
	q.kinds, zhAsked, lowerAsked = ix.asker.kinds(q.zh, q.lower)

	ix.readContent(q, zhAsked, lowerAsked)
	if len(q.content.units) == 0 && q.kinds != 0 {
		// Words of asking alone ("timeline", "多久") are what is asked
		// about.
		ix.readContent(q, q.zh, q.lower)
	}
	q.raw = ix.words(strings.ReplaceAll(q.zh, zuckerbergZH[0], " "), q.lower, func(t string) bool { return t == zuckerbergEN[0] })

	q.zhSearch = ix.stats.rarest("z:", q.zhTerms, maxQueryTerms)
	q.enSearch = ix.stats.rarest("e:", q.enTerms, maxQueryTerms)
	q.corrections = ix.stats.corrections(q)
	q.rarest = ix.stats.rarestOf(q.zhSearch, q.enSearch)
	return q
}

// readContent reads the content of q from its canonical Chinese zh and
// lower-case English en, once the words of asking are taken out.
func (ix *Index) readContent(q *question, zh, en string) {
	q.zhContent = ix.lex.stripZH(zh)
	q.zhTerms, q.latin, q.enTerms = nil, nil, nil
	seen := map[string]bool{}
	for _, tok := range ix.zh.Analyze([]byte(q.zhContent)) {
		t := string(tok.Term)
		if seen[t] || tok.Type == analysis.Single && ix.lex.stopChar(t) {
			continue
		}
		seen[t] = true
		q.zhTerms = append(q.zhTerms, t)
		if tok.Type == analysis.AlphaNumeric {
			q.latin = append(q.latin, t)
		}
	}
	q.content = ix.words(q.zhContent, ix.lex.stripEN(en), ix.lex.stopWord)
	for _, t := range q.content.latinTerms {
		if !slices.Contains(q.enTerms, t) {
			q.enTerms = append(q.enTerms, t)
		}
	}
	q.zhMarks = marks(q.zhTerms, ix.synonyms.zh, q.zhContent)
	q.enMarks = marks(q.enTerms, ix.synonyms.en, en)
}

// words are the units of a text that coverage weighs: its runs of Chinese
// characters and its English words, stemmed.
type words struct {
	hanRuns    []string
	latinTerms []string
	latinNeed  []string   // for each latin term, a "name number" pair it needs
	latinNear  [][]string // for each latin term, the index's terms within one edit
	units      []unit     // what coverage weighs, unit by unit
}

// words reads the units of canonical Chinese zh and lower-case English en,
// leaving out English terms that skip reports.
func (ix *Index) words(zh, en string, skip func(string) bool) words {
	w := words{hanRuns: hanRuns(zh)}
	var prev *analysis.Token
	seen := map[string]bool{}
	for _, tok := range ix.en.Analyze([]byte(en)) {
		t := string(tok.Term)
		if skip(t) {
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
		w.latinTerms = append(w.latinTerms, t)
		w.latinNeed = append(w.latinNeed, need)
		w.latinNear = append(w.latinNear, ix.stats.nearUnknown(t))
	}
	w.units = ix.stats.newUnits(&w)
	return w
}

// hanRuns splits s into its runs of Chinese characters.
func hanRuns(s string) []string {
	var runs []string
	start := -1
	for i, r := range s {
		switch {
		case isHan(r) && start < 0:
			start = i
		case !isHan(r) && start >= 0:
			runs = append(runs, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		runs = append(runs, s[start:])
	}
	return runs
}

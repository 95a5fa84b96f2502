package index

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/stop"
	"github.com/blevesearch/bleve/v2/registry"
)

// The two analyzers, used for the passages when the index is built and for
// every question, so that both meet on the same terms. They are built here
// rather than named in the mapping: the index's documents are handed to
// bleve already analysed (see document), and a question is analysed once,
// not once per field by each MatchQuery.

// zhAnalyzer turns canonical Chinese text (see canonicalZH) into
// overlapping bigrams plus single characters, and words in Latin letters or
// digits into one term each, as written. Bigrams carry most of the meaning
// of Chinese words; single characters let one-character words (錢, 人) and
// typos still score. It does in one pass what bleve's unicode tokenizer and
// CJK bigram filter do in two, without their allocations per character.
type zhAnalyzer struct{}

func (zhAnalyzer) Analyze(text []byte) analysis.TokenStream {
	toks := make(analysis.TokenStream, 0, 2*utf8.RuneCount(text))
	pos := 0
	emit := func(start, end int, typ analysis.TokenType) {
		pos++
		toks = append(toks, &analysis.Token{Term: text[start:end], Start: start, End: end, Position: pos, Type: typ})
	}
	prevHan := -1 // start of the previous Chinese character, when adjacent
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		switch {
		case isHan(r):
			emit(i, i+size, analysis.Single)
			if prevHan >= 0 {
				emit(prevHan, i+size, analysis.Double)
			}
			prevHan = i
			i += size
		case isWordRune(r):
			j := i + size
			for j < len(text) {
				r2, s2 := utf8.DecodeRune(text[j:])
				if isHan(r2) || !isWordRune(r2) {
					break
				}
				j += s2
			}
			emit(i, j, analysis.AlphaNumeric)
			prevHan = -1
			i = j
		default:
			prevHan = -1
			i += size
		}
	}
	return toks
}

// isWordRune is a letter or digit of a word written in an alphabet.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// enTokenizer splits English into words of letters and digits, keeping an
// apostrophe inside a word (Zuck's) for the possessive filter.
type enTokenizer struct{}

func (enTokenizer) Tokenize(text []byte) analysis.TokenStream {
	var toks analysis.TokenStream
	pos := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if !isWordRune(r) || isHan(r) {
			i += size
			continue
		}
		j := i + size
		for j < len(text) {
			r2, s2 := utf8.DecodeRune(text[j:])
			if isWordRune(r2) && !isHan(r2) {
				j += s2
				continue
			}
			if (r2 == '\'' || r2 == '’') && j+s2 < len(text) {
				if r3, _ := utf8.DecodeRune(text[j+s2:]); isWordRune(r3) && !isHan(r3) {
					j += s2
					continue
				}
			}
			break
		}
		pos++
		toks = append(toks, &analysis.Token{Term: text[i:j], Start: i, End: j, Position: pos, Type: analysis.AlphaNumeric})
		i = j
	}
	return toks
}

// newENAnalyzer is bleve's English analyzer (possessives, lower case,
// stop words, Porter stemming) on the tokenizer above.
func newENAnalyzer() (analysis.Analyzer, error) {
	stops, err := registry.NewCache().TokenMapNamed(en.StopName)
	if err != nil {
		return nil, err
	}
	return &analysis.DefaultAnalyzer{
		Tokenizer: enTokenizer{},
		TokenFilters: []analysis.TokenFilter{
			en.NewPossessiveFilter(),
			lowercase.NewLowerCaseFilter(),
			stop.NewStopTokensFilter(stops),
			porter.NewPorterStemmer(),
		},
	}, nil
}

package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// Analyzer and field names. Chinese text is indexed in one canonical form
// (mainland Simplified, see zhconv.Mainland) so that Traditional, Simplified,
// Taiwan and mainland wording all meet; English has its own stemmed fields.
const (
	analyzerZH = "zh"
	analyzerEN = en.AnalyzerName

	fieldZH     = "zh"      // the passage, canonical Chinese
	fieldZHAids = "zh_aids" // keywords, questions and topic labels, Chinese
	fieldEN     = "en"      // the English rendering
	fieldENAids = "en_aids" // keywords, questions and topic labels, English
	fieldCtxZH  = "ctx_zh"  // the host question an answer responds to
	fieldCtxEN  = "ctx_en"
)

// newMapping builds the index mapping: BM25 scoring and, for Chinese, the
// unicode tokenizer, CJK width folding, lower-casing and overlapping bigrams
// with unigrams kept. Bigrams carry most of the meaning of Chinese words;
// the unigrams let one-character words (錢, 人, 雲) and typos still score.
// Measured on the tuning set: bigrams alone lose single-character questions,
// unigrams alone drown answers in common characters; both together win.
func newMapping() (*mapping.IndexMappingImpl, error) {
	m := mapping.NewIndexMapping()
	m.ScoringModel = bleveindex.BM25Scoring
	if err := m.AddCustomTokenFilter("zh_bigram", map[string]any{
		"type":           cjk.BigramName,
		"output_unigram": true,
	}); err != nil {
		return nil, fmt.Errorf("token filter: %w", err)
	}
	if err := m.AddCustomAnalyzer(analyzerZH, map[string]any{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []string{cjk.WidthName, lowercase.Name, "zh_bigram"},
	}); err != nil {
		return nil, fmt.Errorf("analyzer: %w", err)
	}

	doc := mapping.NewDocumentMapping()
	for name, analyzer := range map[string]string{
		fieldZH: analyzerZH, fieldZHAids: analyzerZH, fieldCtxZH: analyzerZH,
		fieldEN: analyzerEN, fieldENAids: analyzerEN, fieldCtxEN: analyzerEN,
	} {
		f := mapping.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		doc.AddFieldMappingsAt(name, f)
	}
	m.DefaultMapping = doc
	m.DefaultAnalyzer = analyzerZH
	return m, nil
}

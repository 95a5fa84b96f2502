package index

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index/zhconv"
)

// The index has two fields per passage, one per language, each carrying
// the passage, its search aids (keywords and the questions it answers,
// written from its own content) and the host's question it answers. One
// field per language keeps a question to one term query per term: what it
// costs is the number of terms it searches for.
const (
	fieldZH = "zh" // canonical Chinese (see canonicalZH), Latin words as written
	fieldEN = "en" // English, stemmed
)

// newMapping is the index mapping: BM25 scoring. The fields need no mapping
// of their own: documents arrive analysed (see passageDocument).
func newMapping() *mapping.IndexMappingImpl {
	m := mapping.NewIndexMapping()
	m.ScoringModel = bleveindex.BM25Scoring
	return m
}

// canonicalZH is the one form Chinese text takes inside the index, and the
// form a question takes before it is analysed: lower case, mainland
// Simplified (zhconv.Mainland), so 資料中心, 數據中心 and 数据中心 meet.
func canonicalZH(s string) string { return zhconv.Mainland(strings.ToLower(s)) }

// passageText is what the index holds for one passage, folded and analysed
// once: bleve indexes the tokens, and the statistics for coverage and
// spelling correction are read from the same ones. Each field is the
// passage's text, then its aids, then the host's question it answers; the
// statistics tell the parts apart by the tokens' offsets.
type passageText struct {
	zh, en         string
	zhToks, enToks analysis.TokenStream
	// where the text and the aids end, in zh and en
	zhText, zhAids, enText, enAids int
}

// part is which part of a passage's field a token comes from.
type part int

const (
	partText part = iota
	partAids
	partHost
)

func (t *passageText) zhPart(tok *analysis.Token) part { return partOf(tok.Start, t.zhText, t.zhAids) }
func (t *passageText) enPart(tok *analysis.Token) part { return partOf(tok.Start, t.enText, t.enAids) }

func partOf(at, textEnd, aidsEnd int) part {
	switch {
	case at < textEnd:
		return partText
	case at < aidsEnd:
		return partAids
	}
	return partHost
}

func (ix *Index) passageText(a *data.Article, p *data.Passage) passageText {
	zhAids := append(slices.Clone(p.Keywords.ZH), p.Questions.ZH...)
	enAids := append(slices.Clone(p.Keywords.EN), p.Questions.EN...)
	for _, t := range a.Topics {
		if slices.Contains(p.Topics, t.ID) {
			zhAids = append(zhAids, t.ZH)
			enAids = append(enAids, t.EN)
		}
	}
	// The host's question is Chinese only: in English it matched the words
	// of asking more than the answers (measured on the question sets).
	var zhHost string
	if q, ok := a.ByID(p.QuestionID); ok {
		zhHost = q.Text
	}
	zh := func(s string) string { return ix.zhFold.apply(canonicalZH(s)) }
	en := func(s string) string { return ix.enFold.apply(strings.ToLower(s)) }
	var t passageText
	t.zh, t.zhText, t.zhAids = joinParts(zh(p.Text), zh(strings.Join(zhAids, "\n")), zh(zhHost))
	t.en, t.enText, t.enAids = joinParts(en(p.English), en(strings.Join(enAids, "\n")), "")
	t.zhToks = ix.zh.Analyze([]byte(t.zh))
	t.enToks = ix.en.Analyze([]byte(t.en))
	return t
}

// joinParts joins a field's parts, returning where the first two end.
func joinParts(text, aids, host string) (field string, textEnd, aidsEnd int) {
	return text + "\n" + aids + "\n" + host, len(text), len(text) + 1 + len(aids)
}

// passageDocument is the bleve document of a passage. Its fields carry
// their tokens already: bleve asks each field's analyzer for them, and
// gets back the ones analysed for the statistics.
func passageDocument(id string, t passageText) *document.Document {
	doc := document.NewDocument(id)
	for _, f := range []struct {
		name, text string
		toks       analysis.TokenStream
	}{{fieldZH, t.zh, t.zhToks}, {fieldEN, t.en, t.enToks}} {
		doc.AddField(document.NewTextFieldCustom(f.name, nil, []byte(f.text), bleveindex.IndexField, analyzed(f.toks)))
	}
	return doc
}

// analyzed is an analyzer that returns tokens analysed before.
type analyzed analysis.TokenStream

func (a analyzed) Analyze([]byte) analysis.TokenStream { return analysis.TokenStream(a) }

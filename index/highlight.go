package index

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index/zhconv"
)

// highlight finds the words of the question in a passage's original text and
// in its English rendering. bleve's highlighter would mark the canonical
// Simplified text that the index holds, not the Traditional original shown
// to readers, so the passage is analysed here with the same analyzers, on a
// character-by-character Simplified copy whose offsets map back to the
// original.
func (ix *Index) highlight(p parsed, ps *data.Passage) (text, english []Span) {
	return ix.markZH(p.zhTerms, ps.Text), markTokens(ix.en.Analyze([]byte(ps.English)), p.enTerms, nil)
}

func (ix *Index) markZH(want map[string]bool, original string) []Span {
	// offsets[i] is the byte offset in original of the rune that starts at
	// byte i of the folded copy.
	var b strings.Builder
	offsets := make([]int, 0, len(original)+1)
	for i, r := range original {
		f := zhconv.ToSimplified(strings.ToLower(string(r)))
		if utf8.RuneCountInString(f) != 1 {
			f = string(r)
		}
		for range len(f) {
			offsets = append(offsets, i)
		}
		b.WriteString(f)
	}
	offsets = append(offsets, len(original))
	toks := ix.zh.Analyze([]byte(b.String()))
	return markTokens(toks, want, func(s Span) Span {
		end := len(original)
		if s.End < len(offsets) {
			end = offsets[s.End]
		}
		return Span{offsets[s.Start], end}
	})
}

// markTokens returns the merged spans of the tokens whose terms are wanted.
// Single Chinese characters and pairs of function characters are skipped:
// marking every 的 and 我們 would bury the words that matter.
func markTokens(toks analysis.TokenStream, want map[string]bool, remap func(Span) Span) []Span {
	var spans []Span
	for _, t := range toks {
		term := string(t.Term)
		if !want[term] || t.Type == analysis.Single || allStop(term) {
			continue
		}
		s := Span{t.Start, t.End}
		if remap != nil {
			s = remap(s)
		}
		spans = append(spans, s)
	}
	return mergeSpans(spans)
}

func allStop(term string) bool {
	for _, r := range term {
		if !isHan(r) || !strings.ContainsRune(stopChars, r) {
			return false
		}
	}
	return true
}

func mergeSpans(spans []Span) []Span {
	if len(spans) == 0 {
		return nil
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].Start < spans[j].Start })
	out := spans[:1]
	for _, s := range spans[1:] {
		last := &out[len(out)-1]
		if s.Start <= last.End {
			last.End = max(last.End, s.End)
			continue
		}
		out = append(out, s)
	}
	return out
}

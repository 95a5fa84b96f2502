package index

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index/zhconv"
)

// Highlighting finds the words of the question in a passage's original text
// and in its English rendering. bleve's highlighter would mark the canonical
// Simplified text that the index holds, not the Traditional original shown
// to readers, so each passage is analysed here once, at build time, with the
// same analyzers, on a character-by-character Simplified copy whose offsets
// map back to the original. A search then only picks the tokens it matched.

// markable is a token of a passage that may be marked: its term and where it
// stands in the text shown to readers.
type markable struct {
	term string
	span Span
}

// passageMarks are the markable tokens of one passage.
type passageMarks struct {
	text, english []markable
}

func (ix *Index) newMarks(a *data.Article) []passageMarks {
	out := make([]passageMarks, len(a.Passages))
	for i, p := range a.Passages {
		out[i] = passageMarks{text: ix.markableZH(p.Text), english: markables(ix.en.Analyze([]byte(p.English)), nil)}
	}
	return out
}

func (ix *Index) highlight(q *question, p *data.Passage) (text, english []Span) {
	m := ix.marks[p.Position-1]
	return pick(m.text, q.zhMarks), pick(m.english, q.enMarks)
}

// synonymMarks are, for each synonym group, the terms of all its words as
// a passage's original text has them: a question that says 算力 marks GPU,
// one that says 超级智能 marks the whole of 超級智慧.
type synonymMarks struct {
	zh, en []groupMarks
}

type groupMarks struct {
	canonical string
	terms     []string
}

func (ix *Index) newSynonymMarks() synonymMarks {
	var sm synonymMarks
	for _, g := range zhGroups {
		gm := groupMarks{canonical: g[0]}
		for _, w := range g {
			for _, t := range ix.zh.Analyze([]byte(canonicalZH(w))) {
				if t.Type != analysis.Single {
					gm.terms = append(gm.terms, string(t.Term))
				}
			}
		}
		sm.zh = append(sm.zh, gm)
	}
	for _, g := range enGroups {
		gm := groupMarks{canonical: g[0]}
		for _, w := range g {
			for _, t := range ix.en.Analyze([]byte(w)) {
				gm.terms = append(gm.terms, string(t.Term))
			}
		}
		sm.en = append(sm.en, gm)
	}
	return sm
}

// marks returns the set of terms, plus the terms of every group whose
// canonical word text, folded, contains.
func marks(terms []string, groups []groupMarks, text string) map[string]bool {
	out := make(map[string]bool, len(terms))
	for _, t := range terms {
		out[t] = true
	}
	for _, g := range groups {
		if contains(text, g.canonical) {
			for _, t := range g.terms {
				out[t] = true
			}
		}
	}
	return out
}

func (ix *Index) markableZH(original string) []markable {
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
	return markables(zhAnalyzer{}.Analyze([]byte(b.String())), func(s Span) Span {
		return Span{offsets[min(s.Start, len(offsets)-1)], offsets[min(s.End, len(offsets)-1)]}
	})
}

// markables keeps the tokens worth marking. Single Chinese characters and
// pairs of function characters are left out: marking every 的 and 我們
// would bury the words that matter.
func markables(toks analysis.TokenStream, remap func(Span) Span) []markable {
	var out []markable
	for _, t := range toks {
		term := string(t.Term)
		if t.Type == analysis.Single || allStop(term) {
			continue
		}
		s := Span{t.Start, t.End}
		if remap != nil {
			s = remap(s)
		}
		out = append(out, markable{term, s})
	}
	return out
}

// pick returns the merged spans of the tokens whose terms are wanted.
func pick(ms []markable, want map[string]bool) []Span {
	var spans []Span
	for _, m := range ms {
		if want[m.term] {
			spans = append(spans, m.span)
		}
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

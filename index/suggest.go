package index

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/index/zhconv"
)

// Lang is the language a reader reads.
type Lang int

// The languages the bot speaks.
const (
	English     Lang = iota
	Traditional      // Traditional Chinese, as the transcript is written
	Simplified       // Simplified Chinese with mainland vocabulary
)

// Pick returns what a reader of l reads: the English, or the Chinese
// (Traditional, as the transcript is written) converted for mainland
// readers when l is Simplified.
func (l Lang) Pick(en, zh string) string {
	switch l {
	case English:
		return en
	case Simplified:
		return zhconv.Mainland(zh)
	}
	return zh
}

// MaxSuggestionRunes is Discord's limit on an autocomplete choice.
const MaxSuggestionRunes = 100

type candidate struct {
	text string // as shown
	key  string // folded for matching
}

// suggester offers questions the interview answers: each topic's question
// and the questions written for each passage, in the reader's language.
type suggester struct {
	topics    [3][]candidate
	byPassage [3][][]candidate
	all       [3][]candidate
}

func newSuggester(ix *Index) *suggester {
	s := &suggester{}
	a := ix.article
	for l := range s.byPassage {
		s.byPassage[l] = make([][]candidate, len(a.Passages))
	}
	for _, t := range a.Topics {
		s.topics[English] = append(s.topics[English], newCandidate(t.QuestionEN))
		s.topics[Traditional] = append(s.topics[Traditional], newCandidate(t.QuestionZH))
		s.topics[Simplified] = append(s.topics[Simplified], newCandidate(zhconv.Mainland(t.QuestionZH)))
	}
	for i, p := range a.Passages {
		for _, q := range p.Questions.EN {
			s.byPassage[English][i] = append(s.byPassage[English][i], newCandidate(q))
		}
		for _, q := range p.Questions.ZH {
			s.byPassage[Traditional][i] = append(s.byPassage[Traditional][i], newCandidate(q))
			s.byPassage[Simplified][i] = append(s.byPassage[Simplified][i], newCandidate(zhconv.Mainland(q)))
		}
	}
	for l := range s.all {
		s.all[l] = append(s.all[l], s.topics[l]...)
		for _, cs := range s.byPassage[l] {
			s.all[l] = append(s.all[l], cs...)
		}
	}
	return s
}

// newCandidate keys a suggestion by its canonical form, so that typed text
// matches whatever case and script it is written in.
func newCandidate(text string) candidate { return candidate{text, canonicalZH(text)} }

// Suggest returns up to n questions (n at most 25) for what a member has
// typed so far: with nothing typed, one per topic; otherwise questions that
// contain the typed text, then questions of the passages that best answer it.
func (ix *Index) Suggest(ctx context.Context, typed string, lang Lang, n int) []string {
	s := ix.suggest
	n = min(max(n, 1), 25)
	if lang < English || lang > Simplified {
		lang = English
	}
	var out []string
	seen := map[string]bool{}
	push := func(c candidate) bool {
		if seen[c.text] || utf8.RuneCountInString(c.text) > MaxSuggestionRunes {
			return len(out) < n
		}
		seen[c.text] = true
		out = append(out, c.text)
		return len(out) < n
	}
	q, err := Clean(typed)
	if err != nil {
		for _, c := range s.topics[lang] {
			if !push(c) {
				break
			}
		}
		return out
	}
	key := canonicalZH(q)
	if utf8.RuneCountInString(key) > MaxSuggestionRunes {
		// no suggestion can contain it: search only
		key = "\x00"
	}
	for _, c := range s.all[lang] {
		if strings.HasPrefix(c.key, key) && !push(c) {
			return out
		}
	}
	for _, c := range s.all[lang] {
		if strings.Contains(c.key, key) && !push(c) {
			return out
		}
	}
	res, err := ix.Search(ctx, Request{Question: q, Limit: n})
	if err != nil {
		return out
	}
	for _, h := range res.Hits {
		for _, c := range s.byPassage[lang][h.Passage.Position-1] {
			if !push(c) {
				return out
			}
		}
	}
	return out
}

// LangFor picks the reading language for a Discord-style locale ("zh-TW",
// "zh-CN", "en-US", ...). A Chinese or English locale decides; with any
// other locale, or none, the question's script does: Simplified when it is
// written in Simplified characters, Traditional for other Chinese, English
// otherwise.
func LangFor(locale, question string) Lang {
	switch l := strings.ToLower(locale); {
	case l == "zh-tw" || l == "zh-hk" || l == "zh-mo" || strings.HasPrefix(l, "zh-hant"):
		return Traditional
	case strings.HasPrefix(l, "zh"):
		return Simplified
	case l == "en" || strings.HasPrefix(l, "en-"):
		return English
	}
	switch {
	case !HasHan(question):
		return English
	case zhconv.IsSimplified(question):
		return Simplified
	}
	return Traditional
}

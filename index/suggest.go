package index

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/index/zhconv"
	"github.com/interviewbot/interviewbot/internal/language"
)

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
		s.topics[language.English] = append(s.topics[language.English], newCandidate(t.QuestionEN))
		s.topics[language.Traditional] = append(s.topics[language.Traditional], newCandidate(t.QuestionZH))
		s.topics[language.Simplified] = append(s.topics[language.Simplified], newCandidate(zhconv.Mainland(t.QuestionZH)))
	}
	for i, p := range a.Passages {
		for _, q := range p.Questions.EN {
			s.byPassage[language.English][i] = append(s.byPassage[language.English][i], newCandidate(q))
		}
		for _, q := range p.Questions.ZH {
			s.byPassage[language.Traditional][i] = append(s.byPassage[language.Traditional][i], newCandidate(q))
			s.byPassage[language.Simplified][i] = append(s.byPassage[language.Simplified][i], newCandidate(zhconv.Mainland(q)))
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

// Suggest returns up to n questions (n at most 25), none longer than
// maxRunes runes, for what a member has typed so far: with nothing typed,
// one per topic; otherwise questions that contain the typed text, then
// questions of the passages that best answer it. The caller knows how long
// a suggestion may be where it shows them.
func (ix *Index) Suggest(ctx context.Context, typed string, lang language.Lang, n, maxRunes int) []string {
	s := ix.suggest
	n = min(max(n, 1), 25)
	if lang < language.English || lang > language.Simplified {
		lang = language.English
	}
	var out []string
	seen := map[string]bool{}
	push := func(c candidate) bool {
		if seen[c.text] || utf8.RuneCountInString(c.text) > maxRunes {
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
	if utf8.RuneCountInString(key) > maxRunes {
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

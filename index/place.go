package index

import (
	"strings"

	"github.com/interviewbot/interviewbot/data"
)

// place is where in the interview a question looks: how it opened, how it
// ended, or anywhere. Passages know their turn, so "what was the host's
// last question" can be answered by position, which no word of it names.
type place int

const (
	anywhere place = iota
	opening
	ending
)

// Phrases that ask for the start or the end of the interview (Chinese in
// canonical form). Bare 最后 and "end" are left out: they far more often
// mean "eventually" (最后可以换到什么).
var (
	openingZH = []string{"开场", "开头", "一开始", "刚开始", "开篇", "第一个问题", "首先问"}
	openingEN = []string{"opening", "open with", "opened with", "start of the interview", "begin", "began", "first question", "kick off", "kicked off"}
	endingZH  = []string{"结尾", "收尾", "最后一个问题", "最后一题", "最后问", "结束时", "怎么结束", "如何结束", "最后说了", "最后怎么"}
	endingEN  = []string{"wrap up", "wrapped up", "wrap-up", "last question", "final question", "end of the interview", "how did it end", "how did the interview end", "closing", "sign off", "signed off"}
)

func placeOf(zh, lower string) place {
	has := func(s string, phrases []string) bool {
		for _, p := range phrases {
			if strings.Contains(s, p) {
				return true
			}
		}
		return false
	}
	switch {
	case has(zh, endingZH) || has(lower, endingEN):
		return ending
	case has(zh, openingZH) || has(lower, openingEN):
		return opening
	}
	return anywhere
}

// placeTurns is how many turns at either end count as the opening or the
// ending.
const placeTurns = 2

func (ix *Index) inPlace(p *data.Passage, where place) bool {
	if p.Section != data.Interview {
		return false
	}
	last := ix.article.Passages[len(ix.article.Passages)-1].Turn
	switch where {
	case opening:
		return p.Turn <= placeTurns
	case ending:
		return p.Turn > last-placeTurns
	}
	return false
}

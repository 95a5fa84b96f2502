// Package language is the reader's language: which of the three the bot, the
// web site and the console answer in, how it is chosen from a locale and a
// question, and what a reader of each reads of a text written in English
// and in Traditional Chinese.
package language

import (
	"strings"
	"unicode"

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

// For picks the reading language for a locale as Discord and browsers
// name them ("zh-TW", "zh-CN", "en-US", ...). A Chinese or English locale
// decides; with any other locale, or none, the question's script does:
// Simplified when it is written in Simplified characters, Traditional for
// other Chinese, English otherwise.
func For(locale, question string) Lang {
	switch l := strings.ToLower(locale); {
	case l == "zh-tw" || l == "zh-hk" || l == "zh-mo" || strings.HasPrefix(l, "zh-hant"):
		return Traditional
	case strings.HasPrefix(l, "zh"):
		return Simplified
	case l == "en" || strings.HasPrefix(l, "en-"):
		return English
	}
	switch {
	case !hasHan(question):
		return English
	case zhconv.IsSimplified(question):
		return Simplified
	}
	return Traditional
}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

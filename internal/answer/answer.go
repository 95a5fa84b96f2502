// Package answer is the JSON form of an answer to a question: one line of
// `interviewbot ask -json` and the body of the web site's /api/ask. Other
// tools read it, so the field names, their order and their values are a
// contract, and both share this one construction of it.
package answer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
)

// Answer is the answer to one question.
type Answer struct {
	Question string `json:"question"`
	Answered bool   `json:"answered"`
	// Verdict is "answer", "unsure" (the closest passages may not answer
	// it), "none" or "chat" (small talk: no passages).
	Verdict    string    `json:"verdict"`
	Confidence float64   `json:"confidence"`
	Error      string    `json:"error,omitempty"`
	Passages   []Passage `json:"passages"`
	// Locale is the reading language asked for: "zh-TW", "zh-CN" or "en";
	// absent when none was.
	Locale string `json:"locale,omitempty"`
}

// Passage is one passage of an answer.
type Passage struct {
	ID         string   `json:"id"`
	Speaker    string   `json:"speaker"`
	SpeakerEN  string   `json:"speaker_en"`
	Section    string   `json:"section"`
	Position   int      `json:"position"`
	Text       string   `json:"text"`
	English    string   `json:"english"`
	Asked      string   `json:"asked,omitempty"`
	Score      float64  `json:"score"`
	Coverage   float64  `json:"coverage"`
	Highlights []string `json:"highlights,omitempty"`
	// Localized is the passage as the reader of Locale reads it: the
	// original, in Simplified with mainland wording, or in English.
	Localized string `json:"localized,omitempty"`
}

// New is the answer to question: res when the search succeeded, else what
// err means for the asker. locale is a reading locale (see ReadingLocale)
// or ""; with one, the answer says which and adds each passage as that
// reader reads it.
func New(a *data.Article, question string, res *index.Result, err error, locale string) Answer {
	if err != nil {
		if errors.Is(err, index.ErrTooLong) {
			question = clip(question, 100)
		}
		return Refused(question, Friendly(err), locale)
	}
	out := Answer{
		Question: res.Question, Answered: res.Answered, Verdict: string(res.Verdict),
		Confidence: round(res.Confidence), Passages: []Passage{}, Locale: locale,
	}
	for _, h := range res.Hits {
		if res.Verdict == index.Chat {
			break // small talk is answered in kind, without passages
		}
		p := passage(a, h)
		if locale != "" {
			p.Localized = language.For(locale, "").Pick(h.Passage.English, h.Passage.Text)
		}
		out.Passages = append(out.Passages, p)
	}
	return out
}

// Refused is the answer to a question that was not searched, with the
// reason in words for the asker.
func Refused(question, reason, locale string) Answer {
	return Answer{Question: question, Verdict: string(index.None), Error: reason, Passages: []Passage{}, Locale: locale}
}

func passage(a *data.Article, h index.Hit) Passage {
	p := h.Passage
	out := Passage{
		ID: p.ID, Speaker: p.Speaker, SpeakerEN: p.SpeakerEN, Section: string(p.Section),
		Position: p.Position, Text: p.Text, English: p.English,
		Score: round(h.Score), Coverage: round(h.Coverage),
	}
	if q, ok := a.ByID(p.QuestionID); ok {
		out.Asked = q.Text
	}
	for _, s := range h.Text {
		out.Highlights = append(out.Highlights, p.Text[s.Start:s.End])
	}
	return out
}

// Marshal encodes an answer as one line of JSON, without the line end.
// Besides what encoding/json escapes, it escapes the controls a terminal
// acts on (DEL, the C1 controls, the bidi controls), which can only be
// inside strings, where \u escapes mean the same: the line is safe to
// print and decodes to the same values.
func Marshal(a Answer) ([]byte, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("encode answer: %w", err)
	}
	return escapeControls(b), nil
}

// Friendly turns a search error into words for the asker.
func Friendly(err error) string {
	switch {
	case errors.Is(err, index.ErrEmpty):
		return "the question is empty: ask something about the interview"
	case errors.Is(err, index.ErrTooLong):
		return fmt.Sprintf("the question is too long: keep it under %d characters", index.MaxQuestionRunes)
	}
	return "the search failed: " + err.Error()
}

// localeTag is a BCP 47 tag, lower-cased, with - between its parts.
var localeTag = regexp.MustCompile(`^([a-z]{2,3})((?:-[a-z0-9]{2,8})*)$`)

// ReadingLocale maps a locale, as people and systems write it ("zh_TW",
// "zh-Hant-HK", "en-GB"), to a reading language: "zh-TW" for Traditional,
// "zh-CN" for Simplified, "en" for English. "" stays "". It reports false
// for a locale none of the three reads.
func ReadingLocale(s string) (string, bool) {
	l := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "_", "-"))
	if l == "" {
		return "", true
	}
	m := localeTag.FindStringSubmatch(l)
	if m == nil {
		return "", false
	}
	lang, sub := m[1], strings.TrimPrefix(m[2], "-")
	switch {
	case lang == "en":
		return "en", true
	case lang != "zh":
		return "", false
	case sub == "hant" || strings.HasPrefix(sub, "hant-"):
		return "zh-TW", true
	case sub == "hans" || strings.HasPrefix(sub, "hans-"):
		return "zh-CN", true
	}
	switch sub {
	case "tw", "hk", "mo":
		return "zh-TW", true
	case "", "cn", "sg", "my":
		return "zh-CN", true
	}
	return "", false
}

func round(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// terminalControl reports whether a terminal acts on r rather than show
// it: the C0 controls, DEL and the C1 controls (ESC and CSI start escape
// sequences), and the bidi controls, which reorder what follows.
func terminalControl(r rune) bool {
	return r < 0x20 || 0x7f <= r && r < 0xa0 || 0x202a <= r && r <= 0x202e || 0x2066 <= r && r <= 0x2069
}

func escapeControls(b []byte) []byte {
	if !bytes.ContainsFunc(b, terminalControl) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if terminalControl(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// clip cuts s after n characters, marking the cut with "…", and makes it
// valid UTF-8.
func clip(s string, n int) string {
	i := 0
	for at := range s {
		if i == n {
			return strings.ToValidUTF8(s[:at], "\uFFFD") + "…"
		}
		i++
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

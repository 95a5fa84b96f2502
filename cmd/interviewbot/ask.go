package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
)

// askAnswer is one line of `ask -json`. Other tools read it: the field names
// are a contract.
type askAnswer struct {
	Question string `json:"question"`
	Answered bool   `json:"answered"`
	// Verdict is "answer", "unsure" (the closest passages may not answer
	// it), "none" or "chat" (small talk: no passages).
	Verdict    string       `json:"verdict"`
	Confidence float64      `json:"confidence"`
	Error      string       `json:"error,omitempty"`
	Passages   []askPassage `json:"passages"`
	// Locale is the reading language -locale asked for: "zh-TW", "zh-CN"
	// or "en"; absent without -locale.
	Locale string `json:"locale,omitempty"`
}

type askPassage struct {
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

func runAsk(ctx context.Context, args []string, con *console, stdin io.Reader, stdout io.Writer) error {
	var (
		k      int
		asJSON bool
		locale string
	)
	cmd := &command{name: "ask", usage: "interviewbot ask [-k N] [-json] [-locale L] [QUESTION...]",
		about: "Answers QUESTION, or each line of standard input when no question is given.",
		args:  true,
		opts: []*option{
			{name: "k", def: "3", kind: "int", usage: "how many passages to return per question", apply: intOpt(&k)},
			{name: "json", def: "false", usage: "print one JSON object per question, one per line", apply: boolOpt(&asJSON)},
			{name: "locale", kind: "string", usage: "reader's locale: zh-TW (original text), zh-CN (Simplified), en (English first); default: from the question",
				apply: func(v string) error {
					l, ok := readingLocale(v)
					if !ok {
						return errors.New("is not a locale ask reads in: use zh-TW (the original, Traditional), zh-CN (Simplified) or en (English); zh-Hant, zh-HK, zh-Hans, en-US, en-GB and the like are understood too")
					}
					locale = l
					return nil
				}},
		}}
	questions, err := cmd.parse(args, func(string) string { return "" }, stdout)
	if err != nil {
		return err
	}
	if k < 1 || k > index.MaxLimit {
		return usageError{fmt.Errorf("-k must be between 1 and %d", index.MaxLimit)}
	}
	ix, err := buildIndex()
	if err != nil {
		return err
	}
	defer ix.Close()

	w := bufio.NewWriter(stdout)
	defer w.Flush()
	// answer answers q; a question too long to hold whole comes clipped,
	// and needs no search to be refused.
	answer := func(q string, long bool) error {
		var res *index.Result
		var err error
		if long {
			err = index.ErrTooLong
		} else {
			res, err = ix.Search(ctx, index.Request{Question: q, Limit: k})
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if asJSON {
			if err := writeJSON(w, ix.Article(), q, res, err, locale); err != nil {
				return err
			}
		} else {
			writeText(w, ix.Article(), q, res, err, locale)
		}
		// Each answer as soon as it is ready, for a person at a terminal
		// or a program that asks and waits.
		return w.Flush()
	}
	if len(questions) > 0 {
		return answer(strings.Join(questions, " "), false)
	}
	// A person at a terminal gets a prompt, on stderr so that stdout holds
	// only answers; not when stderr is for JSON logs.
	var prompt func()
	if isTerminal(stdin) && con.json == nil {
		prompt = func() { fmt.Fprint(con.w, "> ") }
		defer fmt.Fprintln(con.w) // after Ctrl-D, the shell's prompt on a line of its own
	}
	return eachLine(stdin, prompt, answer)
}

// maxLine bounds what ask holds of one line of questions: far above what a
// question may be (index.MaxQuestionRunes), far below what a stray file
// piped in may hold.
const maxLine = 16 << 10

// eachLine calls fn with each line of r, without its line ending, and
// prompt, unless nil, before reading each. A line longer than maxLine comes
// as its first maxLine bytes, with long set, and the rest of it is read and
// dropped: memory stays bounded whatever comes in.
func eachLine(r io.Reader, prompt func(), fn func(line string, long bool) error) error {
	br := bufio.NewReaderSize(r, maxLine)
	for {
		if prompt != nil {
			prompt()
		}
		b, err := br.ReadSlice('\n')
		long := errors.Is(err, bufio.ErrBufferFull)
		line := string(b)
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = br.ReadSlice('\n')
		}
		if line != "" || err == nil {
			if err := fn(strings.TrimRight(line, "\r\n"), long); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read questions: %w", err)
		}
	}
}

func buildIndex() (*index.Index, error) {
	a, err := data.Load()
	if err != nil {
		return nil, fmt.Errorf("load interview: %w", err)
	}
	ix, err := index.New(a)
	if err != nil {
		return nil, fmt.Errorf("build index: %w", err)
	}
	return ix, nil
}

// writeJSON writes one answer; with a locale (see readingLocale) it says
// which and adds each passage as that reader reads it.
func writeJSON(w io.Writer, a *data.Article, q string, res *index.Result, err error, locale string) error {
	out := askAnswer{Question: q, Verdict: string(index.None), Passages: []askPassage{}, Locale: locale}
	if err != nil {
		out.Error = friendly(err)
		if errors.Is(err, index.ErrTooLong) {
			out.Question = clip(q, 100)
		}
	} else {
		out.Question, out.Answered, out.Verdict, out.Confidence = res.Question, res.Answered, string(res.Verdict), round(res.Confidence)
		for _, h := range res.Hits {
			if res.Verdict == index.Chat {
				break // small talk is answered in kind, without passages
			}
			p := passageJSON(a, h)
			if locale != "" {
				p.Localized = index.LangFor(locale, "").Pick(h.Passage.English, h.Passage.Text)
			}
			out.Passages = append(out.Passages, p)
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encode answer: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", escapeControls(b))
	return err
}

func passageJSON(a *data.Article, h index.Hit) askPassage {
	p := h.Passage
	out := askPassage{
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

// localeTag is a BCP 47 tag, lower-cased, with - between its parts.
var localeTag = regexp.MustCompile(`^([a-z]{2,3})((?:-[a-z0-9]{2,8})*)$`)

// readingLocale maps a locale, as people and systems write it ("zh_TW",
// "zh-Hant-HK", "en-GB"), to the reading language ask speaks: "zh-TW" for
// Traditional, "zh-CN" for Simplified, "en" for English. "" stays "".
func readingLocale(s string) (string, bool) {
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

// friendly turns a search error into words for the asker.
func friendly(err error) string {
	switch {
	case errors.Is(err, index.ErrEmpty):
		return "the question is empty: ask something about the interview"
	case errors.Is(err, index.ErrTooLong):
		return fmt.Sprintf("the question is too long: keep it under %d characters", index.MaxQuestionRunes)
	}
	return "the search failed: " + err.Error()
}

func writeText(w io.Writer, a *data.Article, q string, res *index.Result, err error, locale string) {
	if err != nil {
		fmt.Fprintf(w, "? %s\n  %s\n\n", printable(oneLine(q)), friendly(err))
		return
	}
	fmt.Fprintf(w, "? %s\n", printable(strings.Join(strings.Fields(res.Question), " ")))
	lang := index.LangFor(locale, res.Question)
	switch res.Verdict {
	case index.Chat:
		fmt.Fprintf(w, "  %s\n\n", bot.ChatText(res.Greeting, lang))
		return
	case index.None:
		fmt.Fprintf(w, "  The interview doesn't answer that (confidence %.2f).\n", res.Confidence)
		if len(res.Hits) > 0 {
			fmt.Fprintf(w, "  Closest passage: [%s] %s\n", res.Hits[0].Passage.ID, oneLine(res.Hits[0].Passage.Text))
		}
		fmt.Fprintln(w)
		return
	case index.Unsure:
		fmt.Fprintf(w, "  %s\n", bot.UnsureText(lang))
		res = &index.Result{Question: res.Question, Hits: res.Hits[:min(1, len(res.Hits))]}
	}
	for i, h := range res.Hits {
		p := h.Passage
		fmt.Fprintf(w, "%d. %s · %s · passage %d of %d [%s]\n", i+1, lang.Pick(p.SpeakerEN, p.Speaker), p.Section, p.Position, len(a.Passages), p.ID)
		fmt.Fprintf(w, "   %s\n", indent(lang.Pick(p.English, p.Text)))
		if lang == index.English { // the source stays visible
			fmt.Fprintf(w, "   %s\n", indent(p.Text))
		}
	}
	fmt.Fprintln(w)
}

// terminalControl reports whether a terminal acts on r rather than show
// it: the C0 controls, DEL and the C1 controls (ESC and CSI start escape
// sequences that retitle windows, clear screens or worse), and the bidi
// controls, which reorder what follows.
func terminalControl(r rune) bool {
	return r < 0x20 || 0x7f <= r && r < 0xa0 || 0x202a <= r && r <= 0x202e || 0x2066 <= r && r <= 0x2069
}

// printable is s, from the asker, made safe to print on a terminal: each
// control (see terminalControl) but a newline, and each byte that is not
// UTF-8, becomes U+FFFD; a tab becomes a space.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case terminalControl(r):
			return utf8.RuneError
		}
		return r
	}, s)
}

// escapeControls escapes in a JSON text the controls encoding/json leaves
// as they are (DEL, C1, bidi), so that the line is safe on a terminal and
// decodes to the same values. They can only be inside strings, where \u
// escapes mean them.
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

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n   ") }

func oneLine(s string) string {
	return clip(strings.Join(strings.Fields(s), " "), 80)
}

// clip cuts s after n characters, marking the cut with "…", and makes it
// valid UTF-8 (a line clipped at a byte count may end mid-character).
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

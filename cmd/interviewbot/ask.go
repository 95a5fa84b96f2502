package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/answer"
	"github.com/interviewbot/interviewbot/internal/language"
)

func (p program) runAsk(ctx context.Context, args []string, con *console, stdin io.Reader, stdout io.Writer) error {
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
					l, ok := answer.ReadingLocale(v)
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
	ix, release, err := p.openIndex()
	if err != nil {
		return err
	}
	defer release()

	w := bufio.NewWriter(stdout)
	defer w.Flush()
	// reply answers q; a question too long to hold whole comes clipped,
	// and needs no search to be refused.
	reply := func(q string, long bool) error {
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
		return reply(strings.Join(questions, " "), false)
	}
	// A person at a terminal gets a prompt, on stderr so that stdout holds
	// only answers; not when stderr is for JSON logs.
	var prompt func()
	if isTerminal(stdin) && con.json == nil {
		prompt = func() { fmt.Fprint(con.w, "> ") }
		defer fmt.Fprintln(con.w) // after Ctrl-D, the shell's prompt on a line of its own
	}
	return eachLine(stdin, prompt, reply)
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

// buildIndex builds the index of the embedded interview, for one run.
func buildIndex() (*index.Index, func() error, error) {
	a, err := data.Load()
	if err != nil {
		return nil, nil, fmt.Errorf("load interview: %w", err)
	}
	ix, err := index.New(a)
	if err != nil {
		return nil, nil, fmt.Errorf("build index: %w", err)
	}
	return ix, ix.Close, nil
}

// writeJSON writes one answer as a line of JSON; with a locale (see
// answer.ReadingLocale) it says which and adds each passage as that reader
// reads it.
func writeJSON(w io.Writer, a *data.Article, q string, res *index.Result, err error, locale string) error {
	b, err := answer.Marshal(answer.New(a, q, res, err, locale))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func writeText(w io.Writer, a *data.Article, q string, res *index.Result, err error, locale string) {
	if err != nil {
		fmt.Fprintf(w, "? %s\n  %s\n\n", printable(clipLine(q)), answer.Friendly(err))
		return
	}
	fmt.Fprintf(w, "? %s\n", printable(strings.Join(strings.Fields(res.Question), " ")))
	lang := language.For(locale, res.Question)
	switch res.Verdict {
	case index.Chat:
		// The bot offers the topics as buttons; here they are lines to copy.
		fmt.Fprintf(w, "  %s\n", bot.ChatText(res.Greeting, lang))
		for _, tp := range a.Topics[:min(5, len(a.Topics))] {
			fmt.Fprintf(w, "  - %s\n", lang.Pick(tp.QuestionEN, tp.QuestionZH))
		}
		fmt.Fprintln(w)
		return
	case index.None:
		fmt.Fprintf(w, "  The interview doesn't answer that (confidence %.2f).\n", res.Confidence)
		if len(res.Hits) > 0 {
			fmt.Fprintf(w, "  Closest passage: [%s] %s\n", res.Hits[0].Passage.ID, clipLine(res.Hits[0].Passage.Text))
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
		if lang == language.English { // the source stays visible
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

func indent(s string) string { return strings.ReplaceAll(s, "\n", "\n   ") }

// clipLine is s on one line, cut after 80 characters: what the console
// shows of a question or a passage.
func clipLine(s string) string {
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

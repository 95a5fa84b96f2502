package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/internal/language"
)

// runCLI runs the whole program as main would, with its own environment
// (over the shared index: see tested).
// A command that should have stopped at once but goes on is cancelled
// after 20 s, as if by SIGTERM.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(k string) string { return env[k] }
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = tested.run(ctx, append([]string{"interviewbot"}, args...), getenv, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestAskText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		want   []string
		unwant []string
	}{
		{"traditional", []string{"ask", "小扎為什麼說研究員更在乎GPU?"}, []string{"扎克伯格", "GPU", "研究員"}, nil},
		{"simplified locale", []string{"ask", "-locale", "zh-CN", "小扎為什麼說研究員更在乎GPU?"}, []string{"研究员"}, []string{"研究員"}},
		{"simplified speaker", []string{"ask", "-locale", "zh-CN", "这篇文章的标题是什么"}, []string{"编者"}, []string{"編者"}},
		{"english locale", []string{"ask", "-locale", "en", "Hyperion?"}, []string{"Mark Zuckerberg", "Hyperion", "泰坦"}, nil},
		{"off-topic", []string{"ask", "What's the weather in Paris tomorrow?"}, []string{"doesn't answer"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, _, err := runCLI(t, nil, "", tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			_, answer, _ := strings.Cut(out, "\n") // the first line echoes the question
			for _, w := range tt.unwant {
				if strings.Contains(answer, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestAskJSONBatch feeds a batch with bad lines in it: every line gets
// exactly one JSON object, in order, and the batch never stops.
func TestAskJSONBatch(t *testing.T) {
	t.Parallel()
	lines := []string{
		"Hyperion?",
		"",
		strings.Repeat("長", 10000),
		"GPU\x00\x01\x1b 支配權",
		"\xff\xfe資本支出有上限嗎\xff",
		"What's the weather in Paris tomorrow?",
		`title:"x" +Hyperion -(5GW)~^*`,
	}
	out, _, err := runCLI(t, nil, strings.Join(lines, "\n")+"\n", "ask", "-json", "-k", "2")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(got) != len(lines) {
		t.Fatalf("%d lines of output for %d questions:\n%s", len(got), len(lines), out)
	}
	type answer struct {
		Question string `json:"question"`
		Answered *bool  `json:"answered"`
		Error    string `json:"error"`
		Passages []struct {
			ID      string   `json:"id"`
			Speaker string   `json:"speaker"`
			Text    string   `json:"text"`
			Score   *float64 `json:"score"`
		} `json:"passages"`
	}
	yes, no := true, false
	want := []struct {
		answered *bool // nil: either
		err      bool
		passages int
	}{
		{&yes, false, 2}, {&no, true, 0}, {&no, true, 0}, {&yes, false, 2},
		{&yes, false, 2}, {&no, false, 2}, {nil, false, 2},
	}
	for i, line := range got {
		var a answer
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, line)
		}
		w := want[i]
		if a.Answered == nil || (w.answered != nil && *a.Answered != *w.answered) || (a.Error != "") != w.err || len(a.Passages) != w.passages {
			t.Errorf("line %d (%.40q): answered %v, error %q, %d passages; want %v, error %v, %d",
				i+1, lines[i], a.Answered != nil && *a.Answered, a.Error, len(a.Passages), w.answered != nil && *w.answered, w.err, w.passages)
		}
		for _, p := range a.Passages {
			if p.ID == "" || p.Speaker == "" || p.Text == "" || p.Score == nil {
				t.Errorf("line %d: incomplete passage %+v", i+1, p)
			}
		}
	}
}

func TestAskUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"ask", "-k", "0", "x"}, {"ask", "-k", "999", "x"}, {"ask", "-nope"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			_, _, err := runCLI(t, nil, "", args...)
			if err == nil || exitCode(err) != 2 {
				t.Errorf("err %v (exit %d), want a usage error", err, exitCode(err))
			}
		})
	}
}

// TestAskFlagsAnywhere: flags may follow the question; after "--" all is
// question, dashes and all.
func TestAskFlagsAnywhere(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args     []string
		question string
		passages int
	}{
		{[]string{"Hyperion", "-k", "1", "-json"}, "Hyperion", 1},
		{[]string{"-json", "What", "is", "-k=2", "Hyperion?"}, "What is Hyperion?", 2},
		{[]string{"-json", "-k", "1", "--", "-5GW", "Hyperion", "-k", "4"}, "-5GW Hyperion -k 4", 1},
		{[]string{"-json", "Hyperion", "--", "-k", "2"}, "Hyperion -k 2", 3},
		{[]string{"-k", "--", "-json", "Hyperion"}, "", 0}, // "--" is the value of -k here, and not a number
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			out, _, err := runCLI(t, nil, "", append([]string{"ask"}, tt.args...)...)
			if tt.question == "" {
				if err == nil || exitCode(err) != 2 {
					t.Errorf("got %v, want a usage error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var a struct {
				Question string            `json:"question"`
				Passages []json.RawMessage `json:"passages"`
			}
			if err := json.Unmarshal([]byte(out), &a); err != nil {
				t.Fatalf("not one JSON answer: %v\n%s", err, out)
			}
			if a.Question != tt.question || len(a.Passages) != tt.passages {
				t.Errorf("asked %q with %d passages, want %q with %d", a.Question, len(a.Passages), tt.question, tt.passages)
			}
		})
	}
	t.Run("unknown flag after the question", func(t *testing.T) {
		t.Parallel()
		_, _, err := runCLI(t, nil, "", "ask", "Hyperion", "-nope")
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "-nope") || !strings.Contains(err.Error(), "--") {
			t.Errorf("got %v, want a usage error naming -nope with a hint about --", err)
		}
	})
	t.Run("config flag after an argument", func(t *testing.T) {
		t.Parallel()
		_, _, err := runCLI(t, nil, "", "invite", "now", "-app-id", "1100000000000000001")
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), `unexpected argument "now"`) {
			t.Errorf("got %v, want the stray argument refused", err)
		}
	})
}

// TestAskLocale: -locale takes the locales the bot reads in, in the usual
// spellings, and refuses others; with -json it adds the reading language
// to each answer and each passage's text as that reader reads it, and
// changes nothing else.
func TestAskLocale(t *testing.T) {
	t.Parallel()
	accepted := []struct{ locale, want string }{
		{"zh-TW", "zh-TW"}, {"ZH-tw", "zh-TW"}, {"zh_TW", "zh-TW"}, {"zh-HK", "zh-TW"}, {"zh-MO", "zh-TW"},
		{"zh-Hant", "zh-TW"}, {"zh-Hant-TW", "zh-TW"}, {"zh-CN", "zh-CN"}, {"zh-cn", "zh-CN"}, {"zh-SG", "zh-CN"},
		{"zh-Hans", "zh-CN"}, {"zh-Hans-CN", "zh-CN"}, {"zh", "zh-CN"}, {"en", "en"}, {"EN", "en"}, {"en-US", "en"},
		{"en-GB", "en"}, {"en_AU", "en"},
	}
	for _, tt := range accepted {
		t.Run(tt.locale, func(t *testing.T) {
			t.Parallel()
			out, _, err := runCLI(t, nil, "", "ask", "-json", "-k", "5", "-locale", tt.locale, "研究員為什麼在乎GPU?")
			if err != nil {
				t.Fatal(err)
			}
			var a map[string]any
			if err := json.Unmarshal([]byte(out), &a); err != nil {
				t.Fatal(err)
			}
			if a["locale"] != tt.want {
				t.Errorf("locale %v, want %s", a["locale"], tt.want)
			}
			passages, _ := a["passages"].([]any)
			if len(passages) == 0 {
				t.Fatalf("no passages: %s", out)
			}
			changed := false
			for _, p := range passages {
				p := p.(map[string]any)
				text, _ := p["text"].(string)
				english, _ := p["english"].(string)
				localized, _ := p["localized"].(string)
				var want string
				switch tt.want {
				case "zh-TW":
					want = text
				case "zh-CN":
					want = language.Simplified.Pick(english, text)
				case "en":
					want = english
				}
				if localized != want {
					t.Errorf("passage %v: localized %.40q, want %.40q", p["id"], localized, want)
				}
				changed = changed || localized != text
			}
			if tt.want != "zh-TW" && !changed {
				t.Errorf("no passage reads differently in %s", tt.want)
			}
		})
	}
	for _, locale := range []string{"xx", "fr-FR", "zh-XX", "english", "--", "en-"} {
		t.Run("refused "+locale, func(t *testing.T) {
			t.Parallel()
			_, _, err := runCLI(t, nil, "", "ask", "-locale", locale, "Hyperion?")
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "zh-TW") || !strings.Contains(err.Error(), "zh-CN") || !strings.Contains(err.Error(), "en") {
				t.Errorf("got %v (exit %d), want a usage error listing zh-TW, zh-CN and en", err, exitCode(err))
			}
		})
	}
	t.Run("no locale, no new fields", func(t *testing.T) {
		t.Parallel()
		out, _, err := runCLI(t, nil, "Hyperion?\n\n", "ask", "-json")
		if err != nil {
			t.Fatal(err)
		}
		answerKeys := []string{"answered", "confidence", "error", "passages", "question", "verdict"}
		passageKeys := []string{"asked", "coverage", "english", "highlights", "id", "position", "score", "section", "speaker", "speaker_en", "text"}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var a map[string]json.RawMessage
			if err := json.Unmarshal([]byte(line), &a); err != nil {
				t.Fatal(err)
			}
			for k := range a {
				if !slices.Contains(answerKeys, k) {
					t.Errorf("answer has %q: %s", k, line)
				}
			}
			var ps []map[string]json.RawMessage
			json.Unmarshal(a["passages"], &ps)
			for _, p := range ps {
				for k := range p {
					if !slices.Contains(passageKeys, k) {
						t.Errorf("passage has %q", k)
					}
				}
			}
		}
	})
}

// repeatReader reads s over and over, n bytes in all, without holding
// them: it copies from one block of repeats, so that a read fills the
// reader's buffer in one copy.
type repeatReader struct {
	block string // s, repeated
	unit  int    // len(s)
	n     int
	read  int
}

func newRepeatReader(s string, n int) *repeatReader {
	return &repeatReader{block: strings.Repeat(s, 64<<10/len(s)+1), unit: len(s), n: n}
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.read == r.n {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.read < r.n {
		c := copy(p[n:min(len(p), n+r.n-r.read)], r.block[r.read%r.unit:])
		n += c
		r.read += c
	}
	return n, nil
}

// askReading runs ask -json on stdin and returns its output lines and
// how many bytes the program allocated meanwhile.
func askReading(t *testing.T, stdin io.Reader) ([]string, uint64) {
	t.Helper()
	if _, err := sharedIndex(); err != nil { // built before, not counted
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err := tested.run(context.Background(), []string{"interviewbot", "ask", "-json", "-k", "1"}, func(string) string { return "" }, stdin, &out, &errOut)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatalf("ask: %v\n%s", err, errOut.String())
	}
	return strings.Split(strings.TrimRight(out.String(), "\n"), "\n"), after.TotalAlloc - before.TotalAlloc
}

// TestAskHugeLine: a 100 MB line without a newline is answered with one
// short error line that echoes a clipped question; the lines around it are
// answered as usual; and reading it costs next to nothing in memory.
func TestAskHugeLine(t *testing.T) {
	_, baseline := askReading(t, strings.NewReader("Hyperion?\nWhat is Prometheus?\n"))
	const huge = 100_000_000
	lines, allocated := askReading(t, io.MultiReader(
		strings.NewReader("Hyperion?\n"),
		newRepeatReader("長", huge), // a line 100 MB long, cut mid-character at any fixed size
		strings.NewReader("\nWhat is Prometheus?\n"),
	))
	if len(lines) != 3 {
		t.Fatalf("%d lines of output for 3 questions", len(lines))
	}
	var a struct {
		Question string `json:"question"`
		Error    string `json:"error"`
	}
	if err := json.Unmarshal([]byte(lines[1]), &a); err != nil {
		t.Fatalf("not JSON: %v\n%.200s", err, lines[1])
	}
	if !strings.Contains(a.Error, "too long") || len(lines[1]) > 1000 || !strings.HasPrefix(a.Question, "長長長") ||
		!utf8.ValidString(a.Question) || strings.ContainsRune(a.Question, utf8.RuneError) {
		t.Errorf("the long line's answer: %.300s", lines[1])
	}
	if !strings.Contains(lines[2], `"question":"What is Prometheus?"`) || !strings.Contains(lines[2], `"answered":true`) {
		t.Errorf("the line after the long one: %.300s", lines[2])
	}
	extra := int64(allocated) - int64(baseline)
	if extra > 8<<20 {
		t.Errorf("reading a %d MB line allocated %d MB more than two short questions", huge>>20, extra>>20)
	}
	t.Logf("a %d MB line: %d KiB more allocated than two short questions", huge>>20, extra>>10)
}

// BenchmarkEachLine reads a 100 MB line without a newline: what it
// allocates is what ask holds of it.
func BenchmarkEachLine(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		lines := 0
		err := eachLine(newRepeatReader("長", 100_000_000), nil, func(string, bool) error { lines++; return nil })
		if err != nil || lines != 1 {
			b.Fatalf("%d lines, %v", lines, err)
		}
	}
}

// TestAskControlCharacters: what the asker typed is printed so that a
// terminal shows it and does not act on it: no C0 control but newlines, no
// DEL, no C1 control, no invalid UTF-8, in text; in JSON the same, escaped,
// so the question decodes as it was asked.
func TestAskControlCharacters(t *testing.T) {
	t.Parallel()
	questions := []string{
		"\x1b]0;pwned\x07",
		"Hyperion\x1b]0;pwned\x07?",
		"\x1b[2J\x7f",
		"\u009b31m\x7f",
		"\u009b\x7f",
		"\x1b\x07",
		"\x9b\x1b\x07",
		"\x1b]0;x\x07" + strings.Repeat("a", 3000),
		"\u202eHyperion",
	}
	stdin := strings.Join(questions, "\n") + "\n"
	safe := func(t *testing.T, out string) {
		t.Helper()
		if !utf8.ValidString(out) {
			t.Errorf("invalid UTF-8 in %q", out)
		}
		for _, r := range out {
			if r < 0x20 && r != '\n' || r == 0x7f || 0x80 <= r && r < 0xa0 || r == 0x202e {
				t.Errorf("%U in %q", r, out)
				return
			}
		}
	}
	t.Run("text", func(t *testing.T) {
		t.Parallel()
		out, _, err := runCLI(t, nil, stdin, "ask", "-k", "1")
		if err != nil {
			t.Fatal(err)
		}
		safe(t, out)
		if strings.Count(out, "\n? ") != len(questions)-1 {
			t.Errorf("want %d answers:\n%s", len(questions), out)
		}
	})
	t.Run("argument", func(t *testing.T) {
		t.Parallel()
		out, _, err := runCLI(t, nil, "", "ask", "-k", "1", "\x1b]0;pwned\x07", "\u009b")
		if err != nil {
			t.Fatal(err)
		}
		safe(t, out)
	})
	t.Run("json", func(t *testing.T) {
		t.Parallel()
		out, _, err := runCLI(t, nil, stdin, "ask", "-json", "-k", "1")
		if err != nil {
			t.Fatal(err)
		}
		safe(t, out)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != len(questions) {
			t.Fatalf("%d answers to %d questions", len(lines), len(questions))
		}
		errors := 0
		for i, q := range questions {
			var a struct {
				Question string `json:"question"`
				Error    string `json:"error"`
			}
			if err := json.Unmarshal([]byte(lines[i]), &a); err != nil {
				t.Fatal(err)
			}
			if a.Error == "" || strings.Contains(a.Error, "too long") || !utf8.ValidString(q) {
				continue
			}
			errors++
			if a.Question != q {
				t.Errorf("line %d echoes %q, want %q", i+1, a.Question, q)
			}
		}
		if errors < 2 {
			t.Errorf("only %d questions echoed as asked", errors)
		}
	})
}

// TestAskVerdicts checks that ask -json says what the bot makes of each
// kind of message, and that small talk comes without passages.
func TestAskVerdicts(t *testing.T) {
	t.Parallel()
	out, _, err := runCLI(t, nil, "Hyperion 要擴到多大?\nhi\nthanks!\n👍\nWhat's the weather in Paris tomorrow?\n", "ask", "-json")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	want := []func(verdict string) bool{
		func(v string) bool { return v == "answer" },
		func(v string) bool { return v == "chat" },
		func(v string) bool { return v == "chat" },
		func(v string) bool { return v == "chat" },
		func(v string) bool { return v == "none" || v == "unsure" || v == "chat" },
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines for %d questions:\n%s", len(lines), len(want), out)
	}
	for i, line := range lines {
		var a struct {
			Question string            `json:"question"`
			Answered bool              `json:"answered"`
			Verdict  string            `json:"verdict"`
			Passages []json.RawMessage `json:"passages"`
		}
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatal(err)
		}
		if !want[i](a.Verdict) || a.Answered != (a.Verdict == "answer") {
			t.Errorf("%q: verdict %q, answered %v", a.Question, a.Verdict, a.Answered)
		}
		if a.Verdict == "chat" && len(a.Passages) != 0 {
			t.Errorf("%q: small talk came with %d passages", a.Question, len(a.Passages))
		}
	}
}

// TestAskChatText: small talk in text mode greets back and lists topics to
// ask, in the asker's language, and quotes no passage.
func TestAskChatText(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ question, greeting, topic string }{
		{"hi", "Hi!", "Scale AI"},
		{"謝謝", "不客氣", "為什麼"},
		{"你好", "你好", "为什么"},
	} {
		t.Run(tt.question, func(t *testing.T) {
			t.Parallel()
			out, _, err := runCLI(t, nil, "", "ask", tt.question)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, tt.greeting) || !strings.Contains(out, "\n  - ") || !strings.Contains(out, tt.topic) {
				t.Errorf("no greeting %q and topics with %q:\n%s", tt.greeting, tt.topic, out)
			}
			if strings.Contains(out, "passage ") {
				t.Errorf("small talk quoted a passage:\n%s", out)
			}
		})
	}
}

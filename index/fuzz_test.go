package index_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/index"
)

// FuzzClean checks the question normaliser on arbitrary text: it never
// panics, fails only with ErrEmpty or ErrTooLong, and what it returns is
// valid UTF-8 with no control or format characters, no leading, trailing or
// double spaces, no @everyone or @here, at most MaxQuestionRunes long, and
// clean already: Clean(Clean(x)) == Clean(x). The seeds in testdata/fuzz
// are questions in the three languages and the tricks users and clients
// play: mentions, zero-width characters, full-width letters, invalid UTF-8.
func FuzzClean(f *testing.F) {
	f.Add("小扎為什麼說研究員更在乎GPU?")
	f.Fuzz(func(t *testing.T, raw string) {
		out, err := index.Clean(raw)
		if err != nil {
			if !errors.Is(err, index.ErrEmpty) && !errors.Is(err, index.ErrTooLong) {
				t.Fatalf("Clean(%q): unexpected error %v", raw, err)
			}
			if out != "" {
				t.Fatalf("Clean(%q) = %q with error %v", raw, out, err)
			}
			return
		}
		if !utf8.ValidString(out) {
			t.Fatalf("Clean(%q) = %q: invalid UTF-8", raw, out)
		}
		if n := utf8.RuneCountInString(out); n == 0 || n > index.MaxQuestionRunes {
			t.Fatalf("Clean(%q) is %d characters", raw, n)
		}
		for _, r := range out {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) && r != ' ' {
				t.Fatalf("Clean(%q) = %q: contains %U", raw, out, r)
			}
		}
		if strings.TrimSpace(out) != out || strings.Contains(out, "  ") {
			t.Fatalf("Clean(%q) = %q: stray spaces", raw, out)
		}
		if strings.Contains(out, "@everyone") || strings.Contains(out, "@here") {
			t.Fatalf("Clean(%q) = %q: still pings", raw, out)
		}
		again, err := index.Clean(out)
		if err != nil || again != out {
			t.Fatalf("Clean is not idempotent: Clean(%q) = %q, Clean(%q) = %q, %v", raw, out, out, again, err)
		}
	})
}

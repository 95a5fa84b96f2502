package zhconv

import (
	"testing"
	"unicode/utf8"
)

func FuzzMainland(f *testing.F) {
	f.Add(paragraph)
	for _, e := range vocabulary {
		f.Add(e.from + e.to)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Mainland(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("Mainland(%q) = %q: invalid UTF-8 from valid input", s, out)
		}
		if again := Mainland(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
		simp := ToSimplified(s)
		if utf8.ValidString(s) && !utf8.ValidString(simp) {
			t.Fatalf("ToSimplified(%q) = %q: invalid UTF-8 from valid input", s, simp)
		}
		if again := ToSimplified(simp); again != simp {
			t.Fatalf("ToSimplified not idempotent: %q → %q → %q", s, simp, again)
		}
		// Characters are replaced one for one, so the count is preserved.
		if utf8.RuneCountInString(simp) != utf8.RuneCountInString(s) {
			t.Fatalf("ToSimplified(%q) = %q changed the character count", s, simp)
		}
	})
}

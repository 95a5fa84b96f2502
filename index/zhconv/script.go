package zhconv

import (
	"sort"
	"unicode/utf8"
)

// IsSimplified reports whether s is written in Simplified script: it has a
// character that only Simplified text uses (the simplified form of some
// Traditional character, like 数 or 说) and none that only Traditional text
// uses. Text with neither, such as 中文 or plain ASCII, is not.
func IsSimplified(s string) bool {
	simplified := false
	for _, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		if _, ok := simplify(r); ok {
			return false
		}
		if !simplified && isSimplifiedForm(r) {
			simplified = true
		}
	}
	return simplified
}

// isSimplifiedForm reports whether r is the simplified form of another
// character and not also a Traditional character of its own.
func isSimplifiedForm(r rune) bool {
	i := sort.Search(len(simplifiedTargets), func(i int) bool { return simplifiedTargets[i] >= r })
	return i < len(simplifiedTargets) && simplifiedTargets[i] == r
}

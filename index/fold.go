package index

import (
	"strings"
	"unicode/utf8"
)

// folder replaces every non-canonical member of a group of words with the
// group's canonical (first) word. Chinese members go through one
// strings.Replacer pass; words in Latin letters are replaced as whole words
// only (so "lab" is left alone in "collaborate").
type folder struct {
	han   *strings.Replacer
	latin *phrases
}

func newFolder(groups [][]string) folder {
	var han, latin []string
	canonical := map[string]string{}
	for _, g := range groups {
		for _, w := range g[1:] {
			if HasHan(w) { // 小扎, and ai眼镜, which is no whole word
				han = append(han, w, g[0])
			} else {
				latin = append(latin, w)
				canonical[w] = g[0]
			}
		}
	}
	return folder{han: strings.NewReplacer(han...), latin: newPhrases(latin, func(w string) string { return canonical[w] })}
}

func (f folder) apply(s string) string { return f.latin.replace(f.han.Replace(s)) }

// wordAt returns the byte offset of the first occurrence of w in s at or
// after from: anywhere when w is written in Chinese, and only as a whole
// word when it is written in Latin letters (so "lab" is not found in
// "collaborate"). It returns -1 when there is none.
func wordAt(s, w string, from int) int {
	if w == "" {
		return -1
	}
	for from <= len(s) {
		j := strings.Index(s[from:], w)
		if j < 0 {
			return -1
		}
		start, end := from+j, from+j+len(w)
		if w[0] >= utf8.RuneSelf || !wordBefore(s, start) && !wordAfter(s, end) {
			return start
		}
		from = start + 1
	}
	return -1
}

// contains reports whether s contains w, as wordAt finds it.
func contains(s, w string) bool { return wordAt(s, w, 0) >= 0 }

// wordBefore and wordAfter report whether the character just before or
// after offset i continues a word written in an alphabet. A Chinese
// character does not: GPU is a whole word in 用GPU嗎.
func wordBefore(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return i > 0 && isWordRune(r) && !isHan(r)
}

func wordAfter(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return i < len(s) && isWordRune(r) && !isHan(r)
}

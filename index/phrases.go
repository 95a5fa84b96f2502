package index

import (
	"strings"
	"unicode/utf8"
)

// phrases finds words and phrases written in Latin letters in lower-case
// text, as whole words: "lab" is not found in "collaborate", "ray ban" is
// found in "ray-ban" and in "Ray Ban". The text is split into words once and
// each word looked up in a map, so a question is matched against a list of
// any length in one pass.
type phrases struct {
	byFirst map[string][]phrase // by the phrase's first word, longest first
}

type phrase struct {
	words []string
	value string // what the phrase stands for: a canonical word, or a space
}

// newPhrases indexes the phrases of list, each standing for value(phrase).
func newPhrases(list []string, value func(string) string) *phrases {
	ps := &phrases{byFirst: map[string][]phrase{}}
	for _, p := range list {
		var ws []string
		for _, w := range splitWords(p) {
			ws = append(ws, p[w[0]:w[1]])
		}
		if len(ws) == 0 {
			continue
		}
		ps.byFirst[ws[0]] = append(ps.byFirst[ws[0]], phrase{ws, value(p)})
	}
	for _, list := range ps.byFirst {
		// longest first, so that "data centers" wins over "data"
		for i := 1; i < len(list); i++ {
			for j := i; j > 0 && len(list[j].words) > len(list[j-1].words); j-- {
				list[j], list[j-1] = list[j-1], list[j]
			}
		}
	}
	return ps
}

// splitWords returns the byte ranges of the words of s: runs of letters
// and digits outside Chinese, with an apostrophe inside a word (zuck's).
func splitWords(s string) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) || isHan(r) {
			i += size
			continue
		}
		j := i + size
		for j < len(s) {
			r2, s2 := utf8.DecodeRuneInString(s[j:])
			if isWordRune(r2) && !isHan(r2) {
				j += s2
				continue
			}
			if (r2 == '\'' || r2 == '’') && j+s2 < len(s) {
				if r3, _ := utf8.DecodeRuneInString(s[j+s2:]); isWordRune(r3) && !isHan(r3) {
					j += s2
					continue
				}
			}
			break
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

// match is a phrase found in a text: its byte range and what it stands for.
type match struct {
	start, end int
	value      string
}

// find returns the phrases in s, the longest at each word, not overlapping.
func (ps *phrases) find(s string) []match {
	if len(ps.byFirst) == 0 {
		return nil
	}
	ws := splitWords(s)
	var out []match
	for i := 0; i < len(ws); i++ {
		for _, p := range ps.byFirst[s[ws[i][0]:ws[i][1]]] {
			if i+len(p.words) > len(ws) {
				continue
			}
			ok := true
			for k := 1; k < len(p.words) && ok; k++ {
				w := ws[i+k]
				ok = s[w[0]:w[1]] == p.words[k]
			}
			if ok {
				out = append(out, match{ws[i][0], ws[i+len(p.words)-1][1], p.value})
				i += len(p.words) - 1
				break
			}
		}
	}
	return out
}

// replace replaces every phrase found in s with what it stands for.
func (ps *phrases) replace(s string) string {
	ms := ps.find(s)
	if len(ms) == 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	at := 0
	for _, m := range ms {
		b.WriteString(s[at:m.start])
		b.WriteString(m.value)
		at = m.end
	}
	b.WriteString(s[at:])
	return b.String()
}

// runes counts the characters of s that phrases make up.
func (ps *phrases) runes(s string) int {
	n := 0
	for _, m := range ps.find(s) {
		n += utf8.RuneCountInString(s[m.start:m.end])
	}
	return n
}

// has reports whether s contains one of the phrases.
func (ps *phrases) has(s string) bool { return len(ps.find(s)) > 0 }

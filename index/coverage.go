package index

import (
	"math"
	"slices"
	"strings"
)

// Coverage is how much of a question a passage covers: every content word
// of the question, weighted by how rare it is in the interview, counts as
// covered when the passage (with its search aids) contains it. BM25 scores
// grow with the length of the question and cannot be compared between
// questions; coverage can. "What is Zuckerberg's net worth?" shares
// Zuckerberg with half the passages but "net worth" with none, so it
// covers little; a paraphrase of a real answer covers most of itself.

const (
	// hanWeight scales a Chinese character against an English word: most
	// Chinese words are two characters.
	hanWeight = 0.5
	// partial credit for a Chinese character found only on its own, and
	// for a Latin word found only within one edit.
	creditUnigram = 0.25
	creditFuzzy   = 0.7
)

// coverage is the weighted share of the question's content that document
// doc covers.
//
// Chinese is weighed character by character, each through the words it
// forms: a character belongs to the known bigrams it makes with its
// neighbours (進展 in 目前進展滿意); it weighs as much as the rarest of them
// and is covered when the document has one. Bigrams the interview never uses
// are mostly seams between two words (展滿), so they are ignored while the
// character has a known bigram on its other side. A character with no known
// bigram on either side is part of a word the interview never uses (員工,
// 比特幣): it weighs the most and is covered, weakly, only by itself.
func (s *termStats) coverage(q *words, doc int) float64 {
	got, total := s.covered(q, doc, anyPart)
	if total == 0 {
		return 0
	}
	return got / total
}

// covered returns the weight of the question's content that the given
// parts of document doc cover, and the total weight.
func (s *termStats) covered(q *words, doc int, in parts) (got, total float64) {
	s.visit(q, doc, in, func(u *unit, credit float64) {
		total += u.weight
		got += u.weight * credit
	})
	return got, total
}

// unit is one unit of a question's content, a Chinese character or an
// English word, weighed once when the question is read (see newUnits).
type unit struct {
	weight float64
	known  bool // the interview uses it
	// a Chinese character: the known bigrams it forms with its
	// neighbours, and the character itself
	bigrams [2]string
	char    string
	// an English word: its term, the "name number" pair it needs, and the
	// index's terms within one edit of it
	term, need string
	near       []string
}

// newUnits weighs the content of q's words, unit by unit.
func (s *termStats) newUnits(w *words) []unit {
	out := make([]unit, 0, len(w.latinTerms)+len(w.hanRuns)*4)
	for _, run := range w.hanRuns {
		// the byte offsets of the run's characters, and of its end
		at := make([]int, 0, len(run)/3+1)
		for i := range run {
			at = append(at, i)
		}
		at = append(at, len(run))
		for k := 0; k+1 < len(at); k++ {
			char := run[at[k]:at[k+1]]
			if strings.Contains(stopChars, char) {
				continue
			}
			u := unit{char: char}
			n := 0
			for _, j := range [2]int{k - 1, k} {
				if j < 0 || j+2 >= len(at) {
					continue
				}
				bg := run[at[j]:at[j+2]]
				if idf, ok := s.zhIDF[bg]; ok {
					u.bigrams[n] = bg
					n++
					u.weight = math.Max(u.weight, idf)
				}
			}
			_, single := s.zhIDF[char]
			u.known = n > 0 || single
			if n == 0 {
				u.weight = s.unknownIDF
			}
			u.weight *= hanWeight
			out = append(out, u)
		}
	}
	for i, t := range w.latinTerms {
		enIDF, inEN := s.enIDF[t]
		zhIDF, inZH := s.zhIDF[t]
		if !inEN {
			enIDF = s.unknownIDF
		}
		if !inZH {
			zhIDF = s.unknownIDF
		}
		out = append(out, unit{
			weight: math.Min(enIDF, zhIDF), known: inEN || inZH || len(w.latinNear[i]) > 0,
			term: t, need: w.latinNeed[i], near: w.latinNear[i],
		})
	}
	return out
}

// visit calls fn for every unit of the question's content with how much
// of it the given parts of document doc cover, 0 to 1.
func (s *termStats) visit(q *words, doc int, in parts, fn func(u *unit, credit float64)) {
	d := s.docs[doc]
	has := func(m map[string]parts, t string) bool { return m[t]&in != 0 }
	for i := range q.units {
		u := &q.units[i]
		credit := 0.0
		switch {
		case u.term == "": // a Chinese character
			switch {
			case u.bigrams[0] != "" && has(d.zh, u.bigrams[0]) || u.bigrams[1] != "" && has(d.zh, u.bigrams[1]):
				credit = 1
			case has(d.zh, u.char):
				credit = creditUnigram
			}
		case u.need != "" && !d.pairs[u.need]:
			// a name with a number (Llama 5, H100) is only covered whole
		case has(d.en, u.term) || has(d.zh, u.term):
			credit = 1
		case slices.ContainsFunc(u.near, func(v string) bool { return has(d.en, v) || has(d.zh, v) }):
			credit = creditFuzzy
		}
		fn(u, credit)
	}
}

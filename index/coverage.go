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
	s.visit(q, doc, in, func(u unit) {
		total += u.weight
		got += u.weight * u.credit
	})
	return got, total
}

// unit is one unit of a question's content, a Chinese character or an
// English word, as one document covers it.
type unit struct {
	weight float64
	credit float64 // how much of it the document covers, 0 to 1
	known  bool    // the interview uses it
}

// visit calls fn for every unit of the question's content, as the given
// parts of document doc cover it.
func (s *termStats) visit(q *words, doc int, in parts, fn func(unit)) {
	d := s.docs[doc]
	has := func(m map[string]parts, t string) bool { return m[t]&in != 0 }
	for _, run := range q.hanRuns {
		for i, r := range run {
			if strings.ContainsRune(stopChars, r) {
				continue
			}
			u := unit{}
			u.weight, u.known = s.hanWeight(run, i)
			u.known = u.known || s.df["z:"+string(r)] > 0
			switch {
			case s.hanCovered(run, i, d, in):
				u.credit = 1
			case has(d.zh, string(r)):
				u.credit = creditUnigram
			}
			fn(u)
		}
	}
	for i, t := range q.latinTerms {
		u := unit{weight: math.Min(s.idf("e:"+t), s.idf("z:"+t))}
		u.known = s.df["e:"+t] > 0 || s.df["z:"+t] > 0 || len(q.latinNear[i]) > 0
		switch need := q.latinNeed[i]; {
		case need != "" && !d.pairs[need]:
			// a name with a number (Llama 5, H100) is only covered whole
		case has(d.en, t) || has(d.zh, t):
			u.credit = 1
		case slices.ContainsFunc(q.latinNear[i], func(v string) bool { return has(d.en, v) || has(d.zh, v) }):
			u.credit = creditFuzzy
		}
		fn(u)
	}
}

// hanWeight is the weight of the i-th character of a run of Chinese: as
// much as the rarest known bigram it forms with a neighbour, or, when it
// forms none (a word the interview never uses), the most a term can weigh.
func (s *termStats) hanWeight(run []rune, i int) (w float64, known bool) {
	for _, j := range [2]int{i - 1, i} {
		if j < 0 || j+1 >= len(run) {
			continue
		}
		key := "z:" + string(run[j:j+2])
		if s.df[key] == 0 {
			continue
		}
		known = true
		w = math.Max(w, s.idf(key))
	}
	if !known {
		w = s.idf("")
	}
	return w * hanWeight, known
}

// hanCovered reports whether the document has a bigram the i-th character
// of run forms with a neighbour, in the given parts.
func (s *termStats) hanCovered(run []rune, i int, d docTerms, in parts) bool {
	for _, j := range [2]int{i - 1, i} {
		if j >= 0 && j+1 < len(run) && d.zh[string(run[j:j+2])]&in != 0 {
			return true
		}
	}
	return false
}

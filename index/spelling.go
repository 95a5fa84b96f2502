package index

// Spelling correction for words in Latin letters (Hyperian, Zuckerburg,
// Prometeus). bleve's fuzzy queries do this but build a Levenshtein
// automaton per word and search, which cost more than the rest of a
// question; the interview's vocabulary is a few thousand terms, grouped by
// length, so the neighbours of a word are found by comparing it with the
// terms one byte shorter, as long or one longer.

// minFuzzy is the shortest word that spelling correction and fuzzy
// coverage consider: shorter ones have too many neighbours.
const minFuzzy = 5

// correction is a term of the index that a misspelt word likely meant.
type correction struct{ field, term string }

// near returns the words of byLen within one edit of t.
func near(t string, byLen map[int][]string) []string {
	if len(t) < minFuzzy {
		return nil
	}
	var out []string
	for n := len(t) - 1; n <= len(t)+1; n++ {
		for _, v := range byLen[n] {
			if withinOneEdit(t, v) {
				out = append(out, v)
			}
		}
	}
	return out
}

// withinOneEdit reports whether a and b differ by at most one insertion,
// deletion, substitution or transposition of adjacent bytes.
func withinOneEdit(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return len(b)-len(a) <= 1
	}
	switch {
	case len(a) == len(b):
		if a[i+1:] == b[i+1:] {
			return true
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case len(b)-len(a) == 1:
		return a[i:] == b[i+1:]
	}
	return false
}

// corrections finds, for each Latin word of the question that the interview
// never uses, the terms within one edit that it does use (Hyperian →
// hyperion, Vally → valley).
func (s *termStats) corrections(q *question) []correction {
	var out []correction
	for _, w := range q.enTerms {
		if s.df["e:"+w] == 0 {
			for _, v := range near(w, s.enByLen) {
				out = append(out, correction{fieldEN, v})
			}
		}
	}
	for _, w := range q.latin {
		if s.df["z:"+w] == 0 {
			for _, v := range near(w, s.zhLatinByLen) {
				out = append(out, correction{fieldZH, v})
			}
		}
	}
	return out
}

// nearUnknown returns, for a word the interview never uses, the terms of
// the index within one edit of it; for a word it uses, nothing: it is found
// as it is.
func (s *termStats) nearUnknown(t string) []string {
	_, inEN := s.enIDF[t]
	_, inZH := s.zhIDF[t]
	if inEN || inZH {
		return nil
	}
	return append(near(t, s.enByLen), near(t, s.zhLatinByLen)...)
}

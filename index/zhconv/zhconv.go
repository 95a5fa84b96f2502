// Package zhconv folds Traditional Chinese to Simplified Chinese for the
// search index and renders text for readers in mainland China.
//
// The index applies the same function to stored text and to queries, so a
// query typed in either script finds the same passages; because the result is
// also shown to mainland readers, a conversion must never turn correct
// Chinese into wrong Chinese. The work is split in two layers:
//
//   - [ToSimplified] replaces single characters (資→资, 後→后). A
//     character-level table is small, exact and easy to audit, and covers
//     almost all of the difference between the scripts.
//   - [Mainland] adds a short vocabulary list for words that Taiwan and
//     Hong Kong write differently even once simplified (資料中心 becomes
//     资料中心 by character, but a mainland reader writes 数据中心), and for
//     the few common words whose characters are ambiguous on their own
//     (乾淨→干净, while 乾隆 must stay).
//
// # Data
//
// The character table (table.go) is generated from the Unicode Han Database
// (Unihan): kSimplifiedVariant from Unihan_Variants.txt, filtered against
// kTGH from Unihan_OtherMappings.txt, the 2013 mainland standard character
// list, plus a short documented supplement. internal/gen documents the rules.
// On Debian and Ubuntu the input comes from the unicode-data package
// (/usr/share/unicode/Unihan_*.txt.bz2); regenerate with go generate. The
// table is derived from Unicode data files and is distributed under the
// Unicode licence in UNICODE-LICENSE.txt; the rest of the package is under
// the project's licence.
//
// # Invalid UTF-8
//
// Both functions pass bytes that are not valid UTF-8 through unchanged, byte
// for byte, and only ever replace whole valid characters, so they are safe on
// any input and never panic. Valid UTF-8 in gives valid UTF-8 out.
//
// # Stability
//
// Text folded with one version of the tables may not match text folded with
// another. [Version] changes whenever either table does; an index that stores
// folded text should record it and rebuild when it differs.
package zhconv

import (
	"math/bits"
	"strings"
	"unicode/utf8"
)

//go:generate go run ./internal/gen -unihan /usr/share/unicode -out table.go

// Version identifies the conversion tables: the Unicode version and a digest
// of the character table, and the revision of the vocabulary list.
const Version = "unihan-" + tableID + "+vocab-" + vocabularyRevision

// pair is one entry of simplifiedTable.
type pair struct{ from, to rune }

// ToSimplified converts Traditional Chinese characters in s to their
// Simplified forms, one character at a time. Everything else (ASCII,
// punctuation, characters that are already simplified or have no simplified
// form) is returned unchanged; when nothing changes, s itself is returned
// without allocating.
func ToSimplified(s string) string {
	i := firstMapped(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	// A replacement is at most one byte longer than the character it replaces
	// (three-byte source, four-byte target), which is rare; len(s) plus a
	// little slack keeps this to one allocation in practice.
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			b.WriteByte(c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if to, ok := simplify(r); ok && size > 1 {
			b.WriteRune(to)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstMapped returns the byte offset of the first character of s that
// simplifiedTable changes, or -1.
func firstMapped(s string) int {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		// utf8.RuneError with size 1 marks an invalid byte; U+FFFD itself is
		// never a key, so the lookup leaves both alone.
		if _, ok := simplify(r); ok && size > 1 {
			return i
		}
		i += size
	}
	return -1
}

// simplify looks r up in the generated table. Ideographs in the bitmap's
// range, which is nearly all real text, take a bit test and a population
// count; the rest (mostly ASCII and punctuation, which the first comparison
// rejects, and the rare supplementary-plane pairs) use binary search.
func simplify(r rune) (rune, bool) {
	if r >= bitmapBase && r < bitmapLimit {
		o := uint(r - bitmapBase)
		w := simplifiedBits[o/64]
		bit := uint64(1) << (o % 64)
		if w&bit == 0 {
			return 0, false
		}
		return simplifiedTable[int(simplifiedRank[o/64])+bits.OnesCount64(w&(bit-1))].to, true
	}
	t := &simplifiedTable
	if r < t[0].from || r > t[len(t)-1].from {
		return 0, false
	}
	lo, hi := 0, len(t)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t[m].from < r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t) && t[lo].from == r {
		return t[lo].to, true
	}
	return 0, false
}

// Mainland returns s in the form a mainland reader expects: [ToSimplified],
// then the vocabulary list in vocabulary.go applied to the simplified text,
// taking at each position the longest entry that matches. When nothing
// changes, s itself is returned without allocating.
//
// Mainland is idempotent, Mainland(Mainland(s)) == Mainland(s), so that text
// folded once for the index and folded again as a query still matches. A
// replacement can combine with its neighbours into another entry (演 followed
// by 演算法 becomes 演算法 again), so the rewriter re-examines the text around
// each replacement until no entry applies; see rewrite.
func Mainland(s string) string {
	s = ToSimplified(s)
	if !needsRewrite(s) {
		return s
	}
	return rewrite(s)
}

// maxKeyRunes bounds the length of a vocabulary key in characters, and so how
// far back a replacement can create a new match. TestVocabularyInvariants
// checks it.
const maxKeyRunes = 6

// needsRewrite reports whether a left-to-right, longest-match scan of s
// finds an entry that changes the text. Pinned entries (from == to) are
// skipped whole, exactly as rewrite treats them.
func needsRewrite(s string) bool {
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if size == 1 { // ASCII or an invalid byte
			i++
			continue
		}
		e, ok := longestEntry(nil, s[i:], r)
		switch {
		case !ok:
			i += size
		case e.from == e.to:
			i += len(e.from)
		default:
			return true
		}
	}
	return false
}

// rewrite applies the vocabulary to s until no entry changes it.
//
// It scans left to right and decides, at each segment start, either "no
// entry starts here" (one character), a pinned entry, or a replacement. A
// decision depends only on the next maxKeyRunes characters. After a
// replacement, every decision whose look-ahead reaches the new text is
// retaken: the last maxKeyRunes-1 segments of the output (at least as many
// characters) go back in front of the unread input, after the replacement
// text, and are scanned again. The result therefore has a left-to-right
// parse that makes no replacement, which is what makes Mainland idempotent.
//
// Every replacement removes a character that later replacements cannot bring
// back in the same number (TestVocabularyTerminates), so the loop ends after
// a number of replacements linear in len(s), each costing a bounded amount of
// work; the budget is only a safety net against a broken vocabulary edit.
func rewrite(s string) string {
	out := make([]byte, 0, len(s)+len(s)/8+16)
	// starts marks the bytes of out where a segment starts, so that
	// stepping back lands on a decision boundary and never inside a
	// pinned word.
	var startsBuf [32]uint64
	starts := startsBuf[:]
	var back pushback // text to scan again, read before s[i:]
	i := 0
	budget := 4*len(s) + 64
	for {
		text := back.text()
		var r rune
		var size int
		switch {
		case len(text) > 0:
			r, size = utf8.DecodeRune(text)
		case i < len(s):
			r, size = utf8.DecodeRuneInString(s[i:])
		default:
			return string(out)
		}
		var e entry
		ok := false
		if size > 1 {
			e, ok = longestEntry(text, s[i:], r)
		}
		if ok && e.from != e.to && budget > 0 {
			budget--
			inBack := min(len(e.from), len(text))
			back.drop(inBack)
			i += len(e.from) - inBack
			copy(back.push(len(e.to)), e.to)
			q := len(out)
			for k := 0; k < maxKeyRunes-1 && q > 0; k++ {
				q--
				for q > 0 && starts[q/64]&(1<<(q%64)) == 0 {
					q--
				}
			}
			for p := q; p < len(out); p++ {
				starts[p/64] &^= 1 << (p % 64)
			}
			copy(back.push(len(out)-q), out[q:])
			out = out[:q]
			continue
		}
		n := size // one character, or a whole pinned word
		if ok {
			n = len(e.from)
		}
		p := len(out)
		for (p+n)/64 >= len(starts) { // cover every byte out will have
			starts = append(starts, make([]uint64, len(starts))...)
		}
		starts[p/64] |= 1 << (p % 64)
		inBack := min(n, len(text))
		out = append(out, text[:inBack]...)
		back.drop(inBack)
		out = append(out, s[i:i+n-inBack]...)
		i += n - inBack
	}
}

// pushback holds text that rewrite must scan again before the rest of its
// input. The text is buf[top:]; it grows at the front, so putting text back
// costs its own length, however much is already waiting behind it.
type pushback struct {
	buf []byte
	top int
}

func (p *pushback) text() []byte { return p.buf[p.top:] }

func (p *pushback) drop(n int) { p.top += n }

// push makes room for n bytes in front of the text and returns it.
func (p *pushback) push(n int) []byte {
	if p.top < n {
		waiting := len(p.buf) - p.top
		nb := make([]byte, 2*(waiting+n)+64)
		copy(nb[len(nb)-waiting:], p.buf[p.top:])
		p.buf, p.top = nb, len(nb)-waiting
	}
	p.top -= n
	return p.buf[p.top : p.top+n]
}

// longestEntry returns the longest vocabulary entry that is a prefix of the
// text a+b and starts with r, the first character of that text.
func longestEntry(a []byte, b string, r rune) (entry, bool) {
	v := &vocabulary
	// Entries are sorted by from and UTF-8 preserves code point order, so the
	// entries starting with r are contiguous; find the first of them.
	lo, hi := 0, len(v)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if keyFirst(v[m].from) < r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	var best entry
	found := false
	for ; lo < len(v); lo++ {
		if keyFirst(v[lo].from) != r {
			break
		}
		if len(v[lo].from) > len(best.from) && hasPrefix2(a, b, v[lo].from) {
			best, found = v[lo], true
		}
	}
	return best, found
}

// keyFirst decodes the first character of a vocabulary key, which
// TestVocabularyInvariants guarantees is a three-byte UTF-8 sequence; this is
// the hot comparison of the search, and the general decoder is not inlined.
func keyFirst(k string) rune {
	_ = k[2]
	return rune(k[0]&0x0F)<<12 | rune(k[1]&0x3F)<<6 | rune(k[2]&0x3F)
}

// hasPrefix2 reports whether key is a prefix of the concatenation a+b.
func hasPrefix2(a []byte, b, key string) bool {
	if len(key) <= len(a) {
		return string(a[:len(key)]) == key
	}
	return string(a) == key[:len(a)] && strings.HasPrefix(b, key[len(a):])
}

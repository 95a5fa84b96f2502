package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/interviewbot/interviewbot/internal/answer"
	"github.com/interviewbot/interviewbot/internal/language"
)

// reader is who a page is for: the language they read, and the reading
// locale ("zh-TW", "zh-CN", "en") when they chose it in the address, which
// every link on the page then keeps.
type reader struct {
	lang   language.Lang
	chosen string
}

// localeOf names a reading language as ?lang= takes it.
var localeOf = [...]string{language.English: "en", language.Traditional: "zh-TW", language.Simplified: "zh-CN"}

// htmlLang is the lang attribute of text in a reading language: the
// transcript is in Traditional characters, the mainland reading in
// Simplified ones.
var htmlLang = [...]string{language.English: "en", language.Traditional: "zh-Hant", language.Simplified: "zh-Hans"}

// langName is each language's name in itself, for the language switch.
var langName = [...]string{language.English: "English", language.Traditional: "繁體中文", language.Simplified: "简体中文"}

// readerOf decides the reading language of a request: ?lang= (or
// ?locale=) when it names one, else the best of Accept-Language that
// names one, else the script of the question, else English.
func readerOf(r *http.Request, v url.Values, question string) reader {
	for _, k := range []string{"lang", "locale"} {
		if loc, ok := answer.ReadingLocale(v.Get(k)); ok && loc != "" {
			return reader{lang: language.For(loc, ""), chosen: loc}
		}
	}
	if loc := acceptLanguage(r.Header.Values("Accept-Language")); loc != "" {
		return reader{lang: language.For(loc, "")}
	}
	return reader{lang: language.For("", question)}
}

// Bounds on what Accept-Language parsing reads: browsers send a handful of
// languages in well under a hundred bytes.
const (
	maxAcceptBytes  = 1024
	maxAcceptRanges = 32
)

// acceptLanguage returns the reading locale of the language a reader
// prefers most among those the site reads, from Accept-Language values
// (RFC 9110 §12.5.4): ranges in the order of their q-values, ties in the
// order given; q=0 means "not this"; a range with a malformed q-value is
// ignored. "" when none names a language the site reads.
func acceptLanguage(values []string) string {
	h := strings.Join(values, ",")
	if len(h) > maxAcceptBytes {
		h = h[:maxAcceptBytes]
	}
	type pref struct {
		locale string
		q      int // thousandths
	}
	var prefs []pref
	for i, part := range strings.Split(h, ",") {
		if i == maxAcceptRanges {
			break
		}
		tag, params, _ := strings.Cut(part, ";")
		q, ok := 1000, true
		for p := range strings.SplitSeq(params, ";") {
			k, v, _ := strings.Cut(p, "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				q, ok = qvalue(strings.TrimSpace(v))
			}
		}
		loc, known := answer.ReadingLocale(tag)
		if !ok || q == 0 || !known || loc == "" {
			continue
		}
		prefs = append(prefs, pref{loc, q})
	}
	if len(prefs) == 0 {
		return ""
	}
	// Stable: among equal q-values the first listed wins.
	slices.SortStableFunc(prefs, func(a, b pref) int { return b.q - a.q })
	return prefs[0].locale
}

// qvalue parses a weight, "0" to "1" with at most three decimals, into
// thousandths.
func qvalue(s string) (int, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole != "0" && whole != "1" || len(frac) > 3 {
		return 0, false
	}
	for _, c := range frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, _ := strconv.Atoi((frac + "000")[:3])
	if whole == "1" {
		if n != 0 {
			return 0, false
		}
		return 1000, true
	}
	return n, true
}

// link is an address on the site for this reader: path, with the query
// pairs kv (key, value, ...) and the chosen language, if any, and an
// optional fragment.
func (rd reader) link(path, fragment string, kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	if rd.chosen != "" {
		v.Set("lang", rd.chosen)
	}
	u := path
	if len(v) > 0 {
		u += "?" + v.Encode()
	}
	if fragment != "" {
		u += "#" + fragment
	}
	return u
}

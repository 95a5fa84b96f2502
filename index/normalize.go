package index

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQuestionRunes bounds what one question may hold. Real questions are a
// sentence or two; anything longer is pasted text, which would match every
// passage a little and none well.
const MaxQuestionRunes = 1000

var (
	// ErrEmpty means the question had nothing to search for.
	ErrEmpty = errors.New("the question is empty")
	// ErrTooLong means the question is over MaxQuestionRunes.
	ErrTooLong = fmt.Errorf("the question is longer than %d characters", MaxQuestionRunes)
)

// discordMarkup matches user, role and channel mentions and custom emoji as
// Discord writes them in message content: <@123>, <@!123>, <@&123>, <#123>,
// <:name:123>, <a:name:123>, plus <t:123:R> timestamps.
var discordMarkup = regexp.MustCompile(`<(?:@[!&]?|#|a?:[A-Za-z0-9_~]+:|t:)[0-9]+(?::[A-Za-z])?>`)

// massMentions removes the mentions that ping a whole server.
var massMentions = strings.NewReplacer("@everyone", " ", "@here", " ")

// Clean turns raw user text into a question fit for searching: valid UTF-8,
// full-width letters, digits and punctuation folded to ASCII, no control or
// format characters, no Discord mention markup or @everyone/@here, and single
// spaces. It returns ErrEmpty when nothing is left and ErrTooLong for pasted
// walls of text.
func Clean(raw string) (string, error) {
	out, err := clean(raw)
	if err != nil {
		return "", err
	}
	if !hasSearchable(out) {
		return "", ErrEmpty
	}
	return out, nil
}

// clean is Clean without the check that something is left to search for.
func clean(raw string) (string, error) {
	if !utf8.ValidString(raw) {
		raw = strings.ToValidUTF8(raw, " ")
	}
	if utf8.RuneCountInString(raw) > 4*MaxQuestionRunes {
		return "", ErrTooLong
	}
	s := discordMarkup.ReplaceAllString(foldWidth(raw), " ")
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1 // zero-width and direction marks join what they split
		}
		return r
	}, s)
	// Each is replaced by a space, so removing one cannot close another
	// around it (@every@everyoneone leaves "@every one").
	s = massMentions.Replace(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	out := strings.TrimSpace(b.String())
	if utf8.RuneCountInString(out) > MaxQuestionRunes {
		return "", ErrTooLong
	}
	return out, nil
}

// hasSearchable reports whether s has a letter or digit to search for.
func hasSearchable(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// isHan reports whether r is a Chinese character.
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// HasHan reports whether s contains Chinese characters.
func HasHan(s string) bool {
	for _, r := range s {
		if isHan(r) {
			return true
		}
	}
	return false
}

// foldWidth turns full-width ASCII forms (ＧＰＵ, ５ＧＷ, ？) and the
// ideographic space into ASCII, as Chinese keyboards type them. It is the
// part of NFKC that questions need, without its tables.
func foldWidth(s string) string {
	if !strings.ContainsFunc(s, isWide) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000':
			return ' '
		case r >= '\uFF01' && r <= '\uFF5E':
			return r - 0xFEE0
		}
		return r
	}, s)
}

func isWide(r rune) bool { return r == '\u3000' || r >= '\uFF01' && r <= '\uFF5E' }

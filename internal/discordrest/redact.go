package discordrest

import (
	"errors"
	"regexp"
	"strings"
)

// webhookToken finds the secrets in interaction callback and webhook URLs,
// which net/http puts in its errors.
var webhookToken = regexp.MustCompile(`(/(?:interactions|webhooks)/[0-9]+/)[A-Za-z0-9_.-]+`)

// Redact keeps interaction tokens out of the logs: they let anyone post
// as the bot in that channel for fifteen minutes.
func Redact(err error) string {
	return webhookToken.ReplaceAllString(err.Error(), "${1}…")
}

// SafeError returns err with its message redacted.
func SafeError(err error) error { return tokenSafe{err} }

// tokenSafe is an error whose message is redacted.
type tokenSafe struct{ err error }

func (e tokenSafe) Error() string { return Redact(e.err) }
func (e tokenSafe) Unwrap() error { return e.err }

// RedactToken keeps the bot token, bare as BareToken gives it, out of an
// error that might quote a request.
func RedactToken(err error, token string) error {
	if token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), token, "[token]"))
}

// BareToken is a bot token as given, without spaces around it or the
// "Bot " prefix that people copy along with it.
func BareToken(t string) string {
	t = strings.TrimSpace(t)
	if rest, ok := strings.CutPrefix(t, "Bot"); ok && (rest == "" || rest[0] == ' ') {
		t = strings.TrimSpace(rest)
	}
	return t
}

// RedactPath keeps interaction tokens out of logged paths.
func RedactPath(path string) string {
	return webhookToken.ReplaceAllString(path, "${1}…")
}

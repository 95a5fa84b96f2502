package discordrest

import "regexp"

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

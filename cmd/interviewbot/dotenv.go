package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"

	"github.com/joho/godotenv"
)

// environment layers the process environment over a .env file in the
// working directory, without touching the process environment itself.
// When .env is malformed, problem says where and what is wrong (never what
// the file holds: that is where the token is), and only the lines before
// the problem count.
func environment(getenv func(string) string) (env func(string) string, problem error) {
	var file map[string]string
	src, err := os.ReadFile(".env")
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		problem = fmt.Errorf("read .env: %w", err)
	default:
		src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
		if start, line, what := dotenvProblem(src); start >= 0 {
			problem = fmt.Errorf(".env line %d: %s", line, what)
			src = src[:start]
		}
		// godotenv's own errors quote the value they stopped at.
		if file, err = godotenv.UnmarshalBytes(src); err != nil && problem == nil {
			problem = errors.New(".env is malformed (each line is NAME=value, or a # comment)")
		}
	}
	return func(key string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return file[key]
	}, problem
}

// dotenvProblem finds the first statement of a .env file that godotenv
// would refuse or misread, and returns where it starts (-1 when there is
// none), its line and what is wrong with it, in words that quote nothing
// from the file but a variable's name. It follows godotenv's grammar:
// NAME=value or NAME: value, after an optional "export"; a value quoted
// with ' or " runs, across lines if need be, to the first such quote not
// preceded by a backslash; any other value runs to the end of the line;
// # starts a comment.
func dotenvProblem(src []byte) (start, line int, what string) {
	const form = " (each line is NAME=value, or a # comment)"
	if bytes.HasPrefix(src, []byte("\uFEFF")) {
		return 0, 1, "the file starts with a byte order mark: save it as UTF-8 without one"
	}
	lineAt := func(i int) int { return 1 + bytes.Count(src[:i], []byte("\n")) }
	i := 0
	for {
		i = statementStart(src, i)
		if i == len(src) {
			return -1, 0, ""
		}
		start := i
		if rest, ok := bytes.CutPrefix(src[i:], []byte("export")); ok && len(rest) > 0 && isBlank(rest[0]) {
			i += len("export")
			for i < len(src) && isBlank(src[i]) {
				i++
			}
		}
		nameAt := i
		for i < len(src) && src[i] != '=' && src[i] != ':' {
			switch c := src[i]; {
			case c == '\n':
				return start, lineAt(start), `the line has no "="` + form
			case isBlank(c) || c == '_' || c == '.' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
				i++
			default:
				return start, lineAt(start), `a name holds a character other than letters, digits, "_" and "."` + form
			}
		}
		if i == len(src) {
			return start, lineAt(start), `the line has no "="` + form
		}
		name := string(bytes.TrimRight(src[nameAt:i], " \t\v\f\r"))
		if name == "" {
			return start, lineAt(start), `a value without a name before its "="` + form
		}
		of := "the value"
		if plainName.MatchString(name) {
			of = "the value of " + name
		}
		i++
		for i < len(src) && isBlank(src[i]) {
			i++
		}
		if i == len(src) || (src[i] != '"' && src[i] != '\'') {
			for i < len(src) && src[i] != '\n' && src[i] != '\r' {
				i++
			}
			continue
		}
		quote, open := src[i], i
		i++
		for i < len(src) && (src[i] != quote || src[i-1] == '\\') {
			i++
		}
		if i == len(src) {
			first := src[open:]
			if nl := bytes.IndexByte(first, '\n'); nl >= 0 {
				first = first[:nl]
			}
			if bytes.HasSuffix(bytes.TrimRight(first, " \t"), []byte{'\\', quote}) {
				return start, lineAt(start), fmt.Sprintf(`the closing %c of %s is escaped by the \ before it, so the value never ends`, quote, of)
			}
			return start, lineAt(start), fmt.Sprintf(`%s opens with %c and is never closed`, of, quote)
		}
		i++
		after := src[i:]
		if nl := bytes.IndexByte(after, '\n'); nl >= 0 {
			after = after[:nl]
		}
		if after = bytes.TrimLeft(after, " \t\v\f\r"); len(after) > 0 && after[0] != '#' {
			return start, lineAt(start), fmt.Sprintf("text after the closing %c of %s (a comment starts with #)", quote, of)
		}
	}
}

// plainName is a variable name safe to quote in a message: the names this
// program reads look like this, and a token does not.
var plainName = regexp.MustCompile(`^[A-Z_][A-Z0-9_]{0,63}$`)

// statementStart skips white space and comment lines from i, as godotenv
// does between statements.
func statementStart(src []byte, i int) int {
	for i < len(src) {
		switch c := src[i]; {
		case c == '#':
			nl := bytes.IndexByte(src[i:], '\n')
			if nl < 0 {
				return len(src)
			}
			i += nl
		case c == '\n' || isBlank(c):
			i++
		default:
			return i
		}
	}
	return i
}

// isBlank is white space within a line, as godotenv sees it.
func isBlank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r'
}

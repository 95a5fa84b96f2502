package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"unicode/utf8"
)

// console is the program's own voice on stderr, beside the logs of run
// and serve: warnings, the way to a token, and the last words before it
// exits. When logs are JSON, whatever reads stderr expects one JSON object
// a line, so the console speaks in JSON log lines too; otherwise in plain
// lines for a person.
type console struct {
	w    io.Writer
	json *slog.Logger // nil: text
}

func newConsole(w io.Writer, jsonLogs bool) *console {
	c := &console{w: w}
	if jsonLogs {
		c.json = slog.New(slog.NewJSONHandler(w, nil))
	}
	return c
}

// warn says that something is wrong but the program goes on.
func (c *console) warn(msg string) {
	msg = oneLogLine(msg)
	if c.json != nil {
		c.json.Warn(msg)
		return
	}
	fmt.Fprintf(c.w, "interviewbot: warning: %s\n", msg)
}

// explain gives a person text that says how to do something: as it is, or
// in JSON as one line that carries it.
func (c *console) explain(about, text string) {
	if c.json != nil {
		c.json.Info(oneLogLine(about), "help", text)
		return
	}
	fmt.Fprint(c.w, text)
}

// exit says, last, why the program stops with err.
func (c *console) exit(err error) {
	msg := oneLogLine(err.Error())
	if c.json != nil {
		c.json.Error(msg, "exit", exitCode(err))
		return
	}
	fmt.Fprintf(c.w, "interviewbot: %s\n", msg)
}

// oneLogLine is a message made one line that a terminal shows as it is:
// line breaks and tabs become spaces, other controls (see terminalControl)
// and bytes that are not UTF-8 become U+FFFD. Errors quote what people
// typed, escape sequences included.
func oneLogLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case terminalControl(r):
			return utf8.RuneError
		}
		return r
	}, s)
}

// jsonLogs reports whether the logs are to be JSON: -log-format on the
// command line, else LOG_FORMAT. It is known before the flags are parsed,
// so that even a mistake in them is reported in the logs' format.
func jsonLogs(args []string, env func(string) string) bool {
	format, given := "", false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "log-format" {
			continue
		}
		if !hasValue && i+1 < len(args) {
			i++
			value, hasValue = args[i], true
		}
		if hasValue {
			format, given = value, true
		}
	}
	if !given {
		format = env("LOG_FORMAT")
	}
	return strings.EqualFold(strings.TrimSpace(format), "json")
}

// lastWords reports err on the console unless it is -h's, which is
// success; it returns what run returns.
func lastWords(con *console, err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return nil
	}
	con.exit(err)
	return err
}

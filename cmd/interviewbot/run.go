package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/interviewbot/interviewbot/bot/gateway"
	"github.com/interviewbot/interviewbot/index"
)

const usage = `interviewbot answers questions about Mark Zuckerberg's interview on Meta's
AI hiring, personal superintelligence, CapEx and the Titan clusters.

usage: interviewbot [command] [flags] [arguments]

commands:
  run          start the Discord bot over the gateway (the default)
  serve        serve Discord interactions over HTTP (POST /interactions)
  ask          answer questions on the command line
  register     register the slash commands with Discord once
  invite       print the links that add the bot to a server or to an account
  healthcheck  probe a running bot's /healthz (exit 0 when healthy)
  version      print the version
  help         print this, or with a command, that command's flags

Run 'interviewbot COMMAND -h' for a command's flags.
`

// usageError is a mistake in how the command was called: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	if errors.Is(err, gateway.ErrRefused) {
		return exitRefused
	}
	return 1
}

// exitRefused is the status when Discord refuses the token or the intents:
// EX_CONFIG, which systemd's RestartPreventExitStatus can name so that the
// bot stays down until someone fixes its configuration.
const exitRefused = 78

// run is the whole program: main only calls it and exits with exitCode of
// its error, which run has already reported on stderr. Everything it needs
// from the outside world comes in as arguments, so tests drive it like main
// does.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return program{openIndex: buildIndex}.run(ctx, args, getenv, stdin, stdout, stderr)
}

// program is everything run does, with one choice left open: where the
// index comes from. run builds one per run, as a process needs; the tests
// run the program hundreds of times over one that they share.
type program struct {
	openIndex indexOpener
}

// indexOpener returns the index to answer from, and release, to call
// once done with it.
type indexOpener func() (ix *index.Index, release func() error, err error)

func (p program) run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	env, problem := environment(getenv)
	con := newConsole(stderr, jsonLogs(args[1:], env))
	return lastWords(con, p.runCommand(ctx, args[1:], env, problem, con, stdin, stdout))
}

// runCommand runs the command args name, in env, which problem says is
// incomplete when it is not nil.
func (p program) runCommand(ctx context.Context, args []string, env func(string) string, problem error, con *console, stdin io.Reader, stdout io.Writer) error {
	// Flags alone start the bot (run is the default command), except the
	// ones that ask about the program itself.
	cmd, rest := "run", args
	if len(rest) > 0 {
		switch a := rest[0]; {
		case a == "-h" || a == "-help" || a == "--help":
			cmd, rest = "help", nil
		case a == "-version" || a == "--version":
			cmd, rest = "version", nil
		case a != "" && a[0] != '-':
			cmd, rest = a, rest[1:]
		}
	}
	if cmd == "help" && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") { // help COMMAND is COMMAND -h
		cmd, rest = rest[0], []string{"-h"}
	}
	switch cmd {
	case "ask", "invite", "run", "serve", "register", "healthcheck":
	case "version":
		return runVersion(stdout)
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usageError{fmt.Errorf("unknown command %s (see 'interviewbot help')", shown(cmd))}
	}
	switch {
	case problem == nil || asksHelp(rest):
	case cmd == "ask": // it needs no configuration: a broken .env is no reason to stop
		con.warn(problem.Error() + "; ask needs no configuration and goes on")
	default:
		return usageError{problem}
	}
	return p.dispatch(ctx, cmd, rest, env, con, stdin, stdout)
}

// asksHelp reports whether a command line asks for the command's help.
func asksHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help":
			return true
		case "--":
			return false
		}
	}
	return false
}

func (p program) dispatch(ctx context.Context, cmd string, rest []string, env func(string) string, con *console, stdin io.Reader, stdout io.Writer) error {
	switch cmd {
	case "ask":
		return p.runAsk(ctx, rest, con, stdin, stdout)
	case "invite":
		return runInvite(rest, env, stdout)
	case "serve":
		return p.runServe(ctx, rest, env, stdout, con.w)
	case "register":
		return runRegister(ctx, rest, env, stdout)
	case "healthcheck":
		return runHealthcheck(ctx, rest, env, stdout)
	}
	return p.runGateway(ctx, rest, env, con, stdin, stdout)
}

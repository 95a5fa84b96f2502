package main

import (
	"crypto/rand"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestHelp: -h prints a command's usage and succeeds (exit 0), as help
// must in scripts, and never starts the command.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{
		{"-h"}, {"run", "-h"}, {"ask", "-h"}, {"serve", "-h"}, {"register", "-h"},
		{"invite", "-h"}, {"healthcheck", "-h"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			stdout, stderr, err := runCLI(t, nil, "", args...)
			if err != nil {
				t.Fatalf("error %v (exit %d)", err, exitCode(err))
			}
			if !strings.Contains(stdout+stderr, "usage:") {
				t.Errorf("no usage printed:\n%s%s", stdout, stderr)
			}
		})
	}
}

// newToken makes a bot token of the right shape that no test spells out, so
// that finding any piece of it in the output means it leaked.
func newToken(t *testing.T) string {
	t.Helper()
	tok := rand.Text() + "." + rand.Text()[:6] + "." + rand.Text() + rand.Text()
	if !tokenShape.MatchString(tok) {
		t.Fatalf("made a token of the wrong shape: %s", tok)
	}
	return tok
}

// leaks reports a piece of secret (eight characters or more) found in out.
func leaks(out, secret string) (string, bool) {
	for i := 0; i+8 <= len(secret); i++ {
		if strings.Contains(out, secret[i:i+8]) {
			return secret[i : i+8], true
		}
	}
	return "", false
}

// inDir runs the rest of the test in a new working directory, with a .env
// holding dotenv when it is not empty.
func inDir(t *testing.T, dotenv string) {
	t.Helper()
	dir := t.TempDir()
	if dotenv != "" {
		if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(dotenv), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
}

// TestHelpShowsNoSecret: the token, from the environment or from .env,
// shows in no help, neither as a flag's default nor anywhere else; help
// says only that it is set.
func TestHelpShowsNoSecret(t *testing.T) {
	token := newToken(t)
	for _, from := range []string{"environment", ".env"} {
		for _, args := range [][]string{
			{"-h"}, {"--help"}, {"help"}, {"-token", "x", "-h"}, {"run", "-h"}, {"serve", "-h"}, {"register", "-h"},
			{"invite", "-h"}, {"healthcheck", "-h"}, {"ask", "-h"}, {"version"},
		} {
			t.Run(from+"/"+strings.Join(args, " "), func(t *testing.T) {
				env := map[string]string{}
				if from == ".env" {
					inDir(t, "DISCORD_TOKEN="+token+"\n")
				} else {
					inDir(t, "")
					env["DISCORD_TOKEN"] = token
				}
				stdout, stderr, err := runCLI(t, env, "", args...)
				if err != nil {
					t.Fatalf("error %v (exit %d)", err, exitCode(err))
				}
				if piece, ok := leaks(stdout+stderr, token); ok {
					t.Errorf("the output shows %q of the token:\n%s%s", piece, stdout, stderr)
				}
				if args[0] != "-h" && args[0] != "--help" && args[0] != "help" && args[len(args)-1] == "-h" &&
					args[0] != "ask" && args[0] != "healthcheck" && !strings.Contains(stdout, "DISCORD_TOKEN, set") {
					t.Errorf("help does not say the token is set:\n%s", stdout)
				}
			})
		}
	}
}

// TestMalformedSetting: a number or a switch that does not parse is an
// error that names the setting (exit 2), from the environment, .env or a
// flag alike; it is never taken as its default.
func TestMalformedSetting(t *testing.T) {
	token := newToken(t)
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		dotenv string
		want   string
	}{
		{"SHARD_COUNT", []string{"run"}, map[string]string{"SHARD_COUNT": "two"}, "", "SHARD_COUNT"},
		{"SHARD_ID", []string{"run"}, map[string]string{"SHARD_ID": "0x"}, "", "SHARD_ID"},
		{"SHARD_ID in .env", []string{"run"}, nil, "SHARD_ID=first\n", "SHARD_ID"},
		{"LOG_QUESTIONS", []string{"run"}, map[string]string{"LOG_QUESTIONS": "maybe"}, "", "LOG_QUESTIONS"},
		{"REGISTER_COMMANDS", []string{"serve"}, map[string]string{"REGISTER_COMMANDS": "please"}, "", "REGISTER_COMMANDS"},
		{"-shard-count", []string{"run", "-shard-count", "two"}, nil, "", "-shard-count"},
		{"-log-questions", []string{"run", "-log-questions=maybe"}, nil, "", "-log-questions"},
		{"-register", []string{"serve", "-register=please"}, nil, "", "-register"},
		{"-shard-id", []string{"run", "-shard-id", "1.5"}, nil, "", "-shard-id"},
		{"-log-level", []string{"run", "-log-level", "loud"}, nil, "", `-log-level "loud"`},
		{"-log-format", []string{"serve", "-log-format", "xml"}, nil, "", `-log-format "xml"`},
		{"LOG_LEVEL", []string{"serve"}, map[string]string{"LOG_LEVEL": "loud"}, "", `LOG_LEVEL "loud"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inDir(t, tt.dotenv)
			env := map[string]string{
				"DISCORD_TOKEN":      token,
				"DISCORD_PUBLIC_KEY": strings.Repeat("ab", 32),
				"HTTP_ADDR":          "127.0.0.1:0",
				"DISCORD_API_URL":    "http://127.0.0.1:1",
			}
			for k, v := range tt.env {
				env[k] = v
			}
			stdout, stderr, err := runCLI(t, env, "", tt.args...)
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v (exit %d), want a usage error naming %s", err, exitCode(err), tt.want)
			}
			if piece, ok := leaks(stdout+stderr+err.Error(), token); ok {
				t.Errorf("the output shows %q of the token", piece)
			}
		})
	}
}

// TestCommandFlags: each command's help lists the flags it uses and no
// other, and it refuses the others.
func TestCommandFlags(t *testing.T) {
	tests := []struct {
		cmd  string
		want []string
	}{
		{"run", []string{"token", "app-id", "guild-id", "api-url", "shard-id", "shard-count", "addr", "log-format", "log-level", "log-questions", "public-url", "refused-wait", "trusted-proxies", "answer-forums"}},
		{"serve", []string{"public-key", "token", "app-id", "guild-id", "api-url", "register", "addr", "log-format", "log-level", "log-questions", "public-url", "trusted-proxies"}},
		{"register", []string{"token", "app-id", "guild-id", "api-url"}},
		{"invite", []string{"app-id", "token", "guild-id"}},
		{"healthcheck", []string{"addr", "url", "timeout"}},
		{"ask", []string{"k", "json", "locale"}},
	}
	all := map[string]bool{}
	for _, tt := range tests {
		for _, f := range tt.want {
			all[f] = true
		}
	}
	for _, tt := range tests {
		t.Run(tt.cmd, func(t *testing.T) {
			stdout, _, err := runCLI(t, nil, "", tt.cmd, "-h")
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, line := range strings.Split(stdout, "\n") {
				if f, ok := strings.CutPrefix(line, "  -"); ok {
					got = append(got, strings.Fields(f)[0])
				}
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("help lists %v, want %v:\n%s", got, want, stdout)
			}
			for f := range all {
				if slices.Contains(tt.want, f) {
					continue
				}
				_, _, err := runCLI(t, nil, "", tt.cmd, "-"+f, "1")
				if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "-"+f) {
					t.Errorf("%s -%s 1: %v (exit %d), want a usage error", tt.cmd, f, err, exitCode(err))
				}
			}
		})
	}
}

// TestTopLevel: help on its own lists the commands, one line each; the
// version answers to its usual spellings.
func TestTopLevel(t *testing.T) {
	commands := []string{"run", "serve", "ask", "register", "invite", "healthcheck", "version"}
	tests := []struct {
		args []string
		want []string // on stdout
		not  []string
	}{
		{[]string{"-h"}, commands, []string{"-shard-count", "-token"}},
		{[]string{"--help"}, commands, []string{"-shard-count", "-token"}},
		{[]string{"-help"}, commands, []string{"-shard-count", "-token"}},
		{[]string{"help"}, commands, []string{"-shard-count", "-token"}},
		{[]string{"help", "-h"}, commands, []string{"-shard-count", "-token"}},
		{[]string{"help", "ask"}, []string{"usage: interviewbot ask", "-locale"}, []string{"-token"}},
		{[]string{"version"}, []string{"interviewbot " + version, "passages"}, nil},
		{[]string{"-version"}, []string{"interviewbot " + version, "passages"}, nil},
		{[]string{"--version"}, []string{"interviewbot " + version, "passages"}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, err := runCLI(t, nil, "", tt.args...)
			if err != nil {
				t.Fatalf("error %v (exit %d)\n%s", err, exitCode(err), stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(stdout, w) {
					t.Errorf("stdout has %q:\n%s", w, stdout)
				}
			}
			if stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
		})
	}
	for _, args := range [][]string{{"nope"}, {"help", "nope"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			_, _, err := runCLI(t, nil, "", args...)
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "nope") {
				t.Errorf("got %v (exit %d), want a usage error", err, exitCode(err))
			}
		})
	}
}

// TestMalformedDotenv: a .env that does not parse is reported by line and
// by what is wrong, never by its content, which is the token. Commands
// that need configuration stop (exit 2); ask, which needs none, warns once
// and answers.
func TestMalformedDotenv(t *testing.T) {
	token := newToken(t)
	tests := []struct {
		name   string
		dotenv string
		line   string
	}{
		{"unclosed quote", "# bot\nLOG_LEVEL=info\nDISCORD_TOKEN=\"" + token + "\nHTTP_ADDR=:8080\n", "line 3"},
		{"single quote", "DISCORD_TOKEN='" + token + "\n", "line 1"},
		{"escaped closing quote", "LOG_LEVEL=info\n\nDISCORD_TOKEN=\"" + token + "\\\"\n", "line 3"},
		{"no equals sign", "LOG_LEVEL=info\n" + token + "\nHTTP_ADDR=:8080\n", "line 2"},
		{"no equals sign, last line", "LOG_LEVEL=info\r\n" + token, "line 2"},
		{"text after the quote", "DISCORD_TOKEN=\"" + token + "\" " + token + "\n", "line 1"},
		{"no name", "=" + token + "\n", "line 1"},
	}
	for _, tt := range tests {
		for _, args := range [][]string{{"run"}, {"serve"}, {"register"}, {"invite"}, {"healthcheck"}, {"ask", "Hyperion?"}} {
			t.Run(tt.name+"/"+args[0], func(t *testing.T) {
				inDir(t, tt.dotenv)
				stdout, stderr, err := runCLI(t, nil, "Hyperion?\nWhat is Prometheus?\n", args...)
				all := stdout + stderr
				if err != nil {
					all += err.Error()
				}
				if piece, ok := leaks(all, token); ok {
					t.Errorf("the output shows %q of the token:\n%s", piece, all)
				}
				if args[0] == "ask" {
					if err != nil {
						t.Fatalf("ask: %v", err)
					}
					if !strings.Contains(stdout, "Hyperion") {
						t.Errorf("no answer:\n%s", stdout)
					}
					if strings.Count(stderr, ".env") != 1 || !strings.Contains(stderr, tt.line) {
						t.Errorf("want one warning about .env %s, got:\n%s", tt.line, stderr)
					}
					return
				}
				if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), ".env "+tt.line+":") {
					t.Errorf("got %v (exit %d), want a usage error about .env %s", err, exitCode(err), tt.line)
				}
			})
		}
	}
	t.Run("ask batch warns once", func(t *testing.T) {
		inDir(t, "DISCORD_TOKEN=\""+token+"\n")
		stdout, stderr, err := runCLI(t, nil, "Hyperion?\nWhat is Prometheus?\n", "ask")
		if err != nil || strings.Count(stdout, "? ") != 2 || strings.Count(stderr, ".env") != 1 {
			t.Errorf("ask = %v\nstdout:\n%s\nstderr:\n%s", err, stdout, stderr)
		}
	})
	t.Run("well formed", func(t *testing.T) {
		inDir(t, "# a comment\nexport LOG_LEVEL=debug\nDISCORD_APP_ID: 1100000000000000009\nDISCORD_GUILD_ID='1300000000000000001' # the test server\nX=\"two\nlines\"\n")
		stdout, stderr, err := runCLI(t, nil, "", "invite")
		if err != nil || !strings.Contains(stdout, "client_id=1100000000000000009") || !strings.Contains(stdout, "guild_id=1300000000000000001") {
			t.Errorf("invite = %v\n%s%s", err, stdout, stderr)
		}
	})
}

// TestStderrJSON: when logs are JSON (by flag, environment or .env), every
// line on stderr is a JSON log line, the last words and usage errors too;
// help still goes to stdout as text. In text, the last words are one
// plain line.
func TestStderrJSON(t *testing.T) {
	jsonLogs := map[string]string{"LOG_FORMAT": "json"}
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		dotenv string
		exit   int
		want   string // in the error line's msg
		stdout string
	}{
		{"no token", []string{"run"}, jsonLogs, "", 2, "DISCORD_TOKEN is not set", ""},
		{"no token, .env", []string{"run"}, nil, "LOG_FORMAT=json\n", 2, "DISCORD_TOKEN is not set", ""},
		{"no token, flag", []string{"-log-format", "json"}, nil, "", 2, "DISCORD_TOKEN is not set", ""},
		{"no public key", []string{"serve"}, jsonLogs, "", 2, "DISCORD_PUBLIC_KEY", ""},
		{"bad flag", []string{"ask", "-nope"}, jsonLogs, "", 2, "-nope", ""},
		{"bad flag after the log format", []string{"run", "-log-format=json", "-nope"}, nil, "", 2, "-nope", ""},
		{"unknown command", []string{"nope"}, jsonLogs, "", 2, "nope", ""},
		{"bad locale", []string{"ask", "-locale", "xx", "Hyperion"}, jsonLogs, "", 2, "locale", ""},
		{"no app ID", []string{"invite"}, jsonLogs, "", 2, "DISCORD_APP_ID", ""},
		{"unhealthy", []string{"healthcheck", "-addr", freeAddr(t)}, jsonLogs, "", 1, "healthcheck", ""},
		{"control characters", []string{"ask", "-\x1b]0;x\x07"}, jsonLogs, "", 2, "flag provided but not defined", ""},
		{"malformed .env, ask", []string{"ask", "Hyperion?"}, nil, "LOG_FORMAT=json\nDISCORD_TOKEN=\"x\n", 0, ".env line 2", "Hyperion"},
		{"help", []string{"-h"}, jsonLogs, "", 0, "", "usage:"},
		{"command help", []string{"run", "-h"}, jsonLogs, "", 0, "", "usage:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inDir(t, tt.dotenv)
			stdout, stderr, err := runCLI(t, tt.env, "", tt.args...)
			if exitCode(err) != tt.exit && !(err == nil && tt.exit == 0) {
				t.Fatalf("exit %d (%v), want %d", exitCode(err), err, tt.exit)
			}
			if !strings.Contains(stdout, tt.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.stdout, stdout)
			}
			found := tt.want == ""
			for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
				if line == "" && stderr == "" {
					continue
				}
				var entry struct {
					Level string `json:"level"`
					Msg   string `json:"msg"`
				}
				if err := json.Unmarshal([]byte(line), &entry); err != nil || entry.Level == "" || entry.Msg == "" {
					t.Errorf("not a JSON log line: %q", line)
					continue
				}
				if tt.want != "" && strings.Contains(entry.Msg, tt.want) {
					found = true
				}
				if strings.ContainsAny(line, "\x1b\x07") {
					t.Errorf("a control character in %q", line)
				}
			}
			if !found {
				t.Errorf("no log line says %q:\n%s", tt.want, stderr)
			}
			if tt.want == "" && stderr != "" {
				t.Errorf("stderr: %s", stderr)
			}
		})
	}
	t.Run("text", func(t *testing.T) {
		inDir(t, "")
		_, stderr, err := runCLI(t, map[string]string{"LOG_FORMAT": "json"}, "", "run", "-log-format", "text", "-\x1b]0;x\x07")
		if exitCode(err) != 2 {
			t.Fatalf("exit %d (%v)", exitCode(err), err)
		}
		if want := "interviewbot: flag provided but not defined: -\uFFFD]0;x\uFFFD"; !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("stderr %q, want one line starting %q", stderr, want)
		}
	})
}

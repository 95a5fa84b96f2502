package main

import (
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

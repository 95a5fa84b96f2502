package main

import (
	"context"
	"errors"
	"io"
)

// runServe serves Discord interactions over HTTP.
func runServe(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	return errors.New("serve: not built yet")
}

// runRegister registers the slash commands once.
func runRegister(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	return errors.New("register: not built yet")
}

// runHealthcheck probes /healthz.
func runHealthcheck(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	return errors.New("healthcheck: not built yet")
}

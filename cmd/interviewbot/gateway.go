package main

import (
	"context"
	"errors"
	"io"
)

// runGateway starts the bot over the Discord gateway.
func runGateway(ctx context.Context, args []string, env func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return errors.New("run: not built yet")
}

package main

import (
	"fmt"
	"io"
	"runtime"

	"github.com/interviewbot/interviewbot/data"
)

// Set at build time: -ldflags "-X main.version=v1.2.3 -X main.commit=abc123".
var (
	version = "dev"
	commit  = "unknown"
)

func runVersion(stdout io.Writer) error {
	a, err := data.Load()
	if err != nil {
		return fmt.Errorf("load interview: %w", err)
	}
	fmt.Fprintf(stdout, "interviewbot %s\ncommit %s\n%s %s/%s\ndata %s (%d passages)\n",
		version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH, a.Checksum, len(a.Passages))
	return nil
}

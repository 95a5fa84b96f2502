// Command interviewbot answers questions about Mark Zuckerberg's interview on
// Meta's AI hiring, personal superintelligence and the Titan clusters: on
// Discord over the gateway, as an HTTP interactions endpoint, or on the
// command line.
package main

import (
	"context"
	"os"
)

func main() {
	os.Exit(exitCode(run(context.Background(), os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)))
}

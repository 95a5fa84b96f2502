package discordtest

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// RunParallel runs a test binary's tests with -parallel at n unless the
// command line sets it, for tests that spend their time waiting (on
// discordgo's Close, read deadlines, retry backoffs), not on a core: the
// default, GOMAXPROCS, would run them two at a time on a two-core machine,
// for no reason but the count of cores. It is what TestMain calls.
func RunParallel(m *testing.M, n int) int {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		if err := flag.Set("test.parallel", strconv.Itoa(n)); err != nil {
			fmt.Fprintln(os.Stderr, "-parallel stays at its default:", err)
		}
	}
	return m.Run()
}

package gateway_test

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"testing"
)

// sleepBoundParallel is how many of these tests run at once unless
// -parallel says otherwise. They spend their time asleep, mostly in
// discordgo's Close, which waits a second after its close frame, not on a
// core: the default, GOMAXPROCS, would run them two at a time on a
// two-core machine, for no reason but the count of cores.
const sleepBoundParallel = 16

func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		if err := flag.Set("test.parallel", strconv.Itoa(sleepBoundParallel)); err != nil {
			fmt.Fprintln(os.Stderr, "gateway tests: -parallel stays at its default:", err)
		}
	}
	m.Run()
}

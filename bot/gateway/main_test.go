package gateway_test

import (
	"testing"

	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// Most of these tests wait, not work: all of them at once (there are
// fewer than 64, subtests included).
func TestMain(m *testing.M) { discordtest.RunParallel(m, 64) }

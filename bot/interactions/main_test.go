package interactions_test

import (
	"testing"

	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// Most of these tests wait, not work: sixteen at a time.
func TestMain(m *testing.M) { discordtest.RunParallel(m, 16) }

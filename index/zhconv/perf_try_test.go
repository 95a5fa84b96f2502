package zhconv

import (
	"strings"
	"testing"
	"time"
)

func TestTryWorst(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("演", 200000) + "演算法",
		strings.Repeat("丛", 200000) + "集",
		strings.Repeat("資料", 200000),
		strings.Repeat("網際網路路", 100000),
		strings.Repeat("数位转型", 100000),
		strings.Repeat("连线著", 100000),
		strings.Repeat("a", 1000000),
		strings.Repeat(paragraph, 2000),
	} {
		st := time.Now()
		out := Mainland(s)
		d := time.Since(st)
		if Mainland(out) != out {
			t.Error("not idempotent")
		}
		r := []rune(out)
		t.Logf("%d bytes → %d bytes in %v; head %q", len(s), len(out), d, string(r[:min(6, len(r))]))
	}
}

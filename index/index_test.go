package index_test

import (
	"testing"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
)

// newIndex builds the real index without a result cache, so that tests and
// benchmarks exercise the search itself.
func newIndex(t testing.TB) *index.Index {
	t.Helper()
	a, err := data.Load()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.NewWithOptions(a, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

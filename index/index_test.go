package index_test

import (
	"testing"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
)

func newIndex(t testing.TB) *index.Index {
	t.Helper()
	a, err := data.Load()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.New(a)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

package index

import (
	"sync"

	"github.com/interviewbot/interviewbot/data"
)

// SharedIndex is the one real index, without a result cache, that the
// tests of this directory search: building it is the costliest step of the
// tests, and no test changes it, so it is built once per test binary and
// never closed.
var SharedIndex = sync.OnceValues(func() (*Index, error) {
	a, err := data.Load()
	if err != nil {
		return nil, err
	}
	return NewWithOptions(a, Options{})
})

// WithCache is ix with a result cache of its own, of size answers: the same
// index, searched the same way, without building it again.
func (ix *Index) WithCache(size int) *Index {
	c := *ix
	c.cache = newResultCache(size)
	return &c
}

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

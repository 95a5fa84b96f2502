package main

import (
	"sync"

	"github.com/interviewbot/interviewbot/index"
)

// sharedIndex is the one index that the tests' runs of the program share:
// under the race detector, building it is most of what a run costs.
var sharedIndex = sync.OnceValues(func() (*index.Index, error) {
	ix, _, err := buildIndex()
	return ix, err
})

// tested is the program as the tests run it, over the shared index, which
// no run closes. Tests that call run itself build their own, as main does.
var tested = program{openIndex: func() (*index.Index, func() error, error) {
	ix, err := sharedIndex()
	return ix, func() error { return nil }, err
}}

//go:build !race

package index

// raceDetector: this test binary runs under the race detector.
const raceDetector = false

//go:build !race

package zhconv

// raceDetector: this test binary runs under the race detector.
const raceDetector = false

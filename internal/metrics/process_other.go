//go:build !linux

package metrics

import "time"

// writeProcess writes the process's start time; the kernel's other figures
// are read on Linux only.
func writeProcess(e *exposition, start time.Time) {
	e.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.")
	e.sample("process_start_time_seconds", "", float64(start.UnixNano())/1e9)
}

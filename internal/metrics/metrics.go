// Package metrics counts what the bot and its transports do and serves the
// counts in Prometheus's text format at /metrics. It writes the format
// itself: the few counters and histograms the bot keeps do not need a
// client library, and one would add megabytes to an image that has to stay
// small.
package metrics

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Bucket bounds, in seconds.
var (
	// From a cached answer (~0.1 ms) to Discord's 3 s deadline.
	interactionBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3}
	// Searches of an 88-passage index take tens of microseconds to a few
	// milliseconds.
	searchBuckets = []float64{.00001, .000025, .00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .1}
)

// Metrics records what the bot does. It implements the small interfaces
// the core and both transports declare, and http.Handler for /metrics. It
// is safe for concurrent use.
type Metrics struct {
	start time.Time

	mu        sync.Mutex
	questions map[[3]string]uint64 // command, locale, outcome
	duration  map[string]*histogram
	requests  map[[2]string]uint64 // route, status code

	search       histogram
	autocomplete atomic.Uint64
	feedback     [2]atomic.Uint64 // down, up
	reconnects   atomic.Uint64
}

// New returns empty metrics; the process's start time is now.
func New() *Metrics {
	return &Metrics{
		start:     time.Now(),
		questions: map[[3]string]uint64{},
		duration:  map[string]*histogram{},
		requests:  map[[2]string]uint64{},
		search:    histogram{bounds: searchBuckets, counts: make([]uint64, len(searchBuckets))},
	}
}

// Interaction counts one answered interaction and how long it took.
func (m *Metrics) Interaction(command, locale, outcome string, took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.questions[[3]string{command, locale, outcome}]++
	h := m.duration[command]
	if h == nil {
		h = &histogram{bounds: interactionBuckets, counts: make([]uint64, len(interactionBuckets))}
		m.duration[command] = h
	}
	h.observe(took.Seconds())
}

// Search records how long one search took.
func (m *Metrics) Search(took time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.search.observe(took.Seconds())
}

// Autocomplete counts one autocomplete request.
func (m *Metrics) Autocomplete() { m.autocomplete.Add(1) }

// Feedback counts one vote.
func (m *Metrics) Feedback(up bool) {
	if up {
		m.feedback[1].Add(1)
	} else {
		m.feedback[0].Add(1)
	}
}

// Reconnect counts one gateway reconnection.
func (m *Metrics) Reconnect() { m.reconnects.Add(1) }

// HTTPRequest counts one HTTP request by route and status code.
func (m *Metrics) HTTPRequest(route string, code int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[[2]string{route, strconv.Itoa(code)}]++
}

// histogram counts observations into buckets with upper bounds; counts are
// per bucket, not cumulative.
type histogram struct {
	bounds []float64
	counts []uint64
	inf    uint64 // above every bound
	sum    float64
}

func (h *histogram) observe(v float64) {
	h.sum += v
	if i, _ := slices.BinarySearch(h.bounds, v); i < len(h.bounds) {
		h.counts[i]++
		return
	}
	h.inf++
}

// ServeHTTP writes every metric in the text exposition format, version 0.0.4.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	bw := bufio.NewWriter(w)
	m.write(bw)
	_ = bw.Flush() // the client hung up: no one to tell
}

func (m *Metrics) write(w io.Writer) {
	e := &exposition{w: w}
	m.mu.Lock()
	e.family("interviewbot_questions_total", "counter", "Interactions answered, by command (ask-message for the message command), kind of button (button-share, ...) or forum, locale and outcome (answered, unsure, no-answer, chat, rate-limited, error, invalid, ok).")
	for _, k := range sortedKeys(m.questions) {
		e.sample("interviewbot_questions_total", labels("command", k[0], "locale", k[1], "outcome", k[2]), float64(m.questions[k]))
	}
	e.family("interviewbot_interaction_duration_seconds", "histogram", "Time to build the response to an interaction, by command.")
	for _, c := range sortedKeys(m.duration) {
		e.histogram("interviewbot_interaction_duration_seconds", labels("command", c), m.duration[c])
	}
	e.family("interviewbot_search_duration_seconds", "histogram", "Time one search of the interview takes.")
	e.histogram("interviewbot_search_duration_seconds", "", &m.search)
	e.family("interviewbot_http_requests_total", "counter", "HTTP requests served, by route and status code.")
	for _, k := range sortedKeys(m.requests) {
		e.sample("interviewbot_http_requests_total", labels("code", k[1], "route", k[0]), float64(m.requests[k]))
	}
	m.mu.Unlock()

	e.family("interviewbot_autocomplete_total", "counter", "Autocomplete requests answered.")
	e.sample("interviewbot_autocomplete_total", "", float64(m.autocomplete.Load()))
	e.family("interviewbot_feedback_total", "counter", "Feedback buttons clicked, by vote (up or down).")
	e.sample("interviewbot_feedback_total", labels("vote", "down"), float64(m.feedback[0].Load()))
	e.sample("interviewbot_feedback_total", labels("vote", "up"), float64(m.feedback[1].Load()))
	e.family("interviewbot_gateway_reconnects_total", "counter", "Times the gateway connection was re-established (resumed or identified anew).")
	e.sample("interviewbot_gateway_reconnects_total", "", float64(m.reconnects.Load()))

	writeRuntime(e)
	writeProcess(e, m.start)
}

// writeRuntime writes the Go runtime's own figures.
func writeRuntime(e *exposition) {
	samples := []metrics.Sample{
		{Name: "/sched/goroutines:goroutines"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/gc/cycles/total:gc-cycles"},
	}
	metrics.Read(samples)
	value := func(s metrics.Sample) float64 {
		if s.Value.Kind() == metrics.KindUint64 {
			return float64(s.Value.Uint64())
		}
		return 0
	}
	e.family("go_goroutines", "gauge", "Number of goroutines that currently exist.")
	e.sample("go_goroutines", "", value(samples[0]))
	e.family("go_memstats_heap_alloc_bytes", "gauge", "Bytes of live and unswept heap objects.")
	e.sample("go_memstats_heap_alloc_bytes", "", value(samples[1]))
	e.family("go_memstats_sys_bytes", "gauge", "Bytes of memory obtained from the operating system.")
	e.sample("go_memstats_sys_bytes", "", value(samples[2]))
	e.family("go_gc_cycles_total", "counter", "Garbage collection cycles completed.")
	e.sample("go_gc_cycles_total", "", value(samples[3]))
	e.family("go_info", "gauge", "The Go version the program was built with.")
	e.sample("go_info", labels("version", runtime.Version()), 1)
}

// exposition writes metric families in the text format.
type exposition struct{ w io.Writer }

func (e *exposition) family(name, typ, help string) {
	fmt.Fprintf(e.w, "# HELP %s %s\n# TYPE %s %s\n", name, strings.NewReplacer(`\`, `\\`, "\n", `\n`).Replace(help), name, typ)
}

func (e *exposition) sample(name, labels string, v float64) {
	fmt.Fprintf(e.w, "%s%s %s\n", name, labels, formatValue(v))
}

// histogram writes a histogram's cumulative buckets, sum and count; labels
// is "" or a {…} set that le is added to.
func (e *exposition) histogram(name, labels string, h *histogram) {
	with := func(le string) string {
		if labels == "" {
			return `{le="` + le + `"}`
		}
		return labels[:len(labels)-1] + `,le="` + le + `"}`
	}
	var n uint64
	for i, b := range h.bounds {
		n += h.counts[i]
		e.sample(name+"_bucket", with(formatValue(b)), float64(n))
	}
	n += h.inf
	e.sample(name+"_bucket", with("+Inf"), float64(n))
	e.sample(name+"_sum", labels, h.sum)
	e.sample(name+"_count", labels, float64(n))
}

// labels formats name, value pairs as {name="value",…}, values escaped.
func labels(pairs ...string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(pairs[i] + `="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(pairs[i+1]) + `"`)
	}
	b.WriteByte('}')
	return b.String()
}

func formatValue(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

func sortedKeys[K interface{ comparable }, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b K) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return keys
}

package metrics

import (
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape serves /metrics and parses it with Prometheus's own parser.
func scrape(t *testing.T, m *Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	m.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("content type %q", ct)
	}
	p := expfmt.NewTextParser(model.LegacyValidation)
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("Prometheus cannot parse /metrics: %v", err)
	}
	return fams
}

func counter(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("no %s", name)
	}
	for _, m := range f.Metric {
		if matches(m, labels) {
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("%s%v: no such series", name, labels)
	return 0
}

func matches(m *dto.Metric, labels map[string]string) bool {
	n := 0
	for _, l := range m.Label {
		if v, ok := labels[l.GetName()]; ok && v == l.GetValue() {
			n++
		}
	}
	return n == len(labels)
}

func TestMetricsAreParsedByPrometheus(t *testing.T) {
	m := New()
	m.Interaction("ask", "zh-TW", "answered", 300*time.Microsecond)
	m.Interaction("ask", "zh-TW", "answered", 2*time.Second)
	m.Interaction("ask", "en-US", "chat", time.Millisecond)
	m.Interaction(`we"ird\name`+"\n", "other", "error", 5*time.Second)
	m.Search(40 * time.Microsecond)
	m.Search(time.Second)
	m.Autocomplete()
	m.Feedback(true)
	m.Feedback(true)
	m.Feedback(false)
	m.Reconnect()
	m.HTTPRequest("/interactions", 401)
	m.HTTPRequest("/interactions", 200)
	m.HTTPRequest("/interactions", 200)

	fams := scrape(t, m)
	tests := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"interviewbot_questions_total", map[string]string{"command": "ask", "locale": "zh-TW", "outcome": "answered"}, 2},
		{"interviewbot_questions_total", map[string]string{"command": "ask", "locale": "en-US", "outcome": "chat"}, 1},
		{"interviewbot_questions_total", map[string]string{"command": `we"ird\name` + "\n"}, 1},
		{"interviewbot_autocomplete_total", nil, 1},
		{"interviewbot_feedback_total", map[string]string{"vote": "up"}, 2},
		{"interviewbot_feedback_total", map[string]string{"vote": "down"}, 1},
		{"interviewbot_gateway_reconnects_total", nil, 1},
		{"interviewbot_http_requests_total", map[string]string{"route": "/interactions", "code": "200"}, 2},
		{"interviewbot_http_requests_total", map[string]string{"route": "/interactions", "code": "401"}, 1},
	}
	for _, tt := range tests {
		if got := counter(t, fams, tt.name, tt.labels); got != tt.want {
			t.Errorf("%s%v = %v, want %v", tt.name, tt.labels, got, tt.want)
		}
	}

	var ask *dto.Histogram
	for _, mm := range fams["interviewbot_interaction_duration_seconds"].Metric {
		if matches(mm, map[string]string{"command": "ask"}) {
			ask = mm.GetHistogram()
		}
	}
	if ask == nil || ask.GetSampleCount() != 3 || ask.GetSampleSum() < 2 {
		t.Fatalf("ask histogram %v", ask)
	}
	var prev uint64
	for _, b := range ask.Bucket {
		if b.GetCumulativeCount() < prev {
			t.Errorf("buckets not cumulative: %v", ask.Bucket)
		}
		prev = b.GetCumulativeCount()
	}
	if b := ask.Bucket[0]; b.GetUpperBound() != 0.0001 || b.GetCumulativeCount() != 0 {
		t.Errorf("first bucket %v", b)
	}
	if search := fams["interviewbot_search_duration_seconds"].Metric[0].GetHistogram(); search.GetSampleCount() != 2 {
		t.Errorf("search histogram %v", search)
	}
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "go_gc_cycles_total", "process_start_time_seconds", "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
}

// TestMetricsEmpty checks that a fresh process already shows both votes,
// so that ratios work before the first click.
func TestMetricsEmpty(t *testing.T) {
	fams := scrape(t, New())
	if counter(t, fams, "interviewbot_feedback_total", map[string]string{"vote": "up"}) != 0 {
		t.Error("no clicks yet, but a count")
	}
}

func TestMetricsConcurrent(t *testing.T) {
	m := New()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 500 {
				m.Interaction("ask", "en-US", "answered", time.Millisecond)
				m.HTTPRequest("/healthz", 200)
				m.Search(time.Microsecond)
				m.Feedback(true)
			}
		})
		wg.Go(func() { scrape(t, m) })
	}
	wg.Wait()
	fams := scrape(t, m)
	if got := counter(t, fams, "interviewbot_questions_total", map[string]string{"command": "ask"}); got != 4000 {
		t.Errorf("%v questions, want 4000", got)
	}
}

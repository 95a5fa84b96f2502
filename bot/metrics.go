package bot

import (
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// PrometheusMetrics records what the bot and its transports do as Prometheus
// metrics. It implements Metrics for the core, HTTPMetrics for the
// interactions endpoint, and Reconnect for the gateway.
type PrometheusMetrics struct {
	questions    *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	search       prometheus.Histogram
	autocomplete prometheus.Counter
	feedback     *prometheus.CounterVec
	reconnects   prometheus.Counter
	requests     *prometheus.CounterVec
}

// NewPrometheusMetrics creates the metrics and registers them, with the Go
// runtime and process collectors, on reg. Give each process its own
// registry: registering twice on one fails.
func NewPrometheusMetrics(reg prometheus.Registerer) (*PrometheusMetrics, error) {
	m := &PrometheusMetrics{
		questions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "interviewbot_questions_total",
			Help: "Interactions answered, by command (or kind of button), locale and outcome (answered, unsure, no-answer, chat, rate-limited, error, invalid, ok).",
		}, []string{"command", "locale", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "interviewbot_interaction_duration_seconds",
			Help: "Time to build the response to an interaction, by command.",
			// From a cached answer (~0.1 ms) to Discord's 3 s deadline.
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3},
		}, []string{"command"}),
		search: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "interviewbot_search_duration_seconds",
			Help: "Time one search of the interview takes.",
			// Searches of an 88-passage index take tens of microseconds
			// (cached) to a few milliseconds: the default buckets start at
			// 5 ms and would put all of them in one.
			Buckets: []float64{.00001, .000025, .00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .1},
		}),
		autocomplete: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "interviewbot_autocomplete_total",
			Help: "Autocomplete requests answered.",
		}),
		feedback: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "interviewbot_feedback_total",
			Help: "Feedback buttons clicked, by vote (up or down).",
		}, []string{"vote"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "interviewbot_gateway_reconnects_total",
			Help: "Times the gateway connection was re-established (resumed or re-identified).",
		}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "interviewbot_http_requests_total",
			Help: "HTTP requests served, by route and status code.",
		}, []string{"route", "code"}),
	}
	for _, c := range []prometheus.Collector{
		m.questions, m.duration, m.search, m.autocomplete, m.feedback, m.reconnects, m.requests,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	// Both votes exist from the start, so that rate() and ratios work
	// before the first click.
	m.feedback.WithLabelValues("up")
	m.feedback.WithLabelValues("down")
	return m, nil
}

// Interaction counts one answered interaction and how long it took.
func (m *PrometheusMetrics) Interaction(command, locale, outcome string, took time.Duration) {
	m.questions.WithLabelValues(command, locale, outcome).Inc()
	m.duration.WithLabelValues(command).Observe(took.Seconds())
}

// Search records how long one search took.
func (m *PrometheusMetrics) Search(took time.Duration) { m.search.Observe(took.Seconds()) }

// Autocomplete counts one autocomplete request.
func (m *PrometheusMetrics) Autocomplete() { m.autocomplete.Inc() }

// Feedback counts one vote.
func (m *PrometheusMetrics) Feedback(up bool) {
	vote := "down"
	if up {
		vote = "up"
	}
	m.feedback.WithLabelValues(vote).Inc()
}

// Reconnect counts one gateway reconnection; the gateway transport calls it.
func (m *PrometheusMetrics) Reconnect() { m.reconnects.Inc() }

// HTTPRequest counts one HTTP request by route and status code.
func (m *PrometheusMetrics) HTTPRequest(route string, code int) {
	m.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
}

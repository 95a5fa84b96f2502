// Package bot is the Discord core: the command table, the handlers that
// answer interactions and mentions, and reply formatting within Discord's
// limits. It knows nothing of the transports that carry interactions in
// (packages gateway and interactions): it takes an interaction and returns
// the response.
package bot

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/language"
)

// Searcher finds passages that answer a question and suggests questions.
// *index.Index implements it.
type Searcher interface {
	Search(ctx context.Context, req index.Request) (*index.Result, error)
	Suggest(ctx context.Context, typed string, lang language.Lang, n, maxRunes int) []string
}

// Metrics records what the bot does. Outcomes are "answered", "no-answer",
// "rate-limited", "error" and, for commands that are not questions, "ok".
type Metrics interface {
	Interaction(command, locale, outcome string, took time.Duration)
	Search(took time.Duration)
	Autocomplete()
	Feedback(up bool)
}

// Config is what a Bot needs. Searcher, Article and Logger are required.
type Config struct {
	Searcher Searcher
	Article  *data.Article
	Logger   *slog.Logger
	Metrics  Metrics // optional
	// Limiter throttles members; nil means no limit.
	Limiter *Limiter
	// LogQuestions logs the text of questions; off by default for privacy.
	LogQuestions bool
	// PublicURL is the web site's address (no trailing slash needed): with
	// it, the passage an answer shows links to PublicURL/p/{n}. Empty
	// means no links.
	PublicURL string
	// Version is shown by /about.
	Version string
	// Rand picks random quotes; nil uses math/rand/v2.
	Rand func(n int) int
	// Now is the clock; nil uses time.Now.
	Now func() time.Time
}

// Bot answers interactions and mentions. It is safe for concurrent use and
// holds no per-conversation state: everything a button needs travels in its
// custom ID, so any replica can answer any click.
type Bot struct {
	search  Searcher
	article *data.Article
	log     *slog.Logger
	metrics Metrics
	limiter *Limiter
	logQs   bool
	version string
	site    string
	randN   func(int) int
	now     func() time.Time
	routes  []route
}

// New returns a Bot.
func New(cfg Config) *Bot {
	b := &Bot{
		search:  cfg.Searcher,
		article: cfg.Article,
		log:     cfg.Logger,
		metrics: cfg.Metrics,
		limiter: cfg.Limiter,
		logQs:   cfg.LogQuestions,
		version: cfg.Version,
		site:    strings.TrimRight(cfg.PublicURL, "/"),
		randN:   cfg.Rand,
		now:     cfg.Now,
	}
	if b.metrics == nil {
		b.metrics = nopMetrics{}
	}
	if b.randN == nil {
		b.randN = rand.IntN
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.log == nil {
		b.log = slog.New(slog.DiscardHandler)
	}
	b.routes = b.routeTable()
	return b
}

type nopMetrics struct{}

func (nopMetrics) Interaction(string, string, string, time.Duration) {}
func (nopMetrics) Search(time.Duration)                              {}
func (nopMetrics) Autocomplete()                                     {}
func (nopMetrics) Feedback(bool)                                     {}

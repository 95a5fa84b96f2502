package main

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/index"
)

// core is what both modes run: the index, the bot over it and the metrics
// they share.
type core struct {
	index   *index.Index
	bot     *bot.Bot
	reg     *prometheus.Registry
	metrics *bot.PrometheusMetrics
}

func newCore(c *config, log *slog.Logger) (*core, error) {
	ix, err := buildIndex()
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	metrics, err := bot.NewPrometheusMetrics(reg)
	if err != nil {
		ix.Close()
		return nil, err
	}
	b := bot.New(bot.Config{
		Searcher:     ix,
		Article:      ix.Article(),
		Logger:       log,
		Metrics:      metrics,
		Limiter:      bot.NewLimiter(limitBurst, limitEvery, nil),
		LogQuestions: c.LogQuestions,
		Version:      version,
	})
	return &core{index: ix, bot: b, reg: reg, metrics: metrics}, nil
}

func (k *core) Close() error { return k.index.Close() }

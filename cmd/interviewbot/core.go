package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"syscall"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/metrics"
)

// core is what both modes run: the index, the bot over it and the metrics
// they share.
type core struct {
	index   *index.Index
	release func() error
	bot     *bot.Bot
	metrics *metrics.Metrics
}

func (p program) newCore(c *config, log *slog.Logger) (*core, error) {
	ix, release, err := p.openIndex()
	if err != nil {
		return nil, err
	}
	m := metrics.New()
	b := bot.New(bot.Config{
		Searcher:     ix,
		Article:      ix.Article(),
		Logger:       log,
		Metrics:      m,
		Limiter:      bot.NewLimiter(limitBurst, limitEvery, nil),
		LogQuestions: c.LogQuestions,
		PublicURL:    c.PublicURL,
		Version:      version,
	})
	return &core{index: ix, release: release, bot: b, metrics: m}, nil
}

func (k *core) Close() error { return k.release() }

// listen opens the HTTP address. When it cannot because of where it
// points, the error says where else to point it.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	switch {
	case err == nil:
		return ln, nil
	case errors.Is(err, syscall.EADDRINUSE):
		return nil, fmt.Errorf("listen on %s: %w (hint: another program, or another interviewbot, listens there: stop it, or set HTTP_ADDR, or -addr, to a free address such as :8081)", addr, syscall.EADDRINUSE)
	case errors.Is(err, syscall.EACCES):
		return nil, fmt.Errorf("listen on %s: %w (hint: ports below 1024 need privileges: set HTTP_ADDR, or -addr, to a higher port such as :8080)", addr, syscall.EACCES)
	}
	return nil, fmt.Errorf("listen on %s: %w", addr, err)
}

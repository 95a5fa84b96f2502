package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/interviewbot/interviewbot/internal/health"
	"github.com/interviewbot/interviewbot/web"
)

// botRoutes are the paths the bot's server answers on the HTTP address;
// the web site answers every other.
var botRoutes = []string{"/interactions", "/healthz", "/readyz", "/metrics"}

// newSite is the public web site over the core's index, counted in the
// core's metrics.
func newSite(c *config, k *core, log *slog.Logger) (*web.Site, error) {
	site, err := web.New(web.Config{
		Searcher: k.index, Article: k.index.Article(), Logger: log, LogQuestions: c.LogQuestions,
		PublicURL: c.PublicURL, TrustedProxies: c.TrustedProxies, Metrics: k.metrics,
	})
	if err != nil {
		return nil, fmt.Errorf("web site: %w", err)
	}
	return site, nil
}

// publicMux sends the bot's routes to srv and everything else to site.
func publicMux(srv, site http.Handler) *http.ServeMux {
	mux := http.NewServeMux()
	for _, p := range botRoutes {
		mux.Handle(p, srv)
	}
	mux.Handle("/", site)
	return mux
}

// serveHTTP serves the bot's routes and the web site on ln until ctx is
// cancelled, then stops as srv.Run does: it stops accepting, lets the
// requests in flight finish and the deferred answers be delivered, for at
// most shutdownTimeout.
//
// srv.Run serves srv alone, so the listener is served here, with Run's
// settings; Run still runs, on a listener that never accepts, because the
// wait for deferred answers after the requests are done is Run's alone.
func serveHTTP(ctx context.Context, ln net.Listener, srv botServer, site http.Handler, log *slog.Logger) error {
	hs := &http.Server{
		Handler:           publicMux(srv, site),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		// Requests in flight when ctx is cancelled are drained, not
		// cancelled.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	idle := newIdleListener(ln.Addr())
	runCtx, stopRun := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRun()
	drained := make(chan error, 1)
	go func() { drained <- srv.Run(runCtx, idle) }()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	select {
	case err := <-served:
		stopRun()
		return errors.Join(fmt.Errorf("serve http: %w", err), <-drained)
	case <-ctx.Done():
	}
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err := hs.Shutdown(stop)
	<-served // http.ErrServerClosed, now that Shutdown has begun
	if err != nil {
		err = fmt.Errorf("http shutdown: %w", err)
	}
	// Only now, with every request answered, may Run see the end: it
	// waits for the deferred answers those requests started, within what
	// is left of the same grace.
	stopRun()
	select {
	case runErr := <-drained:
		return errors.Join(err, runErr)
	case <-stop.Done():
		return errors.Join(err, fmt.Errorf("http shutdown: deferred answers still in flight: %w", stop.Err()))
	}
}

// botServer serves the bot's routes; Run serves them on a listener until
// ctx is cancelled, then waits for the deferred answers still in flight.
// *interactions.Server is one.
type botServer interface {
	http.Handler
	Run(ctx context.Context, ln net.Listener) error
}

// probesOnly is the bot's server in gateway mode, where nothing comes in
// over HTTP but the probes: there are no deferred answers to wait for.
type probesOnly struct {
	http.Handler
	log *slog.Logger
}

// Run waits for ctx to end: the listener is served by serveHTTP.
func (p probesOnly) Run(ctx context.Context, _ net.Listener) error {
	<-ctx.Done()
	p.log.Info("http stopped")
	return nil
}

// newProbes is /healthz, /readyz and /metrics, ready when ready says so.
func newProbes(k *core, ready func() bool) (*health.Handler, error) {
	h, err := health.New(health.Config{Ready: ready, Metrics: k.metrics, Requests: k.metrics})
	if err != nil {
		return nil, fmt.Errorf("health: %w", err)
	}
	return h, nil
}

// idleListener is a listener that never accepts a connection: Accept
// waits until Close.
type idleListener struct {
	addr   net.Addr
	once   sync.Once
	closed chan struct{}
}

func newIdleListener(addr net.Addr) *idleListener {
	return &idleListener{addr: addr, closed: make(chan struct{})}
}

func (l *idleListener) Accept() (net.Conn, error) {
	<-l.closed
	return nil, net.ErrClosed
}

func (l *idleListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *idleListener) Addr() net.Addr { return l.addr }

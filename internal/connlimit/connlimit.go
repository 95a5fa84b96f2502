// Package connlimit keeps an HTTP server's open connections under a limit,
// closing the least useful one to make room, and lets a handler mark its
// request as worth keeping.
package connlimit

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Listener is a listener that keeps at most max connections open, so that
// connections anyone can open, and leave idle, cannot use up the process's
// file descriptors and take the health endpoints down with everything
// else.
//
// At the limit a new connection takes the place of the one that has waited
// longest with nothing worth keeping: an idle keep-alive connection, one
// that has not finished sending its request's head, or one whose request
// is not yet known to be worth answering (an interaction whose signature
// has not been verified). Only when every connection is busy with a request
// worth answering is the new one closed at once. The last reserve
// connections are for loopback clients alone, where the container's health
// check comes from.
type Listener struct {
	net.Listener
	max, reserve int
	log          *slog.Logger
	now          func() time.Time
	// atLimit keeps the warning that the limit is reached to one a minute.
	atLimit Sometimes

	mu   sync.Mutex
	open map[*limitedConn]struct{}
	// tick orders the connections by when they began to wait.
	tick uint64
}

// limitedConn is a connection Listener counts until it is closed.
type limitedConn struct {
	net.Conn
	l *Listener
	// Guarded by l.mu: where the server is with the connection, and when
	// (in l's ticks) it got there; whether its request is worth keeping.
	state  http.ConnState
	since  uint64
	keeper bool
}

// New returns a listener that admits at most maxConns connections of ln.
func New(ln net.Listener, maxConns int, log *slog.Logger, now func() time.Time) *Listener {
	// A handful of connections is plenty for the health check; a tiny
	// limit keeps most for everyone.
	reserve := min(loopbackReserve, maxConns/8)
	return &Listener{
		Listener: ln, max: maxConns, reserve: reserve, log: log, now: now,
		atLimit: Sometimes{Period: time.Minute},
		open:    make(map[*limitedConn]struct{}),
	}
}

// loopbackReserve is how many connections, of the limit, only loopback
// clients may use.
const loopbackReserve = 8

// Accept returns the next connection the limit admits, closing those it
// does not.
func (l *Listener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		lc, victim, open := l.admit(c)
		if victim != nil {
			// Closed outside the lock: its Close takes the lock too. The
			// server's goroutine for it sees the error and ends.
			_ = victim.Conn.Close()
		}
		if victim != nil || lc == nil {
			l.warn(open, lc != nil)
		}
		if lc != nil {
			return lc, nil
		}
		_ = c.Close()
	}
}

// admit counts c in, if there is room or room can be made by closing
// victim; it returns nil when there is none.
func (l *Listener) admit(c net.Conn) (lc *limitedConn, victim *limitedConn, open int) {
	limit := l.max - l.reserve
	if isLoopback(c.RemoteAddr()) {
		limit = l.max
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	open = len(l.open)
	switch {
	case open < limit:
	case open == limit:
		if victim = l.longestWaitingLocked(); victim == nil {
			return nil, nil, open
		}
		delete(l.open, victim)
	default:
		// Over this client's limit already, by loopback clients' use of
		// the reserve: closing one connection would not make room.
		return nil, nil, open
	}
	l.tick++
	lc = &limitedConn{Conn: c, l: l, state: http.StateNew, since: l.tick}
	l.open[lc] = struct{}{}
	return lc, victim, open
}

// longestWaitingLocked is the connection that has waited longest with
// nothing worth keeping, or nil.
func (l *Listener) longestWaitingLocked() *limitedConn {
	var oldest *limitedConn
	for c := range l.open {
		if c.keeper || c.state == http.StateHijacked {
			continue
		}
		if oldest == nil || c.since < oldest.since {
			oldest = c
		}
	}
	return oldest
}

func (l *Listener) warn(open int, admitted bool) {
	if !l.atLimit.Allow(l.now()) {
		return
	}
	action := "refusing new connections: every one is busy"
	if admitted {
		action = "closing the connections idle longest to make room"
	}
	l.log.Warn("http connection limit reached: "+action, "open", open, "max_conns", l.max)
}

// Track is the http.Server's ConnState hook: it keeps each connection's
// state, which decides whether it may be closed to make room.
func (l *Listener) Track(c net.Conn, state http.ConnState) {
	lc, ok := c.(*limitedConn)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, counted := l.open[lc]; !counted {
		return // closed already, by the limit or by the server
	}
	switch state {
	case http.StateClosed:
		delete(l.open, lc)
		return
	case http.StateNew, http.StateIdle, http.StateActive:
		// A new request is worth keeping only once its handler says so.
		l.tick++
		lc.since, lc.keeper = l.tick, false
	}
	lc.state = state
}

// Keep marks the request in progress on the connection that ctx belongs
// to as worth keeping: the limit will not close its connection to make
// room until the request is over. It reports false when the limit has
// closed the connection already, and there is no one to answer.
func Keep(ctx context.Context) bool {
	lc, ok := ctx.Value(connKey{}).(*limitedConn)
	if !ok {
		return true
	}
	lc.l.mu.Lock()
	defer lc.l.mu.Unlock()
	if _, open := lc.l.open[lc]; !open {
		return false
	}
	if lc.state == http.StateActive {
		lc.keeper = true
	}
	return true
}

// connKey is the context key of a request's *limitedConn.
type connKey struct{}

// ConnContext is the http.Server's ConnContext hook: it lets a request's
// handler find its connection, to keep it.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if lc, ok := c.(*limitedConn); ok {
		return context.WithValue(ctx, connKey{}, lc)
	}
	return ctx
}

func (c *limitedConn) Close() error {
	c.l.mu.Lock()
	delete(c.l.open, c)
	c.l.mu.Unlock()
	return c.Conn.Close()
}

func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// Sometimes lets the first event through, then at most one each period:
// for a log line that would otherwise repeat with every request.
type Sometimes struct {
	Period time.Duration
	last   atomic.Int64 // Unix nanoseconds of the last one let through; 0 before the first
}

// Allow reports whether the event at now goes through.
func (o *Sometimes) Allow(now time.Time) bool {
	t := now.UnixNano()
	last := o.last.Load()
	if last != 0 && t-last < int64(o.Period) {
		return false
	}
	return o.last.CompareAndSwap(last, t)
}

package connlimit

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// client dials l's address and returns the client's end with the server's
// end as l's Accept returned it.
func client(t *testing.T, l *Listener) (net.Conn, net.Conn) {
	t.Helper()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	s, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return c, s
}

// closed reports whether the server closed the client's connection c.
func closed(t *testing.T, c net.Conn) bool {
	t.Helper()
	if err := c.SetReadDeadline(time.Now().Add(200 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return err != nil
}

func newListener(t *testing.T, maxConns int, logs io.Writer) *Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	now := time.Date(2025, 7, 20, 12, 0, 0, 0, time.UTC)
	return New(ln, maxConns, slog.New(slog.NewTextHandler(logs, nil)), func() time.Time { return now })
}

// TestLimit: at the limit a new connection takes the place of the one that
// has waited longest with nothing worth keeping; a request marked worth
// keeping holds its connection until it is over; when every connection is
// worth keeping the new one is closed at once; the warning is logged once.
func TestLimit(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	l := newListener(t, 2, &logs)

	c1, s1 := client(t, l)
	ctx1 := ConnContext(context.Background(), s1)
	c2, s2 := client(t, l)
	l.Track(s2, http.StateActive)
	ctx2 := ConnContext(context.Background(), s2)
	if !Keep(ctx2) {
		t.Fatal("Keep on an open connection reported it closed")
	}

	c3, _ := client(t, l)
	if !closed(t, c1) {
		t.Error("the connection waiting longest was not closed to make room")
	}
	if Keep(ctx1) {
		t.Error("Keep on a connection the limit closed reported it open")
	}
	c4, s4 := client(t, l)
	if !closed(t, c3) {
		t.Error("the third connection, waiting longest now, was not closed")
	}
	if closed(t, c2) {
		t.Error("a connection whose request is worth keeping was closed")
	}

	// Every connection busy with a request worth keeping: the next is
	// closed at once, and Accept waits for another.
	l.Track(s4, http.StateActive)
	if !Keep(ConnContext(context.Background(), s4)) {
		t.Fatal("Keep on an open connection reported it closed")
	}
	accepted := make(chan error, 1)
	go func() {
		_, err := l.Accept()
		accepted <- err
	}()
	c5, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c5.Close()
	if !closed(t, c5) {
		t.Error("a connection over the limit was not closed when every one is busy")
	}
	if closed(t, c2) || closed(t, c4) {
		t.Error("a busy connection was closed")
	}

	// The request over, the connection may go again.
	l.Track(s2, http.StateIdle)
	c6, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c6.Close()
	if err := <-accepted; err != nil {
		t.Fatal(err)
	}
	if !closed(t, c2) {
		t.Error("an idle connection was not closed to make room")
	}
	if closed(t, c4) {
		t.Error("a busy connection was closed")
	}

	if n := strings.Count(logs.String(), "http connection limit reached"); n != 1 {
		t.Errorf("the warning was logged %d times in a minute, want once:\n%s", n, logs.String())
	}
}

// TestClosedLeaveRoom: a connection the server closes no longer counts.
func TestClosedLeaveRoom(t *testing.T) {
	t.Parallel()
	l := newListener(t, 1, io.Discard)
	_, s1 := client(t, l)
	l.Track(s1, http.StateActive)
	Keep(ConnContext(context.Background(), s1))
	l.Track(s1, http.StateClosed)
	c2, _ := client(t, l)
	if closed(t, c2) {
		t.Error("a connection was refused though the only other one was closed")
	}
}

// pipeConn is a connection from a given address.
type pipeConn struct {
	net.Conn
	remote net.Addr
}

func (c pipeConn) RemoteAddr() net.Addr { return c.remote }

// TestLoopbackReserve: the last connections of the limit are for loopback
// clients alone.
func TestLoopbackReserve(t *testing.T) {
	t.Parallel()
	l := New(nil, 16, slog.New(slog.NewTextHandler(io.Discard, nil)), time.Now)
	if l.reserve != 2 {
		t.Fatalf("reserve %d of 16, want 2", l.reserve)
	}
	conn := func(ip string) net.Conn {
		a, b := net.Pipe()
		t.Cleanup(func() { a.Close(); b.Close() })
		return pipeConn{a, &net.TCPAddr{IP: net.ParseIP(ip), Port: 40000}}
	}
	for i := range 14 {
		lc, victim, _ := l.admit(conn("203.0.113.7"))
		if lc == nil || victim != nil {
			t.Fatalf("remote connection %d: admitted %v, victim %v", i+1, lc != nil, victim != nil)
		}
		l.Track(lc, http.StateActive)
		lc.keeper = true
	}
	if lc, _, _ := l.admit(conn("203.0.113.8")); lc != nil {
		t.Error("a remote client took a connection of the loopback reserve")
	}
	var loopback []*limitedConn
	for i := range 2 {
		lc, victim, _ := l.admit(conn("127.0.0.1"))
		if lc == nil || victim != nil {
			t.Fatalf("loopback connection %d: admitted %v, victim %v", i+1, lc != nil, victim != nil)
		}
		loopback = append(loopback, lc)
	}
	// At the whole limit, a loopback client takes the place of the
	// loopback connection waiting longest, never of a busy one.
	if lc, victim, _ := l.admit(conn("127.0.0.1")); lc == nil || victim != loopback[0] {
		t.Errorf("at the whole limit: admitted %v, victim the first loopback connection %v", lc != nil, victim == loopback[0])
	}
	for _, lc := range loopback[1:] {
		l.Track(lc, http.StateActive)
		lc.keeper = true
	}
	if lc, _, _ := l.admit(conn("127.0.0.1")); lc == nil {
		t.Error("the newest loopback connection, not yet worth keeping, was not closed to make room")
	}
	for c := range l.open {
		l.Track(c, http.StateActive)
		c.keeper = true
	}
	if lc, _, _ := l.admit(conn("127.0.0.1")); lc != nil {
		t.Error("a loopback client went over the whole limit while every connection is busy")
	}
}

func TestSometimes(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 7, 20, 12, 0, 0, 0, time.UTC)
	o := &Sometimes{Period: time.Minute}
	for _, step := range []struct {
		name  string
		after time.Duration
		want  bool
	}{
		{"first", 0, true},
		{"at once again", time.Second, false},
		{"just before the period", time.Minute - time.Nanosecond, false},
		{"a period later", time.Minute, true},
		{"soon after that", time.Minute + time.Second, false},
		{"much later", time.Hour, true},
	} {
		if got := o.Allow(start.Add(step.after)); got != step.want {
			t.Errorf("%s: Allow = %v, want %v", step.name, got, step.want)
		}
	}
}

package interactions_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/index"
	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// testClock stands still until a test moves it, and counts how often it is
// read, so that a test knows when the server has looked at it. Time that
// passes for the server is then time the test says has passed, not time a
// busy machine happens to take.
type testClock struct {
	base   time.Time
	offset atomic.Int64
	reads  atomic.Int64
}

func newTestClock() *testClock { return &testClock{base: time.Now()} }

func (c *testClock) Now() time.Time {
	c.reads.Add(1)
	return c.base.Add(time.Duration(c.offset.Load()))
}

func (c *testClock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

// waitRead waits until the clock has been read more than n times.
func (c *testClock) waitRead(t testing.TB, n int64) {
	t.Helper()
	waitUntil(t, "the server to read the clock", func() bool { return c.reads.Load() > n })
}

// clockSearcher answers like the index, and moves the test clock on by
// took first, as a search that slow would.
type clockSearcher struct {
	bot.Searcher
	clock *testClock
	took  time.Duration
}

func (s clockSearcher) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	s.clock.Advance(s.took)
	return s.Searcher.Search(ctx, req)
}

// rawRequest is a signed POST /interactions written by hand on a
// connection of its own, so that a test decides when each part is sent.
type rawRequest struct {
	conn net.Conn
	br   *bufio.Reader
	body []byte
}

// openRaw dials the endpoint and sends the head of a POST /interactions
// for body, signed with sig (hex) over ts; the body is sent by sendBody.
func (e *endpoint) openRaw(t testing.TB, body []byte, ts, sig string) *rawRequest {
	t.Helper()
	return e.openRawFrom(t, nil, body, ts, sig)
}

// openRawFrom is openRaw from the local address from; nil means any.
func (e *endpoint) openRawFrom(t testing.TB, from net.IP, body []byte, ts, sig string) *rawRequest {
	t.Helper()
	r := e.dialFrom(t, from)
	head := fmt.Sprintf("POST /interactions HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"+
		"Content-Length: %d\r\nX-Signature-Ed25519: %s\r\nX-Signature-Timestamp: %s\r\n\r\n",
		strings.TrimPrefix(e.url, "http://"), len(body), sig, ts)
	if _, err := io.WriteString(r.conn, head); err != nil {
		t.Fatal(err)
	}
	r.body = body
	return r
}

// openSigned is openRaw for a body signed with the endpoint's key.
func (e *endpoint) openSigned(t testing.TB, body []byte) *rawRequest {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	return e.openRaw(t, body, ts, sign(e.priv, ts, body))
}

func (r *rawRequest) sendBody(t testing.TB) {
	t.Helper()
	if _, err := r.conn.Write(r.body); err != nil {
		t.Fatal(err)
	}
}

// response reads the response, waiting at most wait.
func (r *rawRequest) response(t testing.TB, wait time.Duration) *http.Response {
	t.Helper()
	if err := r.conn.SetReadDeadline(time.Now().Add(wait)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(r.br, nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// withToken is body with a token of its own, to find its webhook edit by.
func withToken(t testing.TB, body []byte, token string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	m["token"] = token
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHTTPDeadlineFromArrival checks that Discord's clock is the one that
// counts: it starts when a request arrives, not when the bot gets round to
// it. Time spent before the answer starts (a slow body here, standing for a
// queue) and time spent searching add up; an answer ready after the
// deferral deadline goes out deferred, never as a late message, and a
// request too old to defer in time is shed. The test clock moves only when
// the test moves it.
func TestHTTPDeadlineFromArrival(t *testing.T) {
	t.Parallel()
	ask := interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What is Hyperion?", false))
	suggest := interaction(discordgo.InteractionApplicationCommandAutocomplete, "en-US", map[string]any{
		"id": "1", "name": "ask", "type": 1,
		"options": []map[string]any{{"name": "question", "type": 3, "value": "hyper", "focused": true}},
	})
	tests := []struct {
		name string
		body []byte // ask when nil
		// queued passes between the request's head and its body.
		queued time.Duration
		// search is how long the search takes.
		search time.Duration
		// want is the response type, or 503 for shed.
		want int
	}{
		{"answered at once", nil, 0, 100 * time.Millisecond, 4},
		{"queued, then answered in time", nil, 1500 * time.Millisecond, 100 * time.Millisecond, 4},
		{"a search past the deadline is deferred", nil, 0, 2200 * time.Millisecond, 5},
		{"queue and search together past the deadline are deferred", nil, 1500 * time.Millisecond, 600 * time.Millisecond, 5},
		{"queued past the deadline is deferred", nil, 2200 * time.Millisecond, 0, 5},
		{"too old to defer is shed", nil, 2600 * time.Millisecond, 0, 503},
		// Neither can be deferred: a ping is answered, late or not;
		// autocomplete with what it has, at once.
		{"a ping past the deadline pongs", interaction(discordgo.InteractionPing, "", nil), 2200 * time.Millisecond, 0, 1},
		{"autocomplete past the deadline", suggest, 2200 * time.Millisecond, 0, 8},
	}
	for n, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := newTestClock()
			e := newEndpoint(t, endpointOptions{
				clock: clock,
				searcher: func(ix *index.Index) bot.Searcher {
					return clockSearcher{Searcher: ix, clock: clock, took: tc.search}
				},
			})
			token := fmt.Sprintf("deadline-token-%d", n)
			body := tc.body
			if body == nil {
				body = withToken(t, ask, token)
			}
			req := e.openSigned(t, body)
			if tc.queued > 0 {
				clock.waitRead(t, 0) // the request has arrived
				clock.Advance(tc.queued)
			}
			req.sendBody(t)
			resp := req.response(t, wait)
			if tc.want == http.StatusServiceUnavailable {
				if resp.StatusCode != tc.want || resp.Header.Get("Retry-After") == "" {
					b, _ := io.ReadAll(resp.Body)
					t.Fatalf("status %d, Retry-After %q (%s); want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"), b)
				}
				return
			}
			w := decodeWire(t, resp)
			if int(w.Type) != tc.want {
				t.Fatalf("type %d, want %d", w.Type, tc.want)
			}
			switch tc.want {
			case 4, 5:
				checkWire(t, w.Data)
			case 8:
				checkChoices(t, w.Data)
			}
			if tc.want == 5 {
				edit := waitSent(t, e.discord, discordtest.Match("PATCH", "/webhooks/"+discordtest.DefaultAppID+"/"+token+"/messages/@original"))
				if len(edit.Embeds) == 0 || edit.Embeds[0].Description == "" {
					t.Errorf("the edit has no answer: %+v", edit)
				}
			}
		})
	}
}

// sendPart sends the first n bytes of the body, and no more.
func (r *rawRequest) sendPart(t testing.TB, n int) {
	t.Helper()
	if _, err := r.conn.Write(r.body[:n]); err != nil {
		t.Fatal(err)
	}
}

// pending says whether the request is still unanswered, waiting at most a
// moment to find out.
func (r *rawRequest) pending(t testing.TB) bool {
	t.Helper()
	if err := r.conn.SetReadDeadline(time.Now().Add(20 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	_, err := r.br.Peek(1)
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// TestHTTPSlowForgedBodies sends many requests whose signature is forged
// and whose body trickles in, as anyone can without the signing key. They
// must not take the slots signed interactions are answered in: a signed
// request is answered while they are all still waiting, and each of them
// ends in 408, logged below warning.
func TestHTTPSlowForgedBodies(t *testing.T) {
	t.Parallel()
	const slow = 40
	clock := newTestClock()
	e := newEndpoint(t, endpointOptions{clock: clock, maxInFlight: 4})
	ping := interaction(discordgo.InteractionPing, "", nil)
	forged := strings.Repeat("ab", 64)
	reqs := make([]*rawRequest, slow)
	for n := range reqs {
		reqs[n] = e.openRaw(t, ping, strconv.FormatInt(time.Now().Unix(), 10), forged)
		reqs[n].sendPart(t, 1)
	}
	// Every one has been read up to its body: each looked at the clock.
	clock.waitRead(t, slow-1)

	resp := e.post(t, ping)
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("signed ping: status %d: %s", resp.StatusCode, b)
	}
	ask := interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What is Hyperion?", false))
	if w := decodeWire(t, e.post(t, ask)); w.Type != discordgo.InteractionResponseChannelMessageWithSource {
		t.Errorf("signed ask: type %d, want 4", w.Type)
	}
	for n, r := range reqs {
		if !r.pending(t) {
			t.Fatalf("slow request %d was answered before its body was in", n)
		}
	}

	for n, r := range reqs {
		if resp := r.response(t, wait); resp.StatusCode != http.StatusRequestTimeout {
			t.Errorf("slow request %d: status %d, want 408", n, resp.StatusCode)
		}
	}
	refusals := e.logs.lines("status=408")
	if len(refusals) != slow {
		t.Errorf("%d refusals logged with status 408, want %d", len(refusals), slow)
	}
	for _, line := range refusals {
		if !strings.Contains(line, "level=DEBUG") {
			t.Errorf("a timed-out body is logged above debug: %s", line)
		}
	}
}

// TestHTTPClockSkewWarns checks that a clock gone wrong is heard of. With
// the server's clock far from Discord's every interaction is refused as
// stale, so the first such refusal is logged as a warning with the skew
// measured, then one a minute; the rest, and forgeries with stale
// timestamps, which anyone can send, only at debug. No line carries the
// signature or anything of the body.
func TestHTTPClockSkewWarns(t *testing.T) {
	clock := newTestClock()
	e := newEndpoint(t, endpointOptions{clock: clock})
	body := interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What is Hyperion?", false))
	// Discord's clock is ten minutes ahead of the server's.
	ahead := func() string { return strconv.FormatInt(clock.Now().Unix()+600, 10) }
	send := func(t *testing.T, sig, ts string) {
		t.Helper()
		resp := e.send(t, http.MethodPost, body, map[string]string{"X-Signature-Ed25519": sig, "X-Signature-Timestamp": ts})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", resp.StatusCode)
		}
	}
	warnings := func() []string { return e.logs.lines("level=WARN") }
	var sigs []string
	steps := []struct {
		name      string
		signed    bool
		advance   time.Duration
		wantWarns int
	}{
		{"forged, stale", false, 0, 0},
		{"signed, stale: the first warns", true, 0, 1},
		{"signed, stale: the next is quiet", true, 0, 1},
		{"signed, stale, seconds later", true, 30 * time.Second, 1},
		{"forged, stale, a minute on", false, 31 * time.Second, 1},
		{"signed, stale, a minute on", true, 0, 2},
		{"signed, stale, after that", true, 0, 2},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock.Advance(st.advance)
			ts := ahead()
			sig := strings.Repeat("cd", 64)
			if st.signed {
				sig = sign(e.priv, ts, body)
			}
			sigs = append(sigs, sig)
			send(t, sig, ts)
			if got := len(warnings()); got != st.wantWarns {
				t.Errorf("%d warnings, want %d:\n%s", got, st.wantWarns, strings.Join(warnings(), "\n"))
			}
		})
	}
	for _, w := range warnings() {
		if !strings.Contains(w, "skew_seconds=600") || !strings.Contains(w, "clock") || !strings.Contains(w, "NTP") {
			t.Errorf("the warning does not say the skew and what to check: %s", w)
		}
	}
	for _, line := range e.logs.lines() {
		for _, secret := range append(sigs, "Hyperion", "aW50ZXJhY3Rpb24", discordtest.TestUserID) {
			if strings.Contains(line, secret) {
				t.Errorf("a log line carries %q: %s", secret, line)
			}
		}
	}
}

// closed says whether the server has closed the connection without
// answering, waiting at most a moment to find out.
func (r *rawRequest) closed(t testing.TB) bool {
	t.Helper()
	if err := r.conn.SetReadDeadline(time.Now().Add(10 * time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	_, err := r.br.Peek(1)
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
}

func countClosed(t testing.TB, reqs []*rawRequest) int {
	t.Helper()
	n := 0
	for _, r := range reqs {
		if r.closed(t) {
			n++
		}
	}
	return n
}

// dialFrom opens a connection to the endpoint from the local address from.
func (e *endpoint) dialFrom(t testing.TB, from net.IP) *rawRequest {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: from}}
	conn, err := d.Dial("tcp", strings.TrimPrefix(e.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return &rawRequest{conn: conn, br: bufio.NewReader(conn)}
}

// otherAddress is an address of this machine that is not loopback, or nil.
func otherAddress(t testing.TB) net.IP {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil && !ipn.IP.IsLoopback() && !ipn.IP.IsLinkLocalUnicast() {
			return ipn.IP
		}
	}
	return nil
}

// healthz asks GET /healthz on a connection of its own, from 127.0.0.1, as
// the container's health check does.
func (e *endpoint) healthz(t testing.TB) int {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	resp, err := client.Get(e.url + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz: %v", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// TestHTTPConnectionCap fills the server with connections, as anyone can,
// and checks that it holds no more than MaxConns, so that they cannot use
// up its file descriptors, and that /healthz from loopback, where the
// container's health check comes from, is still answered.
func TestHTTPConnectionCap(t *testing.T) {
	const maxConns = 16
	get := []byte("GET /healthz HTTP/1.1\r\nHost: bot\r\n\r\n")
	t.Run("idle and silent connections", func(t *testing.T) {
		e := newEndpoint(t, endpointOptions{maxConns: maxConns})
		var reqs []*rawRequest
		// Keep-alive connections that asked once and wait...
		for range 30 {
			r := e.dialFrom(t, net.IPv4(127, 0, 0, 1))
			if _, err := r.conn.Write(get); err != nil {
				t.Fatal(err)
			}
			resp := r.response(t, wait)
			if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d, %v", resp.StatusCode, err)
			}
			reqs = append(reqs, r)
		}
		// ...and some that never say anything.
		for range 10 {
			reqs = append(reqs, e.dialFrom(t, net.IPv4(127, 0, 0, 1)))
		}
		waitUntil(t, "the server to close what is over its limit", func() bool {
			return countClosed(t, reqs) >= len(reqs)-maxConns
		})
		if code := e.healthz(t); code != http.StatusOK {
			t.Errorf("GET /healthz at the limit: %d", code)
		}
	})
	t.Run("forged bodies sent slowly", func(t *testing.T) {
		e := newEndpoint(t, endpointOptions{maxConns: maxConns})
		// Anyone can keep a request going for seconds without the key:
		// that holds nothing that Discord's requests need.
		ping := interaction(discordgo.InteractionPing, "", nil)
		var reqs []*rawRequest
		for range 2 * maxConns {
			r := e.openRaw(t, ping, strconv.FormatInt(time.Now().Unix(), 10), strings.Repeat("ab", 64))
			r.sendPart(t, 1)
			reqs = append(reqs, r)
		}
		waitUntil(t, "the server to close what is over its limit", func() bool {
			return countClosed(t, reqs) >= len(reqs)-maxConns
		})
		resp := e.post(t, ping)
		if b, _ := io.ReadAll(resp.Body); resp.StatusCode != http.StatusOK || strings.TrimSpace(string(b)) != `{"type":1}` {
			t.Errorf("signed ping at the limit: %d %s", resp.StatusCode, b)
		}
		if code := e.healthz(t); code != http.StatusOK {
			t.Errorf("GET /healthz at the limit: %d", code)
		}
	})
	t.Run("busy connections from elsewhere", func(t *testing.T) {
		from := otherAddress(t)
		if from == nil {
			t.Skip("this machine has no address but loopback")
		}
		// Signed asks, held in their search, from an address other than
		// loopback: connections the limit may not close. Only loopback may
		// use the last few.
		const busy = 20
		g := &gateSearcher{gate: make(chan struct{})}
		e := newEndpoint(t, endpointOptions{
			maxConns:  maxConns,
			clock:     newTestClock(),
			searcher:  func(ix *index.Index) bot.Searcher { g.Searcher = ix; return g },
			workers:   busy,
			slowAfter: time.Hour,
		})
		// Registered after the endpoint's, so it runs before the server
		// stops: the asks must end for it to.
		release := sync.OnceFunc(func() { close(g.gate) })
		t.Cleanup(release)
		ask := interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What is Hyperion?", false))
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		reqs := make([]*rawRequest, busy)
		for n := range reqs {
			// Head and body at once: the limit may close a connection
			// before its request is verified, before its body is sent.
			r := e.dialFrom(t, from)
			_, _ = fmt.Fprintf(r.conn, "POST /interactions HTTP/1.1\r\nHost: bot\r\nContent-Length: %d\r\n"+
				"X-Signature-Ed25519: %s\r\nX-Signature-Timestamp: %s\r\n\r\n%s", len(ask), sign(e.priv, ts, ask), ts, ask)
			reqs[n] = r
		}
		reserve := min(8, maxConns/8)
		admitted := maxConns - reserve
		waitUntil(t, "the server to refuse what is over its limit", func() bool {
			return countClosed(t, reqs) >= busy-admitted
		})
		waitUntil(t, "the asks to be searching", func() bool { return g.inside.Load() == int64(admitted) })
		if code := e.healthz(t); code != http.StatusOK {
			t.Errorf("GET /healthz at the limit: %d", code)
		}
		if n := countClosed(t, reqs); n != busy-admitted {
			t.Errorf("%d connections closed, want %d", n, busy-admitted)
		}
		release()
		answered := 0
		for _, r := range reqs {
			if !r.closed(t) && r.response(t, wait).StatusCode == http.StatusOK {
				answered++
			}
		}
		if answered != admitted {
			t.Errorf("%d asks answered, want %d", answered, admitted)
		}
	})
}

// gateSearcher holds every search until its gate opens, and counts the
// searches under way at once.
type gateSearcher struct {
	bot.Searcher
	gate   chan struct{}
	inside atomic.Int64
	most   atomic.Int64
}

func (s *gateSearcher) Search(ctx context.Context, req index.Request) (*index.Result, error) {
	n := s.inside.Add(1)
	defer s.inside.Add(-1)
	for m := s.most.Load(); n > m && !s.most.CompareAndSwap(m, n); m = s.most.Load() {
	}
	<-s.gate
	return s.Searcher.Search(ctx, req)
}

// TestHTTPAnswerAfterWriteTimeout checks that an answer ready after the
// server's write timeout has passed, counted from the request, is still
// written: the timeout is for writing, and how long an answer may take is
// SlowAfter's to say.
func TestHTTPAnswerAfterWriteTimeout(t *testing.T) {
	const writeTimeout = 100 * time.Millisecond
	g := &gateSearcher{gate: make(chan struct{})}
	e := newEndpoint(t, endpointOptions{
		searcher:     func(ix *index.Index) bot.Searcher { g.Searcher = ix; return g },
		slowAfter:    time.Hour,
		writeTimeout: writeTimeout,
	})
	release := sync.OnceFunc(func() { close(g.gate) })
	t.Cleanup(release)
	r := e.openSigned(t, interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What is Hyperion?", false)))
	r.sendBody(t)
	waitUntil(t, "the ask to be searching", func() bool { return g.inside.Load() == 1 })
	// Real time, not the test clock's: the deadline is the kernel's.
	time.Sleep(3 * writeTimeout)
	release()
	resp := r.response(t, wait)
	var w wireResponse
	if err := json.NewDecoder(resp.Body).Decode(&w); err != nil {
		t.Fatalf("status %d, body: %v", resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK || w.Type != discordgo.InteractionResponseChannelMessageWithSource || w.Data == nil || len(w.Data.Embeds) == 0 {
		t.Errorf("status %d, type %d: want 200 and an answer with its passages", resp.StatusCode, w.Type)
	}
}

// TestHTTPWorkers checks that no more interactions are worked on at once
// than there are workers. The rest wait their turn where their age is
// counted, and are deferred when it runs out, rather than all sharing the
// processors at once: then each answer takes as long as all of them
// together, and the requests still arriving wait unseen for a processor.
func TestHTTPWorkers(t *testing.T) {
	const workers, asks = 2, 8
	g := &gateSearcher{gate: make(chan struct{})}
	e := newEndpoint(t, endpointOptions{
		searcher:  func(ix *index.Index) bot.Searcher { g.Searcher = ix; return g },
		workers:   workers,
		slowAfter: 20 * time.Millisecond,
	})
	release := sync.OnceFunc(func() { close(g.gate) })
	t.Cleanup(release)
	ask := interaction(discordgo.InteractionApplicationCommand, "en-US", askData("What is Hyperion?", false))
	types := make(chan int, asks)
	var wg sync.WaitGroup
	for n := range asks {
		body := withToken(t, ask, fmt.Sprintf("worker-token-%d", n))
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, e.url+"/interactions", bytes.NewReader(body))
			req.Header.Set("X-Signature-Ed25519", sign(e.priv, ts, body))
			req.Header.Set("X-Signature-Timestamp", ts)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				types <- -1
				return
			}
			defer resp.Body.Close()
			var w wireResponse
			if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&w) != nil {
				types <- -resp.StatusCode
				return
			}
			types <- int(w.Type)
		})
	}
	wg.Wait()
	close(types)
	for typ := range types {
		if typ != 5 {
			t.Errorf("an ask held up got %d, want a deferral (5)", typ)
		}
	}
	waitUntil(t, "the workers to start", func() bool { return g.inside.Load() >= workers })
	release()
	for n := range asks {
		edit := waitSent(t, e.discord, discordtest.Match("PATCH", "/webhooks/"+discordtest.DefaultAppID+fmt.Sprintf("/worker-token-%d", n)+"/messages/@original"))
		if len(edit.Embeds) == 0 {
			t.Errorf("ask %d: the edit has no answer", n)
		}
	}
	if most := g.most.Load(); most > workers {
		t.Errorf("%d searches at once, with %d workers", most, workers)
	}
}

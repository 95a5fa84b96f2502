package interactions_test

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/index/zhconv"
	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// TestLoadNewQuestions offers the interactions endpoint a steady stream of
// questions never asked before, at a fixed rate whatever the server does
// with them, as Discord would in a busy moment: every one misses the
// index's cache. Faster than two cores can search, it checks what matters
// then: no answer leaves as a message after Discord's three seconds, when
// Discord drops it; what cannot be answered in time is deferred or shed.
// It is slow and takes every core, so it runs only with LOAD=1:
//
//	LOAD=1 go test ./bot -run TestLoadNewQuestions -v
//
// The server runs in a process of its own, this test binary started again,
// as it would on its own machine: the load generator's goroutines do not
// queue with its own. LOAD_RATE (default 3000 a second), LOAD_DURATION
// (default 10s), LOAD_CONNS (most connections the generator opens;
// default 1024) and LOAD_WORKERS (the server's Workers) tune it.
// Requests are signed before the clock starts; a request's latency is
// counted from when it was written to its connection, which is when
// Discord's clock starts.
func TestLoadNewQuestions(t *testing.T) {
	if os.Getenv("LOAD") == "" {
		t.Skip("load test: set LOAD=1 to run it")
	}
	if os.Getenv("LOAD_SERVER") != "" {
		serveLoad(t)
		return
	}
	rate := loadSetting(t, "LOAD_RATE", 3000, strconv.Atoi)
	duration := loadSetting(t, "LOAD_DURATION", 10*time.Second, time.ParseDuration)
	conns := loadSetting(t, "LOAD_CONNS", 1024, strconv.Atoi)
	const discordDeadline = 3 * time.Second

	srv := startLoadServer(t)
	n := int(float64(rate) * duration.Seconds())
	reqs := signNewQuestions(t, srv.priv, n)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns}}
	defer client.CloseIdleConnections()

	results := make([]loadOutcome, n)
	var wg sync.WaitGroup
	start := time.Now()
	for sent := 0; sent < n; {
		// Everything due by now goes out, each on its own: the rate is
		// offered, whatever the answers take.
		due := min(n, int(time.Since(start).Seconds()*float64(rate))+1)
		for ; sent < due; sent++ {
			i := sent
			wg.Go(func() { results[i] = send(client, srv.url, reqs[i]) })
		}
		time.Sleep(time.Millisecond)
	}
	offered := time.Since(start)
	wg.Wait()
	// The server stops, waiting for the deferred answers' edits, and says
	// how many it delivered and why it shed what it shed.
	edits, busy, old := srv.finish(t)

	var (
		answered, deferred, other, failed   int
		lateAnswers, lateDeferrals          int
		shed                                int
		answerLatency, deferLatency, shedAt []time.Duration
		firstOther                          string
	)
	for _, r := range results {
		switch {
		case r.err != "":
			failed++
			if firstOther == "" {
				firstOther = r.err
			}
		case r.status == http.StatusOK && r.typ == 4:
			answered++
			answerLatency = append(answerLatency, r.took)
			if r.took > discordDeadline {
				lateAnswers++
			}
		case r.status == http.StatusOK && r.typ == 5:
			deferred++
			deferLatency = append(deferLatency, r.took)
			if r.took > discordDeadline {
				lateDeferrals++
			}
		case r.status == http.StatusServiceUnavailable:
			shed++
			shedAt = append(shedAt, r.took)
		default:
			other++
			if firstOther == "" {
				firstOther = fmt.Sprintf("%d type %d", r.status, r.typ)
			}
		}
	}
	t.Logf("%d cores: %d new questions offered at %d/s over %v", runtime.NumCPU(), n, rate, offered.Round(time.Millisecond))
	t.Logf("answered at once: %d (%.0f/s), latency %s", answered, float64(answered)/offered.Seconds(), latencies(answerLatency))
	t.Logf("deferred: %d, latency %s; deferred answers delivered by edit: %d", deferred, latencies(deferLatency), edits)
	t.Logf("shed: %d (%d with every slot busy, %d too old to answer in time), latency %s", shed, busy, old, latencies(shedAt))
	t.Logf("left after %v: %d answers, %d deferrals; failed: %d, other: %d %s", discordDeadline, lateAnswers, lateDeferrals, failed, other, firstOther)
	if lateAnswers > 0 {
		t.Errorf("%d answers left as messages after %v, which Discord drops", lateAnswers, discordDeadline)
	}
	if edits != deferred {
		t.Errorf("%d answers deferred, %d delivered", deferred, edits)
	}
	if failed+other > 0 {
		t.Errorf("%d requests failed and %d were answered otherwise; first: %s", failed, other, firstOther)
	}
}

// loadOutcome is what became of one request.
type loadOutcome struct {
	status int
	typ    int // the interaction response's type, when 200
	took   time.Duration
	err    string
}

func send(client *http.Client, base string, sr loadRequest) loadOutcome {
	req, err := http.NewRequest(http.MethodPost, base+"/interactions", bytes.NewReader(sr.body))
	if err != nil {
		return loadOutcome{err: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature-Ed25519", sr.sig)
	req.Header.Set("X-Signature-Timestamp", sr.ts)
	var wrote atomic.Int64 // written by the transport's goroutine
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(time.Now().UnixNano()) },
	}))
	resp, err := client.Do(req)
	if err != nil {
		return loadOutcome{err: err.Error()}
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	_, err = body.ReadFrom(resp.Body)
	o := loadOutcome{status: resp.StatusCode, took: time.Since(time.Unix(0, wrote.Load()))}
	if err != nil {
		o.err = err.Error()
		return o
	}
	if resp.StatusCode != http.StatusOK {
		return o
	}
	var r struct {
		Type int `json:"type"`
	}
	if err := json.Unmarshal(body.Bytes(), &r); err != nil {
		o.err = err.Error()
	}
	o.typ = r.Type
	return o
}

// loadServer is the endpoint under load, in a process of its own.
type loadServer struct {
	url  string
	priv ed25519.PrivateKey
	cmd  *exec.Cmd
	in   io.Closer
	out  *bufio.Scanner
}

// startLoadServer starts this test binary again, as the server.
func startLoadServer(t *testing.T) *loadServer {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadNewQuestions$")
	cmd.Env = append(os.Environ(), "LOAD_SERVER=1")
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &loadServer{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	t.Cleanup(func() {
		in.Close()
		_ = cmd.Process.Kill() // if it has not exited yet
		_ = cmd.Wait()
	})
	var key string
	if fields := s.line(t, "load-endpoint"); len(fields) == 2 {
		s.url, key = fields[0], fields[1]
	}
	b, err := hex.DecodeString(key)
	if err != nil || len(b) != ed25519.PrivateKeySize {
		t.Fatalf("the server sent no key: %q", key)
	}
	s.priv = b
	return s
}

// line waits for the server's line that starts with tag, and returns the
// rest of it.
func (s *loadServer) line(t *testing.T, tag string) []string {
	t.Helper()
	var other []string
	for s.out.Scan() {
		if rest, ok := strings.CutPrefix(s.out.Text(), tag+" "); ok {
			return strings.Fields(rest)
		}
		other = append(other, s.out.Text())
	}
	t.Fatalf("the server ended without a %s line (%v):\n%s", tag, s.out.Err(), strings.Join(other, "\n"))
	return nil
}

// finish stops the server and returns how many deferred answers it
// delivered and how many interactions it shed with every slot busy and as
// too old.
func (s *loadServer) finish(t *testing.T) (edits, busy, old int) {
	t.Helper()
	s.in.Close()
	fields := s.line(t, "load-result")
	if len(fields) != 3 {
		t.Fatalf("load-result %v", fields)
	}
	n := make([]int, 3)
	for i, f := range fields {
		var err error
		if n[i], err = strconv.Atoi(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.cmd.Wait(); err != nil {
		t.Errorf("the server: %v", err)
	}
	return n[0], n[1], n[2]
}

// serveLoad is the server's side: an endpoint on 127.0.0.1 that says where
// it is and its signing key, serves until its input ends, and then says
// what it did.
func serveLoad(t *testing.T) {
	e := newEndpoint(t, endpointOptions{quiet: true, workers: loadSetting(t, "LOAD_WORKERS", 0, strconv.Atoi)})
	fmt.Printf("load-endpoint %s %x\n", e.url, []byte(e.priv))
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := e.stop(); err != nil {
		t.Errorf("Run: %v", err)
	}
	edits := 0
	for _, r := range e.discord.Requests() {
		if r.Method == http.MethodPatch && r.Status == http.StatusOK {
			edits++
		}
	}
	// The server's log says why each was shed.
	busy, old := len(e.logs.lines("status=503", "in flight")), len(e.logs.lines("status=503", "too late"))
	fmt.Printf("load-result %d %d %d\n", edits, busy, old)
}

type loadRequest struct {
	body    []byte
	ts, sig string
}

// signNewQuestions makes and signs n /ask interactions, each a question
// not asked before, in Traditional and Simplified Chinese and English,
// each from a member of its own.
func signNewQuestions(t *testing.T, priv ed25519.PrivateKey, n int) []loadRequest {
	t.Helper()
	a, err := data.Load()
	if err != nil {
		t.Fatal(err)
	}
	qs := newQuestions(a, n)
	reqs := make([]loadRequest, n)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	var wg sync.WaitGroup
	cpus := runtime.NumCPU()
	for w := range cpus {
		wg.Go(func() {
			for i := w; i < n; i += cpus {
				q := qs[i]
				body := fmt.Sprintf(`{"id":"%d","application_id":"%s","type":2,"token":"load-%d","version":1,"locale":%q,`+
					`"guild_id":"1500000000000000001","channel_id":"1300000000000000001",`+
					`"member":{"user":{"id":"%d","username":"member"}},`+
					`"data":{"id":"1600000000000000001","name":"ask","type":1,"options":[{"name":"question","type":3,"value":%q}]}}`,
					1_400_000_000_000_000_000+i, discordtest.DefaultAppID, i, q.locale, 1_200_000_000_000_000_000+i, q.text)
				reqs[i] = loadRequest{body: []byte(body), ts: ts, sig: sign(priv, ts, []byte(body))}
			}
		})
	}
	wg.Wait()
	return reqs
}

type loadQuestion struct{ locale, text string }

// newQuestions makes n different questions from the interview's own
// keywords, three to a question, as members word things their own way.
func newQuestions(a *data.Article, n int) []loadQuestion {
	var zh, en []string
	for _, p := range a.Passages {
		zh = append(zh, p.Keywords.ZH...)
		en = append(en, p.Keywords.EN...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	seen := make(map[string]bool, n)
	qs := make([]loadQuestion, 0, n)
	for len(qs) < n {
		var q loadQuestion
		switch len(qs) % 10 {
		case 0, 1, 2, 3:
			q = loadQuestion{"zh-TW", fmt.Sprintf("%s和%s有什麼關係?%s呢", pick(rng, zh), pick(rng, zh), pick(rng, zh))}
		case 4, 5, 6:
			q = loadQuestion{"zh-CN", zhconv.Mainland(fmt.Sprintf("小扎怎麼看%s、%s和%s", pick(rng, zh), pick(rng, zh), pick(rng, zh)))}
		default:
			q = loadQuestion{"en-US", fmt.Sprintf("What did he say about %s, %s and %s?", pick(rng, en), pick(rng, en), pick(rng, en))}
		}
		if !seen[q.text] {
			seen[q.text] = true
			qs = append(qs, q)
		}
	}
	return qs
}

func pick(rng *rand.Rand, words []string) string { return words[rng.IntN(len(words))] }

// latencies sums up d: percentiles and the worst.
func latencies(d []time.Duration) string {
	if len(d) == 0 {
		return "-"
	}
	slices.Sort(d)
	at := func(p int) time.Duration { return d[min(len(d)*p/100, len(d)-1)].Round(100 * time.Microsecond) }
	return fmt.Sprintf("p50 %v, p90 %v, p99 %v, max %v", at(50), at(90), at(99), d[len(d)-1].Round(100*time.Microsecond))
}

// loadSetting reads a load-test setting from the environment, def when
// unset.
func loadSetting[T any](t *testing.T, key string, def T, parse func(string) (T, error)) T {
	t.Helper()
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	x, err := parse(v)
	if err != nil {
		t.Fatalf("%s: %v", key, err)
	}
	return x
}

package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// loadQuestions are what the load asks, in the three languages. Members ask
// the same questions again and again (autocomplete hands everyone the same
// wording), which is what the index's cache is for.
var loadQuestions = []struct{ locale, q string }{
	{"zh-TW", "小扎為什麼說研究員更在乎GPU?"},
	{"zh-TW", "泰坦叢集是什麼"},
	{"zh-TW", "Meta 的資本支出有上限嗎"},
	{"zh-TW", "個人超級智慧是什麼意思"},
	{"zh-TW", "挖角開價傳聞的數字準嗎"},
	{"zh-CN", "数据中心为什么要用帐篷来建"},
	{"zh-CN", "扎克伯格怎么看超级智能"},
	{"zh-CN", "Hyperion 有多大"},
	{"zh-CN", "小扎为什么亲自招人"},
	{"en-US", "Is there a ceiling on how much Meta will spend on capex?"},
	{"en-US", "What is Hyperion?"},
	{"en-US", "Why do researchers care about GPUs?"},
	{"en-US", "What does personal superintelligence mean?"},
	{"en-US", "Are the reported pay packages accurate?"},
	{"en-US", "Why build data centers in tents?"},
	{"en-US", "How fast will superintelligence arrive?"},
}

// TestLoad drives `interviewbot serve` on loopback with many concurrent
// signed /ask requests and reports throughput and latency, then checks that
// goroutines and heap come back to where they were. It is slow and uses
// every core, so it runs only with LOAD=1:
//
//	LOAD=1 go test ./cmd/interviewbot -run TestLoad -v
//
// LOAD_DURATION (default 10s) and LOAD_CONCURRENCY (default 8) tune it;
// LOAD_MIN_RPS (default 5000) and LOAD_MAX_P99 (default 10ms) are the
// targets it checks. Requests are signed before the clock starts: signing
// is Discord's work, not the bot's.
func TestLoad(t *testing.T) {
	if os.Getenv("LOAD") == "" {
		t.Skip("load test: set LOAD=1 to run it")
	}
	duration := loadEnv(t, "LOAD_DURATION", 10*time.Second, time.ParseDuration)
	maxP99 := loadEnv(t, "LOAD_MAX_P99", 10*time.Millisecond, time.ParseDuration)
	workers := loadEnv(t, "LOAD_CONCURRENCY", 8, strconv.Atoi)
	minRPS := loadEnv(t, "LOAD_MIN_RPS", 5000, strconv.Atoi)

	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	discord := discordtest.NewServer(t, discordtest.Options{Token: serveToken})
	env := serveEnv(pub, discord)
	delete(env, "REGISTER_COMMANDS")
	logs := newServeLog(t)
	logs.discard = true // one line per interaction: keep none, as a log shipper would
	base, stop := startRun(t, env, logs, "serve", "-addr", "127.0.0.1:0")

	// Signed requests to cycle through, each from its own member: a
	// member comes round again only every few seconds, within the
	// per-member limit (five at once, then one every three seconds).
	reqs := signLoad(t, priv, 40_000)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers}}
	defer client.CloseIdleConnections()

	// Warm up (connections, caches, the heap's size), then measure the
	// baseline the run must come back to.
	warm := drive(t, client, base, reqs, workers, 2*time.Second)
	t.Logf("warm-up: %d requests", warm.ok)
	baseGoroutines, baseHeap := settle(client)

	cpuBefore := cpuTime(t)
	res := drive(t, client, base, reqs, workers, duration)
	cpu := cpuTime(t) - cpuBefore
	if res.failed > 0 {
		t.Errorf("%d requests failed; first: %s", res.failed, res.firstFailure)
	}
	rps := float64(res.ok) / res.took.Seconds()
	slices.Sort(res.latencies)
	p50, p90, p99, worst := percentile(res.latencies, 50), percentile(res.latencies, 90), percentile(res.latencies, 99), percentile(res.latencies, 100)
	t.Logf("%d cores, %d concurrent: %d answered /ask in %v = %.0f/s; latency p50 %v, p90 %v, p99 %v, max %v",
		runtime.NumCPU(), workers, res.ok, res.took.Round(time.Millisecond), rps, p50, p90, p99, worst)
	// The machine may be shared: the process's CPU time per answer says
	// what two cores of its own would do, whatever else runs.
	perAnswer := cpu / time.Duration(max(res.ok, 1))
	t.Logf("CPU per answer, server and load generator together: %v; two idle cores would answer %.0f/s",
		perAnswer.Round(time.Microsecond), 2/perAnswer.Seconds())
	if rps < float64(minRPS) {
		t.Errorf("throughput %.0f/s, want at least %d/s", rps, minRPS)
	}
	if p99 > maxP99 {
		t.Errorf("p99 latency %v, want at most %v", p99, maxP99)
	}
	if answered := scrapeCount(t, base, "interviewbot_questions_total", `command="ask"`, `outcome="answered"`); answered != res.ok+warm.ok {
		t.Errorf("metrics count %d answered questions, the load got %d answers", answered, res.ok+warm.ok)
	}

	goroutines, heap := settle(client)
	runtime.KeepAlive(reqs) // part of both heap figures
	t.Logf("goroutines %d → %d, heap %.1f → %.1f MiB", baseGoroutines, goroutines, mib(baseHeap), mib(heap))
	if goroutines > baseGoroutines {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines grew from %d to %d:\n%s", baseGoroutines, goroutines, buf[:runtime.Stack(buf, true)])
	}
	// The per-member limiter remembers each of the many members for a few
	// seconds; anything beyond that is a leak.
	if heap > baseHeap+64<<20 {
		t.Errorf("heap grew from %.1f to %.1f MiB", mib(baseHeap), mib(heap))
	}

	if err := stop(); err != nil {
		t.Errorf("serve: %v", err)
	}
}

type signedRequest struct {
	body []byte
	ts   string
	sig  string
}

// signLoad signs n /ask interactions on every core.
func signLoad(t *testing.T, priv ed25519.PrivateKey, n int) []signedRequest {
	t.Helper()
	start := time.Now()
	reqs := make([]signedRequest, n)
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	var wg sync.WaitGroup
	cpus := runtime.NumCPU()
	for w := range cpus {
		wg.Go(func() {
			for i := w; i < n; i += cpus {
				q := loadQuestions[i%len(loadQuestions)]
				body := fmt.Sprintf(`{"id":"%d","application_id":"%s","type":2,"token":"load-%d","version":1,"locale":%q,`+
					`"guild_id":"1500000000000000001","channel_id":"1300000000000000001",`+
					`"member":{"user":{"id":"%d","username":"member"}},`+
					`"data":{"id":"1600000000000000001","name":"ask","type":1,"options":[{"name":"question","type":3,"value":%q}]}}`,
					1_400_000_000_000_000_000+i, discordtest.DefaultAppID, i, q.locale, 1_200_000_000_000_000_000+i, q.q)
				reqs[i] = signedRequest{
					body: []byte(body), ts: ts,
					sig: hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...))),
				}
			}
		})
	}
	wg.Wait()
	t.Logf("signed %d requests in %v", n, time.Since(start).Round(time.Millisecond))
	return reqs
}

type loadResult struct {
	ok, failed   int
	firstFailure string
	latencies    []time.Duration
	took         time.Duration
}

// drive sends reqs, round and round, from workers goroutines, each waiting
// for its answer before it sends the next, until the time is up.
func drive(t *testing.T, client *http.Client, base string, reqs []signedRequest, workers int, limit time.Duration) loadResult {
	t.Helper()
	var next atomic.Int64
	results := make([]loadResult, workers)
	deadline := time.Now().Add(limit)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := &results[w]
			r.latencies = make([]time.Duration, 0, 1<<16)
			var body bytes.Buffer // reused: the generator must not allocate per request
			for {
				if time.Now().After(deadline) {
					return
				}
				sr := reqs[int(next.Add(1)-1)%len(reqs)]
				req, err := http.NewRequest(http.MethodPost, base+"/interactions", bytes.NewReader(sr.body))
				if err != nil {
					t.Error(err)
					return
				}
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Signature-Ed25519", sr.sig)
				req.Header.Set("X-Signature-Timestamp", sr.ts)
				sent := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					r.fail(err.Error())
					continue
				}
				body.Reset()
				_, err = body.ReadFrom(resp.Body)
				resp.Body.Close()
				r.latencies = append(r.latencies, time.Since(sent))
				if err != nil || resp.StatusCode != http.StatusOK || !bytes.HasPrefix(body.Bytes(), []byte(`{"type":4,`)) {
					r.fail(fmt.Sprintf("%d %v %.200s", resp.StatusCode, err, body.Bytes()))
					continue
				}
				r.ok++
			}
		})
	}
	wg.Wait()
	total := loadResult{took: time.Since(start)}
	for _, r := range results {
		total.ok += r.ok
		total.failed += r.failed
		if total.firstFailure == "" {
			total.firstFailure = r.firstFailure
		}
		total.latencies = append(total.latencies, r.latencies...)
	}
	return total
}

func (r *loadResult) fail(why string) {
	r.failed++
	if r.firstFailure == "" {
		r.firstFailure = why
	}
}

// settle closes the idle connections, lets their goroutines on both sides
// end, and returns the goroutines and live heap.
func settle(client *http.Client) (goroutines int, heap uint64) {
	client.CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections() // the /metrics scrape's
	goroutines = runtime.NumGoroutine()
	for range 50 {
		time.Sleep(20 * time.Millisecond)
		n := runtime.NumGoroutine()
		if n == goroutines {
			break
		}
		goroutines = n
	}
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return goroutines, m.HeapAlloc
}

// percentile is the p-th percentile of d, which is sorted.
func percentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := min(len(d)*p/100, len(d)-1)
	return d[i].Round(10 * time.Microsecond)
}

// scrapeCount sums the samples of metric on /metrics whose labels include
// every one of labels.
func scrapeCount(t *testing.T, base, metric string, labels ...string) int {
	t.Helper()
	_, body := serveGet(t, base+"/metrics")
	sum := 0
	for _, line := range strings.Split(body, "\n") {
		rest, ok := strings.CutPrefix(line, metric+"{")
		if !ok {
			continue
		}
		matches := true
		for _, l := range labels {
			matches = matches && strings.Contains(rest, l)
		}
		if n, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64); matches && err == nil {
			sum += int(n)
		}
	}
	return sum
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// loadEnv reads a load-test setting from the environment, def when unset.
func loadEnv[T any](t *testing.T, key string, def T, parse func(string) (T, error)) T {
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

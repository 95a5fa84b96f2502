package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// serveToken has the shape of a bot token; its first part is the fake's
// application ID, base64-encoded, as in a real one.
const serveToken = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gxyzab.abcdefghijklmnopqrstuvwxyz0123456789"

// serveLog collects what a command logs (JSON, one object a line) and
// hands over the address of its "http listening" line.
type serveLog struct {
	t       testing.TB
	discard bool // keep no lines, for the load test
	mu      sync.Mutex
	all     bytes.Buffer
	addrs   chan string
}

func newServeLog(t testing.TB) *serveLog { return &serveLog{t: t, addrs: make(chan string, 1)} }

func (l *serveLog) Write(p []byte) (int, error) {
	if !bytes.Contains(p, []byte(`"http listening"`)) {
		if !l.discard {
			l.mu.Lock()
			l.all.Write(p)
			l.mu.Unlock()
		}
		return len(p), nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all.Write(p)
	var line struct {
		Msg  string `json:"msg"`
		Addr string `json:"addr"`
	}
	if json.Unmarshal(p, &line) == nil && line.Msg == "http listening" {
		select {
		case l.addrs <- line.Addr:
		default:
		}
	}
	return len(p), nil
}

func (l *serveLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all.String()
}

// serveEnv is the environment of a serve process talking to discord.
func serveEnv(pub ed25519.PublicKey, discord *discordtest.Server) map[string]string {
	return map[string]string{
		"DISCORD_PUBLIC_KEY": hex.EncodeToString(pub),
		"DISCORD_TOKEN":      serveToken,
		"DISCORD_APP_ID":     discordtest.DefaultAppID,
		"DISCORD_API_URL":    discord.APIURL(),
		"REGISTER_COMMANDS":  "true",
		"LOG_FORMAT":         "json",
	}
}

func servePost(t *testing.T, url string, priv ed25519.PrivateKey, body string) (int, string) {
	t.Helper()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, []byte(ts+body))))
	req.Header.Set("X-Signature-Timestamp", ts)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServe runs the whole program as main does, on 127.0.0.1:0, answers
// interactions through it, and cancels it to prove it shuts down cleanly.
func TestServe(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	discord := discordtest.NewServer(t, discordtest.Options{Token: serveToken})
	env := serveEnv(pub, discord)
	// One .env for both modes: serve says it does not answer forums.
	env["ANSWER_FORUMS"] = "1300000000000000020"
	logs := newServeLog(t)
	base, stop := startRun(t, env, logs, "serve", "-addr", "127.0.0.1:0")

	ask := `{"id":"1400000000000000001","application_id":"` + discordtest.DefaultAppID + `","type":2,"token":"tok","version":1,"locale":"en-US",` +
		`"member":{"user":{"id":"1200000000000000001","username":"tester"}},` +
		`"data":{"id":"1","name":"ask","type":1,"options":[{"name":"question","type":3,"value":"What is Hyperion?"}]}}`
	tests := []struct {
		name     string
		do       func(t *testing.T) (int, string)
		want     int
		contains string
	}{
		{"ping", func(t *testing.T) (int, string) {
			return servePost(t, base+"/interactions", priv, `{"id":"1","application_id":"1","type":1,"token":"t","version":1}`)
		}, 200, `{"type":1}`},
		{"ask", func(t *testing.T) (int, string) { return servePost(t, base+"/interactions", priv, ask) }, 200, "Hyperion"},
		{"unsigned", func(t *testing.T) (int, string) {
			resp, err := http.Post(base+"/interactions", "application/json", strings.NewReader(ask))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			return resp.StatusCode, ""
		}, 401, ""},
		{"healthz", func(t *testing.T) (int, string) { return serveGet(t, base+"/healthz") }, 200, "ok"},
		{"readyz", func(t *testing.T) (int, string) { return serveGet(t, base+"/readyz") }, 200, "ready"},
		{"metrics count the answer", func(t *testing.T) (int, string) { return serveGet(t, base+"/metrics") }, 200,
			`interviewbot_questions_total{command="ask",locale="en-US",outcome="answered"} 1`},
		{"healthcheck command", func(t *testing.T) (int, string) {
			var out bytes.Buffer
			err := run(context.Background(), []string{"interviewbot", "healthcheck", "-url", base + "/healthz"}, func(string) string { return "" }, nil, &out, io.Discard)
			if err != nil {
				return exitCode(err), err.Error()
			}
			return 200, out.String()
		}, 200, "ok"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, body := tc.do(t)
			if code != tc.want || !strings.Contains(body, tc.contains) {
				t.Errorf("got %d %.300q, want %d containing %q", code, body, tc.want, tc.contains)
			}
		})
	}
	t.Run("registered the commands at start-up", func(t *testing.T) {
		var found bool
		for _, r := range discord.Requests() {
			if r.Method == "PUT" && r.Path == "/applications/"+discordtest.DefaultAppID+"/commands" && r.Status == 200 {
				found = true
			}
		}
		if !found {
			t.Errorf("no bulk overwrite of the global commands; requests: %v", discord.Requests())
		}
	})

	if err := stop(); err != nil {
		t.Fatalf("serve returned %v after a clean shutdown", err)
	}
	for _, want := range []string{`"msg":"http shutting down"`, `"msg":"http stopped"`, `"msg":"commands registered"`, `"msg":"ANSWER_FORUMS is set, but forum posts reach only the gateway`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %s", want)
		}
	}
	if strings.Contains(logs.String(), serveToken) || strings.Contains(logs.String(), "X-Signature") {
		t.Error("the log shows a secret")
	}
	if _, err := net.Dial("tcp", strings.TrimPrefix(base, "http://")); err == nil {
		t.Error("still listening after shutdown")
	}
}

func serveGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeConfig checks that a misconfigured serve stops at once with a
// usage error (exit 2) that says what to fix.
func TestServeConfig(t *testing.T) {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key := hex.EncodeToString(pub)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		hint string
	}{
		{"no public key", map[string]string{}, nil, "Public Key"},
		{"public key not hex", map[string]string{"DISCORD_PUBLIC_KEY": strings.Repeat("zz", 32)}, nil, "64 hex characters"},
		{"public key too short", map[string]string{"DISCORD_PUBLIC_KEY": key[:62]}, nil, "64 hex characters"},
		{"public key too long", map[string]string{"DISCORD_PUBLIC_KEY": key + "00"}, nil, "64 hex characters"},
		{"register without a token", map[string]string{"DISCORD_PUBLIC_KEY": key, "REGISTER_COMMANDS": "true"}, nil, "DISCORD_TOKEN"},
		{"bad API URL", map[string]string{"DISCORD_PUBLIC_KEY": key, "DISCORD_API_URL": "ftp://example"}, nil, "discord API URL"},
		{"bad log format", map[string]string{"DISCORD_PUBLIC_KEY": key, "LOG_FORMAT": "xml"}, nil, "LOG_FORMAT"},
		{"stray argument", map[string]string{"DISCORD_PUBLIC_KEY": key}, []string{"now"}, "unexpected"},
		{"unknown flag", map[string]string{"DISCORD_PUBLIC_KEY": key}, []string{"-port", "80"}, "port"},
		{"address without a port", map[string]string{"DISCORD_PUBLIC_KEY": key}, []string{"-addr", "8080"}, `-addr "8080"`},
		{"public URL without a scheme", map[string]string{"DISCORD_PUBLIC_KEY": key, "PUBLIC_URL": "bot.example.com"}, nil, `PUBLIC_URL "bot.example.com" is not an absolute http or https URL`},
		{"public URL of another scheme", map[string]string{"DISCORD_PUBLIC_KEY": key}, []string{"-public-url", "ftp://bot.example.com"}, "-public-url"},
		{"public URL with a query", map[string]string{"DISCORD_PUBLIC_KEY": key, "PUBLIC_URL": "https://bot.example.com/?x=1"}, nil, "without query"},
		{"trusted proxy that is no address", map[string]string{"DISCORD_PUBLIC_KEY": key, "TRUSTED_PROXIES": "127.0.0.1, localhost"}, nil, `"localhost", which is neither an address nor a network`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCLI(t, tc.env, "", append([]string{"serve", "-addr", "127.0.0.1:0"}, tc.args...)...)
			if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), tc.hint) {
				t.Errorf("got %v (exit %d), want a usage error mentioning %q", err, exitCode(err), tc.hint)
			}
		})
	}
	t.Run("port in use", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		_, _, err = runCLI(t, map[string]string{"DISCORD_PUBLIC_KEY": key}, "", "serve", "-addr", ln.Addr().String())
		if err == nil || exitCode(err) != 1 || !portInUse(err) {
			t.Errorf("got %v, want a listen error that says the port is in use and how to choose another", err)
		}
	})
}

func TestRegister(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		wantPath string
		wantOut  string
	}{
		{"global", map[string]string{}, "/applications/" + discordtest.DefaultAppID + "/commands", "(global)"},
		{"guild", map[string]string{"DISCORD_GUILD_ID": "1500000000000000001"}, "/applications/" + discordtest.DefaultAppID + "/guilds/1500000000000000001/commands", "(guild 1500000000000000001)"},
		{"application ID from the token", map[string]string{"DISCORD_APP_ID": ""}, "/applications/" + discordtest.DefaultAppID + "/commands", "(global)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			discord := discordtest.NewServer(t, discordtest.Options{Token: serveToken})
			env := map[string]string{"DISCORD_TOKEN": serveToken, "DISCORD_APP_ID": discordtest.DefaultAppID, "DISCORD_API_URL": discord.APIURL()}
			for k, v := range tc.env {
				env[k] = v
			}
			out, _, err := runCLI(t, env, "", "register")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, "registered 5 commands "+tc.wantOut+": /ask /quote /topics /about \"Ask the interview\"") {
				t.Errorf("printed %q", out)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			req, err := discord.WaitRequest(ctx, discordtest.Match("PUT", tc.wantPath))
			if err != nil {
				t.Fatal(err)
			}
			var cmds []struct {
				Name string `json:"name"`
			}
			if err := req.Decode(&cmds); err != nil || len(cmds) != 5 || req.Status != 200 {
				t.Errorf("sent %s, answered %d", req.JSON, req.Status)
			}
		})
	}
	t.Run("no token", func(t *testing.T) {
		_, _, err := runCLI(t, nil, "", "register")
		if exitCode(err) != 2 || !strings.Contains(err.Error(), "DISCORD_TOKEN") {
			t.Errorf("got %v, want a usage error about DISCORD_TOKEN", err)
		}
	})
	t.Run("discord refuses", func(t *testing.T) {
		discord := discordtest.NewServer(t, discordtest.Options{Token: serveToken})
		discord.FailOnce("PUT", "/applications/{app}/commands", http.StatusForbidden, 50001, "Missing Access")
		env := map[string]string{"DISCORD_TOKEN": serveToken, "DISCORD_API_URL": discord.APIURL()}
		_, _, err := runCLI(t, env, "", "register")
		if err == nil || exitCode(err) != 1 || strings.Contains(err.Error(), serveToken) {
			t.Errorf("got %v, want a failure that does not show the token", err)
		}
	})
}

func TestHealthcheck(t *testing.T) {
	healthy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "ok")
	}))
	defer healthy.Close()
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer sick.Close()
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer hanging.Close()
	closedAddr := freeAddr(t)
	_, healthyPort, _ := net.SplitHostPort(strings.TrimPrefix(healthy.URL, "http://"))

	tests := []struct {
		name string
		env  map[string]string
		args []string
		exit int
	}{
		{"healthy by URL", nil, []string{"-url", healthy.URL + "/healthz"}, 0},
		{"healthy by HTTP_ADDR", map[string]string{"HTTP_ADDR": ":" + healthyPort}, nil, 0},
		{"healthy by -addr", nil, []string{"-addr", "0.0.0.0:" + healthyPort}, 0},
		{"unhealthy", nil, []string{"-url", sick.URL + "/healthz"}, 1},
		{"not listening", nil, []string{"-addr", closedAddr}, 1},
		{"hanging", nil, []string{"-url", hanging.URL + "/healthz", "-timeout", "200ms"}, 1},
		{"bad address", map[string]string{"HTTP_ADDR": "8080"}, nil, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, _, err := runCLI(t, tc.env, "", append([]string{"healthcheck"}, tc.args...)...)
			got := 0
			if err != nil {
				got = exitCode(err)
			}
			if got != tc.exit {
				t.Errorf("exit %d (%v), want %d", got, err, tc.exit)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v", took)
			}
		})
	}
}

func TestHealthURL(t *testing.T) {
	tests := []struct {
		addr, want string
		err        bool
	}{
		{":8080", "http://127.0.0.1:8080/healthz", false},
		{"0.0.0.0:9000", "http://127.0.0.1:9000/healthz", false},
		{"[::]:9000", "http://127.0.0.1:9000/healthz", false},
		{"127.0.0.2:80", "http://127.0.0.2:80/healthz", false},
		{"[::1]:80", "http://[::1]:80/healthz", false},
		{"8080", "", true},
		{"", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			got, err := healthURL(tc.addr)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("healthURL(%q) = %q, %v; want %q (error %v)", tc.addr, got, err, tc.want, tc.err)
			}
			var u usageError
			if err != nil && !errors.As(err, &u) {
				t.Errorf("error %v is not a usage error", err)
			}
		})
	}
}

// startRun runs the whole program as main does, with args after the
// program name, and returns its base URL once it listens, and stop, which
// cancels it (as SIGTERM does) and returns run's result. stop also runs at
// cleanup: before the fake Discord closes, when that was made first.
func startRun(t *testing.T, env map[string]string, logs *serveLog, args ...string) (base string, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- tested.run(ctx, append([]string{"interviewbot"}, args...), func(k string) string { return env[k] }, strings.NewReader(""), io.Discard, logs)
	}()
	var once sync.Once
	var result error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-done:
			case <-time.After(15 * time.Second):
				result = errors.New("run did not return within 15 s of its cancellation")
			}
		})
		return result
	}
	t.Cleanup(func() { stop() })
	select {
	case addr := <-logs.addrs:
		return "http://" + addr, stop
	case err := <-done:
		done <- err // for stop
		t.Fatalf("%s stopped: %v\n%s", args, err, logs)
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not start listening\n%s", args, logs)
	}
	return "", nil
}

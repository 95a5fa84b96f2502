package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/internal/discordtest"
)

const gatewayGuild = "1300000000000000001"

// gatewayCallback is the part of an interaction callback the tests read.
type gatewayCallback struct {
	Type int `json:"type"`
	Data struct {
		Embeds          []*discordgo.MessageEmbed `json:"embeds"`
		AllowedMentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
	} `json:"data"`
}

// askOverGateway waits until the bot is connected to discord and has
// registered its commands in gatewayGuild, asks question with /ask in zh-TW
// and returns the bot's callback.
func askOverGateway(ctx context.Context, t *testing.T, discord *discordtest.Server, question string) (discordtest.Request, gatewayCallback) {
	t.Helper()
	if err := discord.WaitReady(ctx); err != nil {
		t.Fatalf("the bot did not connect: %v", err)
	}
	if _, err := discord.WaitRequest(ctx, discordtest.Match("PUT", "/applications/{app}/guilds/"+gatewayGuild+"/commands")); err != nil {
		t.Fatalf("no command registration: %v", err)
	}
	in := discord.DispatchInteraction(&discordgo.Interaction{
		Type: discordgo.InteractionApplicationCommand, GuildID: gatewayGuild, ChannelID: "1300000000000000002", Locale: discordgo.ChineseTW,
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask", Options: []*discordgo.ApplicationCommandInteractionDataOption{
			{Name: "question", Type: discordgo.ApplicationCommandOptionString, Value: question},
		}},
	})
	req, err := discord.WaitRequest(ctx, discordtest.Match("POST", "/interactions/"+in.ID+"/"+in.Token+"/callback"))
	if err != nil {
		t.Fatalf("no answer to /ask: %v", err)
	}
	var cb gatewayCallback
	if err := req.Decode(&cb); err != nil {
		t.Fatalf("callback %s: %v", req.JSON, err)
	}
	return req, cb
}

// TestRunGateway runs the whole program as main does, against the fake
// Discord, answers an /ask through the gateway, checks the HTTP side, and
// cancels it (as SIGTERM does) to prove it stops cleanly and quickly.
func TestRunGateway(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"run"}} {
		t.Run(strings.Join(append([]string{"interviewbot"}, args...), " "), func(t *testing.T) {
			t.Parallel()
			discord := discordtest.NewServer(t, discordtest.Options{Token: serveToken, GuildIDs: []string{gatewayGuild}})
			env := map[string]string{
				"DISCORD_TOKEN":    serveToken,
				"DISCORD_API_URL":  discord.APIURL(),
				"DISCORD_GUILD_ID": gatewayGuild,
				"HTTP_ADDR":        "127.0.0.1:0",
				"LOG_FORMAT":       "json",
				"LOG_LEVEL":        "debug",
			}
			logs := newServeLog(t)
			base, stop := startRun(t, env, logs, args...)
			wait, cancelWait := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancelWait()
			req, cb := askOverGateway(wait, t, discord, "研究員為什麼在乎算力?")
			if req.Status != 204 || cb.Type != 4 || len(cb.Data.Embeds) != 1 ||
				cb.Data.AllowedMentions == nil || cb.Data.AllowedMentions.Parse == nil {
				t.Fatalf("callback %d %s", req.Status, req.JSON)
			}

			for _, c := range []struct{ path, want string }{
				{"/healthz", "ok"},
				{"/readyz", "ready"},
				{"/metrics", `interviewbot_questions_total{command="ask",locale="zh-TW",outcome="answered"} 1`},
				{"/metrics", "interviewbot_gateway_reconnects_total 0"},
				{"/", `action="/ask"`},
				{"/p/1", `id="p1"`},
			} {
				if code, body := serveGet(t, base+c.path); code != 200 || !strings.Contains(body, c.want) {
					t.Errorf("GET %s = %d, want 200 with %q:\n%.2000s", c.path, code, c.want, body)
				}
			}

			start := time.Now()
			if err := stop(); err != nil {
				t.Errorf("run returned %v after a clean shutdown", err)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("shutdown took %v", took)
			}
			if st := discord.Stats(); st.Live != 0 {
				t.Errorf("still connected to the gateway after shutdown: %+v", st)
			}
			if codes := discord.ClientCloseCodes(); len(codes) == 0 || codes[len(codes)-1] != 1000 {
				t.Errorf("gateway close codes %v: want a normal close (1000) that ends the session", codes)
			}
			if _, err := net.Dial("tcp", strings.TrimPrefix(base, "http://")); err == nil {
				t.Error("still listening after shutdown")
			}
			for _, want := range []string{`"msg":"gateway ready"`, `"msg":"commands registered"`, `"msg":"gateway closed"`, `"msg":"http stopped"`} {
				if !strings.Contains(logs.String(), want) {
					t.Errorf("log lacks %s", want)
				}
			}
			if strings.Contains(logs.String(), serveToken) {
				t.Error("the log shows the token")
			}
		})
	}
}

// TestRunGatewayDiscordRefuses: a token Discord does not accept stops the
// bot with exit status 78 (EX_CONFIG) and a hint, without showing the
// token, once REFUSED_WAIT has passed or a signal ends the wait.
func TestRunGatewayDiscordRefuses(t *testing.T) {
	t.Parallel()
	discord := discordtest.NewServer(t, discordtest.Options{})
	env := map[string]string{"DISCORD_TOKEN": serveToken, "DISCORD_API_URL": discord.APIURL(), "HTTP_ADDR": "127.0.0.1:0"}
	tests := []struct {
		name string
		wait string
		// signal cancels run's context, as SIGTERM does, once run says it
		// is waiting out the refusal.
		signal bool
		// least is how long run must have waited after the refusal.
		least time.Duration
		// main: through run itself, as main calls it, which builds its
		// own index; the others share the tests' one.
		main bool
	}{
		{name: "no wait", wait: "0", main: true},
		{name: "waits", wait: "400ms", least: 400 * time.Millisecond},
		{name: "a signal ends the wait", wait: "1h", signal: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := maps.Clone(env)
			e["REFUSED_WAIT"] = tt.wait
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var stdout bytes.Buffer
			stderr := &onLine{}
			if tt.signal {
				stderr.match, stderr.then = "exit_in=", cancel
			}
			start := time.Now()
			runs := tested.run
			if tt.main {
				runs = run
			}
			err := runs(ctx, []string{"interviewbot"}, func(k string) string { return e[k] }, strings.NewReader(""), &stdout, stderr)
			took := time.Since(start)
			if err == nil || exitCode(err) != 78 || !strings.Contains(err.Error(), "4004") || !strings.Contains(err.Error(), "Reset Token") {
				t.Fatalf("run = %v (exit %d), want the 4004 close explained and status 78", err, exitCode(err))
			}
			if took < tt.least {
				t.Errorf("run returned after %v, before REFUSED_WAIT's %v", took, tt.least)
			}
			if tt.signal && ctx.Err() == context.DeadlineExceeded {
				t.Errorf("run outlived its context: the signal did not end the wait")
			}
			if tt.wait != "0" && !strings.Contains(stderr.String(), "exit_in="+tt.wait) {
				t.Errorf("stderr does not say when the bot will exit:\n%s", stderr.String())
			}
			if strings.Contains(stdout.String()+stderr.String()+err.Error(), serveToken) {
				t.Error("the output shows the token")
			}
		})
	}
}

// onLine keeps what is written to it and calls then, once, when a write
// contains match: a test's signal sent on an event rather than after a
// guessed time.
type onLine struct {
	match string
	then  func()

	mu   sync.Mutex
	buf  bytes.Buffer
	done bool
}

func (w *onLine) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.then != nil && !w.done && bytes.Contains(p, []byte(w.match)) {
		w.done = true
		defer w.then()
	}
	return w.buf.Write(p)
}

func (w *onLine) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func TestRunGatewayUsage(t *testing.T) {
	t.Parallel()
	const secret = "not-a-token-but-secret"
	tests := []struct {
		name       string
		args       []string
		env        map[string]string
		wantErr    []string // in the one-line error main prints
		wantStderr []string
		secret     string // must appear nowhere
	}{
		{name: "missing token", wantErr: []string{"DISCORD_TOKEN is not set", "hint:"},
			wantStderr: []string{"discord.com/developers/applications", "Reset Token", "DISCORD_TOKEN=", "interviewbot invite"}},
		{name: "missing token, run", args: []string{"run"}, wantErr: []string{"DISCORD_TOKEN is not set"},
			wantStderr: []string{"Reset Token"}},
		{name: "only the prefix", env: map[string]string{"DISCORD_TOKEN": "Bot  "}, wantErr: []string{"DISCORD_TOKEN", "hint:"}},
		{name: "malformed token", env: map[string]string{"DISCORD_TOKEN": secret}, wantErr: []string{"malformed", "hint:"}, secret: secret},
		{name: "malformed token flag", args: []string{"run", "-token", "abc." + secret}, wantErr: []string{"malformed"}, secret: secret},
		{name: "client secret instead", env: map[string]string{"DISCORD_TOKEN": "Bot 0123456789abcdef0123456789abcdef"},
			wantErr: []string{"malformed"}, secret: "0123456789abcdef0123456789abcdef"},
		{name: "shard out of range", env: map[string]string{"DISCORD_TOKEN": serveToken, "SHARD_ID": "2", "SHARD_COUNT": "2"},
			wantErr: []string{"SHARD_ID"}, secret: serveToken},
		{name: "bad log level", env: map[string]string{"DISCORD_TOKEN": serveToken, "LOG_LEVEL": "loud"},
			wantErr: []string{"LOG_LEVEL"}, secret: serveToken},
		{name: "bad API URL", env: map[string]string{"DISCORD_TOKEN": serveToken, "DISCORD_API_URL": "ftp://example.com"},
			wantErr: []string{"ftp://example.com"}, secret: serveToken},
		{name: "stray argument", args: []string{"run", "now"}, wantErr: []string{"unexpected argument"}},
		{name: "unknown flag", args: []string{"run", "-nope"}, wantErr: []string{"-nope"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runCLI(t, tt.env, "", tt.args...)
			if err == nil {
				t.Fatal("run succeeded")
			}
			if code := exitCode(err); code != 2 {
				t.Errorf("exit %d, want 2: %v", code, err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if tt.secret != "" && strings.Contains(stdout+stderr+err.Error(), tt.secret) {
				t.Errorf("the output shows the token")
			}
		})
	}
}

// TestNoTokenConsole: at a terminal, a missing token offers the local
// console, which answers like ask.
func TestNoTokenConsole(t *testing.T) {
	t.Parallel()
	missing := usageError{errors.New("DISCORD_TOKEN is not set")}
	tests := []struct {
		name        string
		interactive bool
		stdin       string
		wantErr     bool
		wantOut     []string
	}{
		{"not a terminal", false, "研究員為什麼在乎算力?\n", true, nil},
		{"terminal", true, "研究員為什麼在乎算力?\nWhat is Hyperion?\n", false, []string{"? 研究員為什麼在乎算力?", "算力", "Hyperion"}},
		{"terminal, nothing typed", true, "", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			err := tested.noToken(context.Background(), missing, tt.interactive, newConsole(&stderr, false), strings.NewReader(tt.stdin), &stdout)
			if (err != nil) != tt.wantErr {
				t.Fatalf("noToken = %v", err)
			}
			if !strings.Contains(stderr.String(), "Reset Token") {
				t.Errorf("no explanation:\n%s", stderr.String())
			}
			if !tt.interactive && stdout.Len() != 0 {
				t.Errorf("answered without a terminal:\n%s", stdout.String())
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout.String(), w) {
					t.Errorf("console output lacks %q:\n%s", w, stdout.String())
				}
			}
		})
	}
}

func TestIsTerminal(t *testing.T) {
	t.Parallel()
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	tests := []struct {
		name string
		in   io.Reader
	}{
		// What a container or a service gets as standard input.
		{"/dev/null", null},
		{"pipe", r},
		{"reader", strings.NewReader("x")},
		{"nil", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if isTerminal(tt.in) {
				t.Error("taken for a terminal")
			}
		})
	}
}

func TestInvite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		args      []string
		env       map[string]string
		wantApp   string
		wantGuild string
		wantExit  int
	}{
		{name: "app ID", env: map[string]string{"DISCORD_APP_ID": "1100000000000000001"}, wantApp: "1100000000000000001"},
		{name: "app ID from the token", env: map[string]string{"DISCORD_TOKEN": serveToken}, wantApp: "1100000000000000001"},
		{name: "flag and guild", args: []string{"-app-id", "1100000000000000002", "-guild-id", "1300000000000000001"},
			wantApp: "1100000000000000002", wantGuild: "1300000000000000001"},
		{name: "nothing to go on", wantExit: 2},
		{name: "not an ID", env: map[string]string{"DISCORD_APP_ID": "my-bot"}, wantExit: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runCLI(t, tt.env, "", append([]string{"invite"}, tt.args...)...)
			if tt.wantExit != 0 {
				if err == nil || exitCode(err) != tt.wantExit || !strings.Contains(err.Error(), "hint:") {
					t.Fatalf("invite = %v, want exit %d with a hint", err, tt.wantExit)
				}
				return
			}
			if err != nil {
				t.Fatalf("invite: %v\n%s", err, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], "Add to a server:") || !strings.HasPrefix(lines[1], "Add to your account:") {
				t.Fatalf("want a line for each install:\n%s", stdout)
			}
			link := func(line string) url.Values {
				f := strings.Fields(line)
				u, err := url.Parse(f[len(f)-1])
				if err != nil || u.Scheme != "https" || u.Host != "discord.com" || u.Path != "/oauth2/authorize" {
					t.Fatalf("not an authorize URL: %q", line)
				}
				return u.Query()
			}
			user := link(lines[1])
			if user.Get("integration_type") != "1" || user.Get("scope") != "applications.commands" || user.Get("client_id") != tt.wantApp || user.Has("permissions") || user.Has("guild_id") {
				t.Errorf("user install link %v: want integration_type 1, scope applications.commands, no permissions", user)
			}
			q := link(lines[0])
			if q.Get("integration_type") != "0" {
				t.Errorf("server install link without integration_type 0: %v", q)
			}
			if got := strings.Fields(q.Get("scope")); len(got) != 2 || got[0] != "bot" || got[1] != "applications.commands" {
				t.Errorf("scope %q, want bot and applications.commands", q.Get("scope"))
			}
			perms, err := strconv.ParseInt(q.Get("permissions"), 10, 64)
			if err != nil || perms != invitePermissions {
				t.Errorf("permissions %q", q.Get("permissions"))
			}
			const viewChannel, sendMessages, embedLinks, readHistory, administrator = 1 << 10, 1 << 11, 1 << 14, 1 << 16, 1 << 3
			if perms&(viewChannel|sendMessages|embedLinks|readHistory) != viewChannel|sendMessages|embedLinks|readHistory || perms&administrator != 0 {
				t.Errorf("permissions %b: want view, send, embed and history, not administrator", perms)
			}
			if q.Get("client_id") != tt.wantApp || q.Get("guild_id") != tt.wantGuild {
				t.Errorf("client_id %q guild_id %q", q.Get("client_id"), q.Get("guild_id"))
			}
		})
	}
}

// portInUse reports whether err says that the port is in use, and how to
// choose another.
func portInUse(err error) bool {
	for _, w := range []string{"listen on", "in use", "HTTP_ADDR", "-addr"} {
		if !strings.Contains(err.Error(), w) {
			return false
		}
	}
	return true
}

// The HTTP side is up before the gateway: a port in use fails at once.
func TestRunGatewayPortInUse(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	discord := discordtest.NewServer(t, discordtest.Options{Token: serveToken})
	env := map[string]string{"DISCORD_TOKEN": serveToken, "DISCORD_API_URL": discord.APIURL(), "HTTP_ADDR": ln.Addr().String()}
	_, _, err = runCLI(t, env, "")
	if err == nil || exitCode(err) != 1 || !portInUse(err) {
		t.Fatalf("run = %v, want a listen error that says the port is in use and how to choose another", err)
	}
	if st := discord.Stats(); st.Connections != 0 {
		t.Errorf("connected to the gateway anyway: %+v", st)
	}
}

// TestAppIDMalformed: an application or guild ID that is not one is said
// to be malformed, not missing, wherever it comes from and whichever
// command reads it.
func TestAppIDMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{"invite, unset", []string{"invite"}, nil, []string{"DISCORD_APP_ID is not set", "hint:"}},
		{"invite, flag", []string{"invite", "-app-id", "notanumber"}, nil, []string{`-app-id "notanumber" is not a valid application ID`, "digits", "hint:"}},
		{"invite, env", []string{"invite"}, map[string]string{"DISCORD_APP_ID": "my-bot"}, []string{`DISCORD_APP_ID "my-bot" is not a valid application ID`}},
		{"invite, guild", []string{"invite", "-app-id", "1100000000000000001", "-guild-id", "my server"}, nil, []string{`-guild-id "my server" is not a valid server ID`}},
		{"register, env", []string{"register"}, map[string]string{"DISCORD_TOKEN": serveToken, "DISCORD_APP_ID": "12ab"}, []string{"DISCORD_APP_ID", "not a valid application ID"}},
		{"run, guild", []string{"run"}, map[string]string{"DISCORD_TOKEN": serveToken, "DISCORD_GUILD_ID": "guild"}, []string{"DISCORD_GUILD_ID", "not a valid server ID"}},
		{"run, forum name", []string{"run"}, map[string]string{"DISCORD_TOKEN": serveToken, "ANSWER_FORUMS": "1300000000000000020,#help"},
			[]string{`ANSWER_FORUMS`, `"#help", which is not a forum channel ID`, "comma-separated", "Copy Channel ID"}},
		{"run, forum flag", []string{"run", "-answer-forums", "1300000000000000020;1300000000000000021"}, map[string]string{"DISCORD_TOKEN": serveToken},
			[]string{"-answer-forums", "not a forum channel ID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, err := runCLI(t, tt.env, "", tt.args...)
			if err == nil || exitCode(err) != 2 {
				t.Fatalf("got %v (exit %d), want a usage error", err, exitCode(err))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if strings.Contains(stdout+stderr+err.Error(), serveToken) {
				t.Error("the output shows the token")
			}
		})
	}
}

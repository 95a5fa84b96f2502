package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/bot/interactions"
	"github.com/interviewbot/interviewbot/data"
	"github.com/interviewbot/interviewbot/internal/discordrest"
)

// runServe serves Discord interactions over HTTP: POST /interactions, with
// /healthz, /readyz and /metrics and the web site, until ctx is cancelled.
// Any number of these processes can run behind a load balancer: none keeps
// state.
func (p program) runServe(ctx context.Context, args []string, env func(string) string, stdout, stderr io.Writer) error {
	c, err := parseConfig("serve", "interviewbot serve [flags]",
		"Serves Discord interactions over HTTP at POST /interactions (set it as the\n"+
			"Interactions Endpoint URL in the Developer Portal, behind HTTPS), with\n"+
			"/healthz, /readyz and /metrics, and the web site at /, on -addr. Needs\n"+
			"DISCORD_PUBLIC_KEY.",
		[]string{"public-key", "token", "app-id", "guild-id", "api-url", "register", "addr", "log-format", "log-level", "log-questions", "public-url", "trusted-proxies"},
		args, env, stdout)
	if err != nil {
		return err
	}
	key, err := c.publicKey()
	if err != nil {
		return err
	}
	if c.Register {
		if err := c.checkToken(); err != nil {
			return err
		}
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	if env("ANSWER_FORUMS") != "" {
		// One .env often serves both modes: say why forums stay quiet.
		log.Warn("ANSWER_FORUMS is set, but forum posts reach only the gateway: serve does not answer them; run 'interviewbot run' for forum answers")
	}
	session, err := c.restSession()
	if err != nil {
		return err
	}

	k, err := p.newCore(c, log)
	if err != nil {
		return err
	}
	defer k.Close()
	b, metrics := k.bot, k.metrics
	if c.Register {
		where, names, err := registerCommands(ctx, session, *c, b.Commands())
		if err != nil {
			return err
		}
		log.Info("commands registered", "where", where, "commands", names)
	}

	ln, err := listen(c.Addr)
	if err != nil {
		return err
	}
	// The index is built before the server starts: ready at once.
	probes, err := newProbes(k, func() bool { return true })
	if err != nil {
		ln.Close()
		return err
	}
	srv, err := interactions.NewServer(interactions.ServerConfig{
		Bot: b, PublicKey: key, Editor: session, Logger: log,
		Metrics: metrics, Fallback: probes, ShutdownTimeout: shutdownTimeout,
	})
	if err != nil {
		ln.Close()
		return err
	}
	site, err := newSite(c, k, log)
	if err != nil {
		ln.Close()
		return err
	}
	// The address as bound, which says the port when -addr asked for :0.
	log.Info("http listening", "addr", ln.Addr().String(), "interactions", "/interactions", "site", "/")
	return serveHTTP(ctx, ln, srv, site, log)
}

// publicKey decodes DISCORD_PUBLIC_KEY, which verifies that interactions
// come from Discord.
func (c *config) publicKey() (ed25519.PublicKey, error) {
	k := strings.TrimSpace(c.PublicKey)
	if k == "" {
		return nil, usageError{errors.New("DISCORD_PUBLIC_KEY is not set (hint: Developer Portal → your application → General Information → Public Key, 64 hex characters)")}
	}
	b, err := hex.DecodeString(k)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, usageError{errors.New("DISCORD_PUBLIC_KEY is malformed: it is 64 hex characters (hint: copy the Public Key from Developer Portal → General Information; not the bot token or the client secret)")}
	}
	return ed25519.PublicKey(b), nil
}

// restSession is a discordgo session for REST calls only, on the API at
// DISCORD_API_URL. Deferred answers need no token (an interaction's webhook
// is its own credential); registering the commands does.
func (c *config) restSession() (*discordgo.Session, error) {
	token := ""
	if c.Token != "" {
		token = "Bot " + c.Token
	}
	s, err := discordgo.New(token)
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	rt, err := discordrest.NewTransport(c.APIURL, nil)
	if err != nil {
		return nil, usageError{err}
	}
	s.Client = &http.Client{Transport: rt, Timeout: discordrest.Timeout}
	return s, nil
}

// registerCommands bulk-overwrites the command set: in one guild, where
// changes show at once, or globally. It returns where and what.
func registerCommands(ctx context.Context, s *discordgo.Session, c config, cmds []*discordgo.ApplicationCommand) (where string, names []string, err error) {
	app := c.appID()
	if app == "" {
		// discordgo offers no context here; the client's timeout bounds it.
		a, err := s.Application("@me")
		if err != nil {
			return "", nil, fmt.Errorf("learn the application ID: %w", discordrest.RedactToken(err, c.Token))
		}
		app = a.ID
	}
	where = "global"
	if c.GuildID != "" {
		where = "guild " + c.GuildID
	}
	got, err := s.ApplicationCommandBulkOverwrite(app, c.GuildID, cmds, discordgo.WithContext(ctx))
	if err != nil {
		return "", nil, fmt.Errorf("register commands (%s): %w", where, discordrest.RedactToken(err, c.Token))
	}
	for _, cmd := range got {
		name := "/" + cmd.Name
		if cmd.Type == discordgo.MessageApplicationCommand {
			// Found in a message's Apps menu, by its name.
			name = strconv.Quote(cmd.Name)
		}
		names = append(names, name)
	}
	return where, names, nil
}

// runRegister registers the slash commands once and says what it did.
func runRegister(ctx context.Context, args []string, env func(string) string, stdout io.Writer) error {
	c, err := parseConfig("register", "interviewbot register [flags]",
		"Replaces the application's slash commands with this version's: in the guild\n"+
			"DISCORD_GUILD_ID when set (instant), else globally (up to an hour to show).",
		[]string{"token", "app-id", "guild-id", "api-url"}, args, env, stdout)
	if err != nil {
		return err
	}
	if err := c.checkToken(); err != nil {
		return err
	}
	session, err := c.restSession()
	if err != nil {
		return err
	}
	a, err := data.Load()
	if err != nil {
		return fmt.Errorf("load interview: %w", err)
	}
	// Only the command table is needed, not the index: Commands reads
	// nothing but the article.
	b := bot.New(bot.Config{Article: a, Logger: slog.New(slog.DiscardHandler), Version: version})
	where, names, err := registerCommands(ctx, session, *c, b.Commands())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "registered %d commands (%s): %s\n", len(names), where, strings.Join(names, " "))
	return nil
}

// runHealthcheck probes /healthz of a process on this machine: the
// container's HEALTHCHECK, in an image with no shell or curl.
func runHealthcheck(ctx context.Context, args []string, env func(string) string, stdout io.Writer) error {
	var addr, u string
	var timeout time.Duration
	cmd := &command{name: "healthcheck", usage: "interviewbot healthcheck [flags]",
		about: "Exits 0 when the bot answers /healthz with 200, 1 otherwise.",
		opts: []*option{
			{name: "addr", env: "HTTP_ADDR", def: ":8080", kind: "string", usage: "the address the bot listens on; its port is probed on 127.0.0.1", apply: addrOpt(&addr)},
			{name: "url", kind: "string", usage: "URL to probe instead (default http://127.0.0.1:PORT/healthz)", apply: stringOpt(&u)},
			{name: "timeout", def: "3s", kind: "duration", usage: "how long to wait for an answer", apply: durationOpt(&timeout)},
		}}
	if _, err := cmd.parse(args, env, stdout); err != nil {
		return err
	}
	if u == "" {
		var err error
		if u, err = healthURL(addr); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return usageError{fmt.Errorf("healthcheck URL: %w", err)}
	}
	// No proxy, no connection kept: one probe, straight to the process.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck %s: %s", u, resp.Status)
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

// healthURL is /healthz on the port of a listen address, on loopback
// unless the address names a host of its own.
func healthURL(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return "", usageError{fmt.Errorf("HTTP_ADDR %q: want host:port or :port", addr)}
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/healthz", nil
}

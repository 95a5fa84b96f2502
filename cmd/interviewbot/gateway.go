package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/interviewbot/interviewbot/bot/gateway"
	"github.com/interviewbot/interviewbot/internal/discordrest"
)

// Knobs of the bot's two modes, gateway and HTTP.
const (
	// A member may ask five questions at once, then one every three
	// seconds: enough for a conversation, too little to flood a channel.
	limitBurst = 5
	limitEvery = 3 * time.Second
	// shutdownTimeout bounds a graceful stop, finishing the replies in
	// flight and closing the gateway or the HTTP server: below the 10 s a
	// container runtime waits between SIGTERM and SIGKILL.
	shutdownTimeout = 8 * time.Second
)

// tokenHelp is what someone who runs the bot without a token needs to know.
const tokenHelp = `interviewbot needs a Discord bot token to connect to Discord. To get one:
  1. Open https://discord.com/developers/applications and create an application.
  2. On its Bot page, press Reset Token and copy the token.
  3. Put it in a .env file as DISCORD_TOKEN=... (or in the environment, or pass -token).
  4. Run 'interviewbot invite' for the link that adds the bot to your server.
`

// runGateway starts the bot over the Discord gateway, with /healthz,
// /readyz and /metrics and the web site on the HTTP address, until ctx is
// cancelled.
func (p program) runGateway(ctx context.Context, args []string, env func(string) string, con *console, stdin io.Reader, stdout io.Writer) error {
	c, err := parseConfig("run", "interviewbot [run] [flags]",
		"Connects to Discord over the gateway and answers /ask, the other commands and\n"+
			"mentions; serves /healthz, /readyz and /metrics, and the web site at /, on -addr.",
		[]string{"token", "app-id", "guild-id", "api-url", "shard-id", "shard-count", "addr", "log-format", "log-level", "log-questions", "public-url", "refused-wait", "trusted-proxies", "answer-forums"},
		args, env, stdout)
	if err != nil {
		return err
	}
	if err := c.checkToken(); err != nil {
		if c.Token == "" {
			return p.noToken(ctx, err, isTerminal(stdin), con, stdin, stdout)
		}
		return err
	}
	if err := c.checkShards(); err != nil {
		return err
	}
	if _, err := discordrest.NewTransport(c.APIURL, nil); err != nil {
		return usageError{err}
	}
	log, err := c.logger(con.w)
	if err != nil {
		return err
	}
	return p.serveGateway(ctx, *c, log)
}

// noToken explains how to get a token, then either fails with err or, for
// someone at a terminal, offers the local console: the same answers as on
// Discord, without Discord.
func (p program) noToken(ctx context.Context, err error, interactive bool, con *console, stdin io.Reader, stdout io.Writer) error {
	con.explain("how to get a bot token", tokenHelp)
	if !interactive {
		return err
	}
	con.explain("meanwhile, the console answers", "\nMeanwhile, try the bot here: type a question and press Enter (Ctrl-D to quit).\n\n")
	return p.runAsk(ctx, nil, con, stdin, stdout)
}

func (p program) serveGateway(ctx context.Context, c config, log *slog.Logger) error {
	k, err := p.newCore(&c, log)
	if err != nil {
		return err
	}
	defer k.Close()
	b, metrics := k.bot, k.metrics
	gw, err := gateway.New(b, gateway.Config{
		Token: c.Token, AppID: c.AppID, GuildID: c.GuildID, APIURL: c.APIURL,
		ShardID: c.ShardID, ShardCount: c.ShardCount, AnswerForums: c.AnswerForums,
		Logger: log, Metrics: metrics,
	})
	if err != nil {
		return err
	}

	// Listen before connecting: a port in use fails at once, not after
	// the bot has shown up online.
	ln, err := listen(c.Addr)
	if err != nil {
		return err
	}
	probes, err := newProbes(k, gw.Ready)
	if err != nil {
		ln.Close()
		return err
	}
	srv := probesOnly{probes, log}
	site, err := newSite(&c, k, log)
	if err != nil {
		ln.Close()
		return err
	}
	httpCtx, stopHTTP := context.WithCancel(ctx)
	defer stopHTTP()
	served := make(chan error, 1)
	go func() { served <- serveHTTP(httpCtx, ln, srv, site, log) }()
	log.Info("http listening", "addr", ln.Addr().String(), "site", "/")

	var errs []error
	httpDone := false
	if err := gw.Open(ctx); err != nil {
		errs = append(errs, err)
	} else {
		select {
		case <-ctx.Done():
			log.Info("shutting down")
		case <-gw.Done():
			errs = append(errs, gw.Err())
		case err := <-served:
			// The HTTP server stopped on its own: health checks are gone,
			// so stop rather than run unobserved.
			httpDone = true
			errs = append(errs, err)
		}
	}
	closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := gw.Close(closeCtx); err != nil {
		errs = append(errs, err)
	}
	stopHTTP()
	if !httpDone {
		if err := <-served; err != nil {
			errs = append(errs, err)
		}
	}
	err = errors.Join(errs...)
	if errors.Is(err, gateway.ErrRefused) {
		refusedPause(ctx, c.RefusedWait, log)
	}
	return err
}

// refusedPause waits d, or until ctx ends, before run exits after Discord
// refused the configuration. Retrying cannot help, yet Docker's restart
// policies restart at once whatever the status, and each start costs one
// of the roughly 1,000 IDENTIFYs a day after which Discord resets the
// token: waiting keeps a restart loop to a few hundred a day.
func refusedPause(ctx context.Context, d time.Duration, log *slog.Logger) {
	if d <= 0 {
		return
	}
	log.Error("Discord refused the configuration; fix it, then restart", "exit_in", d.String(), "exit_status", exitRefused)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/joho/godotenv"

	"github.com/interviewbot/interviewbot/bot"
)

// config is everything the commands can be told, read once here: flags that
// default to environment variables, which default to a .env file.
type config struct {
	Token        string
	AppID        string
	GuildID      string
	APIURL       string
	PublicKey    string
	ShardID      int
	ShardCount   int
	Addr         string
	LogFormat    string
	LogLevel     string
	LogQuestions bool
	Register     bool
}

// environment layers the process environment over a .env file in the
// working directory, without touching the process environment itself.
func environment(getenv func(string) string) (func(string) string, error) {
	file, err := godotenv.Read(".env")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, usageError{fmt.Errorf("read .env: %w", err)}
	}
	return func(key string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return file[key]
	}, nil
}

// flags registers the configuration flags on fs, with defaults from env.
func (c *config) flags(fs *flag.FlagSet, env func(string) string) {
	fs.StringVar(&c.Token, "token", env("DISCORD_TOKEN"), "bot token (env DISCORD_TOKEN)")
	fs.StringVar(&c.AppID, "app-id", env("DISCORD_APP_ID"), "application ID (env DISCORD_APP_ID); learnt from Discord when empty")
	fs.StringVar(&c.GuildID, "guild-id", env("DISCORD_GUILD_ID"), "register commands in this guild only, instantly (env DISCORD_GUILD_ID)")
	fs.StringVar(&c.APIURL, "api-url", envOr(env, "DISCORD_API_URL", bot.DiscordAPIURL), "Discord REST base URL (env DISCORD_API_URL)")
	fs.StringVar(&c.PublicKey, "public-key", env("DISCORD_PUBLIC_KEY"), "application public key, hex (env DISCORD_PUBLIC_KEY)")
	fs.IntVar(&c.ShardID, "shard-id", envInt(env, "SHARD_ID", 0), "this process's shard (env SHARD_ID)")
	fs.IntVar(&c.ShardCount, "shard-count", envInt(env, "SHARD_COUNT", 1), "number of shards (env SHARD_COUNT)")
	fs.StringVar(&c.Addr, "addr", envOr(env, "HTTP_ADDR", ":8080"), "HTTP listen address for interactions, health and metrics (env HTTP_ADDR)")
	fs.StringVar(&c.LogFormat, "log-format", envOr(env, "LOG_FORMAT", "text"), "log format: json or text (env LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", envOr(env, "LOG_LEVEL", "info"), "log level: debug, info, warn, error (env LOG_LEVEL)")
	fs.BoolVar(&c.LogQuestions, "log-questions", envBool(env, "LOG_QUESTIONS"), "log the text of questions (env LOG_QUESTIONS)")
}

func envOr(env func(string) string, key, def string) string {
	if v := env(key); v != "" {
		return v
	}
	return def
}

func envInt(env func(string) string, key string, def int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(env(key))); err == nil {
		return n
	}
	return def
}

func envBool(env func(string) string, key string) bool {
	b, _ := strconv.ParseBool(strings.TrimSpace(env(key)))
	return b
}

// tokenShape is a Discord bot token: three base64url parts joined by dots.
var tokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$`)

// bareToken is a token as given, without spaces around it or the "Bot "
// prefix that people copy along with it.
func bareToken(t string) string {
	t = strings.TrimSpace(t)
	if rest, ok := strings.CutPrefix(t, "Bot"); ok && (rest == "" || rest[0] == ' ') {
		t = strings.TrimSpace(rest)
	}
	return t
}

// appID is the configured application ID, or the one the token names.
func (c *config) appID() string {
	if c.AppID != "" {
		return c.AppID
	}
	return appIDFromToken(c.Token)
}

// checkToken validates the token's shape without ever printing it.
func (c *config) checkToken() error {
	if c.Token == "" {
		return usageError{errors.New("DISCORD_TOKEN is not set (hint: Discord Developer Portal → your application → Bot → Reset Token, then put it in .env or the environment)")}
	}
	if !tokenShape.MatchString(c.Token) {
		return usageError{errors.New("DISCORD_TOKEN is malformed: a bot token is three dot-separated parts (hint: copy it again from Developer Portal → Bot → Reset Token; do not use the client secret or public key)")}
	}
	return nil
}

func (c *config) checkShards() error {
	if c.ShardCount < 1 || c.ShardID < 0 || c.ShardID >= c.ShardCount {
		return usageError{fmt.Errorf("SHARD_ID must be in [0, SHARD_COUNT) and SHARD_COUNT at least 1; got %d of %d", c.ShardID, c.ShardCount)}
	}
	return nil
}

func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return nil, usageError{fmt.Errorf("LOG_LEVEL %q: use debug, info, warn or error", c.LogLevel)}
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(c.LogFormat) {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, usageError{fmt.Errorf("LOG_FORMAT %q: use json or text", c.LogFormat)}
}

// isTerminal reports whether r is an interactive terminal. /dev/null is a
// character device too, and it is what a container or a service gets as
// standard input: it must not count, or a bot started there without a token
// would open the console, read nothing and exit 0 instead of failing.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}

// parseConfig parses the flags of a command that takes the shared
// configuration: its usage line and description, and extra flags of its own.
// It returns a usageError for bad flags or arguments, wrapping flag.ErrHelp
// after -h. The token comes back bare (see bareToken).
func parseConfig(name, usage, about string, args []string, env func(string) string, stderr io.Writer, extra func(*flag.FlagSet, *config)) (*config, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &config{}
	c.flags(fs, env)
	if extra != nil {
		extra(fs, c)
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s\n\n%s\n\n", usage, about)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, usageError{err} // -h too: run turns flag.ErrHelp into success
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Errorf("unexpected arguments %q: configuration is given with flags or the environment", fs.Args())}
	}
	c.Token = bareToken(c.Token)
	return c, nil
}

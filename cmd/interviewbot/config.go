package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/internal/discordrest"
)

// config is everything the commands can be told, read once here: flags that
// fall back to environment variables, which fall back to a .env file.
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
	// PublicURL is where the public reaches the web site; TrustedProxies
	// are the reverse proxies whose X-Forwarded-For names the client.
	PublicURL      string
	TrustedProxies []netip.Prefix
	// AnswerForums are the forum channels whose new posts the gateway
	// answers.
	AnswerForums []string
	// RefusedWait is how long run waits before it exits after Discord
	// refuses its configuration, so that restart policies that restart
	// whatever the status do not spend the token's daily IDENTIFYs.
	RefusedWait time.Duration
}

// option is one setting of a command: a flag, the environment variable it
// falls back to, and a built-in default. The variable is read after the
// flags are parsed, and only when the flag was not given, so a flag's
// default is never what the environment holds: help cannot show a secret.
type option struct {
	name   string // the flag, without its dash
	env    string // the variable; "" for none
	def    string // the built-in default, as help shows it
	kind   string // what the flag takes, for help: "string", "int", ...; "" for a switch
	secret bool   // help says whether it is set, never what it is
	usage  string
	// apply takes the value, from the flag, the variable or def, and
	// says what is wrong with it ("is not a whole number") when it is bad.
	apply func(v string) error

	given bool // the flag was on the command line
	value string
}

// String is the flag's default as package flag sees it: always empty, so
// nothing from the environment or the command line ever shows through it.
func (o *option) String() string { return "" }

// Set takes the flag's value as given; apply judges it once parsing is over.
func (o *option) Set(v string) error {
	o.given, o.value = true, v
	return nil
}

func (o *option) IsBoolFlag() bool { return o.kind == "" }

// resolve hands the option its value: the flag's when it was given, else
// the variable's when it is set, else the default.
func (o *option) resolve(env func(string) string) error {
	v, from := o.def, ""
	switch {
	case o.given:
		v, from = o.value, "-"+o.name
	case o.env != "" && env(o.env) != "":
		v, from = env(o.env), o.env
	}
	err := o.apply(v)
	if err == nil {
		return nil
	}
	if from == "" {
		from = "the default of -" + o.name
	}
	if o.secret {
		return usageError{fmt.Errorf("%s %v", from, err)}
	}
	return usageError{fmt.Errorf("%s %s %v", from, shown(v), err)}
}

// shown quotes a value for an error message when it is short enough to be
// a mistyped setting; anything longer might be a secret pasted in the wrong
// place and is only measured.
func shown(v string) string {
	if n := utf8.RuneCountInString(v); n > 24 {
		return fmt.Sprintf("(%d characters)", n)
	}
	return strconv.Quote(v)
}

func stringOpt(p *string) func(string) error {
	return func(v string) error { *p = v; return nil }
}

func intOpt(p *int) func(string) error {
	return func(v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return errors.New("is not a whole number")
		}
		*p = n
		return nil
	}
}

func boolOpt(p *bool) func(string) error {
	return func(v string) error {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "1", "t", "true", "yes", "on":
			*p = true
		case "0", "f", "false", "no", "off":
			*p = false
		default:
			return errors.New("is neither true nor false")
		}
		return nil
	}
}

// idOpt takes a Discord ID (a snowflake), or nothing.
func idOpt(p *string, what, hint string) func(string) error {
	return func(v string) error {
		v = strings.TrimSpace(v)
		if v != "" && !snowflake.MatchString(v) {
			return fmt.Errorf("is not a valid %s: it is all digits, like 1100000000000000001 (hint: %s)", what, hint)
		}
		*p = v
		return nil
	}
}

// addrOpt takes an address to listen on: host:port or :port.
func addrOpt(p *string) func(string) error {
	return func(v string) error {
		if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
			return errors.New("is not an address to listen on: want host:port or :port, like :8080")
		}
		*p = v
		return nil
	}
}

func durationOpt(p *time.Duration) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d <= 0 {
			return errors.New("is not a duration, like 3s or 500ms")
		}
		*p = d
		return nil
	}
}

// waitOpt is durationOpt that also takes 0, for "do not wait".
func waitOpt(p *time.Duration) func(string) error {
	return func(v string) error {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if strings.TrimSpace(v) == "0" {
			d, err = 0, nil
		}
		if err != nil || d < 0 {
			return errors.New("is not a duration, like 5m or 30s (0 for none)")
		}
		*p = d
		return nil
	}
}

// options are the settings that configure the bot, bound to c.
func (c *config) options() []*option {
	return []*option{
		{name: "token", env: "DISCORD_TOKEN", kind: "string", secret: true, usage: "bot token",
			apply: func(v string) error { c.Token = discordrest.BareToken(v); return nil }},
		{name: "app-id", env: "DISCORD_APP_ID", kind: "string", usage: "application ID; learnt from Discord when empty",
			apply: idOpt(&c.AppID, "application ID", "Developer Portal → your application → General Information → Application ID")},
		{name: "guild-id", env: "DISCORD_GUILD_ID", kind: "string", usage: "register commands in this guild only, instantly",
			apply: idOpt(&c.GuildID, "server ID", "turn on Developer Mode in Discord's settings, then right-click the server → Copy Server ID")},
		{name: "api-url", env: "DISCORD_API_URL", def: discordrest.DiscordAPIURL, kind: "string", usage: "Discord REST base URL", apply: stringOpt(&c.APIURL)},
		{name: "public-key", env: "DISCORD_PUBLIC_KEY", kind: "string", usage: "application public key, hex", apply: stringOpt(&c.PublicKey)},
		{name: "shard-id", env: "SHARD_ID", def: "0", kind: "int", usage: "this process's shard", apply: intOpt(&c.ShardID)},
		{name: "shard-count", env: "SHARD_COUNT", def: "1", kind: "int", usage: "number of shards", apply: intOpt(&c.ShardCount)},
		{name: "addr", env: "HTTP_ADDR", def: ":8080", kind: "string", usage: "HTTP listen address for interactions, health, metrics and the web site", apply: addrOpt(&c.Addr)},
		{name: "log-format", env: "LOG_FORMAT", def: "text", kind: "string", usage: "log format: json or text", apply: func(v string) error {
			if f := strings.ToLower(strings.TrimSpace(v)); f != "json" && f != "text" {
				return errors.New("is not a log format: use json or text")
			}
			c.LogFormat = v
			return nil
		}},
		{name: "log-level", env: "LOG_LEVEL", def: "info", kind: "string", usage: "log level: debug, info, warn, error", apply: func(v string) error {
			var level slog.Level
			if err := level.UnmarshalText([]byte(strings.TrimSpace(v))); err != nil {
				return errors.New("is not a log level: use debug, info, warn or error")
			}
			c.LogLevel = v
			return nil
		}},
		{name: "log-questions", env: "LOG_QUESTIONS", def: "false", usage: "log the text of questions", apply: boolOpt(&c.LogQuestions)},
		{name: "register", env: "REGISTER_COMMANDS", def: "false", usage: "register the slash commands at start-up", apply: boolOpt(&c.Register)},
		{name: "public-url", env: "PUBLIC_URL", kind: "string", usage: "the web site's address as the public reaches it, like https://bot.example.com", apply: publicURLOpt(&c.PublicURL)},
		{name: "refused-wait", env: "REFUSED_WAIT", def: "5m", kind: "duration", usage: "when Discord refuses the token or intents, wait this long before exiting with status 78 (0: at once)", apply: waitOpt(&c.RefusedWait)},
		{name: "answer-forums", env: "ANSWER_FORUMS", kind: "string", usage: "forum channel IDs, comma-separated, whose new posts get an answer when the interview has one (needs the Message Content intent)", apply: forumsOpt(&c.AnswerForums)},
		{name: "trusted-proxies", env: "TRUSTED_PROXIES", kind: "string", usage: "reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For names the client", apply: proxiesOpt(&c.TrustedProxies)},
	}
}

// publicURLOpt takes an absolute http or https URL, or nothing; a
// trailing slash is dropped, so that paths join it with one.
func publicURLOpt(p *string) func(string) error {
	return func(v string) error {
		v = strings.TrimSpace(v)
		if v == "" {
			*p = ""
			return nil
		}
		u, err := url.Parse(v)
		if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
			return errors.New("is not an absolute http or https URL without query, like https://bot.example.com")
		}
		*p = strings.TrimRight(u.String(), "/")
		return nil
	}
}

// forumsOpt takes forum channel IDs, comma-separated, or nothing.
func forumsOpt(p *[]string) func(string) error {
	return func(v string) error {
		var out []string
		for f := range strings.SplitSeq(v, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			if !snowflake.MatchString(f) {
				return fmt.Errorf("has %s, which is not a forum channel ID: list the IDs comma-separated, all digits, like 1300000000000000020,1300000000000000021 (hint: turn on Developer Mode in Discord's settings, then right-click the forum → Copy Channel ID)", shown(f))
			}
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
		*p = out
		return nil
	}
}

// proxiesOpt takes addresses and networks, comma-separated: 127.0.0.1,
// 10.0.0.0/8, ::1.
func proxiesOpt(p *[]netip.Prefix) func(string) error {
	return func(v string) error {
		var out []netip.Prefix
		for f := range strings.SplitSeq(v, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			pre, err := netip.ParsePrefix(f)
			if err != nil {
				ip, ipErr := netip.ParseAddr(f)
				if ipErr != nil {
					return fmt.Errorf("has %s, which is neither an address nor a network: list them comma-separated, like 127.0.0.1,10.0.0.0/8", shown(f))
				}
				pre = netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen())
			}
			out = append(out, pre.Masked())
		}
		*p = out
		return nil
	}
}

// command is the command line of one command: its usage line, what it
// does, and the options it takes.
type command struct {
	name  string // as typed after interviewbot
	usage string
	about string
	opts  []*option
	args  bool // it takes arguments besides its flags
}

// parse parses args and resolves every option. After -h it prints help on
// stdout and returns an error wrapping flag.ErrHelp, which run turns into
// success. Other mistakes are usage errors.
func (cmd *command) parse(args []string, env func(string) string, stdout io.Writer) ([]string, error) {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	// Package flag's own messages and usage would go out unformatted:
	// parse reports through its errors, and help is written here.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for _, o := range cmd.opts {
		fs.Var(o, o.name, o.usage)
	}
	// Package flag stops at the first argument that is not a flag: parse
	// goes on after it, so flags may come anywhere, until a "--".
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				cmd.help(stdout, env)
				return nil, usageError{err}
			}
			hint := ""
			if cmd.args {
				hint = "; an argument that starts with - goes after --"
			}
			return nil, usageError{fmt.Errorf("%w (see 'interviewbot %s -h'%s)", err, cmd.name, hint)}
		}
		left := fs.Args()
		if len(left) == 0 || endedFlags(fs, args[:len(args)-len(left)]) {
			rest = append(rest, left...)
			break
		}
		rest, args = append(rest, left[0]), left[1:]
	}
	if len(rest) > 0 && !cmd.args {
		return nil, usageError{fmt.Errorf("unexpected argument %s: configuration is given with flags or the environment (see 'interviewbot %s -h')", shown(rest[0]), cmd.name)}
	}
	for _, o := range cmd.opts {
		if err := o.resolve(env); err != nil {
			return nil, err
		}
	}
	return rest, nil
}

// endedFlags reports whether fs.Parse, having taken the arguments in
// parsed, stopped at a "--" rather than at an argument that is not a flag:
// whether parsed ends in a "--" that is not the value of a flag.
func endedFlags(fs *flag.FlagSet, parsed []string) bool {
	for i := 0; i < len(parsed); i++ {
		a := parsed[i]
		if a == "--" {
			return true
		}
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
				continue
			}
		}
		i++ // the flag's value
	}
	return false
}

// help prints the command's usage, each flag with the variable it falls
// back to and its built-in default; for a variable that is set, only that
// it is.
func (cmd *command) help(w io.Writer, env func(string) string) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n", cmd.usage, cmd.about)
	if len(cmd.opts) > 0 {
		fmt.Fprintf(w, "\nflags:\n")
	}
	for _, o := range cmd.opts {
		fmt.Fprintf(w, "  -%s", o.name)
		if o.kind != "" {
			fmt.Fprintf(w, " %s", o.kind)
		}
		fmt.Fprintf(w, "\n    \t%s", o.usage)
		if o.env != "" {
			set := ""
			if env(o.env) != "" {
				set = ", set"
			}
			fmt.Fprintf(w, " (env %s%s)", o.env, set)
		}
		if o.def != "" && o.def != "false" && o.def != "0" && !o.secret {
			if o.kind == "string" {
				fmt.Fprintf(w, " (default %q)", o.def)
			} else {
				fmt.Fprintf(w, " (default %s)", o.def)
			}
		}
		fmt.Fprintln(w)
	}
}

// tokenShape is a Discord bot token: three base64url parts joined by dots.
var tokenShape = regexp.MustCompile(`^[A-Za-z0-9_-]{17,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$`)

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

// logger is the logger of run and serve, as -log-format and -log-level
// say; their options checked both.
func (c *config) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.TrimSpace(c.LogLevel))); err != nil {
		return nil, usageError{fmt.Errorf("log level %s: use debug, info, warn or error", shown(c.LogLevel))}
	}
	opts := &slog.HandlerOptions{Level: level}
	if strings.EqualFold(strings.TrimSpace(c.LogFormat), "json") {
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return slog.New(slog.NewTextHandler(w, opts)), nil
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

// parseConfig parses the flags of a command that takes the configuration:
// its usage line and description, and the options it uses, by flag name.
// It returns a usageError for bad flags or arguments, wrapping
// flag.ErrHelp after -h. The token comes back bare (see discordrest.BareToken).
func parseConfig(name, usage, about string, uses []string, args []string, env func(string) string, stdout io.Writer) (*config, error) {
	c := &config{}
	cmd := &command{name: name, usage: usage, about: about}
	all := c.options()
	for _, u := range uses {
		i := slices.IndexFunc(all, func(o *option) bool { return o.name == u })
		if i < 0 {
			return nil, fmt.Errorf("command %s uses an option -%s that does not exist", name, u)
		}
		cmd.opts = append(cmd.opts, all[i])
	}
	if _, err := cmd.parse(args, env, stdout); err != nil {
		return nil, err
	}
	return c, nil
}

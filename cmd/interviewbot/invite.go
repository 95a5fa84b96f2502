package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// invitePermissions are the least the bot needs to answer mentions and
// forum posts: see the channel, send messages (also in threads), embed
// links, add reactions (👍/👎 under a forum answer), and read message
// history (a reply references the question). Slash commands need none.
const invitePermissions = 1<<6 | 1<<10 | 1<<11 | 1<<14 | 1<<16 | 1<<38

var snowflake = regexp.MustCompile(`^[0-9]{15,21}$`)

func runInvite(args []string, env func(string) string, stdout io.Writer) error {
	c, err := parseConfig("invite", "interviewbot invite [flags]",
		"Prints the two links that add the bot: to a server, with the least\n"+
			"permissions it needs (in DISCORD_GUILD_ID's server when set), and to a\n"+
			"member's own account, to use /ask and \"Ask the interview\" anywhere.",
		[]string{"app-id", "token", "guild-id"}, args, env, stdout)
	if err != nil {
		return err
	}
	app := c.appID()
	switch {
	case app == "" && c.Token == "":
		return usageError{errors.New("DISCORD_APP_ID is not set (hint: Developer Portal → your application → General Information → Application ID; or set DISCORD_TOKEN, which names it)")}
	case app == "":
		return usageError{errors.New("DISCORD_APP_ID is not set, and DISCORD_TOKEN names no application (hint: Developer Portal → your application → General Information → Application ID)")}
	}
	server := url.Values{}
	server.Set("client_id", app)
	server.Set("integration_type", "0")
	server.Set("scope", "bot applications.commands")
	server.Set("permissions", strconv.FormatInt(invitePermissions, 10))
	if c.GuildID != "" {
		server.Set("guild_id", c.GuildID)
	}
	// A user install has no bot in any server, so no permissions: it
	// answers through interaction responses only.
	user := url.Values{}
	user.Set("client_id", app)
	user.Set("integration_type", "1")
	user.Set("scope", "applications.commands")
	fmt.Fprintf(stdout, "Add to a server:      https://discord.com/oauth2/authorize?%s\n", server.Encode())
	fmt.Fprintf(stdout, "Add to your account:  https://discord.com/oauth2/authorize?%s\n", user.Encode())
	return nil
}

// appIDFromToken reads the application ID that a bare bot token starts with (the
// bot user's ID, base64-encoded); "" when it cannot.
func appIDFromToken(token string) string {
	first, _, ok := strings.Cut(token, ".")
	if !ok {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(first, "="))
	if err != nil || !snowflake.Match(b) {
		return ""
	}
	return string(b)
}

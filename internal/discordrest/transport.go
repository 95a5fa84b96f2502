package discordrest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// DiscordAPIURL is the REST base discordgo v0.29.0 builds every URL on
// (discordgo.EndpointAPI without the trailing slash).
const DiscordAPIURL = "https://discord.com/api/v9"

// NewTransport returns a RoundTripper that sends every request for
// https://discord.com/api/v9/... (REST, GET /gateway, interaction callbacks
// and webhooks alike) to apiURL instead, and everything else to next
// unchanged. It is how the bot talks to a proxy or a fake Discord without
// touching discordgo's package-level Endpoint* variables, which are shared
// by every session in the process. The websocket follows, because its URL
// comes from GET /gateway. For apiURL "" or DiscordAPIURL it returns next.
// A nil next means http.DefaultTransport.
func NewTransport(apiURL string, next http.RoundTripper) (http.RoundTripper, error) {
	if next == nil {
		next = http.DefaultTransport
	}
	apiURL = strings.TrimRight(strings.TrimSpace(apiURL), "/")
	if apiURL == "" || apiURL == DiscordAPIURL {
		return next, nil
	}
	to, err := url.Parse(apiURL)
	if err != nil {
		return nil, fmt.Errorf("discord API URL %q: %w", apiURL, err)
	}
	if (to.Scheme != "http" && to.Scheme != "https") || to.Host == "" || to.RawQuery != "" || to.Fragment != "" {
		return nil, fmt.Errorf("discord API URL %q: want http(s)://host[/path], like %s", apiURL, DiscordAPIURL)
	}
	return &rewriter{to: to, next: next}, nil
}

type rewriter struct {
	to   *url.URL
	next http.RoundTripper
}

// apiPrefix is the path every discordgo endpoint starts with.
const apiPrefix = "/api/v9"

func (rt *rewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	u := req.URL
	rest, ok := strings.CutPrefix(u.Path, apiPrefix)
	if !ok || u.Scheme != "https" || !strings.EqualFold(u.Host, "discord.com") || (rest != "" && rest[0] != '/') {
		return rt.next.RoundTrip(req)
	}
	// A RoundTripper must not modify the request it is given.
	r2 := req.Clone(req.Context())
	nu := *rt.to
	nu.Path = strings.TrimRight(rt.to.Path, "/") + rest
	nu.RawPath = ""
	if u.RawPath != "" {
		if rawRest, ok := strings.CutPrefix(u.RawPath, apiPrefix); ok {
			nu.RawPath = strings.TrimRight(rt.to.EscapedPath(), "/") + rawRest
		}
	}
	nu.RawQuery = u.RawQuery
	r2.URL = &nu
	r2.Host = "" // the Host header follows the new URL
	return rt.next.RoundTrip(r2)
}

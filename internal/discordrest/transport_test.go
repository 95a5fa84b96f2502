package discordrest

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// recorder answers every request with 204 and keeps it.
type recorder struct{ got []*http.Request }

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.got = append(r.got, req)
	return &http.Response{StatusCode: http.StatusNoContent, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
}

func TestNewTransport(t *testing.T) {
	tests := []struct {
		name   string
		apiURL string
		in     string // the URL discordgo asks for
		want   string // the URL sent; "" when it is in
	}{
		{"default leaves Discord alone", "", discordgo.EndpointGateway, ""},
		{"Discord's own URL too", "https://discord.com/api/v9/", discordgo.EndpointGateway, ""},
		{"gateway discovery", "http://127.0.0.1:8080/api/v9", discordgo.EndpointGateway, "http://127.0.0.1:8080/api/v9/gateway"},
		{"interaction callback", "http://127.0.0.1:8080/api/v9",
			discordgo.EndpointInteractionResponse("1", "aW50ZXJhY3Rpb246abc"), "http://127.0.0.1:8080/api/v9/interactions/1/aW50ZXJhY3Rpb246abc/callback"},
		{"webhook edit", "http://127.0.0.1:8080/api/v9",
			discordgo.EndpointWebhookMessage("2", "tok", "@original"), "http://127.0.0.1:8080/api/v9/webhooks/2/tok/messages/@original"},
		{"query kept", "https://proxy.example/discord/api/v9/",
			discordgo.EndpointChannelMessages("3") + "?limit=5", "https://proxy.example/discord/api/v9/channels/3/messages?limit=5"},
		{"bulk overwrite", "http://proxy:1/x", discordgo.EndpointApplicationGuildCommands("4", "5"), "http://proxy:1/x/applications/4/guilds/5/commands"},
		{"other hosts pass", "http://127.0.0.1:8080/api/v9", "https://cdn.discordapp.com/avatars/1/a.png", ""},
		{"other API versions pass", "http://127.0.0.1:8080/api/v9", "https://discord.com/api/v10/gateway", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			rt, err := NewTransport(tt.apiURL, rec)
			if err != nil {
				t.Fatal(err)
			}
			req, err := http.NewRequest(http.MethodPost, tt.in, strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bot x")
			resp, err := rt.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := tt.want
			if want == "" {
				want = tt.in
			}
			sent := rec.got[0]
			if got := sent.URL.String(); got != want {
				t.Errorf("sent to %s, want %s", got, want)
			}
			if sent.Header.Get("Authorization") != "Bot x" {
				t.Error("headers lost")
			}
			if req.URL.String() != tt.in {
				t.Errorf("the caller's request was modified: %s", req.URL)
			}
		})
	}
}

func TestNewTransportRefuses(t *testing.T) {
	for _, bad := range []string{"ftp://example.com/api", "example.com/api", "http://", "http://x/api?v=9", "://"} {
		t.Run(bad, func(t *testing.T) {
			if _, err := NewTransport(bad, nil); err == nil {
				t.Errorf("NewTransport(%q) accepted it", bad)
			}
		})
	}
}

func TestNewTransportDefault(t *testing.T) {
	rt, err := NewTransport("", nil)
	if err != nil || rt != http.DefaultTransport {
		t.Errorf("NewTransport(\"\", nil) = %v, %v; want http.DefaultTransport", rt, err)
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		secret string
	}{
		{"callback", &url.Error{Op: "Post", URL: "https://discord.com/api/v9/interactions/123/aW50ZXJhY3Rpb246secret/callback", Err: errors.New("EOF")}, "aW50ZXJhY3Rpb246secret"},
		{"webhook", &url.Error{Op: "Patch", URL: "https://discord.com/api/v9/webhooks/456/tok.en-_x/messages/@original", Err: errors.New("EOF")}, "tok.en-_x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Redact(tt.err)
			if strings.Contains(got, tt.secret) || !strings.Contains(got, "EOF") {
				t.Errorf("redact = %q", got)
			}
		})
	}
}

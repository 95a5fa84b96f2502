package bot

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/data"
)

func TestEncodeResponse(t *testing.T) {
	tests := []struct {
		name string
		resp *discordgo.InteractionResponse
		want string
	}{
		{"empty autocomplete keeps its list", &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}},
		}, `{"type":8,"data":{"choices":[]}}`},
		{"autocomplete without data", &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		}, `{"type":8,"data":{"choices":[]}}`},
		{"autocomplete with a choice", &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "a", Value: "a"}}},
		}, `{"type":8,"data":{"tts":false,"content":"","components":null,"embeds":null,"choices":[{"name":"a","value":"a"}]}}`},
		{"pong", &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}, `{"type":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeResponse(tt.resp)
			if err != nil {
				t.Fatal(err)
			}
			var a, b any
			if err := json.Unmarshal(got, &a); err != nil {
				t.Fatal(err)
			}
			json.Unmarshal([]byte(tt.want), &b)
			if ga, _ := json.Marshal(a); string(ga) != mustJSON(b) {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// failingResponder fails every response the way net/http does, with the
// callback URL, token included, in the error.
type failingResponder struct{ secret string }

func (f failingResponder) Respond(context.Context, *discordgo.InteractionResponse) error {
	return &url.Error{Op: "Post", URL: "https://discord.com/api/v9/interactions/123/" + f.secret + "/callback", Err: errors.New("connection reset")}
}

func (f failingResponder) EditOriginal(context.Context, *discordgo.WebhookEdit) error {
	return errors.New("not reached")
}

func TestServeErrorsCarryNoToken(t *testing.T) {
	a, err := data.Load()
	if err != nil {
		t.Fatal(err)
	}
	b := New(Config{Article: a})
	r := failingResponder{secret: "aW50ZXJhY3Rpb246c2VjcmV0"}
	err = b.Serve(context.Background(), &discordgo.Interaction{Type: discordgo.InteractionPing}, r, time.Second)
	var ue *url.Error
	if err == nil || strings.Contains(err.Error(), r.secret) || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("Serve error = %v", err)
	}
	if !errors.As(err, &ue) {
		t.Errorf("the *url.Error is lost: %#v", err)
	}
}

package bot

import (
	"encoding/json"
	"testing"

	"github.com/bwmarrin/discordgo"
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
			got, err := encodeResponse(tt.resp)
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

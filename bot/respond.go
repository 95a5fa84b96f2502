package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Responder delivers the responses to one interaction; each transport has
// its own. Respond sends the initial response, once; EditOriginal replaces a
// deferred response with the real one.
type Responder interface {
	Respond(ctx context.Context, resp *discordgo.InteractionResponse) error
	EditOriginal(ctx context.Context, edit *discordgo.WebhookEdit) error
}

// DefaultSlowAfter is how long an answer may take before it is deferred:
// Discord drops interactions not answered within three seconds.
const DefaultSlowAfter = 2 * time.Second

// Serve answers one interaction through r. An answer that takes longer than
// slowAfter is deferred ("thinking…") and delivered by editing the original
// response when it is ready. Autocomplete cannot be deferred; it answers
// with no choices rather than not at all. The answer is finished even when
// ctx is cancelled, so that a shutdown never drops a reply in flight.
//
// Its errors never carry the interaction's token, which the URLs in net/http
// errors do: both transports log them as they are.
func (b *Bot) Serve(ctx context.Context, i *discordgo.Interaction, r Responder, slowAfter time.Duration) error {
	if err := b.serve(ctx, i, r, slowAfter); err != nil {
		return tokenSafe{err}
	}
	return nil
}

func (b *Bot) serve(ctx context.Context, i *discordgo.Interaction, r Responder, slowAfter time.Duration) error {
	if slowAfter <= 0 {
		slowAfter = DefaultSlowAfter
	}
	work := context.WithoutCancel(ctx)
	done := make(chan *discordgo.InteractionResponse, 1)
	go func() { done <- b.Handle(work, i) }()
	timer := time.NewTimer(slowAfter)
	defer timer.Stop()
	select {
	case resp := <-done:
		return r.Respond(work, resp)
	case <-timer.C:
	}
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		return r.Respond(work, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}},
		})
	}
	deferred := &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{AllowedMentions: noPings()},
	}
	if ephemeralHint(i) {
		deferred.Data.Flags = discordgo.MessageFlagsEphemeral
	}
	if err := r.Respond(work, deferred); err != nil {
		return fmt.Errorf("defer: %w", err)
	}
	resp := <-done
	if err := r.EditOriginal(work, webhookEdit(resp)); err != nil {
		return fmt.Errorf("edit deferred response: %w", err)
	}
	return nil
}

// ephemeralHint says whether the answer will be ephemeral, which a deferred
// response must say up front: /ask with private, and every button answer.
func ephemeralHint(i *discordgo.Interaction) bool {
	switch i.Type {
	case discordgo.InteractionMessageComponent:
		return true
	case discordgo.InteractionApplicationCommand:
		return optionBool(i.ApplicationCommandData().Options, "private")
	}
	return false
}

func webhookEdit(resp *discordgo.InteractionResponse) *discordgo.WebhookEdit {
	d := resp.Data
	if d == nil {
		d = &discordgo.InteractionResponseData{}
	}
	content := d.Content
	embeds := d.Embeds
	components := d.Components
	return &discordgo.WebhookEdit{
		Content:         &content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: noPings(),
	}
}

// noChoices is an autocomplete result with no suggestions, as Discord wants
// it: with an empty list. discordgo's InteractionResponseData drops an empty
// list (choices is omitempty), and Discord answers 400 "choices: This field
// is required" to a result without one.
const noChoices = `{"type":8,"data":{"choices":[]}}`

// encodeResponse is the JSON of an interaction response as Discord takes it.
func encodeResponse(resp *discordgo.InteractionResponse) ([]byte, error) {
	if emptyAutocomplete(resp) {
		return []byte(noChoices), nil
	}
	return json.Marshal(resp)
}

func emptyAutocomplete(resp *discordgo.InteractionResponse) bool {
	return resp.Type == discordgo.InteractionApplicationCommandAutocompleteResult && (resp.Data == nil || len(resp.Data.Choices) == 0)
}

// waitFor waits for wg, or until ctx is done.
func waitFor(ctx context.Context, wg *sync.WaitGroup) error {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

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

// Serve answers one interaction through r, deferring it when the answer is
// not ready slowAfter from now: it is ServeBy with that deadline, for a
// transport that starts on an interaction as soon as it arrives.
func (b *Bot) Serve(ctx context.Context, i *discordgo.Interaction, r Responder, slowAfter time.Duration) error {
	if slowAfter <= 0 {
		slowAfter = DefaultSlowAfter
	}
	return b.ServeBy(ctx, i, r, b.now().Add(slowAfter))
}

// ServeBy answers one interaction through r. An answer not ready by
// deadline is deferred ("thinking…") and delivered by editing the original
// response when it is ready; so is one that is ready but only after the
// deadline, which a message would miss Discord's three seconds with.
// Autocomplete cannot be deferred; it answers with no choices rather than
// not at all. A PING is answered at once, whatever the time. The answer is
// finished even when ctx is cancelled, so that a shutdown never drops a
// reply in flight.
//
// The deadline belongs to the interaction, not to this call: a transport
// that queued it counts from its arrival, so that the wait counts too. The
// Bot's clock (Config.Now) says when the deadline has passed.
//
// Its errors never carry the interaction's token, which the URLs in net/http
// errors do: both transports log them as they are.
func (b *Bot) ServeBy(ctx context.Context, i *discordgo.Interaction, r Responder, deadline time.Time) error {
	return b.serveBy(ctx, i, r, deadline, nil)
}

// serveBy is ServeBy taking a turn from workers, when not nil, to work on
// the answer: so that no more than cap(workers) are worked on at once,
// and the rest wait their turn where the deadline sees them.
func (b *Bot) serveBy(ctx context.Context, i *discordgo.Interaction, r Responder, deadline time.Time, workers chan struct{}) error {
	if err := b.serve(ctx, i, r, deadline, workers); err != nil {
		return tokenSafe{err}
	}
	return nil
}

func (b *Bot) serve(ctx context.Context, i *discordgo.Interaction, r Responder, deadline time.Time, workers chan struct{}) error {
	work := context.WithoutCancel(ctx)
	if i.Type == discordgo.InteractionPing {
		// Discord checks the endpoint with it; there is nothing to defer,
		// and it costs nothing to answer.
		return r.Respond(work, b.Handle(work, i))
	}
	done := make(chan *discordgo.InteractionResponse, 1)
	go func() {
		if workers != nil {
			workers <- struct{}{}
			defer func() { <-workers }()
		}
		done <- b.Handle(work, i)
	}()
	var ready *discordgo.InteractionResponse
	if wait := deadline.Sub(b.now()); wait > 0 {
		timer := time.NewTimer(wait)
		select {
		case ready = <-done:
		case <-timer.C:
		}
		timer.Stop()
		// The clock decides, not the order in which the two were seen: a
		// busy process can see an answer finished after the deadline
		// before it sees the timer.
		if ready != nil && b.now().Before(deadline) {
			return r.Respond(work, ready)
		}
	}
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		if ready == nil {
			ready = &discordgo.InteractionResponse{
				Type: discordgo.InteractionApplicationCommandAutocompleteResult,
				Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}},
			}
		}
		return r.Respond(work, ready)
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
	if ready == nil {
		ready = <-done
	}
	if err := r.EditOriginal(work, webhookEdit(ready)); err != nil {
		return fmt.Errorf("edit deferred response: %w", err)
	}
	return nil
}

// ephemeralHint says whether the answer will be ephemeral, which a deferred
// response must say up front: /ask with private, and every button answer.
func ephemeralHint(i *discordgo.Interaction) bool {
	switch i.Type {
	case discordgo.InteractionMessageComponent:
		return !isShare(i)
	case discordgo.InteractionApplicationCommand:
		return optionBool(i.ApplicationCommandData().Options, "private") || messageNotice(i)
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

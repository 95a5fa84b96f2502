package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/internal/discordrest"
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
	return b.ServeBy(ctx, i, r, b.now().Add(slowAfter), nil)
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
//
// When workers is not nil, the answer takes a turn from it to be worked on:
// no more than cap(workers) are worked on at once, and the rest wait their
// turn where the deadline sees them.
func (b *Bot) ServeBy(ctx context.Context, i *discordgo.Interaction, r Responder, deadline time.Time, workers chan struct{}) error {
	if err := b.serve(ctx, i, r, deadline, workers); err != nil {
		return discordrest.SafeError(err)
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
	handled := make(chan struct{})
	go func() {
		defer close(handled)
		if workers != nil {
			workers <- struct{}{}
			defer func() { <-workers }()
		}
		done <- b.Handle(work, i)
	}()
	// Whatever happens to the responses, serve returns only once the
	// answer's work is over: the transports wait for serve before Close
	// returns and the index is closed.
	defer func() { <-handled }()
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
	if b.ephemeral(i) {
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

// NoChoices is an autocomplete result with no suggestions, as Discord wants
// it: with an empty list. discordgo's InteractionResponseData drops an empty
// list (choices is omitempty), and Discord answers 400 "choices: This field
// is required" to a result without one.
const NoChoices = `{"type":8,"data":{"choices":[]}}`

// EncodeResponse is the JSON of an interaction response as Discord takes it.
func EncodeResponse(resp *discordgo.InteractionResponse) ([]byte, error) {
	if EmptyAutocomplete(resp) {
		return []byte(NoChoices), nil
	}
	return json.Marshal(resp)
}

// EmptyAutocomplete reports whether resp is an autocomplete result with no
// choices, which must be sent as NoChoices.
func EmptyAutocomplete(resp *discordgo.InteractionResponse) bool {
	return resp.Type == discordgo.InteractionApplicationCommandAutocompleteResult && (resp.Data == nil || len(resp.Data.Choices) == 0)
}

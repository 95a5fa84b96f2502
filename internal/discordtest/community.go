package discordtest

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/bwmarrin/discordgo"
)

// privilegedIntents are the intents an application must switch on in the
// Developer Portal before it may ask for them.
const privilegedIntents = discordgo.IntentGuildMembers | discordgo.IntentGuildPresences | discordgo.IntentMessageContent

// SetPrivilegedIntents changes the privileged intents the application is
// allowed, as switching them in the Developer Portal does: IDENTIFYs from
// now on are judged by it, sessions already open keep what they got.
func (s *Server) SetPrivilegedIntents(allowed discordgo.Intent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.privileged, s.privilegedSet = allowed, true
}

// allowedLocked are the privileged intents the application is allowed now.
func (s *Server) allowedLocked() discordgo.Intent {
	if s.privilegedSet {
		return s.privileged
	}
	return s.opts.PrivilegedIntents
}

// Registration is one accepted bulk overwrite of application commands.
type Registration struct {
	// Scope is the guild ID, or "" for global commands.
	Scope string
	// JSON is the payload as the client sent it.
	JSON json.RawMessage
}

// Registrations returns every accepted bulk overwrite of commands, in order.
func (s *Server) Registrations() []Registration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.registrations)
}

// Reaction is a reaction the bot added to a message.
type Reaction struct {
	ChannelID, MessageID, Emoji string
}

// Reactions returns every reaction the bot added, in order.
func (s *Server) Reactions() []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reactions)
}

// hReactionAdd is PUT .../reactions/{emoji}/@me: the message must exist in
// that channel (10008 Unknown Message otherwise).
func (s *Server) hReactionAdd(req *Request) response {
	m, ok := s.messages[req.Params["message"]]
	if !ok || m["channel_id"] != req.Params["channel"] {
		return apiError(http.StatusNotFound, 10008, "Unknown Message")
	}
	if req.Params["emoji"] == "" {
		return apiError(http.StatusBadRequest, 10014, "Unknown Emoji")
	}
	s.reactions = append(s.reactions, Reaction{ChannelID: req.Params["channel"], MessageID: req.Params["message"], Emoji: req.Params["emoji"]})
	return response{status: http.StatusNoContent}
}

// DispatchForumPost is a member opening a post in a forum channel, as
// Discord delivers it: THREAD_CREATE for the new public thread (type 11,
// parent_id forumID, newly_created) and then MESSAGE_CREATE for its
// starter message, whose ID is the thread's. The starter message's content
// is sent only when the session asked for MESSAGE_CONTENT and was allowed
// it, as on Discord. It returns the thread and the starter message.
func (s *Server) DispatchForumPost(guildID, forumID, title, content string) (*discordgo.Channel, *discordgo.Message) {
	id := s.NewID()
	thread := map[string]any{
		"id": id, "type": int(discordgo.ChannelTypeGuildPublicThread), "guild_id": guildID,
		"parent_id": forumID, "name": title, "owner_id": TestUserID, "newly_created": true,
		"message_count": 0, "member_count": 1, "rate_limit_per_user": 0, "flags": 0,
		"thread_metadata": map[string]any{
			"archived": false, "auto_archive_duration": 4320, "archive_timestamp": nowStamp(), "locked": false,
		},
		"applied_tags": []any{},
	}
	raw := mustJSON(thread)
	var ch discordgo.Channel
	if err := json.Unmarshal(raw, &ch); err != nil {
		s.t.Errorf("discordtest: DispatchForumPost: discordgo cannot decode %s: %v", raw, err)
	}
	s.mu.Lock()
	s.dispatchExternalLocked("THREAD_CREATE", raw)
	content = s.contentLocked(content)
	s.mu.Unlock()
	m := s.DispatchMessageCreate(&discordgo.Message{ID: id, ChannelID: id, GuildID: guildID, Content: content})
	return &ch, m
}

// contentLocked is what a session sees of a message's content that does
// not mention the bot: nothing without the MESSAGE_CONTENT intent.
func (s *Server) contentLocked(content string) string {
	// The newest IDENTIFY is the session's: one refused with 4014 is
	// followed by another, or by none that got READY.
	if n := len(s.identifies); n > 0 && s.identifies[n-1].Intents&discordgo.IntentMessageContent != 0 &&
		s.allowedLocked()&discordgo.IntentMessageContent != 0 {
		return content
	}
	return ""
}

// MessageCommand is the interaction of a message command (application
// command type 3) named name used on target, as Discord sends it: data.type
// 3, target_id, and the message in data.resolved.messages. Pass it to
// DispatchInteraction, or sign it for an HTTP interactions endpoint.
func (s *Server) MessageCommand(name, guildID, channelID, locale string, target *discordgo.Message) map[string]any {
	t, err := toMap(target)
	if err != nil {
		s.t.Errorf("discordtest: MessageCommand: %v", err)
		return nil
	}
	setDefault(t, "id", s.NewID())
	setDefault(t, "channel_id", channelID)
	setDefault(t, "author", testUser())
	setDefault(t, "timestamp", nowStamp())
	for _, k := range []string{"embeds", "attachments", "mentions", "mention_roles", "components"} {
		setDefault(t, k, []any{})
	}
	i := map[string]any{
		"type": int(discordgo.InteractionApplicationCommand), "channel_id": channelID, "locale": locale,
		"data": map[string]any{
			"name": name, "type": int(discordgo.MessageApplicationCommand), "target_id": t["id"],
			"resolved": map[string]any{"messages": map[string]any{t["id"].(string): t}},
		},
	}
	if guildID != "" {
		i["guild_id"] = guildID
	}
	return i
}

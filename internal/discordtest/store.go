package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
)

// Message flags the fake interprets.
const (
	flagEphemeral = 1 << 6
	flagLoading   = 1 << 7
)

// interaction is what the REST side knows about a dispatched interaction.
type interaction struct {
	id, token, appID   string
	typ                int
	channelID, guildID string
	messageID          string // message a component was on
	created            time.Time
	acked              bool
	responseType       int
	originalID         string
	deferredLoading    bool // original is still the "thinking" message of a type 5 response
	followups          []string
}

func (s *Server) registerInteractionLocked(raw json.RawMessage) {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return
	}
	str := func(v any) string { x, _ := v.(string); return x }
	in := &interaction{
		id: str(m["id"]), token: str(m["token"]), appID: str(m["application_id"]),
		channelID: str(m["channel_id"]), guildID: str(m["guild_id"]), created: time.Now(),
	}
	if t, ok := m["type"].(float64); ok {
		in.typ = int(t)
	}
	if in.token == "" {
		return // nothing can answer it
	}
	if ch, ok := m["channel"].(map[string]any); ok && in.channelID == "" {
		in.channelID = str(ch["id"])
	}
	if msg, ok := m["message"].(map[string]any); ok {
		in.messageID = str(msg["id"])
		if _, known := s.messages[in.messageID]; in.messageID != "" && !known {
			s.storeMessageLocked(msg)
		}
	}
	s.interactions[in.token] = in
}

func (s *Server) storeMessageLocked(m map[string]any) {
	id, _ := m["id"].(string)
	if _, ok := s.messages[id]; !ok {
		s.messageOrder = append(s.messageOrder, id)
	}
	s.messages[id] = m
}

// newMessageLocked builds a message the way Discord echoes it from what the
// client sent. author is the bot; webhook messages (interaction responses)
// carry webhook_id and application_id too.
func (s *Server) newMessageLocked(channelID, guildID string, p map[string]any, files []File, webhook bool) map[string]any {
	msg := map[string]any{
		"id": s.NewID(), "channel_id": channelID, "type": 0, "content": "",
		"author": s.botUser(), "embeds": []any{}, "components": []any{}, "attachments": []any{},
		"mentions": []any{}, "mention_roles": []any{}, "mention_everyone": false,
		"pinned": false, "tts": false, "flags": 0, "timestamp": nowStamp(), "edited_timestamp": nil,
	}
	if guildID != "" {
		msg["guild_id"] = guildID
	}
	if webhook {
		msg["webhook_id"] = s.opts.AppID
		msg["application_id"] = s.opts.AppID
	}
	for _, k := range []string{"content", "embeds", "components", "tts", "poll", "message_reference", "nonce", "sticker_ids"} {
		if v, ok := p[k]; ok && v != nil {
			msg[k] = v
		}
	}
	if p["message_reference"] != nil {
		msg["type"] = 19 // REPLY
	}
	msg["flags"] = toInt(p["flags"])
	fixEmbeds(msg)
	msg["attachments"] = s.attachmentsLocked(nil, files)
	s.storeMessageLocked(msg)
	return msg
}

// applyEditLocked applies an edit payload: fields present replace the old
// ones (null clears), absent fields stay, like Discord's PATCH.
func (s *Server) applyEditLocked(msg, p map[string]any, files []File) {
	for k, zero := range map[string]any{"content": "", "embeds": []any{}, "components": []any{}} {
		if v, ok := p[k]; ok {
			if v == nil {
				v = zero
			}
			msg[k] = v
		}
	}
	fixEmbeds(msg)
	old := toInt(msg["flags"])
	flags := old &^ flagLoading
	if _, ok := p["flags"]; ok {
		// Ephemerality cannot change after the message exists.
		flags = old&flagEphemeral | toInt(p["flags"])&^(flagEphemeral|flagLoading)
	}
	msg["flags"] = flags
	if old&flagLoading == 0 {
		msg["edited_timestamp"] = nowStamp()
	}
	var keep []any
	existing, _ := msg["attachments"].([]any)
	if list, ok := p["attachments"].([]any); ok {
		for _, a := range existing {
			am, _ := a.(map[string]any)
			for _, want := range list {
				if wm, _ := want.(map[string]any); wm != nil && wm["id"] == am["id"] {
					keep = append(keep, a)
				}
			}
		}
	} else {
		keep = existing
	}
	msg["attachments"] = s.attachmentsLocked(keep, files)
}

func (s *Server) attachmentsLocked(keep []any, files []File) []any {
	out := append([]any{}, keep...)
	for _, f := range files {
		id := s.NewID()
		u := s.base + "/attachments/" + id + "/" + f.Name
		a := map[string]any{"id": id, "filename": f.Name, "size": len(f.Data), "url": u, "proxy_url": u}
		if f.ContentType != "" {
			a["content_type"] = f.ContentType
		}
		out = append(out, a)
	}
	return out
}

func fixEmbeds(msg map[string]any) {
	list, _ := msg["embeds"].([]any)
	for _, e := range list {
		if em, ok := e.(map[string]any); ok {
			setDefault(em, "type", "rich")
		}
	}
}

// toInt reads a JSON number from decoded JSON (float64) or from a map the
// fake built itself (int).
func toInt(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case int:
		return n
	case int64:
		return int(n)
	}
	return 0
}

func emptyList(v any) bool {
	l, _ := v.([]any)
	return len(l) == 0
}

// validateMessage applies the checks Discord makes that bots trip over.
func validateMessage(p map[string]any, files int, create bool) *response {
	content, _ := p["content"].(string)
	if utf8.RuneCountInString(content) > 2000 {
		r := formError("BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length.", "content")
		return &r
	}
	if l, _ := p["embeds"].([]any); len(l) > 10 {
		r := formError("BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.", "embeds")
		return &r
	}
	if l, _ := p["components"].([]any); len(l) > 5 && toInt(p["flags"])&(1<<15) == 0 {
		r := formError("BASE_TYPE_MAX_LENGTH", "Must be 5 or fewer in length.", "components")
		return &r
	}
	if create && content == "" && emptyList(p["embeds"]) && emptyList(p["components"]) && files == 0 &&
		p["poll"] == nil && emptyList(p["sticker_ids"]) && emptyList(p["attachments"]) {
		r := apiError(http.StatusBadRequest, 50006, "Cannot send an empty message")
		return &r
	}
	return nil
}

func (s *Server) decodeObjectLocked(req *Request) (map[string]any, *response) {
	var p map[string]any
	if r := s.decodeLocked(req, &p); r != nil {
		return nil, r
	}
	if p == nil {
		p = map[string]any{}
	}
	return p, nil
}

// --- interaction callbacks and webhooks ---

var callbackTypes = map[int][]int{ // interaction type -> allowed callback types
	2: {4, 5, 9, 10, 12},
	3: {4, 5, 6, 7, 9, 10},
	4: {8},
	5: {4, 5, 6, 7, 10},
}

func (s *Server) hCallback(req *Request) response {
	in := s.interactions[req.Params["token"]]
	if in == nil || in.id != req.Params["interaction"] {
		return apiError(http.StatusNotFound, 10062, "Unknown interaction")
	}
	if s.opts.InteractionTimeout > 0 && time.Since(in.created) > s.opts.InteractionTimeout {
		return apiError(http.StatusNotFound, 10062, "Unknown interaction")
	}
	if in.acked {
		return apiError(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
	}
	var cb struct {
		Type int            `json:"type"`
		Data map[string]any `json:"data"`
	}
	if r := s.decodeLocked(req, &cb); r != nil {
		return *r
	}
	if cb.Data == nil {
		cb.Data = map[string]any{}
	}
	if allowed, ok := callbackTypes[in.typ]; ok && !slices.Contains(allowed, cb.Type) {
		return formError("INTERACTION_CALLBACK_TYPE_INVALID", "Callback type not valid for this interaction type.", "type")
	}
	var msg map[string]any
	switch cb.Type {
	case 4: // CHANNEL_MESSAGE_WITH_SOURCE
		if r := validateMessage(cb.Data, len(req.Files), true); r != nil {
			return *r
		}
		msg = s.newMessageLocked(in.channelID, in.guildID, cb.Data, req.Files, true)
		if in.typ == 2 {
			msg["type"] = 20 // CHAT_INPUT_COMMAND
		}
	case 5: // DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a "thinking" message
		msg = s.newMessageLocked(in.channelID, in.guildID, map[string]any{}, nil, true)
		msg["flags"] = flagLoading | toInt(cb.Data["flags"])&flagEphemeral
		in.deferredLoading = true
	case 6, 7: // DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE: the component's message
		msg = s.messages[in.messageID]
		if msg == nil {
			return apiError(http.StatusBadRequest, 10008, "Unknown Message")
		}
		if cb.Type == 7 {
			if r := validateMessage(cb.Data, len(req.Files), false); r != nil {
				return *r
			}
			s.applyEditLocked(msg, cb.Data, req.Files)
		}
	case 8: // APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
		if _, ok := cb.Data["choices"].([]any); !ok {
			return formError("BASE_TYPE_REQUIRED", "This field is required", "data", "choices")
		}
	case 9: // MODAL
		for _, k := range []string{"custom_id", "title", "components"} {
			if isEmpty(cb.Data[k]) {
				return formError("BASE_TYPE_REQUIRED", "This field is required", "data", k)
			}
		}
	case 10, 12: // PREMIUM_REQUIRED (deprecated), LAUNCH_ACTIVITY
	default:
		return formError("BASE_TYPE_CHOICES", "Value must be one of {4, 5, 6, 7, 8, 9, 10, 12}.", "type")
	}
	in.acked = true
	in.responseType = cb.Type
	if msg != nil {
		in.originalID = msg["id"].(string)
	}
	if req.Query.Get("with_response") != "true" {
		return response{status: http.StatusNoContent}
	}
	res := map[string]any{"type": cb.Type}
	meta := map[string]any{"id": in.id, "type": in.typ}
	if msg != nil {
		res["message"] = msg
		meta["response_message_id"] = msg["id"]
		meta["response_message_loading"] = toInt(msg["flags"])&flagLoading != 0
		meta["response_message_ephemeral"] = toInt(msg["flags"])&flagEphemeral != 0
	}
	return response{status: http.StatusOK, body: map[string]any{"interaction": meta, "resource": res}}
}

// webhookInteractionLocked resolves /webhooks/{app}/{token}: only
// interaction webhooks exist, and only once the interaction is acknowledged.
func (s *Server) webhookInteractionLocked(req *Request) (*interaction, *response) {
	in := s.interactions[req.Params["token"]]
	if req.Params["app"] != s.opts.AppID || in == nil || !in.acked {
		r := apiError(http.StatusNotFound, 10015, "Unknown Webhook")
		return nil, &r
	}
	return in, nil
}

func (s *Server) webhookMessageLocked(req *Request) (*interaction, map[string]any, *response) {
	in, r := s.webhookInteractionLocked(req)
	if r != nil {
		return nil, nil, r
	}
	id := req.Params["message"]
	if id == "@original" {
		id = in.originalID
	} else if !slices.Contains(in.followups, id) && id != in.originalID {
		id = ""
	}
	msg := s.messages[id]
	if msg == nil {
		r := apiError(http.StatusNotFound, 10008, "Unknown Message")
		return nil, nil, &r
	}
	return in, msg, nil
}

func (s *Server) hFollowup(req *Request) response {
	in, r := s.webhookInteractionLocked(req)
	if r != nil {
		return *r
	}
	p, r := s.decodeObjectLocked(req)
	if r != nil {
		return *r
	}
	if r := validateMessage(p, len(req.Files), true); r != nil {
		return *r
	}
	var msg map[string]any
	if orig := s.messages[in.originalID]; in.deferredLoading && orig != nil {
		// Discord: after a deferred response the first follow-up replaces
		// the "thinking" message (keeping its ephemerality).
		s.applyEditLocked(orig, p, req.Files)
		in.deferredLoading = false
		msg = orig
	} else {
		channel := in.channelID
		if th := req.Query.Get("thread_id"); th != "" {
			channel = th
		}
		msg = s.newMessageLocked(channel, in.guildID, p, req.Files, true)
		in.followups = append(in.followups, msg["id"].(string))
	}
	if req.Query.Get("wait") != "true" {
		return response{status: http.StatusNoContent}
	}
	return response{status: http.StatusOK, body: msg}
}

func (s *Server) hWebhookMessageGet(req *Request) response {
	_, msg, r := s.webhookMessageLocked(req)
	if r != nil {
		return *r
	}
	return response{status: http.StatusOK, body: msg}
}

func (s *Server) hWebhookMessageEdit(req *Request) response {
	in, msg, r := s.webhookMessageLocked(req)
	if r != nil {
		return *r
	}
	p, r := s.decodeObjectLocked(req)
	if r != nil {
		return *r
	}
	if r := validateMessage(p, len(req.Files), false); r != nil {
		return *r
	}
	s.applyEditLocked(msg, p, req.Files)
	if msg["id"] == in.originalID {
		in.deferredLoading = false
	}
	return response{status: http.StatusOK, body: msg}
}

func (s *Server) hWebhookMessageDelete(req *Request) response {
	in, msg, r := s.webhookMessageLocked(req)
	if r != nil {
		return *r
	}
	if msg["id"] == in.originalID {
		in.deferredLoading = false
	}
	s.deleteMessageLocked(msg["id"].(string))
	return response{status: http.StatusNoContent}
}

func (s *Server) deleteMessageLocked(id string) {
	delete(s.messages, id)
	s.messageOrder = slices.DeleteFunc(s.messageOrder, func(x string) bool { return x == id })
}

// --- channel messages ---

func (s *Server) hChannelMessageCreate(req *Request) response {
	p, r := s.decodeObjectLocked(req)
	if r != nil {
		return *r
	}
	if r := validateMessage(p, len(req.Files), true); r != nil {
		return *r
	}
	return response{status: http.StatusOK, body: s.newMessageLocked(req.Params["channel"], "", p, req.Files, false)}
}

func (s *Server) channelMessageLocked(req *Request) (map[string]any, *response) {
	msg := s.messages[req.Params["message"]]
	if msg == nil || msg["channel_id"] != req.Params["channel"] {
		r := apiError(http.StatusNotFound, 10008, "Unknown Message")
		return nil, &r
	}
	return msg, nil
}

func (s *Server) hChannelMessageGet(req *Request) response {
	msg, r := s.channelMessageLocked(req)
	if r != nil {
		return *r
	}
	return response{status: http.StatusOK, body: msg}
}

func (s *Server) hChannelMessageEdit(req *Request) response {
	msg, r := s.channelMessageLocked(req)
	if r != nil {
		return *r
	}
	if a, _ := msg["author"].(map[string]any); a == nil || a["id"] != s.opts.BotUserID {
		return apiError(http.StatusForbidden, 50005, "Cannot edit a message authored by another user")
	}
	p, r := s.decodeObjectLocked(req)
	if r != nil {
		return *r
	}
	if r := validateMessage(p, len(req.Files), false); r != nil {
		return *r
	}
	s.applyEditLocked(msg, p, req.Files)
	return response{status: http.StatusOK, body: msg}
}

func (s *Server) hChannelMessageDelete(req *Request) response {
	msg, r := s.channelMessageLocked(req)
	if r != nil {
		return *r
	}
	s.deleteMessageLocked(msg["id"].(string))
	return response{status: http.StatusNoContent}
}

// --- application commands ---

func (s *Server) checkAppLocked(req *Request) *response {
	if req.Params["app"] != s.opts.AppID {
		r := apiError(http.StatusForbidden, 50001, "Missing Access")
		return &r
	}
	return nil
}

func (s *Server) commandIDLocked(guildID, name string) string {
	for _, scope := range []string{guildID, ""} {
		for _, c := range s.commands[scope] {
			if c["name"] == name {
				return c["id"].(string)
			}
		}
	}
	return s.NewID()
}

// normalizeCommand turns a submitted command into what Discord returns.
func (s *Server) normalizeCommand(in, old map[string]any, guildID string) map[string]any {
	c := map[string]any{
		"type": 1, "description": "", "default_member_permissions": nil, "nsfw": false,
		"dm_permission": true, "contexts": nil, "integration_types": []any{0},
	}
	for k, v := range old {
		c[k] = v
	}
	for k, v := range in {
		c[k] = v
	}
	setDefault(c, "type", 1)
	if old != nil {
		c["id"] = old["id"]
	} else {
		c["id"] = s.NewID()
	}
	c["application_id"] = s.opts.AppID
	c["version"] = s.NewID()
	if guildID != "" {
		c["guild_id"] = guildID
	} else {
		delete(c, "guild_id")
	}
	// Store it as decoded JSON, like everything that came from the client.
	var norm map[string]any
	json.Unmarshal(mustJSON(c), &norm)
	return norm
}

func validateCommand(c map[string]any, path ...string) *response {
	name, _ := c["name"].(string)
	if n := utf8.RuneCountInString(name); n < 1 || n > 32 {
		r := formError("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.", append(path, "name")...)
		return &r
	}
	if toInt(c["type"]) == 1 || c["type"] == nil {
		if name != strings.ToLower(name) || strings.ContainsAny(name, " ") {
			r := formError("APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid", append(path, "name")...)
			return &r
		}
		desc, _ := c["description"].(string)
		if n := utf8.RuneCountInString(desc); n < 1 || n > 100 {
			r := formError("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.", append(path, "description")...)
			return &r
		}
	} else {
		// User and message commands (types 2 and 3) have neither a
		// description nor options.
		if desc, _ := c["description"].(string); desc != "" {
			r := formError("APPLICATION_COMMAND_INVALID_DESCRIPTION", "Context menu commands cannot have description", append(path, "description")...)
			return &r
		}
		if opts, _ := c["options"].([]any); len(opts) > 0 {
			r := formError("APPLICATION_COMMAND_INVALID_OPTIONS", "Context menu commands cannot have options", append(path, "options")...)
			return &r
		}
	}
	if names, ok := c["name_localizations"].(map[string]any); ok {
		for locale, n := range names {
			if s, _ := n.(string); utf8.RuneCountInString(s) < 1 || utf8.RuneCountInString(s) > 32 {
				r := formError("BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length.", append(path, "name_localizations", locale)...)
				return &r
			}
		}
	}
	if r := enumList(c, "contexts", 2, path); r != nil {
		return r
	}
	return enumList(c, "integration_types", 1, path)
}

// enumList checks that c[key], when present, is a list of distinct
// integers from 0 to most, as Discord checks contexts and integration
// types.
func enumList(c map[string]any, key string, most int, path []string) *response {
	v, ok := c[key]
	if !ok || v == nil {
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		r := formError("LIST_TYPE_CONVERT", "Must be a list.", append(path, key)...)
		return &r
	}
	seen := map[int]bool{}
	for i, x := range list {
		f, ok := x.(float64)
		n := int(f)
		if !ok || f != float64(n) || n < 0 || n > most || seen[n] {
			r := formError("ENUM_TYPE_COERCE", fmt.Sprintf("Value \"%v\" is not a valid enum value.", x), append(path, key, itoa(i))...)
			return &r
		}
		seen[n] = true
	}
	return nil
}

func findCommand(list []map[string]any, name string, typ int) map[string]any {
	for _, c := range list {
		if c["name"] == name && toInt(c["type"]) == typ {
			return c
		}
	}
	return nil
}

func cmdType(c map[string]any) int {
	if t := toInt(c["type"]); t != 0 {
		return t
	}
	return 1
}

func (s *Server) hCommandList(req *Request) response {
	if r := s.checkAppLocked(req); r != nil {
		return *r
	}
	out := append([]map[string]any{}, s.commands[req.Params["guild"]]...)
	return response{status: http.StatusOK, body: out}
}

func (s *Server) hCommandOverwrite(req *Request) response {
	if r := s.checkAppLocked(req); r != nil {
		return *r
	}
	var in []map[string]any
	if r := s.decodeLocked(req, &in); r != nil {
		return *r
	}
	scope := req.Params["guild"]
	old := s.commands[scope]
	out := []map[string]any{}
	seen := map[string]bool{}
	for i, c := range in {
		if r := validateCommand(c, itoa(i)); r != nil {
			return *r
		}
		key := c["name"].(string) + "/" + itoa(cmdType(c))
		if seen[key] {
			return formError("APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique", itoa(i), "name")
		}
		seen[key] = true
		out = append(out, s.normalizeCommand(c, findCommand(old, c["name"].(string), cmdType(c)), scope))
	}
	s.commands[scope] = out
	s.registrations = append(s.registrations, Registration{Scope: scope, JSON: append(json.RawMessage(nil), req.JSON...)})
	return response{status: http.StatusOK, body: out}
}

func (s *Server) hCommandCreate(req *Request) response {
	if r := s.checkAppLocked(req); r != nil {
		return *r
	}
	in, r := s.decodeObjectLocked(req)
	if r != nil {
		return *r
	}
	if r := validateCommand(in); r != nil {
		return *r
	}
	scope := req.Params["guild"]
	old := findCommand(s.commands[scope], in["name"].(string), cmdType(in))
	c := s.normalizeCommand(in, old, scope)
	if old != nil {
		s.replaceCommandLocked(scope, c)
		return response{status: http.StatusOK, body: c}
	}
	s.commands[scope] = append(s.commands[scope], c)
	return response{status: http.StatusCreated, body: c}
}

func (s *Server) replaceCommandLocked(scope string, c map[string]any) {
	for i, x := range s.commands[scope] {
		if x["id"] == c["id"] {
			s.commands[scope][i] = c
		}
	}
}

func (s *Server) commandLocked(req *Request) (map[string]any, *response) {
	if r := s.checkAppLocked(req); r != nil {
		return nil, r
	}
	for _, c := range s.commands[req.Params["guild"]] {
		if c["id"] == req.Params["command"] {
			return c, nil
		}
	}
	r := apiError(http.StatusNotFound, 10063, "Unknown application command")
	return nil, &r
}

func (s *Server) hCommandGet(req *Request) response {
	c, r := s.commandLocked(req)
	if r != nil {
		return *r
	}
	return response{status: http.StatusOK, body: c}
}

func (s *Server) hCommandEdit(req *Request) response {
	old, r := s.commandLocked(req)
	if r != nil {
		return *r
	}
	in, r := s.decodeObjectLocked(req)
	if r != nil {
		return *r
	}
	c := s.normalizeCommand(in, old, req.Params["guild"])
	if r := validateCommand(c); r != nil {
		return *r
	}
	s.replaceCommandLocked(req.Params["guild"], c)
	return response{status: http.StatusOK, body: c}
}

func (s *Server) hCommandDelete(req *Request) response {
	c, r := s.commandLocked(req)
	if r != nil {
		return *r
	}
	scope := req.Params["guild"]
	s.commands[scope] = slices.DeleteFunc(s.commands[scope], func(x map[string]any) bool { return x["id"] == c["id"] })
	return response{status: http.StatusNoContent}
}

func itoa(i int) string { return strconv.Itoa(i) }

// --- inspection ---

func (s *Server) toMessageLocked(m map[string]any) *discordgo.Message {
	var out discordgo.Message
	raw := mustJSON(m)
	if err := json.Unmarshal(raw, &out); err != nil {
		s.t.Errorf("discordtest: discordgo cannot decode stored message %s: %v", raw, err)
	}
	return &out
}

// Messages returns the messages that exist now (created through REST or
// dispatched, not deleted), oldest first, as discordgo decodes them.
func (s *Server) Messages() []*discordgo.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.Message
	for _, id := range s.messageOrder {
		out = append(out, s.toMessageLocked(s.messages[id]))
	}
	return out
}

// Message returns the message with the given ID if it exists.
func (s *Server) Message(id string) (*discordgo.Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.messages[id]
	if m == nil {
		return nil, false
	}
	return s.toMessageLocked(m), true
}

// InteractionResponse describes how the bot answered a dispatched
// interaction.
type InteractionResponse struct {
	Acknowledged bool
	// Type is the callback type (discordgo.InteractionResponseType), 0 if
	// not acknowledged.
	Type discordgo.InteractionResponseType
	// Original is the current @original message, nil if none (yet) or
	// deleted. After a deferred response it is the "thinking" message
	// (flag 1<<7) until edited or replaced by the first follow-up.
	Original *discordgo.Message
	// Followups are the follow-up messages that still exist.
	Followups []*discordgo.Message
}

// Interaction reports how the interaction with the given token was answered
// so far; ok is false if no interaction with that token was dispatched.
func (s *Server) Interaction(token string) (resp InteractionResponse, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.interactions[token]
	if in == nil {
		return resp, false
	}
	resp.Acknowledged = in.acked
	resp.Type = discordgo.InteractionResponseType(in.responseType)
	if m := s.messages[in.originalID]; m != nil && in.originalID != "" {
		resp.Original = s.toMessageLocked(m)
	}
	for _, id := range in.followups {
		if m := s.messages[id]; m != nil {
			resp.Followups = append(resp.Followups, s.toMessageLocked(m))
		}
	}
	return resp, true
}

// Commands returns the registered application commands of a guild, or the
// global ones for guildID "".
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*discordgo.ApplicationCommand
	for _, c := range s.commands[guildID] {
		var ac discordgo.ApplicationCommand
		raw := mustJSON(c)
		if err := json.Unmarshal(raw, &ac); err != nil {
			s.t.Errorf("discordtest: discordgo cannot decode command %s: %v", raw, err)
		}
		out = append(out, &ac)
	}
	return out
}

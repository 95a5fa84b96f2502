package gateway

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/interviewbot/interviewbot/internal/discordrest"
)

// closeDisallowedIntents is the close code Discord sends to an IDENTIFY
// that asks for a privileged intent the application has not switched on.
const closeDisallowedIntents = 4014

// messageContentHelp is what to do when Discord refuses the Message
// Content intent.
const messageContentHelp = "Discord refused the Message Content intent, which forum answers (ANSWER_FORUMS) need: " +
	"they are off, everything else keeps working. To turn them on, open the Developer Portal → your application → " +
	"Bot → Privileged Gateway Intents → Message Content Intent, switch it on, save, and restart the bot"

// forumReactions are added under a forum answer, for members to rate it.
var forumReactions = [...]string{"👍", "👎"}

// Bounds of what forumWatch remembers: a post's thread and its first
// message arrive as two events, usually a moment apart.
const (
	forumPending = 256
	forumWait    = time.Minute
)

// forumWatch pairs the two events of a new forum post, THREAD_CREATE (the
// forum it is in, its title) and MESSAGE_CREATE (its first message, whose
// ID is the thread's), in whichever order they come.
type forumWatch struct {
	forums map[string]bool

	mu      sync.Mutex
	off     bool // Discord refused the Message Content intent
	threads map[string]pendingThread
	starts  map[string]pendingStart
}

type pendingThread struct {
	title string
	at    time.Time
}

type pendingStart struct {
	m  *discordgo.Message
	at time.Time
}

func newForumWatch(forums []string) *forumWatch {
	w := &forumWatch{forums: map[string]bool{}, threads: map[string]pendingThread{}, starts: map[string]pendingStart{}}
	for _, f := range forums {
		w.forums[f] = true
	}
	return w
}

// active says whether forum answers are on.
func (w *forumWatch) active() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.forums) > 0 && !w.off
}

func (w *forumWatch) disable() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.off = true
	clear(w.threads)
	clear(w.starts)
}

// thread notes a new thread; it returns the post's first message when that
// came first.
func (w *forumWatch) thread(t *discordgo.Channel, now time.Time) (*discordgo.Message, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.off || !w.forums[t.ParentID] {
		return nil, false
	}
	if s, ok := w.starts[t.ID]; ok {
		delete(w.starts, t.ID)
		return s.m, true
	}
	w.forget(now)
	if len(w.threads) < forumPending {
		w.threads[t.ID] = pendingThread{title: t.Name, at: now}
	}
	return nil, false
}

// start notes the first message of a thread; it returns the post's title
// when its thread, in a watched forum, came first.
func (w *forumWatch) start(m *discordgo.Message, now time.Time) (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.off || len(w.forums) == 0 || m.ID != m.ChannelID {
		return "", false
	}
	if t, ok := w.threads[m.ID]; ok {
		delete(w.threads, m.ID)
		return t.title, true
	}
	w.forget(now)
	if len(w.starts) < forumPending {
		w.starts[m.ID] = pendingStart{m: m, at: now}
	}
	return "", false
}

// skip forgets the post m starts, if it is one: it is answered otherwise.
// A thread still to come then waits for a first message that has come and
// gone, and is forgotten in time.
func (w *forumWatch) skip(m *discordgo.Message) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.threads, m.ID)
	delete(w.starts, m.ID)
}

// forget drops what waited too long for its other half.
func (w *forumWatch) forget(now time.Time) {
	for id, t := range w.threads {
		if now.Sub(t.at) > forumWait {
			delete(w.threads, id)
		}
	}
	for id, s := range w.starts {
		if now.Sub(s.at) > forumWait {
			delete(w.starts, id)
		}
	}
}

// intents are the gateway intents to identify with: Message Content too
// while forum answers are on.
func (g *Gateway) intents() discordgo.Intent {
	if g.forums.active() {
		return Intents | discordgo.IntentMessageContent
	}
	return Intents
}

// dropMessageContent handles Discord refusing the Message Content intent
// (close 4014) when the Gateway asked for it: it says what to do about it,
// turns forum answers off and identifies without the intent from then on.
// It reports whether it did; any other error is left to the caller.
func (g *Gateway) dropMessageContent(err error) bool {
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != closeDisallowedIntents || !g.forums.active() {
		return false
	}
	g.forums.disable()
	g.s.Identify.Intents = g.intents()
	g.log.Warn(messageContentHelp, "code", ce.Code, "forums", len(g.forums.forums))
	return true
}

func (g *Gateway) onThreadCreate(s *discordgo.Session, t *discordgo.ThreadCreate) {
	if t.Channel == nil || !t.NewlyCreated {
		return
	}
	if m, ok := g.forums.thread(t.Channel, time.Now()); ok {
		g.answerForum(s, t.Name, m)
	}
}

// onForumStart answers m when it starts a post in a watched forum.
func (g *Gateway) onForumStart(s *discordgo.Session, m *discordgo.Message) {
	if title, ok := g.forums.start(m, time.Now()); ok {
		g.answerForum(s, title, m)
	}
}

// answerForum replies to a forum post when the interview answers it, and
// adds the reactions members rate the answer with.
func (g *Gateway) answerForum(s *discordgo.Session, title string, m *discordgo.Message) {
	g.reply(s, m.ChannelID, "reply to forum post",
		func(ctx context.Context) *discordgo.MessageSend { return g.bot.ForumAnswer(ctx, title, m) },
		func(ctx context.Context, sent *discordgo.Message) {
			// A reaction is safe to add twice.
			rp := &discordrest.Policy{Attempts: 3, ServerErrors: true, Backoff: time.Second, Stop: g.quit, AttemptTimeout: discordrest.Timeout, Log: g.log}
			for _, emoji := range forumReactions {
				if err := s.MessageReactionAdd(sent.ChannelID, sent.ID, emoji, discordrest.Retrying(ctx, rp)...); err != nil {
					g.log.Warn("react to forum answer", "thread", m.ChannelID, "err", discordrest.Redact(err))
				}
			}
		},
		"thread", m.ChannelID)
}

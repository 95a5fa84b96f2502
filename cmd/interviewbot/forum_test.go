package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// TestRunGatewayForums runs the program with ANSWER_FORUMS and PUBLIC_URL:
// with the Message Content intent allowed, a new post in the forum gets an
// answer whose passage links to the site, counted under the route "forum";
// refused, the bot warns how to switch it on and keeps serving.
func TestRunGatewayForums(t *testing.T) {
	t.Parallel()
	const forum = "1300000000000000020"
	tests := []struct {
		name     string
		allowed  discordgo.Intent
		answered bool
	}{
		{"intent allowed", discordgo.IntentMessageContent, true},
		{"intent refused", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			discord := discordtest.NewServer(t, discordtest.Options{Token: serveToken, GuildIDs: []string{gatewayGuild}, PrivilegedIntents: tt.allowed})
			env := map[string]string{
				"DISCORD_TOKEN": serveToken, "DISCORD_API_URL": discord.APIURL(), "DISCORD_GUILD_ID": gatewayGuild,
				"HTTP_ADDR": "127.0.0.1:0", "LOG_FORMAT": "json", "ANSWER_FORUMS": forum + ", " + forum,
				"PUBLIC_URL": "https://bot.example.com/",
			}
			logs := newServeLog(t)
			base, stop := startRun(t, env, logs)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			// Ready once the gateway is: after the refused IDENTIFY and the
			// one without the intent, when Discord refuses it.
			for code, _ := serveGet(t, base+"/readyz"); code != 200; code, _ = serveGet(t, base+"/readyz") {
				if ctx.Err() != nil {
					t.Fatal("never ready")
				}
				time.Sleep(20 * time.Millisecond)
			}
			thread, _ := discord.DispatchForumPost(gatewayGuild, forum, "算力", "研究員為什麼在乎算力?")
			if tt.answered {
				req, err := discord.WaitRequest(ctx, discordtest.Match("POST", "/channels/"+thread.ID+"/messages"))
				if err != nil {
					t.Fatal(err)
				}
				var m discordgo.Message
				if err := json.Unmarshal(req.JSON, &m); err != nil || len(m.Embeds) != 1 || !strings.HasPrefix(m.Embeds[0].URL, "https://bot.example.com/p/") {
					t.Errorf("forum answer %s: want one embed that links to the passage", req.JSON)
				}
				if _, body := serveGet(t, base+"/metrics"); !strings.Contains(body, `interviewbot_questions_total{command="forum",locale="none",outcome="answered"} 1`) {
					t.Errorf("metrics do not count the forum answer:\n%.3000s", body)
				}
			} else if !strings.Contains(logs.String(), "Privileged Gateway Intents → Message Content Intent") {
				t.Errorf("no warning that says how to switch the intent on:\n%s", logs.String())
			}
			if code, body := serveGet(t, base+"/readyz"); code != 200 {
				t.Errorf("/readyz = %d %s", code, body)
			}
			if ids := discord.Identifies(); ids[len(ids)-1].Intents&discordgo.IntentMessageContent != 0 != tt.answered {
				t.Errorf("the session's intents %b", ids[len(ids)-1].Intents)
			}
			if err := stop(); err != nil {
				t.Errorf("run returned %v", err)
			}
			if !tt.answered {
				for _, r := range discord.Requests() {
					if strings.HasPrefix(r.Path, "/channels/") {
						t.Errorf("answered a forum post without the intent: %s %s", r.Method, r.Path)
					}
				}
			}
		})
	}
}

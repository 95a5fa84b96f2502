package interactions_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/bot/interactions"
)

// FuzzInteractionDecode sends arbitrary requests to the interactions
// endpoint: signed with the right key or not, with timestamps near and far.
// Whatever arrives, the server must not panic, must not answer 5xx, must
// refuse what is not signed, and must answer valid JSON when it answers.
// The seeds in testdata/fuzz cover every kind of interaction and refusal.
func FuzzInteractionDecode(f *testing.F) {
	ix := sharedIndex(f)
	a := ix.Article()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	srv, err := interactions.NewServer(interactions.ServerConfig{
		Bot:       bot.New(bot.Config{Searcher: ix, Article: a, Logger: log}),
		PublicKey: pub,
		Logger:    log,
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"type":1}`), int64(0), "", "", true)
	f.Fuzz(func(t *testing.T, body []byte, skew int64, tsSuffix, sig string, signIt bool) {
		ts := strconv.FormatInt(time.Now().Unix()+skew, 10) + tsSuffix
		if signIt {
			sig = hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...)))
		}
		req := httptest.NewRequest(http.MethodPost, "/interactions", bytes.NewReader(body))
		req.Header.Set("X-Signature-Ed25519", sig)
		req.Header.Set("X-Signature-Timestamp", ts)
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		switch {
		case w.Code >= 500:
			t.Fatalf("status %d: %s", w.Code, w.Body)
		case !signIt && w.Code != http.StatusUnauthorized && w.Code != http.StatusRequestEntityTooLarge:
			t.Fatalf("unsigned request answered %d", w.Code)
		case w.Code == http.StatusOK:
			var resp struct {
				Type int `json:"type"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.Type < 1 {
				t.Fatalf("answered %q: %v", w.Body, err)
			}
		}
	})
}

package gateway_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot/gateway"
	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// These tests close a running session with Discord's close codes.

// TestGatewayRefusedAfterStart: after a close that says the configuration
// will never work (a reset token, shards, version, intents), the Gateway
// stops without reconnecting, says why, and marks the error as Discord's
// refusal so that the process can exit with a status a supervisor will not
// restart at once.
func TestGatewayRefusedAfterStart(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code int
		hint string
	}{
		{4004, "Reset Token"},
		{4010, "SHARD_ID"},
		{4011, "SHARD_COUNT"},
		{4012, "gateway version"},
		{4013, "intents"},
		{4014, "intents"},
	}
	var cases []subtest
	for _, tt := range tests {
		cases = append(cases, subtest{fmt.Sprint(tt.code), func(t *testing.T) {
			e := startGateway(t, gwSetup{})
			if err := e.srv.WaitSettled(ctxFor(t)); err != nil {
				t.Fatal(err)
			}
			if tt.code == 4004 {
				e.srv.RevokeToken()
			} else if err := e.srv.CloseConnection(tt.code, "refused"); err != nil {
				t.Fatal(err)
			}
			select {
			case <-e.gw.Done():
			case <-time.After(gwWait):
				t.Fatal("the Gateway did not give up")
			}
			err := e.gw.Err()
			if !errors.Is(err, gateway.ErrRefused) {
				t.Errorf("Err() = %v, want it to be ErrRefused", err)
			}
			if err == nil || !strings.Contains(err.Error(), tt.hint) || !strings.Contains(err.Error(), fmt.Sprint(tt.code)) {
				t.Errorf("Err() = %v, want the %d close explained (%q)", err, tt.code, tt.hint)
			}
			if e.gw.Ready() {
				t.Error("ready after Discord refused the session")
			}
			e.close()
			// The fake also reports a reconnect after these codes.
			if st := e.srv.Stats(); st.Connections != 1 {
				t.Errorf("%d connections, want no reconnect", st.Connections)
			}
		}})
	}
	sideBySide(t, cases...)
}

// TestGatewayOpenRefused: a token refused when connecting is Discord's
// refusal too.
func TestGatewayOpenRefused(t *testing.T) {
	t.Parallel()
	e := startGateway(t, gwSetup{noOpen: true})
	e.srv.RevokeToken()
	err := e.gw.Open(ctxFor(t))
	if !errors.Is(err, gateway.ErrRefused) || !strings.Contains(err.Error(), "Reset Token") {
		t.Errorf("Open = %v, want ErrRefused with the 4004 explained", err)
	}
}

// TestGatewayCloseCodes: the closes after which Discord wants the client
// back: 4008 (rate limited) after a backoff, 4009 (session timed out) with
// a new session.
func TestGatewayCloseCodes(t *testing.T) {
	t.Parallel()
	sideBySide(t,
		subtest{"4008 rate limited", closeRateLimitedThenResume},
		subtest{"4009 session timed out", closeTimedOutThenNewSession})
}

func closeRateLimitedThenResume(t *testing.T) {
	c := newClock(false)
	e := startGateway(t, gwSetup{sleep: c.sleep})
	ctx := ctxFor(t)
	if err := e.srv.WaitSettled(ctx); err != nil {
		t.Fatal(err)
	}
	c.holdWaits()
	if err := e.srv.CloseConnection(4008, "You are being rate limited."); err != nil {
		t.Fatal(err)
	}
	d := c.next(t)
	if d < time.Second {
		t.Errorf("waiting %v before reconnecting, want a backoff of a second or more", d)
	}
	if st := e.srv.Stats(); st.Connections != 1 {
		t.Errorf("reconnected before the backoff ended: %+v", st)
	}
	c.release <- struct{}{}
	if err := e.srv.WaitResumed(ctx); err != nil {
		t.Fatal(err)
	}
	if r := e.reply(t, e.ask("en-US", "compute")); len(r.Data.Embeds) == 0 {
		t.Errorf("not answered after the reconnect: %+v", r.Data)
	}
}

func closeTimedOutThenNewSession(t *testing.T) {
	c := newClock(false)
	e := startGateway(t, gwSetup{sleep: c.sleep})
	ctx := ctxFor(t)
	if err := e.srv.WaitSettled(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.CloseConnection(4009, "Session timed out."); err != nil {
		t.Fatal(err)
	}
	if err := e.srv.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if st := e.srv.Stats(); st.Identifies != 2 || st.Ready != 2 {
		t.Errorf("want a new session: %+v", st)
	}
	if r := e.reply(t, e.ask("en-US", "compute")); len(r.Data.Embeds) == 0 {
		t.Errorf("not answered in the new session: %+v", r.Data)
	}
	waitUntil(t, "readiness", e.gw.Ready)
}

// TestGatewayInvalidSessionStorm: Discord answers op 9 INVALID SESSION
// again and again. It asks for a random wait of one to five seconds before
// each new IDENTIFY, and resets a token after about a thousand IDENTIFYs in
// a day: each one waits, longer as the storm goes on, and the bot answers
// once it is over.
func TestGatewayInvalidSessionStorm(t *testing.T) {
	t.Parallel()
	c := newClock(false)
	e := startGateway(t, gwSetup{sleep: c.sleep})
	ctx := ctxFor(t)
	if err := e.srv.WaitSettled(ctx); err != nil {
		t.Fatal(err)
	}
	c.holdWaits()
	const refused = 5
	e.srv.RefuseIdentifies(refused)
	if err := e.srv.SendInvalidSession(false); err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	for k := range refused + 1 {
		d := c.next(t)
		waits = append(waits, d)
		lo, hi := time.Second<<k, 5*time.Second<<k
		if d < min(lo, 2*time.Minute) || d > min(hi, 2*time.Minute) {
			t.Errorf("IDENTIFY %d after the storm began waits %v, want %v to %v (at most 2m)", k+1, d, lo, hi)
		}
		if st := e.srv.Stats(); st.Identifies != 1+k {
			t.Fatalf("IDENTIFY %d sent before its wait ended (stats %+v)", k+1, st)
		}
		c.release <- struct{}{}
		if _, err := e.srv.WaitStats(ctx, func(st discordtest.Stats) bool { return st.Identifies == 2+k }); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.srv.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}
	if st := e.srv.Stats(); st.Identifies != refused+2 || st.InvalidSessions != refused+1 || st.Connections != 1 {
		t.Errorf("stats %+v", st)
	}
	if r := e.reply(t, e.ask("en-US", "compute")); len(r.Data.Embeds) == 0 {
		t.Errorf("not answered after the storm: %+v", r.Data)
	}
	t.Logf("waits before each IDENTIFY: %v", waits)
}

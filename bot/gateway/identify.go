package gateway

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/interviewbot/interviewbot/internal/discordrest"
)

// Pacing of the IDENTIFYs that answer op 9 INVALID SESSION. Discord asks
// for a random wait of one to five seconds before each, and resets the
// token of a bot that identifies about a thousand times in a day.
const (
	identifyWaitMin = time.Second
	identifyWaitMax = 5 * time.Second
	// identifyWaitCap bounds the wait as a storm goes on: one IDENTIFY
	// every two minutes is 720 a day, under Discord's thousand.
	identifyWaitCap = 2 * time.Minute
	// identifyCalm is how long without a re-IDENTIFY ends a storm.
	identifyCalm = 10 * time.Minute
)

// identifyPacer spaces the IDENTIFYs that follow op 9. Each waits one to
// five seconds, doubled for every IDENTIFY since the storm began, at most
// identifyWaitCap. A wait that was cut short (the connection dropped, a
// handshake ran out of time) is not begun again: the next IDENTIFY waits
// what is left of it.
type identifyPacer struct {
	mu     sync.Mutex
	streak int       // IDENTIFYs sent since the storm began
	last   time.Time // when the last one was sent
	until  time.Time // the end of a wait whose IDENTIFY has not been sent
}

// wait decides how long the next IDENTIFY waits, from now.
func (p *identifyPacer) wait(now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.until.IsZero() {
		return max(p.until.Sub(now), 0)
	}
	if now.Sub(p.last) > identifyCalm {
		p.streak = 0
	}
	d := identifyWaitMin + rand.N(identifyWaitMax-identifyWaitMin+1)
	d = min(d<<min(p.streak, 16), identifyWaitCap)
	p.until = now.Add(d)
	return d
}

// sent records an IDENTIFY that went out at now.
func (p *identifyPacer) sent(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.streak++
	p.last = now
	p.until = time.Time{}
}

// heldWriteTimeout bounds writing a held IDENTIFY.
const heldWriteTimeout = 10 * time.Second

// holdIdentify sends frame, an IDENTIFY that answers op 9, on c once the
// pacer lets it go, and reports whether it will; not once Close has begun.
// If c closes first, the IDENTIFY is dropped: discordgo reconnects, and
// the IDENTIFY on the new connection waits what is left of this wait.
func (g *Gateway) holdIdentify(c *trackedConn, frame []byte) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closing {
		return false
	}
	g.held.Add(1)
	go func() {
		defer g.held.Done()
		d := g.pacer.wait(time.Now())
		g.log.Warn("gateway session invalidated; identifying anew after a wait", "wait", d.Round(time.Millisecond))
		quit, stopQuit := discordrest.WithStop(context.Background(), g.quit)
		defer stopQuit()
		ctx, cancel := discordrest.WithStop(quit, c.gone)
		defer cancel()
		if err := g.sleep(ctx, d); err != nil {
			c.wmu.Lock()
			c.holding = false
			c.wmu.Unlock()
			return
		}
		g.pacer.sent(time.Now())
		c.sendHeld(frame)
	}()
	return true
}

package gateway

import (
	"encoding/binary"
)

// WebSocket opcodes (RFC 6455, section 5.2) the Gateway looks for.
const (
	opText  = 0x1
	opClose = 0x8
)

// frameScanner follows a stream of WebSocket frames (RFC 6455) as it
// passes through a connection, after the HTTP upgrade that opens it,
// without holding any of it back. discordgo keeps its websocket to itself,
// so watching the bytes is how the Gateway learns what it needs: the close
// code Discord sent, and the client's own IDENTIFYs. For each frame it
// reports the opcode and up to headSize first bytes of the payload,
// unmasked, once it has them all (or the whole payload, when shorter).
type frameScanner struct {
	onFrame func(op byte, head []byte)
	// upgraded says the HTTP upgrade that opens the connection is over:
	// until then, bytes are skipped up to the blank line that ends it.
	upgraded bool
	blank    int // how much of "\r\n\r\n" has just passed

	hdr    [14]byte // the header so far
	nhdr   int
	op     byte
	masked bool // client frames are, with mask
	mask   [4]byte
	// left is how much of the current frame's payload is still to come;
	// seen is how much has passed.
	left, seen uint64
	head       []byte
	reported   bool
}

// headSize is the most of a payload reported: a close frame's code and
// reason fit, as does the start of an IDENTIFY.
const headSize = 125

// inFrame says whether the scanner is inside a frame (its header or its
// payload) rather than between two.
func (s *frameScanner) inFrame() bool { return s.nhdr > 0 || s.left > 0 }

// atFrame says whether the next byte starts a frame.
func (s *frameScanner) atFrame() bool { return s.upgraded && !s.inFrame() }

// scan feeds p through the scanner.
func (s *frameScanner) scan(p []byte) {
	for !s.upgraded && len(p) > 0 {
		if p[0] == "\r\n\r\n"[s.blank] {
			s.blank++
		} else if p[0] == '\r' {
			s.blank = 1
		} else {
			s.blank = 0
		}
		s.upgraded = s.blank == 4
		p = p[1:]
	}
	for len(p) > 0 {
		if s.left == 0 { // between frames, or inside a header
			p = p[s.takeHeader(p):]
			continue
		}
		n := min(uint64(len(p)), s.left)
		s.takePayload(p[:n])
		p = p[n:]
	}
}

// takeHeader collects header bytes from p and returns how many it took.
// Once the header is whole, the frame's payload begins.
func (s *frameScanner) takeHeader(p []byte) int {
	took := 0
	for len(p) > 0 {
		s.hdr[s.nhdr] = p[0]
		s.nhdr++
		p = p[1:]
		took++
		want, ok := headerLen(s.hdr[:s.nhdr])
		if !ok || s.nhdr < want {
			continue
		}
		s.begin(want)
		if s.left == 0 {
			s.report()
		}
		return took
	}
	return took
}

// headerLen is the length of the header that starts with b, once b says.
func headerLen(b []byte) (int, bool) {
	if len(b) < 2 {
		return 0, false
	}
	n := 2
	switch b[1] & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b[1]&0x80 != 0 {
		n += 4
	}
	return n, true
}

// begin starts the frame whose header, of length n, is in hdr.
func (s *frameScanner) begin(n int) {
	h := s.hdr[:n]
	s.op = h[0] & 0x0f
	s.masked = h[1]&0x80 != 0
	i := 2
	switch l := h[1] & 0x7f; l {
	case 126:
		s.left = uint64(binary.BigEndian.Uint16(h[2:4]))
		i = 4
	case 127:
		s.left = binary.BigEndian.Uint64(h[2:10])
		i = 10
	default:
		s.left = uint64(l)
	}
	if s.masked {
		copy(s.mask[:], h[i:i+4])
	}
	s.nhdr, s.seen, s.head, s.reported = 0, 0, s.head[:0], false
}

func (s *frameScanner) takePayload(p []byte) {
	if !s.reported {
		for i, b := range p[:min(len(p), headSize-len(s.head))] {
			if s.masked {
				b ^= s.mask[(s.seen+uint64(i))%4]
			}
			s.head = append(s.head, b)
		}
	}
	s.seen += uint64(len(p))
	s.left -= uint64(len(p))
	if !s.reported && (len(s.head) == headSize || s.left == 0) {
		s.report()
	}
}

func (s *frameScanner) report() {
	s.reported = true
	if s.onFrame != nil {
		s.onFrame(s.op, s.head)
	}
}

// peekFrame reads the frame that p starts with, when p holds its whole
// header and enough of its payload: the opcode, up to want bytes of
// payload, unmasked, and the frame's whole length. It does not move the
// scanner.
func peekFrame(p []byte, want int) (op byte, head []byte, size uint64, ok bool) {
	n, ok := headerLen(p)
	if !ok || len(p) < n {
		return 0, nil, 0, false
	}
	var s frameScanner
	copy(s.hdr[:], p[:n])
	s.begin(n)
	want = int(min(uint64(want), s.left))
	if len(p)-n < want {
		return 0, nil, 0, false
	}
	head = make([]byte, want)
	for i := range want {
		head[i] = p[n+i]
		if s.masked {
			head[i] ^= s.mask[i%4]
		}
	}
	return s.op, head, uint64(n) + s.left, true
}

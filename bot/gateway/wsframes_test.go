package gateway

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
)

// frame encodes one WebSocket frame as RFC 6455 has it; a non-nil mask
// masks the payload, as a client does.
func frame(op byte, payload []byte, mask []byte) []byte {
	b := []byte{0x80 | op}
	m := byte(0)
	if mask != nil {
		m = 0x80
	}
	switch n := len(payload); {
	case n < 126:
		b = append(b, m|byte(n))
	case n < 1<<16:
		b = append(b, m|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, m|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	if mask == nil {
		return append(b, payload...)
	}
	b = append(b, mask...)
	for i, c := range payload {
		b = append(b, c^mask[i%4])
	}
	return b
}

func closePayload(code uint16, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, code), reason...)
}

type seenFrame struct {
	op   byte
	head string
}

// TestFrameScanner feeds a stream of frames through the scanner in pieces
// of every size, and expects every frame reported once, with its payload's
// start unmasked.
func TestFrameScanner(t *testing.T) {
	key := []byte{0x12, 0x34, 0x56, 0x78}
	long := bytes.Repeat([]byte("x"), 300)
	huge := bytes.Repeat([]byte("y"), 70000)
	tests := []struct {
		name    string
		upgrade string // the HTTP message that opens the connection
		stream  [][]byte
		want    []seenFrame
	}{
		{"server frames", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", [][]byte{
			frame(opText, []byte(`{"op":10}`), nil),
			frame(opText, long, nil),
			frame(0x9, nil, nil), // ping, empty
			frame(opClose, closePayload(4014, "Disallowed intent(s)."), nil),
		}, []seenFrame{
			{opText, `{"op":10}`}, {opText, string(long[:headSize])}, {0x9, ""},
			{opClose, string(closePayload(4014, "Disallowed intent(s)."))},
		}},
		{"client frames, masked", "GET /?v=10 HTTP/1.1\r\nHost: gateway\r\r\n\r\n", [][]byte{
			frame(opText, []byte(`{"op":2,"d":{"token":"x"}}`), key),
			frame(opText, huge, key),
			frame(opText, []byte(`{"op":1,"d":5}`), key),
		}, []seenFrame{
			{opText, `{"op":2,"d":{"token":"x"}}`}, {opText, string(huge[:headSize])}, {opText, `{"op":1,"d":5}`},
		}},
	}
	for _, tt := range tests {
		stream := bytes.Join(tt.stream, nil)
		for _, size := range []int{1, 2, 3, 7, 64, 1000, len(stream)} {
			t.Run(fmt.Sprintf("%s/%d bytes at a time", tt.name, size), func(t *testing.T) {
				var got []seenFrame
				s := frameScanner{onFrame: func(op byte, head []byte) { got = append(got, seenFrame{op, string(head)}) }}
				for p := append([]byte(tt.upgrade), stream...); len(p) > 0; {
					n := min(size, len(p))
					s.scan(p[:n])
					p = p[n:]
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("frames %q, want %q", got, tt.want)
				}
				if !s.atFrame() {
					t.Error("not at a frame's start at the end of the stream")
				}
			})
		}
	}
}
func TestPeekFrame(t *testing.T) {
	key := []byte{1, 2, 3, 4}
	identify := frame(opText, []byte(`{"op":2,"d":{}}`), key)
	tests := []struct {
		name string
		p    []byte
		want string
		size uint64
		ok   bool
	}{
		{"whole frame", identify, `{"op":2,`, uint64(len(identify)), true},
		{"short payload", frame(opText, []byte(`{}`), key), `{}`, 2 + 4 + 2, true},
		{"header cut", identify[:3], "", 0, false},
		{"payload cut", identify[:8], "", 0, false},
		{"start of a longer stream", append(identify, identify...), `{"op":2,`, uint64(len(identify)), true},
		{"server frame", frame(opText, []byte(`{"op":9,"d":false}`), nil), `{"op":9,`, 2 + 18, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, head, size, ok := peekFrame(tt.p, 8)
			if ok != tt.ok || string(head) != tt.want || (ok && op != opText) {
				t.Errorf("peekFrame = %d %q %v, want %q %v", op, head, ok, tt.want, tt.ok)
			}
			if ok && size != tt.size {
				t.Errorf("frame size %d, want %d", size, tt.size)
			}
		})
	}
}

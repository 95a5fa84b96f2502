package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// openTerminal opens a pseudo-terminal: what a person types goes into
// keyboard, and term is the terminal a program reads it from.
func openTerminal(t *testing.T) (keyboard, term *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	ioctl := func(req uintptr, arg unsafe.Pointer) {
		if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ptmx.Fd(), req, uintptr(arg)); e != 0 {
			t.Skipf("pseudo-terminal: %v", e)
		}
	}
	var unlock int32
	ioctl(syscall.TIOCSPTLCK, unsafe.Pointer(&unlock))
	var n uint32
	ioctl(syscall.TIOCGPTN, unsafe.Pointer(&n))
	pts, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		ptmx.Close()
		t.Skipf("pseudo-terminal: %v", err)
	}
	go io.Copy(io.Discard, ptmx) // the terminal's echo of what is typed
	t.Cleanup(func() { pts.Close(); ptmx.Close() })
	return ptmx, pts
}

// syncBuffer is a bytes.Buffer that a test may read while the program
// writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until cond holds, for at most 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("waited in vain for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestAskPrompt: ask at a terminal prompts for each question, answers each
// as soon as it is typed, in text or JSON, and stops at Ctrl-D. With JSON
// logs stderr is for machines: no prompt there.
func TestAskPrompt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		prompt bool
	}{
		{"text", []string{"ask"}, nil, true},
		{"json", []string{"ask", "-json"}, nil, true},
		{"json logs", []string{"ask"}, map[string]string{"LOG_FORMAT": "json"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			keyboard, term := openTerminal(t)
			var stdout, stderr syncBuffer
			done := make(chan error, 1)
			go func() {
				done <- tested.run(context.Background(), append([]string{"interviewbot"}, tt.args...), func(k string) string { return tt.env[k] }, term, &stdout, &stderr)
			}()
			prompts := func() int { return strings.Count(stderr.String(), "> ") }
			if tt.prompt {
				waitFor(t, "the first prompt", func() bool { return prompts() == 1 })
			}
			if _, err := keyboard.Write([]byte("Hyperion?\n")); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the answer", func() bool { return strings.Contains(stdout.String(), "Hyperion") })
			if tt.prompt {
				waitFor(t, "the second prompt", func() bool { return prompts() == 2 })
			}
			keyboard.Write([]byte{4}) // Ctrl-D
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("ask did not stop at Ctrl-D")
			}
			if !tt.prompt && stderr.String() != "" {
				t.Errorf("stderr: %q", stderr.String())
			}
		})
	}
	t.Run("pipe", func(t *testing.T) {
		t.Parallel()
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		go func() { w.Write([]byte("Hyperion?\n")); w.Close() }()
		var stdout, stderr bytes.Buffer
		if err := tested.run(context.Background(), []string{"interviewbot", "ask"}, func(string) string { return "" }, r, &stdout, &stderr); err != nil {
			t.Fatal(err)
		}
		if stderr.Len() != 0 || !strings.Contains(stdout.String(), "Hyperion") {
			t.Errorf("stdout %q, stderr %q", stdout.String(), stderr.String())
		}
	})
}

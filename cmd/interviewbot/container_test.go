package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/internal/discordtest"
)

// TestContainerGateway runs the built image in gateway mode against the fake
// Discord and proves it answers /ask from inside the container, serves its
// health endpoint, and stops cleanly on SIGTERM. .ci/container-test runs it
// with INTERVIEWBOT_IMAGE set to the image it built; without it, it skips.
func TestContainerGateway(t *testing.T) {
	image := os.Getenv("INTERVIEWBOT_IMAGE")
	if image == "" {
		t.Skip("INTERVIEWBOT_IMAGE is not set: .ci/container-test runs this against the image it builds")
	}
	engine := os.Getenv("CONTAINER_ENGINE")
	if engine == "" {
		engine = "podman"
	}
	discord := discordtest.NewServer(t, discordtest.Options{Token: serveToken, GuildIDs: []string{gatewayGuild}})
	addr := freeAddr(t)
	name := fmt.Sprintf("interviewbot-gateway-test-%d", time.Now().UnixNano())
	var logs bytes.Buffer
	cmd := exec.Command(engine, "run", "--rm", "--name", name, "--network", "host",
		"--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
		"-e", "DISCORD_TOKEN="+serveToken,
		"-e", "DISCORD_API_URL="+discord.APIURL(),
		"-e", "DISCORD_GUILD_ID="+gatewayGuild,
		"-e", "HTTP_ADDR="+addr,
		image, "run")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", engine, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		exec.Command(engine, "rm", "-f", name).Run()
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
		}
		if t.Failed() {
			t.Logf("container output:\n%s", logs.String())
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	req, cb := askOverGateway(ctx, t, discord, "Hyperion 的規模有多大?")
	if cb.Type != 4 || len(cb.Data.Embeds) != 1 || !strings.Contains(cb.Data.Embeds[0].Description, "Hyperion") {
		t.Fatalf("callback %s", req.JSON)
	}
	if code, body := serveGet(t, "http://"+addr+"/healthz"); code != 200 {
		t.Errorf("GET /healthz = %d %q", code, body)
	}
	if out, err := exec.Command(engine, "exec", name, "/interviewbot", "healthcheck").CombinedOutput(); err != nil {
		t.Errorf("healthcheck in the container: %v\n%s", err, out)
	}

	start := time.Now()
	if out, err := exec.Command(engine, "stop", "-t", "10", name).CombinedOutput(); err != nil {
		t.Fatalf("stop: %v\n%s", err, out)
	}
	select {
	case err := <-exited:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Errorf("the container exited with status %d after SIGTERM", exit.ExitCode())
		} else if err != nil {
			t.Error(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the container did not stop")
	}
	if took := time.Since(start); took >= 10*time.Second {
		t.Errorf("stopping took %v: SIGTERM was not handled, the engine killed it", took)
	}
	if st := discord.Stats(); st.Live != 0 {
		t.Errorf("still connected after stop: %+v", st)
	}
	if strings.Contains(logs.String(), serveToken) {
		t.Error("the container logged the token")
	}
}

// freeAddr returns a loopback address with a port nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

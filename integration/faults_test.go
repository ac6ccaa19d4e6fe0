package integration

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// The fault suite breaks the upstream (and the client) in the ways real
// networks do and checks that the client always gets a correct OpenAI
// answer, an OpenAI error or a successful fallback, in bounded time.

// faultBound is how long any faulty request may take: the attempt timeout
// is 200ms, so anything near this bound is a hang.
const faultBound = 5 * time.Second

const chatStreamM = `{"model":"m","stream":true,"messages":[{"role":"user","content":"ping"}]}`

// faultSite is one provider "up" at base with a 200ms attempt timeout and
// no retries; with backup, a healthy second provider serves model m too.
func faultSite(base, backup, extra string) string {
	site := fmt.Sprintf(`	ai_backends {
		provider up openai_compatible {
			base_url %s/v1
			models m
			max_retries 0
			timeout 200ms
		}
`, base)
	if backup != "" {
		site += fmt.Sprintf(`		provider backup openai_compatible {
			base_url %s/v1
			models m
		}
`, backup)
	}
	return site + extra + "\n\t}"
}

// rawUpstream speaks HTTP/1.1 by hand, so that a test can break the
// protocol where net/http would not: reset, cut a body short, stall.
type rawUpstream struct {
	URL  string
	done chan struct{} // closed when the test ends: releases stalled handlers
	hits atomic.Int32
}

// newRawUpstream serves each connection's first request with serve; the
// connection is closed when serve returns.
func newRawUpstream(t *testing.T, serve func(u *rawUpstream, c net.Conn)) *rawUpstream {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := &rawUpstream{URL: "http://" + ln.Addr().String(), done: make(chan struct{})}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				_, _ = io.Copy(io.Discard, req.Body)
				u.hits.Add(1)
				serve(u, c)
			}()
		}
	}()
	t.Cleanup(func() {
		close(u.done)
		ln.Close()
		wg.Wait()
	})
	return u
}

// waitPeer blocks until the gateway closes the connection or the test ends.
func (u *rawUpstream) waitPeer(c net.Conn) {
	go func() {
		<-u.done
		c.Close()
	}()
	_, _ = io.Copy(io.Discard, c)
}

const (
	sseHead     = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
	rawChunk    = `data: {"id":"chatcmpl-f","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"part"},"finish_reason":null}]}` + "\n\n"
	rawComplete = `{"id":"chatcmpl-f","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"slow but whole"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":3,"total_tokens":4}}`
)

func jsonHead(length int) string {
	return fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", length)
}

// The faults, as upstream behaviours.
var (
	resetNow = func(u *rawUpstream, c net.Conn) { c.(*net.TCPConn).SetLinger(0) }
	hang     = func(u *rawUpstream, c net.Conn) { u.waitPeer(c) }
	// emptyStream sends the headers of a stream and ends it at once.
	emptyStream = func(u *rawUpstream, c net.Conn) { io.WriteString(c, sseHead) }
	malformed   = func(u *rawUpstream, c net.Conn) {
		const body = `{"id":"chatcmpl-f","choices":[ oops`
		io.WriteString(c, jsonHead(len(body))+body)
	}
	// truncatedJSON promises more body than it sends, then closes.
	truncatedJSON = func(u *rawUpstream, c net.Conn) {
		io.WriteString(c, jsonHead(len(rawComplete))+rawComplete[:40])
	}
	// stallMidBody sends half a body and then nothing, past the timeout.
	stallMidBody = func(u *rawUpstream, c net.Conn) {
		io.WriteString(c, jsonHead(len(rawComplete))+rawComplete[:40])
		u.waitPeer(c)
	}
	// slowWholeBody trickles a complete body in, well within the timeout.
	slowWholeBody = func(u *rawUpstream, c net.Conn) {
		io.WriteString(c, jsonHead(len(rawComplete)))
		for i := 0; i < len(rawComplete); i += 50 {
			io.WriteString(c, rawComplete[i:min(i+50, len(rawComplete))])
			time.Sleep(10 * time.Millisecond) // the fault itself: a slow upstream
		}
	}
	resetMidStream = func(u *rawUpstream, c net.Conn) {
		io.WriteString(c, sseHead+rawChunk+rawChunk)
		c.(*net.TCPConn).SetLinger(0)
	}
	truncatedSSE = func(u *rawUpstream, c net.Conn) {
		io.WriteString(c, sseHead+rawChunk+rawChunk+`data: {"id":"chatcmpl-f","obj`)
	}
	malformedEvent = func(u *rawUpstream, c net.Conn) {
		io.WriteString(c, sseHead+rawChunk+"data: {not json}\n\n")
		u.waitPeer(c)
	}
	stallMidStream = func(u *rawUpstream, c net.Conn) {
		io.WriteString(c, sseHead+rawChunk+rawChunk)
		u.waitPeer(c)
	}
)

// timedPost posts body and fails the test when the answer takes longer
// than faultBound (a hang) or the connection fails.
func timedPost(t *testing.T, g *gateway, body string) (*http.Response, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), faultBound)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, g.url("/v1/chat/completions"), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := g.client.Do(req)
	if err != nil {
		t.Fatalf("no answer within %s: %v\nlog:\n%s", faultBound, err, g.logText())
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("answer cut short: %v (read so far: %s)", err, b)
	}
	return resp, b
}

// faultyBase is the base URL of a fault case's upstream: a raw upstream
// acting out serve, or else url, where "refused" stands for a closed port.
func faultyBase(t *testing.T, serve func(*rawUpstream, net.Conn), url string) string {
	switch {
	case serve != nil:
		return newRawUpstream(t, serve).URL
	case url == "refused":
		return closedAddress(t)
	}
	return url
}

// TestUpstreamFaultsBeforeCommitGiveOpenAIErrors: with one provider, every
// fault before the first byte reaches the client is an OpenAI error with
// the right status, streamed request or not.
func TestUpstreamFaultsBeforeCommitGiveOpenAIErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		serve  func(*rawUpstream, net.Conn)
		url    string // instead of serve
		stream bool
		status int
		code   string
	}{
		{name: "reset", serve: resetNow, status: 502, code: "network"},
		{name: "reset before stream", serve: resetNow, stream: true, status: 502, code: "network"},
		{name: "empty stream", serve: emptyStream, stream: true, status: 502, code: "network"},
		{name: "malformed JSON", serve: malformed, status: 502},
		{name: "truncated JSON", serve: truncatedJSON, status: 502},
		{name: "stall mid-body", serve: stallMidBody, status: 504, code: "upstream_timeout"},
		{name: "hang", serve: hang, status: 504, code: "upstream_timeout"},
		{name: "hang before stream", serve: hang, stream: true, status: 504, code: "upstream_timeout"},
		{name: "refused", url: "refused", status: 502, code: "network"},
		{name: "unresolvable host", url: "http://does-not-exist.invalid", status: 502, code: "network"},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := startGateway(t, faultSite(faultyBase(t, c.serve, c.url), "", ""))
			body := chatM
			if c.stream {
				body = chatStreamM
			}
			resp, got := timedPost(t, g, body)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, got)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("an error before the first byte must be JSON, got %q", ct)
			}
			_, _, code := openAIError(t, got)
			if c.code != "" && code != c.code {
				t.Fatalf("code %q, want %q: %s", code, c.code, got)
			}
		})
	}
}

// TestSlowButCompleteBodySucceeds: an upstream that trickles its answer
// within the timeout is not cut off.
func TestSlowButCompleteBodySucceeds(t *testing.T) {
	g := startGateway(t, faultSite(newRawUpstream(t, slowWholeBody).URL, "", ""))
	resp, body := timedPost(t, g, chatM)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "slow but whole") {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
}

// TestUpstreamFaultsFallBack: the same faults with a healthy second
// provider are invisible to the client.
func TestUpstreamFaultsFallBack(t *testing.T) {
	for _, c := range []struct {
		name  string
		serve func(*rawUpstream, net.Conn)
		url   string
	}{
		{name: "reset", serve: resetNow},
		{name: "empty stream", serve: emptyStream},
		{name: "malformed JSON", serve: malformed},
		{name: "truncated JSON", serve: truncatedJSON},
		{name: "stall mid-body", serve: stallMidBody},
		{name: "hang", serve: hang},
		{name: "refused", url: "refused"},
		{name: "unresolvable host", url: "http://does-not-exist.invalid"},
	} {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%v", c.name, stream), func(t *testing.T) {
				backup, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "saved by the backup"})
				g := startGateway(t, faultSite(faultyBase(t, c.serve, c.url), backup.URL, ""))
				body := chatM
				if stream {
					body = chatStreamM
				}
				resp, got := timedPost(t, g, body)
				if resp.StatusCode != 200 || resp.Header.Get("X-AI-Provider") != "backup" {
					t.Fatalf("status %d from %q: %s", resp.StatusCode, resp.Header.Get("X-AI-Provider"), got)
				}
				text := string(got)
				if stream {
					data := sseData(t, got)
					if len(data) == 0 || data[len(data)-1] != "[DONE]" {
						t.Fatalf("stream not finished: %s", got)
					}
					text = strings.Join(data, "")
				}
				if !strings.Contains(text, "saved") {
					t.Fatalf("not the backup's answer: %s", got)
				}
			})
		}
	}
}

// TestMidStreamFaultsEndWithErrorEvent: once chunks reached the client,
// a failure can neither be retried nor change the status; the stream ends
// with an OpenAI error event (which the SDKs raise) and never with [DONE].
func TestMidStreamFaultsEndWithErrorEvent(t *testing.T) {
	for _, c := range []struct {
		name  string
		serve func(*rawUpstream, net.Conn)
	}{
		{"reset", resetMidStream},
		{"truncated SSE", truncatedSSE},
		{"malformed event", malformedEvent},
		{"stall past the timeout", stallMidStream},
	} {
		t.Run(c.name, func(t *testing.T) {
			backup, brec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
			g := startGateway(t, faultSite(newRawUpstream(t, c.serve).URL, backup.URL, ""))
			resp, got := timedPost(t, g, chatStreamM)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
				t.Fatalf("status %d %q: %s", resp.StatusCode, resp.Header.Get("Content-Type"), got)
			}
			data := sseData(t, got)
			if len(data) < 2 || !strings.Contains(data[0], `"part"`) {
				t.Fatalf("the chunks sent before the fault are missing: %s", got)
			}
			for _, d := range data {
				if d == "[DONE]" {
					t.Fatalf("a failed stream must not end with [DONE]: %s", got)
				}
			}
			openAIError(t, []byte(data[len(data)-1]))
			if brec.Count() != 0 {
				t.Fatalf("the backup was called after the stream was committed")
			}
		})
	}
}

// holdingUpstream streams two chunks, then holds the stream open until the
// client goes away (gone is closed) or the test ends.
func holdingUpstream(t *testing.T) (url string, sent, gone <-chan struct{}) {
	sentc, gonec, release := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var sentOnce, goneOnce sync.Once
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, rawChunk+rawChunk)
		w.(http.Flusher).Flush()
		sentOnce.Do(func() { close(sentc) })
		select {
		case <-r.Context().Done():
			goneOnce.Do(func() { close(gonec) })
		case <-release:
		}
	}))
	t.Cleanup(up.Close)
	t.Cleanup(func() { close(release) }) // runs first
	return up.URL, sentc, gonec
}

func within(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(faultBound):
		t.Fatalf("%s (waited %s)", what, faultBound)
	}
}

// TestClientDisconnectMidStreamCancelsUpstream: a client that leaves
// mid-stream ends the upstream call at once and leaves no goroutine behind.
func TestClientDisconnectMidStreamCancelsUpstream(t *testing.T) {
	url, sent, gone := holdingUpstream(t)
	g := startGateway(t, strings.Replace(faultSite(url, "", ""), "timeout 200ms", "timeout 30s", 1))
	before := goleak.IgnoreCurrent() // Caddy's own long-lived goroutines
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, g.url("/v1/chat/completions"), strings.NewReader(chatStreamM))
	req.Header.Set("Content-Type", "application/json")
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := g.client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	within(t, sent, "the upstream did not start streaming")
	cancel()
	within(t, gone, "the upstream call was not canceled when the client left")
	within(t, done, "the client did not return")
	g.client.CloseIdleConnections()
	// certmagic refreshes a storage lock file in a goroutine of its own
	// that Caddy's certificate maintenance may start at any moment.
	goleak.VerifyNone(t, before, goleak.IgnoreAnyFunction("github.com/caddyserver/certmagic.keepLockfileFresh"))
}

// TestStreamChunksReachClientBeforeStreamEnds: each chunk is flushed to
// the client as it comes, not when the stream ends.
func TestStreamChunksReachClientBeforeStreamEnds(t *testing.T) {
	url, _, _ := holdingUpstream(t)
	g := startGateway(t, strings.Replace(faultSite(url, "", ""), "timeout 200ms", "timeout 30s", 1))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, g.url("/v1/chat/completions"), strings.NewReader(chatStreamM))
	req.Header.Set("Content-Type", "application/json")
	first := make(chan struct{})
	go func() {
		resp, err := g.client.Do(req)
		if err != nil {
			return
		}
		defer resp.Body.Close()
		line, _ := bufio.NewReader(resp.Body).ReadString('\n')
		if strings.HasPrefix(line, "data: ") {
			close(first)
		}
	}()
	within(t, first, "the first chunk did not reach the client while the upstream stream was open (the stream is buffered)")
}

// TestSlowClientDoesNotHoldUpstream: a client that stops reading cannot
// keep the upstream call open: once the gateway's writes block, the
// attempt's idle timeout (200ms) ends the upstream call.
func TestSlowClientDoesNotHoldUpstream(t *testing.T) {
	gone := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/event-stream")
		event := "data: " + strings.Replace(rawChunk[len("data: "):len(rawChunk)-2], `"part"`, `"`+strings.Repeat("x", 64<<10)+`"`, 1) + "\n\n"
		for sent := 0; sent < 512<<20; sent += len(event) { // bounded: 512 MB
			if _, err := io.WriteString(w, event); err != nil {
				break
			}
			w.(http.Flusher).Flush()
		}
		<-r.Context().Done()
		close(gone)
	}))
	defer up.Close()
	g := startGateway(t, faultSite(up.URL, "", ""))
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", g.port))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		len(chatStreamM), chatStreamM)
	// The client reads nothing, ever.
	within(t, gone, "the upstream call stayed open behind a client that stopped reading")
}

// TestBadBodiesRefusedBeforeUpstream: oversized and malformed requests get
// an OpenAI error and never reach a provider.
func TestBadBodiesRefusedBeforeUpstream(t *testing.T) {
	up, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	g := startGateway(t, faultSite(up.URL, "", "\t\tmax_body_size 1KB"))
	big := `{"model":"m","messages":[{"role":"user","content":"` + strings.Repeat("x", 4096) + `"}]}`
	for _, c := range []struct {
		name, body, contentType string
		chunked                 bool
		status                  int
	}{
		{"oversized", big, "application/json", false, 413},
		{"oversized, chunked", big, "application/json", true, 413},
		{"malformed JSON", `{"model":"m","messages":[`, "application/json", false, 400},
		{"not an object", `["m"]`, "application/json", false, 400},
		{"wrong field type", `{"model":7,"messages":[{"role":"user","content":"x"}]}`, "application/json", false, 400},
		{"empty", "", "application/json", false, 400},
		{"not JSON", chatM, "text/plain", false, 415},
	} {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader = strings.NewReader(c.body)
			if c.chunked {
				body = io.MultiReader(body) // unknown length: sent chunked
			}
			req, _ := http.NewRequest(http.MethodPost, g.url("/v1/chat/completions"), body)
			req.Header.Set("Content-Type", c.contentType)
			resp, got := g.do(req)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, got)
			}
			openAIError(t, got)
		})
	}
	if n := rec.Count(); n != 0 {
		t.Fatalf("%d bad requests reached the upstream", n)
	}
}

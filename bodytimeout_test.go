package aibackends

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
)

// slowBodyServer serves th over real loopback HTTP/1.1 with a short body
// read timeout.
func slowBodyServer(t *testing.T, timeout time.Duration) *httptest.Server {
	t.Helper()
	th := newTenantHandler(t, `{"providers":[{"type":"sim","name":"sim","models":["sim-fast"],"max_output":5}]}`)
	th.BodyReadTimeout = caddy.Duration(timeout)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = th.ServeHTTP(w, r, nil)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// dribble sends the headers of a request with a body of n bytes, then one
// byte of the body every tick, until the body is sent, the connection
// fails or stop is closed. The server must cut it off on its own: the
// client keeps making progress, as a slow-loris client does.
func dribble(conn net.Conn, path string, n int, tick time.Duration, stop <-chan struct{}) {
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: gw\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", path, n)
	body := `{"model":"sim-fast","messages":[{"role":"user","content":"` + strings.Repeat("x", n) + `"}]}`
	tk := time.NewTicker(tick)
	defer tk.Stop()
	for i := 0; i < n; i++ {
		if _, err := conn.Write([]byte{body[i]}); err != nil {
			return
		}
		select {
		case <-stop:
			return
		case <-tk.C:
		}
	}
}

func TestSlowBodyAnswered408(t *testing.T) {
	const timeout = 200 * time.Millisecond
	srv := slowBodyServer(t, timeout)
	for _, tc := range []struct {
		path, errType string
		anthropic     bool
	}{
		{"/v1/chat/completions", "invalid_request_error", false},
		{"/v1/messages", "", true}, // Anthropic's type follows the status: any is fine
	} {
		t.Run(tc.path, func(t *testing.T) {
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done(); dribble(conn, tc.path, 1000, 20*time.Millisecond, stop) }()
			defer func() { close(stop); conn.Close(); wg.Wait() }()

			// A bound for the test only: without the timeout the server
			// would wait the whole 20 s the body takes to arrive.
			_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
			start := time.Now()
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Fatalf("no answer to a slow body: %v", err)
			}
			defer resp.Body.Close()
			elapsed := time.Since(start)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusRequestTimeout {
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if elapsed < timeout {
				t.Fatalf("answered after %v, before the %v timeout", elapsed, timeout)
			}
			var e struct {
				Type  string `json:"type"`
				Error struct {
					Type, Message string
					Code          *string
				} `json:"error"`
			}
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("%v: %s", err, body)
			}
			if (tc.errType != "" && e.Error.Type != tc.errType) || e.Error.Type == "" || !strings.Contains(e.Error.Message, "body_read_timeout") {
				t.Fatalf("error body %s", body)
			}
			if tc.anthropic != (e.Type == "error") || tc.anthropic == (e.Error.Code != nil) {
				t.Fatalf("not in the client's dialect: %s", body)
			}
		})
	}
}

func TestBodyWithinTimeoutServedOnKeptAliveConnection(t *testing.T) {
	srv := slowBodyServer(t, 200*time.Millisecond)
	client := srv.Client()
	for i := 0; i < 2; i++ { // the second request reuses the connection the deadline was set on
		resp, err := client.Post(srv.URL+"/v1/chat/completions", "application/json", strings.NewReader(chatBody("sim-fast")))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, body)
		}
	}
}

// stalledBody blocks every Read until it is closed, like a client that
// stops sending; it stands for a connection whose writer offers no read
// deadline.
type stalledBody struct {
	once   sync.Once
	closed chan struct{}
}

func (b *stalledBody) Read([]byte) (int, error) {
	<-b.closed
	return 0, io.ErrUnexpectedEOF
}

func (b *stalledBody) Close() error {
	b.once.Do(func() { close(b.closed) })
	return nil
}

func TestSlowBodyWithoutReadDeadlineSupport(t *testing.T) {
	th := newTenantHandler(t, `{"providers":[{"type":"sim","name":"sim","models":["sim-fast"],"max_output":5}]}`)
	th.BodyReadTimeout = caddy.Duration(100 * time.Millisecond)
	body := &stalledBody{closed: make(chan struct{})}
	defer body.Close()
	r := httptest.NewRequest(http.MethodPost, "/v1/chat/completions", nil)
	r.Body = body
	r.ContentLength = 100
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder() // offers no SetReadDeadline
	if err := th.ServeHTTP(w, r, nil); err != nil {
		t.Fatal(err)
	}
	if w.Code != http.StatusRequestTimeout || !strings.Contains(w.Body.String(), "request_timeout") {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
}

// The deadline covers the body only: an answer that takes longer than
// body_read_timeout to produce must not be cut off by it (on HTTP/1 a
// deadline left on the connection would cancel the request's context).
func TestBodyReadTimeoutDoesNotLimitTheAnswer(t *testing.T) {
	th := newTenantHandler(t, `{"providers":[{"type":"sim","name":"sim","models":["slow"],"max_output":5,"latency":"300ms"}]}`)
	th.BodyReadTimeout = caddy.Duration(50 * time.Millisecond)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _ = th.ServeHTTP(w, r, nil) }))
	defer srv.Close()
	for _, stream := range []string{"false", "true"} {
		body := `{"model":"slow","stream":` + stream + `,"messages":[{"role":"user","content":"hi"}]}`
		resp, err := srv.Client().Post(srv.URL+"/v1/chat/completions", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || (stream == "true" && !strings.Contains(string(out), "[DONE]")) {
			t.Fatalf("stream %s: %d %s", stream, resp.StatusCode, out)
		}
	}
}

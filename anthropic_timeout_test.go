package aibackends

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// silentAnthropic answers nothing until the test ends; with prelude it
// first starts an event stream and sends one event, then goes silent.
func silentAnthropic(t *testing.T, prelude bool) string {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if prelude {
			w.Header().Set("Content-Type", "text/event-stream")
			_, _ = io.WriteString(w, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"c\",\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":0}}}\n\n")
			w.(http.Flusher).Flush()
		}
		select {
		case <-done:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv.URL
}

// The Anthropic provider has no timer of its own: the handler's attempt
// timeout bounds the wait for headers and the silence between events, as
// for every provider.
func TestAnthropicAttemptTimeout(t *testing.T) {
	config := func(base string) string {
		return fmt.Sprintf(`{%s,"providers":[{"type":"anthropic","name":"ant","base_url":%q,
			"api_keys":[{"value":"k"}],"models":["claude"],"max_retries":0,"timeout":50000000}]}`, pipeFast, base)
	}
	h := pipeHandler(t, config(silentAnthropic(t, false)))
	w := pipeDo(t, h, "POST", "/v1/chat/completions", pipeChat("claude", false))
	if w.Code != http.StatusGatewayTimeout || !strings.Contains(w.Body.String(), "upstream_timeout") {
		t.Errorf("silent upstream: %d %s", w.Code, w.Body)
	}
	w = pipeDo(t, h, "POST", "/v1/messages", messagesBody("claude", false, ""))
	if w.Code != http.StatusGatewayTimeout || !strings.Contains(w.Body.String(), `"type":"error"`) {
		t.Errorf("silent upstream, /v1/messages: %d %s", w.Code, w.Body)
	}

	h = pipeHandler(t, config(silentAnthropic(t, true)))
	w = pipeDo(t, h, "POST", "/v1/messages", messagesBody("claude", true, ""))
	body := w.Body.String()
	if !strings.Contains(body, "event: message_start") || !strings.Contains(body, "event: error") ||
		strings.Contains(body, "message_stop") {
		t.Errorf("stream gone silent: want message_start then an error event, got %d %s", w.Code, body)
	}
}

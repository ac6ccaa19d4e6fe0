package aibackends

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchMessages is a small, typical /v1/messages request, streamed.
const benchMessages = `{"model":"claude","max_tokens":256,"stream":true,"system":"Be brief.",` +
	`"messages":[{"role":"user","content":"Say something about reverse proxies."}]}`

// BenchmarkMessagesToAnthropicStream: a /v1/messages client streaming from
// an Anthropic deployment (20 text chunks), the same-format path whose
// events are relayed rather than re-encoded.
func BenchmarkMessagesToAnthropicStream(b *testing.B) {
	h := benchHandler(b, true)
	body := []byte(benchMessages)
	serve := func() {
		r := httptest.NewRequest(http.MethodPost, "/v1/messages", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		if err := h.ServeHTTP(w, r, nil); err != nil {
			b.Fatal(err)
		}
		if w.Code != http.StatusOK || !bytes.Contains(w.Body.Bytes(), []byte("event: message_stop")) {
			b.Fatalf("status %d: %s", w.Code, w.Body.Bytes())
		}
	}
	serve() // connections warm, pools filled
	b.ReportAllocs()
	for b.Loop() {
		serve()
	}
}

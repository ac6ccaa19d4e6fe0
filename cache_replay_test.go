package aibackends

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// TestCacheHitAuditedAndNotesDroppedFields: an answer served from the
// cache is written to the audit log's answer field and repeats the
// X-AI-Dropped-Fields note of the answer it replays, streamed or not.
func TestCacheHitAuditedAndNotesDroppedFields(t *testing.T) {
	o, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "cached words"})
	h := pipeHandler(t, fmt.Sprintf(`{%s,"audit_prompts":true,"cache":{"all_requests":true},"providers":[
		{"type":"openai_compatible","name":"oai","base_url":%q,"models":["gpt"],"max_retries":0}],
		"client_keys":[{"key":"gk-1"}]}`, pipeFast, o.URL+"/v1"))
	core, logs := observer.New(zapcore.InfoLevel)
	h.auditLog = zap.New(core)
	body := `{"contents":[{"role":"user","parts":[{"text":"hello"}]}],
		"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}]}`
	// A non-streamed answer in the cache also serves the streamed request.
	for i, step := range []struct{ path, cache string }{
		{":generateContent", "MISS"}, {":generateContent", "HIT"}, {":streamGenerateContent?alt=sse", "HIT"},
	} {
		w := pipeDo(t, h, http.MethodPost, "/v1beta/models/gpt"+step.path, body, "x-goog-api-key", "gk-1")
		if w.Code != 200 || w.Header().Get("X-AI-Cache") != step.cache || w.Header().Get(droppedFieldsHeader) != "safetySettings" {
			t.Fatalf("request %d: %d cache %q dropped %q: %s", i, w.Code,
				w.Header().Get("X-AI-Cache"), w.Header().Get(droppedFieldsHeader), w.Body)
		}
	}
	if rec.Count() != 1 {
		t.Fatalf("upstream saw %d requests, want 1", rec.Count())
	}
	entries := logs.FilterMessage("content").All()
	if len(entries) != 3 {
		t.Fatalf("%d audit content entries, want 3: %+v", len(entries), entries)
	}
	for i, e := range entries {
		if e.ContextMap()["answer"] != "cached words" {
			t.Errorf("entry %d answer %q", i, e.ContextMap()["answer"])
		}
	}
}

// TestCacheHitRedacted: with redact_responses on, an answer the upstream
// gave with a secret in it is redacted on the first answer and on every
// replay from the cache, streamed or not.
func TestCacheHitRedacted(t *testing.T) {
	o, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "The key is AKIAIOSFODNN7EXAMPLE here."})
	h := pipeHandler(t, fmt.Sprintf(`{%s,"security":{"redact_responses":true},"cache":{"all_requests":true},"providers":[
		{"type":"openai_compatible","name":"oai","base_url":%q,"models":["gpt"],"max_retries":0}]}`, pipeFast, o.URL+"/v1"))
	for i, step := range []struct {
		stream bool
		cache  string
	}{{false, "MISS"}, {false, "HIT"}, {true, "HIT"}} {
		body := `{"model":"gpt","messages":[{"role":"user","content":"hi"}]}`
		if step.stream {
			body = `{"model":"gpt","stream":true,"messages":[{"role":"user","content":"hi"}]}`
		}
		w := pipeDo(t, h, http.MethodPost, "/v1/chat/completions", body)
		if w.Code != 200 || w.Header().Get("X-AI-Cache") != step.cache ||
			strings.Contains(w.Body.String(), "AKIA") || !strings.Contains(w.Body.String(), "[REDACTED:secret]") {
			t.Fatalf("request %d: %d cache %q: %s", i, w.Code, w.Header().Get("X-AI-Cache"), w.Body)
		}
	}
	if rec.Count() != 1 {
		t.Fatalf("upstream saw %d requests, want 1", rec.Count())
	}
}

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

// TestResponsesPassThroughDeferredOutput: a relayed Response object's
// output is decoded only when something reads it, and then it is there:
// the cache stores the answer's text (a hit replays it), and the audit
// log keeps the answer when audit_prompts is on.
func TestResponsesPassThroughDeferredOutput(t *testing.T) {
	body := `{"model":"gpt-4o","input":"hello","store":false}`
	t.Run("cache", func(t *testing.T) {
		h, rec, _ := lazyResponsesHandler(t, `"cache":{"all_requests":true},`)
		for i, want := range []string{"MISS", "HIT"} {
			w := pipeDo(t, h, http.MethodPost, "/v1/responses", body)
			if w.Code != 200 || w.Header().Get("X-AI-Cache") != want || !strings.Contains(w.Body.String(), "relayed words") {
				t.Fatalf("request %d: %d cache %q: %s", i, w.Code, w.Header().Get("X-AI-Cache"), w.Body)
			}
		}
		if rec.Count() != 1 || !strings.HasSuffix(rec.Last().Path, "/responses") {
			t.Fatalf("upstream saw %d requests", rec.Count())
		}
	})
	t.Run("audit", func(t *testing.T) {
		h, _, logs := lazyResponsesHandler(t, `"audit_prompts":true,`)
		w := pipeDo(t, h, http.MethodPost, "/v1/responses", body)
		if w.Code != 200 || !strings.Contains(w.Body.String(), "relayed words") {
			t.Fatalf("%d: %s", w.Code, w.Body)
		}
		entries := logs.FilterMessage("content").All()
		if len(entries) != 1 || entries[0].ContextMap()["answer"] != "relayed words" {
			t.Fatalf("audit content entries %+v", entries)
		}
	})
}

func lazyResponsesHandler(t *testing.T, extra string) (*Handler, *fakeupstream.Recorder, *observer.ObservedLogs) {
	so, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "relayed words"})
	h := pipeHandler(t, fmt.Sprintf(`{%s"providers":[
		{"type":"openai_compatible","name":"oai","base_url":%q,"models":["gpt-4o"],"responses_api":true}]}`, extra, so.URL+"/v1"))
	core, logs := observer.New(zapcore.InfoLevel)
	h.auditLog = zap.New(core)
	return h, rec, logs
}

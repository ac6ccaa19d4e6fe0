package aibackends

import (
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// TestGeminiSafetySettingsDropped: safetySettings reach a Gemini upstream;
// a translated path drops them and says so in X-AI-Dropped-Fields (plain
// and streamed answers) and in a debug log line; a request without them
// gets no such header.
func TestGeminiSafetySettingsDropped(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	core, logs := observer.New(zapcore.DebugLevel)
	g.h.logger = zap.New(core)
	safe := `{"contents":[{"role":"user","parts":[{"text":"hello"}]}],
		"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}]}`

	w := pipeDo(t, g.h, "POST", "/v1beta/models/gem:generateContent", safe, geminiAuth...)
	if w.Code != 200 || w.Header().Get(droppedFieldsHeader) != "" ||
		!strings.Contains(string(g.gemRec.Last().Body), "BLOCK_ONLY_HIGH") {
		t.Fatalf("gem: %d %v %s", w.Code, w.Header(), g.gemRec.Last().Body)
	}
	for _, m := range []string{"gpt", "claude", "sim"} {
		for _, method := range []string{":generateContent", ":streamGenerateContent?alt=sse", ":streamGenerateContent"} {
			w := pipeDo(t, g.h, "POST", "/v1beta/models/"+m+method, safe, geminiAuth...)
			if w.Code != 200 || w.Header().Get(droppedFieldsHeader) != "safetySettings" {
				t.Errorf("%s%s: %d %v %s", m, method, w.Code, w.Header(), w.Body)
			}
		}
		w := pipeDo(t, g.h, "POST", "/v1beta/models/"+m+":generateContent", geminiHello, geminiAuth...)
		if w.Code != 200 || w.Header().Get(droppedFieldsHeader) != "" {
			t.Errorf("%s without safetySettings: %v", m, w.Header())
		}
	}
	if strings.Contains(string(g.oaiRec.Last().Body), "BLOCK_ONLY_HIGH") {
		t.Errorf("safetySettings reached OpenAI: %s", g.oaiRec.Last().Body)
	}
	entries := logs.FilterMessageSnippet("request fields dropped").All()
	if len(entries) != 9 || entries[0].ContextMap()["fields"] != "safetySettings" || entries[0].ContextMap()["provider"] != "oai" {
		t.Errorf("%d log lines: %+v", len(entries), entries)
	}
}

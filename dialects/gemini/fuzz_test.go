package gemini

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fuzzcorpus"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// FuzzParseRequest: any body either fails with a client error naming
// what is wrong, or yields a request whose answer can be written.
func FuzzParseRequest(f *testing.F) {
	fuzzcorpus.Bodies{
		`{"contents":[{"parts":[{"text":"x"}]}]}`,
		`{"contents":[{"role":"model","parts":[{"functionCall":{"name":"f","args":{"a":[1]}}}]},{"parts":[{"functionResponse":{"name":"f","response":{}}}]}]}`,
		`{"contents":[{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA"}}]}],"tools":[{"functionDeclarations":[{"name":"f","parameters":{"type":"OBJECT","items":[{"type":"STRING"}]}}]},{"googleSearch":{}}]}`,
		`{"contents":[{"parts":[{"text":"x"}]}],"generationConfig":{"responseMimeType":"application/json","responseSchema":{"anyOf":[{"type":"STRING","nullable":true}]}}}`,
		`{"contents":[{"parts":[{"text":"x"}]}],"toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["f","g"]}}}`,
		`[]`, `null`, `{"contents":null}`,
	}.Fuzz(f, func(t *testing.T, body []byte) {
		req, e := ParseRequest(body, "m")
		if e != nil {
			if e.Kind != providers.KindInvalidRequest || e.Message == "" {
				t.Fatalf("error %+v", e)
			}
			return
		}
		if req.Model != "m" {
			t.Fatalf("request %+v", req)
		}
		for _, m := range req.Messages {
			if m.Role == "tool" && m.ToolCallID == "" {
				t.Fatalf("tool message without id: %+v", m)
			}
		}
		ChatWriter{}.Response(httptest.NewRecorder(), &providers.ChatResponse{}, req)
	})
}

// FuzzParseEmbed: any embedContent or batch body either fails with a
// client error or yields one text per request and aligned hints, and the
// client's body exactly when it names media parts.
func FuzzParseEmbed(f *testing.F) {
	for _, s := range []string{
		`{"content":{"parts":[{"text":"x"},{"text":"y"}]},"taskType":"CLUSTERING","outputDimensionality":4}`,
		`{"requests":[{"content":{"parts":[{"text":"x"}]},"title":"t"},{"content":{"parts":[{"text":""}]}}]}`,
		`{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA"}}]}}`, `[]`, `null`, `{}`,
	} {
		f.Add([]byte(s), strings.HasPrefix(s, `{"requests"`))
	}
	f.Fuzz(func(t *testing.T, body []byte, batch bool) {
		req, e := ParseEmbed(body, "m", batch)
		if e != nil {
			if e.Kind != providers.KindInvalidRequest || e.Message == "" {
				t.Fatalf("error %+v", e)
			}
			return
		}
		n := len(req.Input.Texts)
		if n == 0 || (!batch && n != 1) || (req.Hints != nil && len(req.Hints) != n) {
			t.Fatalf("request %+v", req)
		}
		if (len(req.Media) > 0) != req.Original.Is(providers.FormatGemini) {
			t.Fatalf("media %v without the body, or the reverse", req.Media)
		}
	})
}

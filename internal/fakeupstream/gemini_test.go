package fakeupstream

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestGeminiThoughtsOnlyWhenAsked: thought parts come only with
// thinkingConfig.includeThoughts, as Gemini sends them; the thoughts'
// token count is reported either way.
func TestGeminiThoughtsOnlyWhenAsked(t *testing.T) {
	srv, _ := NewGemini(GeminiOptions{Thought: "Pondering.", Usage: GeminiUsage{Thoughts: 40}})
	t.Cleanup(srv.Close)
	for _, method := range []string{"generateContent", "streamGenerateContent?alt=sse"} {
		for _, config := range []string{``, `,"generationConfig":{"thinkingConfig":{"includeThoughts":true}}`} {
			body := `{"contents":[{"role":"user","parts":[{"text":"hi"}]}]` + config + `}`
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1beta/models/gemini-2.5-flash:"+method, strings.NewReader(body))
			req.Header.Set("x-goog-api-key", "k")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			asked := config != ""
			if resp.StatusCode != 200 || strings.Contains(string(got), `"thought":true`) != asked ||
				strings.Contains(string(got), "Pondering.") != asked || !strings.Contains(string(got), `"thoughtsTokenCount":40`) {
				t.Errorf("%s, includeThoughts %t: %d %s", method, asked, resp.StatusCode, got)
			}
		}
	}
}

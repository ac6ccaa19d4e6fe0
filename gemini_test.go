package aibackends

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// geminiGateway serves "gem" (a Gemini fake), "gpt" (an OpenAI fake),
// "claude" (an Anthropic fake) and "sim", behind the client key gk-1.
type geminiGateway struct {
	h                      *Handler
	gemRec, oaiRec, antRec *fakeupstream.Recorder
}

func newGeminiGateway(t *testing.T, oai fakeupstream.OpenAIConfig) *geminiGateway {
	t.Helper()
	gem, gemRec := fakeupstream.NewGemini(fakeupstream.GeminiOptions{Usage: fakeupstream.GeminiUsage{Prompt: 7, Candidates: 3},
		Chunks: []string{"Hello ", "from Gemini."}})
	t.Cleanup(gem.Close)
	ant, antRec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{})
	t.Cleanup(ant.Close)
	o, oaiRec := fakeupstream.NewOpenAI(t, oai)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"google","name":"gem","base_url":%q,"api_keys":[{"value":"up-gem"}],"models":["gem"],"model_map":{"gem":"gemini-2.5-flash"},"max_retries":0},
		{"type":"openai_compatible","name":"oai","base_url":%q,"models":["gpt"],"max_retries":0},
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k"}],"models":["claude"],"max_retries":0},
		{"type":"sim","name":"sim","models":["sim"],"max_output":20}],
		"client_keys":[{"key":"gk-1"},{"key":"gk-sim","models":["sim"]}]}`,
		pipeFast, gem.URL+"/v1beta", o.URL+"/v1", ant.URL))
	return &geminiGateway{h: h, gemRec: gemRec, oaiRec: oaiRec, antRec: antRec}
}

// geminiAnswer is the part of a GenerateContentResponse the tests read.
type geminiAnswer struct {
	Candidates []struct {
		Content struct {
			Role  string `json:"role"`
			Parts []struct {
				Text         *string `json:"text"`
				FunctionCall *struct {
					ID   string          `json:"id"`
					Name string          `json:"name"`
					Args json.RawMessage `json:"args"`
				} `json:"functionCall"`
			} `json:"parts"`
		} `json:"content"`
		FinishReason string `json:"finishReason"`
	} `json:"candidates"`
	UsageMetadata *struct {
		PromptTokenCount     int `json:"promptTokenCount"`
		CandidatesTokenCount int `json:"candidatesTokenCount"`
		TotalTokenCount      int `json:"totalTokenCount"`
	} `json:"usageMetadata"`
	ModelVersion string `json:"modelVersion"`
	ResponseID   string `json:"responseId"`
}

func (a *geminiAnswer) text() string {
	var b strings.Builder
	for _, c := range a.Candidates {
		for _, p := range c.Content.Parts {
			if p.Text != nil {
				b.WriteString(*p.Text)
			}
		}
	}
	return b.String()
}

const geminiHello = `{"contents":[{"role":"user","parts":[{"text":"hello"}]}],"generationConfig":{"maxOutputTokens":50}}`

var geminiAuth = []string{"x-goog-api-key", "gk-1"}

// TestGeminiGenerate: generateContent against every provider type answers
// a GenerateContentResponse with text, STOP and usage, under /v1beta and
// /v1, with the model escaped or not.
func TestGeminiGenerate(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	for _, path := range []string{
		"/v1beta/models/gem:generateContent", "/v1beta/models/gpt:generateContent",
		"/v1/models/claude:generateContent", "/v1beta/models/sim:generateContent",
		"/v1beta/models/oai%2Fgpt:generateContent", "/v1beta/models/oai/gpt:generateContent",
	} {
		w := pipeDo(t, g.h, "POST", path, geminiHello, geminiAuth...)
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		var a geminiAnswer
		if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil {
			t.Fatalf("%s: %v %s", path, err, w.Body)
		}
		if len(a.Candidates) != 1 || a.Candidates[0].Content.Role != "model" || a.text() == "" ||
			a.Candidates[0].FinishReason != "STOP" {
			t.Errorf("%s: answer %s", path, w.Body)
		}
		if a.UsageMetadata == nil || a.UsageMetadata.TotalTokenCount == 0 || a.ModelVersion == "" {
			t.Errorf("%s: usage or modelVersion missing: %s", path, w.Body)
		}
	}
	if g.gemRec.Count() != 1 || g.oaiRec.Count() != 3 || g.antRec.Count() != 1 {
		t.Errorf("upstream requests: gemini %d, openai %d, anthropic %d", g.gemRec.Count(), g.oaiRec.Count(), g.antRec.Count())
	}
}

// readGeminiSSE parses an alt=sse stream's data events.
func readGeminiSSE(t *testing.T, body string) []geminiAnswer {
	t.Helper()
	var out []geminiAnswer
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			var a geminiAnswer
			if err := json.Unmarshal([]byte(data), &a); err != nil {
				t.Fatalf("event %q: %v", data, err)
			}
			out = append(out, a)
		}
	}
	return out
}

// TestGeminiStream: streamGenerateContent with alt=sse sends data events,
// without it one JSON array; both end with finishReason and usage, for
// every provider type.
func TestGeminiStream(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	for _, m := range []string{"gem", "gpt", "claude", "sim"} {
		w := pipeDo(t, g.h, "POST", "/v1beta/models/"+m+":streamGenerateContent?alt=sse", geminiHello, geminiAuth...)
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/event-stream") {
			t.Fatalf("%s sse: %d %v %s", m, w.Code, w.Header(), w.Body)
		}
		checkGeminiStream(t, m+" sse", readGeminiSSE(t, w.Body.String()))

		w = pipeDo(t, g.h, "POST", "/v1beta/models/"+m+":streamGenerateContent", geminiHello, geminiAuth...)
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			t.Fatalf("%s array: %d %v %s", m, w.Code, w.Header(), w.Body)
		}
		var arr []geminiAnswer
		if err := json.Unmarshal(w.Body.Bytes(), &arr); err != nil {
			t.Fatalf("%s array: %v\n%s", m, err, w.Body)
		}
		checkGeminiStream(t, m+" array", arr)
	}
}

func checkGeminiStream(t *testing.T, name string, events []geminiAnswer) {
	t.Helper()
	if len(events) < 2 {
		t.Fatalf("%s: %d events", name, len(events))
	}
	var text strings.Builder
	for i, e := range events {
		text.WriteString(e.text())
		last := i == len(events)-1
		// Gemini's own events, relayed, repeat the usage on every event.
		if (e.UsageMetadata != nil) != last && !strings.HasPrefix(name, "gem ") {
			t.Errorf("%s: event %d usage %v", name, i, e.UsageMetadata)
		}
		if last && (len(e.Candidates) == 0 || e.Candidates[0].FinishReason != "STOP") {
			t.Errorf("%s: last event %+v", name, e)
		}
	}
	if text.Len() == 0 {
		t.Errorf("%s: no text", name)
	}
}

// TestGeminiFunctionCallRoundTrip: a function call from an OpenAI upstream
// comes back as a functionCall part; the next turn, which carries the call
// and its functionResponse without ids, reaches the upstream as a tool call
// and a tool message with the same id.
func TestGeminiFunctionCallRoundTrip(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{ToolCalls: true})
	tools := `"tools":[{"functionDeclarations":[{"name":"weather","description":"Weather of a city",
		"parameters":{"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}}]}]`
	first := `{"contents":[{"role":"user","parts":[{"text":"Weather in Paris?"}]}],` + tools + `}`
	for _, path := range []string{"/v1beta/models/gpt:generateContent", "/v1beta/models/gpt:streamGenerateContent?alt=sse"} {
		w := pipeDo(t, g.h, "POST", path, first, geminiAuth...)
		if w.Code != 200 {
			t.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		var answers []geminiAnswer
		if strings.Contains(path, "alt=sse") {
			answers = readGeminiSSE(t, w.Body.String())
		} else {
			var a geminiAnswer
			_ = json.Unmarshal(w.Body.Bytes(), &a)
			answers = []geminiAnswer{a}
		}
		calls := 0
		for _, a := range answers {
			for _, c := range a.Candidates {
				for _, p := range c.Content.Parts {
					if fc := p.FunctionCall; fc != nil {
						calls++
						var args map[string]any
						if fc.Name != "weather" || json.Unmarshal(fc.Args, &args) != nil {
							t.Errorf("%s: call %+v", path, fc)
						}
					}
				}
			}
		}
		if calls != 1 {
			t.Fatalf("%s: %d function calls in %s", path, calls, w.Body)
		}
		var up struct {
			Tools []struct {
				Function struct {
					Parameters struct {
						Type string `json:"type"`
					} `json:"parameters"`
				} `json:"function"`
			} `json:"tools"`
		}
		_ = json.Unmarshal(g.oaiRec.Last().Body, &up)
		if len(up.Tools) != 1 || up.Tools[0].Function.Parameters.Type != "object" {
			t.Errorf("upstream tools: %s", g.oaiRec.Last().Body)
		}
	}
	second := `{"contents":[{"role":"user","parts":[{"text":"Weather in Paris?"}]},
		{"role":"model","parts":[{"functionCall":{"name":"weather","args":{"city":"Paris"}}}]},
		{"role":"user","parts":[{"functionResponse":{"name":"weather","response":{"temp":21}}}]}],` + tools + `}`
	if w := pipeDo(t, g.h, "POST", "/v1beta/models/gpt:generateContent", second, geminiAuth...); w.Code != 200 {
		t.Fatalf("second turn: %d %s", w.Code, w.Body)
	}
	var up struct {
		Messages []struct {
			Role       string `json:"role"`
			Content    any    `json:"content"`
			ToolCallID string `json:"tool_call_id"`
			ToolCalls  []struct {
				ID string `json:"id"`
			} `json:"tool_calls"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(g.oaiRec.Last().Body, &up); err != nil || len(up.Messages) != 3 {
		t.Fatalf("upstream body: %v %s", err, g.oaiRec.Last().Body)
	}
	a, tool := up.Messages[1], up.Messages[2]
	if a.Role != "assistant" || len(a.ToolCalls) != 1 || tool.Role != "tool" || tool.ToolCallID != a.ToolCalls[0].ID ||
		tool.Content != `{"temp":21}` {
		t.Errorf("upstream messages: %s", g.oaiRec.Last().Body)
	}
}

// TestGeminiKeyInQuery: the key may come as ?key=; it is checked like a
// header key and never reaches an upstream.
func TestGeminiKeyInQuery(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	w := pipeDo(t, g.h, "POST", "/v1beta/models/gem:streamGenerateContent?alt=sse&key=gk-1", geminiHello)
	if w.Code != 200 {
		t.Fatalf("query key: %d %s", w.Code, w.Body)
	}
	last := g.gemRec.Last()
	if strings.Contains(last.Path, "gk-1") || strings.Contains(fmt.Sprint(last.Header), "gk-1") ||
		!strings.Contains(last.Path, "alt=sse") {
		t.Errorf("upstream request %s %v", last.Path, last.Header)
	}
	// Whatever reads the request after the handler (a log line) finds no key.
	r := httptest.NewRequest("POST", "/v1beta/models/sim:generateContent?key=gk-1&alt=json", strings.NewReader(geminiHello))
	r.Header.Set("Content-Type", "application/json")
	rw := httptest.NewRecorder()
	if err := g.h.ServeHTTP(rw, r, nil); err != nil || rw.Code != 200 {
		t.Fatalf("%v %d %s", err, rw.Code, rw.Body)
	}
	if strings.Contains(r.URL.String(), "gk-1") || strings.Contains(r.RequestURI, "gk-1") || r.URL.Query().Get("alt") != "json" {
		t.Errorf("request after the handler: %s %s", r.URL, r.RequestURI)
	}
	w = pipeDo(t, g.h, "POST", "/v1beta/models/gem:generateContent?key=wrong", geminiHello)
	checkGeminiError(t, w, 401, "UNAUTHENTICATED")
	w = pipeDo(t, g.h, "POST", "/v1beta/models/gem:generateContent", geminiHello)
	checkGeminiError(t, w, 401, "UNAUTHENTICATED")
}

func checkGeminiError(t *testing.T, w interface {
	Result() *http.Response
}, code int, status string) {
	t.Helper()
	resp := w.Result()
	var body struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Status  string `json:"status"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("error body: %v", err)
	}
	if resp.StatusCode != code || body.Error.Code != code || body.Error.Status != status || body.Error.Message == "" {
		t.Errorf("got %d %+v, want %d %s", resp.StatusCode, body.Error, code, status)
	}
}

// TestGeminiErrors: mistakes and refusals answer in Google's error shape.
func TestGeminiErrors(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	checkGeminiError(t, pipeDo(t, g.h, "POST", "/v1beta/models/nope:generateContent", geminiHello, geminiAuth...), 404, "NOT_FOUND")
	checkGeminiError(t, pipeDo(t, g.h, "POST", "/v1beta/models/gpt:generateContent", `{"contents":[]}`, geminiAuth...), 400, "INVALID_ARGUMENT")
	checkGeminiError(t, pipeDo(t, g.h, "POST", "/v1beta/models/gpt:generateContent", `{"contents":`, geminiAuth...), 400, "INVALID_ARGUMENT")
	checkGeminiError(t, pipeDo(t, g.h, "POST", "/v1beta/models/gpt:generateContent", geminiHello, "x-goog-api-key", "gk-sim"), 403, "PERMISSION_DENIED")
	checkGeminiError(t, pipeDo(t, g.h, "GET", "/v1beta/models/gpt:generateContent", "", geminiAuth...), 405, "INVALID_ARGUMENT")
	search := `{"contents":[{"parts":[{"text":"news?"}]}],"tools":[{"googleSearch":{}}]}`
	w := pipeDo(t, g.h, "POST", "/v1beta/models/gpt:generateContent", search, geminiAuth...)
	checkGeminiError(t, w, 400, "INVALID_ARGUMENT")
	if !strings.Contains(w.Body.String(), "tools.0.googleSearch") {
		t.Errorf("refusal does not name the field: %s", w.Body)
	}
	if g.oaiRec.Count() != 0 {
		t.Errorf("%d requests reached the upstream", g.oaiRec.Count())
	}
}

// TestGeminiModels: GET /v1beta/models lists the key's models in Google's
// shape; /v1/models stays OpenAI's.
func TestGeminiModels(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	w := pipeDo(t, g.h, "GET", "/v1beta/models", "", "x-goog-api-key", "gk-sim")
	var list struct {
		Models []struct {
			Name, DisplayName          string
			SupportedGenerationMethods []string
		} `json:"models"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || w.Code != 200 || len(list.Models) != 1 ||
		list.Models[0].Name != "models/sim" || len(list.Models[0].SupportedGenerationMethods) == 0 {
		t.Fatalf("list: %d %s", w.Code, w.Body)
	}
	if w := pipeDo(t, g.h, "GET", "/v1beta/models/sim", "", "x-goog-api-key", "gk-sim"); w.Code != 200 ||
		!strings.Contains(w.Body.String(), `"name":"models/sim"`) {
		t.Errorf("get: %d %s", w.Code, w.Body)
	}
	checkGeminiError(t, pipeDo(t, g.h, "GET", "/v1beta/models/gpt", "", "x-goog-api-key", "gk-sim"), 404, "NOT_FOUND")
	if w := pipeDo(t, g.h, "GET", "/v1/models", "", geminiAuth...); !strings.Contains(w.Body.String(), `"object":"list"`) {
		t.Errorf("/v1/models: %s", w.Body)
	}
}

// TestGeminiRelay: to a Gemini upstream the client's body goes on as sent
// (a Google-hosted tool and a thought signature included) to the mapped
// model's URL, and Gemini's own answer comes back with the public name.
func TestGeminiRelay(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	body := `{"contents":[{"role":"user","parts":[{"text":"news?"}]},{"role":"model","parts":[{"text":"ok","thoughtSignature":"c2ln"}]},` +
		`{"role":"user","parts":[{"text":"more"}]}],"tools":[{"googleSearch":{}}],"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}]}`
	for _, path := range []string{"/v1beta/models/gem:generateContent", "/v1beta/models/gem:streamGenerateContent?alt=sse"} {
		w := pipeDo(t, g.h, "POST", path, body, geminiAuth...)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `"modelVersion":"gem"`) ||
			strings.Contains(w.Body.String(), "gemini-2.5-flash") {
			t.Fatalf("%s: %d %s", path, w.Code, w.Body)
		}
		// Gemini's own answer and events, with fields the gateway does
		// not model, reach the client.
		if !strings.Contains(w.Body.String(), `"promptTokensDetails"`) {
			t.Errorf("%s: not relayed: %s", path, w.Body)
		}
		up := g.gemRec.Last()
		if !strings.Contains(up.Path, "/models/gemini-2.5-flash:") {
			t.Errorf("upstream path %s", up.Path)
		}
		var sent, orig any
		_ = json.Unmarshal(up.Body, &sent)
		_ = json.Unmarshal([]byte(body), &orig)
		if fmt.Sprint(sent) != fmt.Sprint(orig) {
			t.Errorf("%s: upstream body changed:\n%s", path, up.Body)
		}
	}
}

// TestGeminiRelayRedacts: a secret a Gemini model echoes is redacted on
// the relayed paths too; the event holding it is rebuilt from the filtered
// text, the others relayed.
func TestGeminiRelayRedacts(t *testing.T) {
	gem, _ := fakeupstream.NewGemini(fakeupstream.GeminiOptions{Chunks: []string{"key AKIAIOSFODNN7EXAMPLE", " done"}})
	t.Cleanup(gem.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"security":{"redact_responses":true},"providers":[
		{"type":"google","name":"gem","base_url":%q,"api_keys":[{"value":"k"}],"models":["gem"],"max_retries":0}]}`,
		pipeFast, gem.URL+"/v1beta"))
	for _, path := range []string{"/v1beta/models/gem:streamGenerateContent?alt=sse", "/v1beta/models/gem:streamGenerateContent",
		"/v1beta/models/gem:generateContent"} {
		w := pipeDo(t, h, "POST", path, geminiHello)
		body := w.Body.String()
		if w.Code != 200 || strings.Contains(body, "AKIA") || !strings.Contains(body, "[REDACTED:secret]") || !strings.Contains(body, "done") {
			t.Errorf("%s: %d %s", path, w.Code, body)
		}
	}
}

// TestGeminiCountTokens: models/{model}:countTokens answers totalTokens for
// any provider, with the contents alone or a whole generateContentRequest.
func TestGeminiCountTokens(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	for _, c := range []struct{ model, body string }{
		{"sim", `{"contents":[{"parts":[{"text":"How many tokens is this sentence?"}]}]}`},
		{"gpt", `{"generateContentRequest":{"model":"models/gpt","contents":[{"parts":[{"text":"How many tokens is this sentence?"}]}],
			"systemInstruction":{"parts":[{"text":"Be brief."}]}}}`},
		{"gem", `{"contents":[{"parts":[{"text":"How many tokens is this sentence?"}]}]}`},
	} {
		w := pipeDo(t, g.h, "POST", "/v1beta/models/"+c.model+":countTokens", c.body, geminiAuth...)
		var out struct {
			TotalTokens int `json:"totalTokens"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil || w.Code != 200 || out.TotalTokens <= 0 {
			t.Errorf("%s: %d %s", c.model, w.Code, w.Body)
		}
	}
	checkGeminiError(t, pipeDo(t, g.h, "POST", "/v1beta/models/nope:countTokens", `{"contents":[{"parts":[{"text":"x"}]}]}`, geminiAuth...), 404, "NOT_FOUND")
}

package aibackends

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/dialects/anthropic"
	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/tokens"
)

// countFakes are one fake of each upstream with a counting API, and a
// handler serving model "claude" from the Anthropic fake, "gpt" from the
// OpenAI fake, "gemini" from the Gemini fake and "sim" from the simulator.
type countFakes struct {
	h                 *Handler
	ant, oai, gem     *fakeupstream.Recorder
	antSrv            *httptest.Server
	extraKeys, extras string
}

func newCountFakes(t *testing.T, ant fakeupstream.AnthropicOptions, top string) *countFakes {
	t.Helper()
	antSrv, antRec := fakeupstream.NewAnthropic(ant)
	t.Cleanup(antSrv.Close)
	oaiSrv, oaiRec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	t.Cleanup(oaiSrv.Close)
	gemSrv, gemRec := fakeupstream.NewGemini(fakeupstream.GeminiOptions{})
	t.Cleanup(gemSrv.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"ak"}],"models":["claude"],"max_retries":0},
		{"type":"openai","name":"oai","base_url":%q,"api_keys":[{"value":"ok"}],"models":["gpt"],"max_retries":0},
		{"type":"google","name":"gem","base_url":%q,"api_keys":[{"value":"gk"}],"models":["gemini"],"max_retries":0},
		{"type":"sim","name":"sim","models":["sim"]}]%s}`,
		pipeFast, antSrv.URL, oaiSrv.URL+"/v1", gemSrv.URL+"/v1beta", top))
	return &countFakes{h: h, ant: antRec, oai: oaiRec, gem: gemRec, antSrv: antSrv}
}

// A count_tokens body with a system prompt and a tool: the fakes count one
// token a word of every string in messages, system and tools.
func countBody(model string) string {
	return `{"model":"` + model + `","system":"Be brief.","messages":[{"role":"user","content":"hello there friend"}],
		"tools":[{"name":"get_weather","description":"Weather now","input_schema":{"type":"object"}}]}`
}

// An input_tokens body with instructions and a tool.
func inputTokensBody(model string) string {
	return `{"model":"` + model + `","instructions":"Be brief.","input":"hello there friend",
		"tools":[{"type":"function","name":"get_weather","description":"Weather now","parameters":{"type":"object"}}]}`
}

// countAnswer posts body to the counting endpoint path and decodes the
// answer. A status other than 200 ends the test; an X-AI-Token-Count
// other than how fails it.
func countAnswer(t *testing.T, h *Handler, path, body, how string) map[string]any {
	t.Helper()
	w := pipeDo(t, h, "POST", path, body)
	if w.Code != 200 {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	if got := w.Header().Get("X-AI-Token-Count"); got != how {
		t.Errorf("X-AI-Token-Count %q, want %q", got, how)
	}
	var v map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("answer is not JSON: %s", w.Body)
	}
	return v
}

// localCount is what the gateway counts locally for a count_tokens body.
func localCount(t *testing.T, body string) int {
	t.Helper()
	req, err := anthropic.ParseCountTokensRequest([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	n, err := tokens.Chat(tokens.O200k, req)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCountTokensEndpoint: POST /v1/messages/count_tokens is answered by
// the serving provider's counting API (exact) or locally (estimate), with
// system and tools counted.
func TestCountTokensEndpoint(t *testing.T) {
	f := newCountFakes(t, fakeupstream.AnthropicOptions{}, "")
	for _, c := range []struct {
		model string
		want  int
		how   string
		rec   *fakeupstream.Recorder
	}{
		// Anthropic gets the client's body: "user" 1 + "hello there friend" 3,
		// "Be brief." 2, the tool's name 1, description 2, "object" 1.
		{"claude", 10, "exact", f.ant},
		// OpenAI gets a Responses body: the system and user messages as
		// input items (role words included) and the function tool (its
		// "function" type word included).
		{"gpt", 12, "exact", f.oai},
		// Gemini gets generateContentRequest: contents ("user" and the
		// text), systemInstruction and the function declaration (an empty
		// object schema is left out of it).
		{"gemini", 9, "exact", f.gem},
		{"sim", localCount(t, countBody("sim")), "estimate", nil},
	} {
		t.Run(c.model, func(t *testing.T) {
			got := countAnswer(t, f.h, "/v1/messages/count_tokens", countBody(c.model), c.how)
			if len(got) != 1 {
				t.Errorf("answer has other members than input_tokens: %v", got)
			}
			n, _ := got["input_tokens"].(float64)
			if c.rec != nil {
				sent := c.rec.Last()
				if !strings.Contains(string(sent.Body), "Be brief.") || !strings.Contains(string(sent.Body), "get_weather") {
					t.Errorf("system or tools did not reach the upstream: %s", sent.Body)
				}
			}
			if int(n) != c.want {
				t.Errorf("input_tokens %v, want %d", n, c.want)
			}
		})
	}
}

// TestInputTokensEndpoint: POST /v1/responses/input_tokens answers in
// OpenAI's shape on every provider type.
func TestInputTokensEndpoint(t *testing.T) {
	f := newCountFakes(t, fakeupstream.AnthropicOptions{}, "")
	for _, c := range []struct {
		model string
		want  int
		how   string
	}{
		// OpenAI gets the client's Responses body: input 3, instructions 2,
		// the tool's type 1, name 1, description 2, "object" 1.
		{"gpt", 10, "exact"},
		{"claude", -1, "exact"},
		{"gemini", -1, "exact"},
		{"sim", -1, "estimate"},
	} {
		t.Run(c.model, func(t *testing.T) {
			got := countAnswer(t, f.h, "/v1/responses/input_tokens", inputTokensBody(c.model), c.how)
			n, _ := got["input_tokens"].(float64)
			if got["object"] != "response.input_tokens" || n <= 0 || (c.want >= 0 && int(n) != c.want) {
				t.Errorf("answer %v, want %d input tokens", got, c.want)
			}
		})
	}
	// The OpenAI fake saw the client's body, model and all.
	if sent := string(f.oai.Last().Body); !strings.Contains(sent, `"instructions":"Be brief."`) {
		t.Errorf("OpenAI upstream got %s", sent)
	}
}

// TestCountTokensErrors: failures reach the client in its dialect's
// envelope with a fitting status.
func TestCountTokensErrors(t *testing.T) {
	f := newCountFakes(t, fakeupstream.AnthropicOptions{Status: 529}, "")
	for _, c := range []struct {
		name, path, body string
		status           int
		want             string // a fragment of the error body
	}{
		{"unknown model, Anthropic", "/v1/messages/count_tokens", countBody("nope"), 404, `"type":"not_found_error"`},
		{"unknown model, OpenAI", "/v1/responses/input_tokens", inputTokensBody("nope"), 404, `"code":"model_not_found"`},
		{"no messages", "/v1/messages/count_tokens", `{"model":"claude"}`, 400, `messages: field required`},
		{"no model", "/v1/responses/input_tokens", `{"input":"x"}`, 400, `"param":"model"`},
		{"bad JSON", "/v1/messages/count_tokens", `{`, 400, `"type":"invalid_request_error"`},
		{"upstream overloaded", "/v1/messages/count_tokens", countBody("claude"), 503, `"type":"overloaded_error"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := pipeDo(t, f.h, "POST", c.path, c.body)
			if w.Code != c.status || !strings.Contains(w.Body.String(), c.want) {
				t.Fatalf("status %d %s; want %d with %s", w.Code, w.Body, c.status, c.want)
			}
			if w.Header().Get("X-AI-Token-Count") != "" {
				t.Error("a failed count says how it was counted")
			}
		})
	}
	if w := pipeDo(t, f.h, "GET", "/v1/messages/count_tokens", ""); w.Code != 405 {
		t.Errorf("GET: %d", w.Code)
	}
}

// TestCountTokensCosts: a count takes a request from the key's request rate
// and nothing else: it works with a token rate far below the prompt and
// leaves the budget untouched, and the allow-list still applies.
func TestCountTokensCosts(t *testing.T) {
	f := newCountFakes(t, fakeupstream.AnthropicOptions{}, `,"client_keys":[
		{"key":"sk-count","models":["sim","claude"],"tokens_per_minute":5,"requests_per_minute":3,"budget_usd":0.000001}]`)
	auth := []string{"x-api-key", "sk-count"}
	big := `{"model":"sim","messages":[{"role":"user","content":"` + strings.Repeat("many words here ", 50) + `"}]}`
	// A completion of the same prompt is far over the token rate.
	if w := pipeDo(t, f.h, "POST", "/v1/messages", `{"model":"sim","max_tokens":5,`+big[len(`{"model":"sim",`):], auth...); w.Code == 200 {
		t.Fatalf("the completion was admitted: %s", w.Body)
	}
	for i := 0; i < 3; i++ {
		w := pipeDo(t, f.h, "POST", "/v1/messages/count_tokens", big, auth...)
		if w.Code != 200 {
			t.Fatalf("count %d: %d %s", i, w.Code, w.Body)
		}
	}
	if spent := f.h.keyring.Lookup("sk-count").Spent(); spent != 0 {
		t.Errorf("counting spent %v of the budget", spent)
	}
	// The request rate (3 a minute, taken by the counts; the refused
	// completion took none) applies.
	if w := pipeDo(t, f.h, "POST", "/v1/messages/count_tokens", big, auth...); w.Code != 429 || !strings.Contains(w.Body.String(), `"type":"rate_limit_error"`) {
		t.Errorf("fourth count: %d %s", w.Code, w.Body)
	}
	// The allow-list applies.
	if w := pipeDo(t, f.h, "POST", "/v1/messages/count_tokens", countBody("gpt"), auth...); w.Code != 403 {
		t.Errorf("a model outside the key's list: %d %s", w.Code, w.Body)
	}
}

// TestCountTokensCache: the same count twice calls the upstream once; a
// different body is counted anew.
func TestCountTokensCache(t *testing.T) {
	f := newCountFakes(t, fakeupstream.AnthropicOptions{}, "")
	first := pipeDo(t, f.h, "POST", "/v1/messages/count_tokens", countBody("claude"))
	second := pipeDo(t, f.h, "POST", "/v1/messages/count_tokens", countBody("claude"))
	if first.Code != 200 || second.Body.String() != first.Body.String() || second.Header().Get("X-AI-Token-Count") != "exact" {
		t.Fatalf("first %d %s, second %d %s", first.Code, first.Body, second.Code, second.Body)
	}
	if n := f.ant.Count(); n != 1 {
		t.Fatalf("upstream called %d times for two identical counts", n)
	}
	other := strings.Replace(countBody("claude"), "friend", "friend again", 1)
	if w := pipeDo(t, f.h, "POST", "/v1/messages/count_tokens", other); w.Code != 200 || f.ant.Count() != 2 {
		t.Fatalf("a different body: %d %s, upstream called %d times", w.Code, w.Body, f.ant.Count())
	}
}

// TestCountTokensChatOnlyServer: an openai_compatible server without the
// Responses API has no counting endpoint, so the gateway counts locally
// and says so, without calling the server.
func TestCountTokensChatOnlyServer(t *testing.T) {
	srv, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	t.Cleanup(srv.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[{"type":"openai_compatible","name":"vllm","base_url":%q,"models":["llama"]}]}`,
		pipeFast, srv.URL+"/v1"))
	if n := countAnswer(t, h, "/v1/messages/count_tokens", countBody("llama"), "estimate")["input_tokens"]; n != float64(localCount(t, countBody("llama"))) {
		t.Errorf("input_tokens %v, want the local count %d", n, localCount(t, countBody("llama")))
	}
	if rec.Count() != 0 {
		t.Errorf("the chat-only server was called %d times", rec.Count())
	}
}

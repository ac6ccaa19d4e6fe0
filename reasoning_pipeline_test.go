package aibackends

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// reasoningChat is an OpenAI chat request with reasoning_effort.
func reasoningChat(model, effort string, stream bool) string {
	return fmt.Sprintf(`{"model":%q,"stream":%t,"max_tokens":500,"temperature":0.2,"reasoning_effort":%q,"messages":[{"role":"user","content":"Think, then answer."}]}`,
		model, stream, effort)
}

// TestReasoningEffortReachesUpstreams: an OpenAI chat client's
// reasoning_effort reaches Anthropic as a thinking budget and Gemini as a
// thinkingBudget, more for high than for low, with the output limits raised
// by the budget and Anthropic's thinking rules met (the fake enforces them).
func TestReasoningEffortReachesUpstreams(t *testing.T) {
	ant, antRec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Thinking: "Let me think."})
	t.Cleanup(ant.Close)
	gem, gemRec := fakeupstream.NewGemini(fakeupstream.GeminiOptions{Thought: "Pondering.", Usage: fakeupstream.GeminiUsage{Prompt: 10, Candidates: 5, Thoughts: 40}})
	t.Cleanup(gem.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k"}],"models":["claude-sonnet-4-5"],"max_retries":0,
		 "reasoning_budgets":{"low":1500}},
		{"type":"google","name":"gem","base_url":%q,"api_keys":[{"value":"k"}],"models":["gemini-2.5-flash"],"max_retries":0}]}`,
		pipeFast, ant.URL, gem.URL+"/v1beta"))

	type sentAnthropic struct {
		MaxTokens   int      `json:"max_tokens"`
		Temperature *float64 `json:"temperature"`
		Thinking    struct {
			Type         string `json:"type"`
			BudgetTokens int    `json:"budget_tokens"`
		} `json:"thinking"`
	}
	budgets := map[string]int{}
	for _, effort := range []string{"low", "high"} {
		for _, stream := range []bool{false, true} {
			w := pipeDo(t, h, "POST", "/v1/chat/completions", reasoningChat("claude-sonnet-4-5", effort, stream))
			if w.Code != http.StatusOK {
				t.Fatalf("anthropic %s stream=%t: %d %s", effort, stream, w.Code, w.Body)
			}
			var sent sentAnthropic
			if err := json.Unmarshal(antRec.Last().Body, &sent); err != nil {
				t.Fatal(err)
			}
			if sent.Thinking.Type != "enabled" || sent.MaxTokens != 500+sent.Thinking.BudgetTokens || sent.Temperature != nil {
				t.Fatalf("anthropic %s got %s", effort, antRec.Last().Body)
			}
			budgets["ant "+effort] = sent.Thinking.BudgetTokens
		}
	}
	if budgets["ant low"] != 1500 || budgets["ant high"] != 16384 {
		t.Errorf("anthropic budgets %v, want the configured low 1500 and the default high 16384", budgets)
	}

	type sentGemini struct {
		GenerationConfig struct {
			MaxOutputTokens int `json:"maxOutputTokens"`
			ThinkingConfig  struct {
				ThinkingBudget int `json:"thinkingBudget"`
			} `json:"thinkingConfig"`
		} `json:"generationConfig"`
	}
	for _, effort := range []string{"low", "high"} {
		w := pipeDo(t, h, "POST", "/v1/chat/completions", reasoningChat("gemini-2.5-flash", effort, false))
		if w.Code != http.StatusOK {
			t.Fatalf("gemini %s: %d %s", effort, w.Code, w.Body)
		}
		var sent sentGemini
		if err := json.Unmarshal(gemRec.Last().Body, &sent); err != nil {
			t.Fatal(err)
		}
		g := sent.GenerationConfig
		if g.MaxOutputTokens != 500+g.ThinkingConfig.ThinkingBudget {
			t.Fatalf("gemini %s got %s", effort, gemRec.Last().Body)
		}
		budgets["gem "+effort] = g.ThinkingConfig.ThinkingBudget
		var resp struct {
			Usage struct {
				CompletionTokens int `json:"completion_tokens"`
				Details          struct {
					ReasoningTokens int `json:"reasoning_tokens"`
				} `json:"completion_tokens_details"`
			} `json:"usage"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatal(err)
		}
		if resp.Usage.CompletionTokens != 45 || resp.Usage.Details.ReasoningTokens != 40 {
			t.Errorf("gemini usage %s: want 45 completion tokens of which 40 reasoning", w.Body)
		}
	}
	if !(budgets["gem low"] > 0 && budgets["gem low"] < budgets["gem high"]) {
		t.Errorf("gemini budgets %v, want low < high", budgets)
	}
}

// TestReasoningForcedToolChoiceRefused: thinking cannot be combined with a
// forced tool choice on Anthropic; the client gets a 400 naming
// tool_choice instead of the upstream's refusal.
func TestReasoningForcedToolChoiceRefused(t *testing.T) {
	ant, antRec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{})
	t.Cleanup(ant.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k"}],"models":["claude-sonnet-4-5"],"max_retries":0}]}`,
		pipeFast, ant.URL))
	body := `{"model":"claude-sonnet-4-5","reasoning_effort":"high","tool_choice":"required",
		"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],
		"messages":[{"role":"user","content":"hi"}]}`
	w := pipeDo(t, h, "POST", "/v1/chat/completions", body)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"param":"tool_choice"`) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	if antRec.Count() != 0 {
		t.Errorf("the upstream got %d requests, want none", antRec.Count())
	}
}

// TestMessagesThinkingToOpenAI: an Anthropic client's thinking budget
// reaches an OpenAI reasoning model as reasoning_effort, and is left out
// for a model the catalog knows does not reason (OpenAI would refuse it).
func TestMessagesThinkingToOpenAI(t *testing.T) {
	oai, oaiRec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"openai","name":"oai","base_url":%q,"api_keys":[{"value":"k"}],"models":["o3","gpt-4o"],"max_retries":0}]}`,
		pipeFast, oai.URL+"/v1"))
	thinking := `"max_tokens":16000,"thinking":{"type":"enabled","budget_tokens":12000},`
	for _, tc := range []struct{ model, want string }{{"o3", `"reasoning_effort":"medium"`}, {"gpt-4o", ""}} {
		w := pipeDo(t, h, "POST", "/v1/messages", messagesBody(tc.model, false, thinking))
		if w.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", tc.model, w.Code, w.Body)
		}
		sent := string(oaiRec.Last().Body)
		if tc.want != "" && !strings.Contains(sent, tc.want) || tc.want == "" && strings.Contains(sent, "reasoning_effort") {
			t.Errorf("%s: upstream got %s, want %q", tc.model, sent, tc.want)
		}
	}
}

// TestMessagesThinkingBudgetAboveMaxTokens: a /v1/messages request whose
// thinking.budget_tokens is not below max_tokens (Anthropic's rule) is a
// 400 naming both fields from the gateway, not a relay that must fail;
// over a key's max_tokens ceiling the 400 says thinking counts in it.
func TestMessagesThinkingBudgetAboveMaxTokens(t *testing.T) {
	ant, antRec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Thinking: "Hm."})
	t.Cleanup(ant.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k"}],"models":["claude-sonnet-4-5"],"max_retries":0}],
		"client_keys":[{"key":"key-capped-secret","max_tokens":3000}]}`,
		pipeFast, ant.URL))
	body := func(maxTokens, budget int) string {
		return fmt.Sprintf(`{"model":"claude-sonnet-4-5","max_tokens":%d,"thinking":{"type":"enabled","budget_tokens":%d},"messages":[{"role":"user","content":"hi"}]}`,
			maxTokens, budget)
	}
	auth := []string{"X-Api-Key", "key-capped-secret"}
	w := pipeDo(t, h, "POST", "/v1/messages", body(2048, 2048), auth...)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "thinking.budget_tokens (2048) must be less than max_tokens (2048)") ||
		!strings.Contains(w.Body.String(), `"type":"invalid_request_error"`) {
		t.Fatalf("budget = max_tokens: %d %s", w.Code, w.Body)
	}
	w = pipeDo(t, h, "POST", "/v1/messages", body(5000, 4000), auth...)
	if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "lower both") {
		t.Fatalf("over the key's ceiling: %d %s", w.Code, w.Body)
	}
	if antRec.Count() != 0 {
		t.Fatalf("the upstream got %d requests, want none", antRec.Count())
	}
	if w = pipeDo(t, h, "POST", "/v1/messages", body(3000, 2048), auth...); w.Code != http.StatusOK {
		t.Fatalf("within the rules: %d %s", w.Code, w.Body)
	}
}

// TestReasoningContentFromGemini: a client that sends X-Include-Reasoning
// gets Gemini's thought parts as reasoning_content (message and stream
// delta), and Gemini is asked for includeThoughts; a plain client gets
// neither the field nor the request for thoughts.
func TestReasoningContentFromGemini(t *testing.T) {
	gem, gemRec := fakeupstream.NewGemini(fakeupstream.GeminiOptions{Thought: "Pondering.", Usage: fakeupstream.GeminiUsage{Prompt: 10, Candidates: 5, Thoughts: 40}})
	t.Cleanup(gem.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"google","name":"gem","base_url":%q,"api_keys":[{"value":"k"}],"models":["gemini-2.5-flash"],"max_retries":0}]}`,
		pipeFast, gem.URL+"/v1beta"))
	for _, stream := range []bool{false, true} {
		w := pipeDo(t, h, "POST", "/v1/chat/completions", reasoningChat("gemini-2.5-flash", "low", stream), "X-Include-Reasoning", "true")
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"reasoning_content":"Pondering."`) {
			t.Fatalf("stream=%t: %d %s", stream, w.Code, w.Body)
		}
		if !strings.Contains(string(gemRec.Last().Body), `"includeThoughts":true`) {
			t.Errorf("stream=%t: Gemini got %s, want includeThoughts", stream, gemRec.Last().Body)
		}
		w = pipeDo(t, h, "POST", "/v1/chat/completions", reasoningChat("gemini-2.5-flash", "low", stream))
		if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "reasoning_content") || strings.Contains(w.Body.String(), "Pondering") {
			t.Fatalf("plain client, stream=%t: %d %s", stream, w.Code, w.Body)
		}
		if strings.Contains(string(gemRec.Last().Body), "includeThoughts") {
			t.Errorf("plain client: Gemini got %s", gemRec.Last().Body)
		}
	}
}

// TestReasoningRedactsSecrets: with redact_responses, a credential in the
// thinking is redacted from reasoning_content, and the signed thinking
// block holding it (which cannot be altered) is left out, streamed or not.
func TestReasoningRedactsSecrets(t *testing.T) {
	ant, _ := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Thinking: "The key is AKIAIOSFODNN7EXAMPLE here."})
	t.Cleanup(ant.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"security":{"redact_responses":true},"providers":[
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k"}],"models":["claude-sonnet-4-5"],"max_retries":0}]}`,
		pipeFast, ant.URL))
	for _, stream := range []bool{false, true} {
		w := pipeDo(t, h, "POST", "/v1/chat/completions", reasoningChat("claude-sonnet-4-5", "low", stream), "X-Include-Reasoning", "true")
		body := w.Body.String()
		if w.Code != http.StatusOK || strings.Contains(body, "AKIA") || !strings.Contains(body, "[REDACTED:secret]") ||
			strings.Contains(body, "thinking_blocks") {
			t.Fatalf("stream=%t: %d %s", stream, w.Code, body)
		}
	}
}

// TestTranslatedEffortWithinModel: an effort that comes from another API
// reaches an OpenAI reasoning model as a level it takes (the fake refuses
// others with OpenAI's 400): an Anthropic budget of 40000 (xhigh) is high
// on o3; a Gemini thinkingBudget of 0 (none) is o3's least, low, and
// gpt-5's, minimal.
func TestTranslatedEffortWithinModel(t *testing.T) {
	oai, oaiRec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"openai","name":"oai","base_url":%q,"api_keys":[{"value":"k"}],"models":["o3","gpt-5"],"max_retries":0}]}`,
		pipeFast, oai.URL+"/v1"))
	gemini := `{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"thinkingConfig":{"thinkingBudget":0}}}`
	for _, tc := range []struct{ path, body, want string }{
		{"/v1/messages", `{"model":"o3","max_tokens":48000,"thinking":{"type":"enabled","budget_tokens":40000},"messages":[{"role":"user","content":"hi"}]}`, "high"},
		{"/v1beta/models/o3:generateContent", gemini, "low"},
		{"/v1beta/models/gpt-5:generateContent", gemini, "minimal"},
	} {
		w := pipeDo(t, h, "POST", tc.path, tc.body, "x-goog-api-key", "k")
		var sent struct {
			Effort string `json:"reasoning_effort"`
		}
		_ = json.Unmarshal(oaiRec.Last().Body, &sent)
		if w.Code != http.StatusOK || sent.Effort != tc.want {
			t.Errorf("%s: %d %s; OpenAI got %s, want reasoning_effort %q", tc.path, w.Code, w.Body, oaiRec.Last().Body, tc.want)
		}
	}
}

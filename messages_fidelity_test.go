package aibackends

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// messagesHandler serves the public model "claude" from the Anthropic fake
// (model claude-up) and "gpt" from the OpenAI fake.
func messagesHandler(t *testing.T, opts fakeupstream.AnthropicOptions, security string) (*Handler, *fakeupstream.Recorder, *fakeupstream.Recorder) {
	t.Helper()
	ant, antRec := fakeupstream.NewAnthropic(opts)
	t.Cleanup(ant.Close)
	oai, oaiRec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	h := pipeHandler(t, fmt.Sprintf(`{%s%s,"providers":[
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k"}],"models":["claude"],"model_map":{"claude":"claude-up"},"max_retries":0},
		{"type":"openai_compatible","name":"oai","base_url":%q,"models":["gpt"],"max_retries":0}]}`,
		pipeFast, security, ant.URL, oai.URL+"/v1"))
	return h, antRec, oaiRec
}

// thinkingTurn is a tool-use answer with extended thinking.
var thinkingTurn = fakeupstream.AnthropicOptions{Thinking: "Let me look it up.", Text: "Checking.",
	ToolUses: []fakeupstream.AnthropicToolUse{{ID: "toolu_1", Name: "weather", Input: `{"city":"Paris"}`}}}

func messagesBody(model string, stream bool, extra string) string {
	return fmt.Sprintf(`{"model":%q,"max_tokens":2048,"stream":%t,%s"messages":[{"role":"user","content":"Weather in Paris?"}]}`,
		model, stream, extra)
}

// sseEvents splits an event stream into (name, data) pairs.
func sseEvents(t *testing.T, body string) (names []string, data []string) {
	t.Helper()
	for _, ev := range strings.Split(strings.TrimSpace(body), "\n\n") {
		var name, d string
		for _, line := range strings.Split(ev, "\n") {
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				name = v
			} else if v, ok := strings.CutPrefix(line, "data: "); ok {
				d = v
			}
		}
		names, data = append(names, name), append(data, d)
	}
	return names, data
}

// TestMessagesRelaysThinkingFromAnthropic: /v1/messages served by an
// Anthropic upstream returns the thinking block and its signature exactly
// (they were dropped by the re-encoding before), with the public model name.
func TestMessagesRelaysThinkingFromAnthropic(t *testing.T) {
	h, _, _ := messagesHandler(t, thinkingTurn, "")
	w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("claude", false, ""))
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var msg struct {
		Model   string `json:"model"`
		Content []struct {
			Type      string `json:"type"`
			Thinking  string `json:"thinking"`
			Signature string `json:"signature"`
			Text      string `json:"text"`
			ID        string `json:"id"`
		} `json:"content"`
		StopReason string `json:"stop_reason"`
		Usage      struct {
			InputTokens int `json:"input_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &msg); err != nil {
		t.Fatal(err)
	}
	c := msg.Content
	if msg.Model != "claude" || len(c) != 3 || c[0].Type != "thinking" || c[0].Thinking != "Let me look it up." ||
		c[0].Signature != "sig_fake" || c[1].Text != "Checking." || c[2].Type != "tool_use" || c[2].ID != "toolu_1" ||
		msg.StopReason != "tool_use" || msg.Usage.InputTokens != 12 {
		t.Fatalf("answer: %s", w.Body)
	}
}

// messageStart is what these tests read of a message_start event.
type messageStart struct {
	Message struct {
		Model string `json:"model"`
		Usage struct {
			InputTokens int `json:"input_tokens"`
		} `json:"usage"`
	} `json:"message"`
}

// TestMessagesStreamRelaysThinkingFromAnthropic: the stream is the
// upstream's events in order (thinking_delta, signature_delta and all), with
// the public model in message_start and the upstream's exact input count.
func TestMessagesStreamRelaysThinkingFromAnthropic(t *testing.T) {
	h, _, _ := messagesHandler(t, thinkingTurn, "")
	w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("claude", true, ""))
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	names, data := sseEvents(t, w.Body.String())
	got := strings.Join(names, " ")
	want := "message_start content_block_start ping content_block_delta content_block_delta content_block_stop " +
		"content_block_start content_block_delta content_block_delta content_block_delta content_block_stop " +
		"content_block_start"
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "content_block_stop message_delta message_stop") {
		t.Fatalf("events:\n%s\nbody:\n%s", got, w.Body)
	}
	var start messageStart
	if err := json.Unmarshal([]byte(data[0]), &start); err != nil || start.Message.Model != "claude" || start.Message.Usage.InputTokens != 12 {
		t.Fatalf("message_start: %s (%v)", data[0], err)
	}
	// The fake writes its events with sorted keys: the same bytes here.
	if data[3] != `{"delta":{"thinking":"Let me look it up.","type":"thinking_delta"},"index":0,"type":"content_block_delta"}` ||
		data[4] != `{"delta":{"signature":"sig_fake","type":"signature_delta"},"index":0,"type":"content_block_delta"}` {
		t.Fatalf("thinking events: %s | %s", data[3], data[4])
	}
	if !strings.Contains(w.Body.String(), `"partial_json":"{\"cit"`) {
		t.Fatalf("tool input not relayed: %s", w.Body)
	}
}

// TestMessagesStreamRelayRedacts: a secret the model echoes is still
// redacted on the relayed path; the text event is re-written, the others
// relayed.
func TestMessagesStreamRelayRedacts(t *testing.T) {
	opts := fakeupstream.AnthropicOptions{Thinking: "hm", Text: "key AKIAIOSFODNN7EXAMPLE", TextChunk: 100}
	h, _, _ := messagesHandler(t, opts, `,"security":{"redact_responses":true}`)
	w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("claude", true, ""))
	body := w.Body.String()
	if w.Code != http.StatusOK || strings.Contains(body, "AKIA") || !strings.Contains(body, `"index":1,"delta":{"type":"text_delta","text":"key [REDACTED:secret]"}`) ||
		!strings.Contains(body, "signature_delta") {
		t.Fatalf("%d %s", w.Code, body)
	}
	w = pipeDo(t, h, "POST", "/v1/messages", messagesBody("claude", false, ""))
	if body := w.Body.String(); w.Code != http.StatusOK || strings.Contains(body, "AKIA") || !strings.Contains(body, "[REDACTED:secret]") {
		t.Fatalf("%d %s", w.Code, body)
	}
}

// TestMessagesStreamTranslatedStartUsage: a translated upstream (OpenAI,
// usage only at the end) announces the gateway's estimate in message_start,
// not 0, and the exact count in the final message_delta.
func TestMessagesStreamTranslatedStartUsage(t *testing.T) {
	h, _, _ := messagesHandler(t, fakeupstream.AnthropicOptions{}, "")
	w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("gpt", true, ""))
	if w.Code != http.StatusOK {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	names, data := sseEvents(t, w.Body.String())
	var start messageStart
	if err := json.Unmarshal([]byte(data[0]), &start); err != nil || names[0] != "message_start" || start.Message.Usage.InputTokens <= 0 {
		t.Fatalf("message_start: %s", data[0])
	}
	var end struct {
		Usage struct {
			InputTokens, OutputTokens int
		} `json:"usage"`
	}
	last := data[len(data)-2]
	if err := json.Unmarshal([]byte(strings.ReplaceAll(strings.ReplaceAll(last, "input_tokens", "InputTokens"), "output_tokens", "OutputTokens")), &end); err != nil ||
		names[len(names)-2] != "message_delta" || end.Usage.InputTokens <= 0 || end.Usage.OutputTokens <= 0 {
		t.Fatalf("message_delta: %s", last)
	}
}

// TestMessagesUntranslatableFields: a field that changes the meaning and
// has no translation is refused with a 400 naming it when the model is
// served by another provider, and reaches an Anthropic upstream as is.
func TestMessagesUntranslatableFields(t *testing.T) {
	h, antRec, oaiRec := messagesHandler(t, fakeupstream.AnthropicOptions{}, "")
	for _, c := range []struct{ extra, param string }{
		{`"mcp_servers":[{"type":"url","url":"https://mcp.example","name":"x"}],`, "mcp_servers"},
		{`"message_threads":[{"id":"t1"}],`, "message_threads"},
		{`"tools":[{"type":"web_search_20250305","name":"web_search"}],`, "tools.0"},
	} {
		w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("gpt", false, c.extra))
		var e struct {
			Type  string `json:"type"`
			Error struct {
				Type    string `json:"type"`
				Message string `json:"message"`
			} `json:"error"`
		}
		_ = json.Unmarshal(w.Body.Bytes(), &e)
		if w.Code != http.StatusBadRequest || e.Error.Type != "invalid_request_error" || !strings.HasPrefix(e.Error.Message, c.param) {
			t.Errorf("%s to openai: %d %s", c.param, w.Code, w.Body)
		}
		if w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("claude", false, c.extra)); w.Code != http.StatusOK ||
			!strings.Contains(string(antRec.Last().Body), c.extra[:len(c.extra)-1]) {
			t.Errorf("%s to anthropic: %d %s", c.param, w.Code, antRec.Last().Body)
		}
	}
	if n := oaiRec.Count(); n != 0 {
		t.Fatalf("the OpenAI upstream got %d requests", n)
	}
	// A document block in the history: refused by path on the translated route.
	doc := `{"model":"gpt","max_tokens":10,"messages":[{"role":"user","content":[{"type":"text","text":"Sum up"},` +
		`{"type":"document","source":{"type":"text","media_type":"text/plain","data":"long text"}}]}]}`
	if w := pipeDo(t, h, "POST", "/v1/messages", doc); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "messages.0.content.1 (document)") {
		t.Fatalf("document: %d %s", w.Code, w.Body)
	}
	// Harmless fields (thinking, service_tier) do not stop a translation.
	if w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("gpt", false, `"service_tier":"auto","thinking":{"type":"enabled","budget_tokens":1024},`)); w.Code != http.StatusOK {
		t.Fatalf("harmless fields: %d %s", w.Code, w.Body)
	}
}

// TestMessagesStructuredOutput: output_config.format reaches an OpenAI
// upstream as response_format json_schema and an Anthropic one as sent.
func TestMessagesStructuredOutput(t *testing.T) {
	h, antRec, oaiRec := messagesHandler(t, fakeupstream.AnthropicOptions{}, "")
	cfg := `"output_config":{"format":{"type":"json_schema","schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}},`
	if w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("gpt", false, cfg)); w.Code != http.StatusOK {
		t.Fatalf("openai: %d %s", w.Code, w.Body)
	}
	var sent struct {
		ResponseFormat struct {
			Type       string `json:"type"`
			JSONSchema struct {
				Name   string          `json:"name"`
				Schema json.RawMessage `json:"schema"`
			} `json:"json_schema"`
		} `json:"response_format"`
	}
	if err := json.Unmarshal(oaiRec.Last().Body, &sent); err != nil || sent.ResponseFormat.Type != "json_schema" ||
		sent.ResponseFormat.JSONSchema.Name == "" || !strings.Contains(string(sent.ResponseFormat.JSONSchema.Schema), `"required":["city"]`) {
		t.Fatalf("openai got: %s", oaiRec.Last().Body)
	}
	if w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("claude", false, cfg)); w.Code != http.StatusOK ||
		!strings.Contains(string(antRec.Last().Body), cfg[:len(cfg)-1]) {
		t.Fatalf("anthropic got: %s", antRec.Last().Body)
	}
}

// TestMessagesUntranslatablePrefersAnthropic: a model served by an OpenAI
// and an Anthropic deployment sends a request with an untranslatable field
// only to the Anthropic one, whatever the routing order; a Gemini
// deployment gets structured output as a response schema.
func TestMessagesUntranslatablePrefersAnthropic(t *testing.T) {
	ant, antRec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{})
	t.Cleanup(ant.Close)
	oai, oaiRec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{})
	gem, gemRec := fakeupstream.NewGemini(fakeupstream.GeminiOptions{})
	t.Cleanup(gem.Close)
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":"openai_compatible","name":"oai","base_url":%q,"models":["m"],"max_retries":0},
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k"}],"models":["m"],"max_retries":0},
		{"type":"google","name":"gem","base_url":%q,"api_keys":[{"value":"k"}],"models":["gemini-2.5-flash"],"max_retries":0}]}`,
		pipeFast, oai.URL+"/v1", ant.URL, gem.URL+"/v1beta"))
	for range 3 {
		if w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("m", false, `"container":"c1",`)); w.Code != http.StatusOK {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	if antRec.Count() != 3 || oaiRec.Count() != 0 {
		t.Fatalf("anthropic got %d, openai %d", antRec.Count(), oaiRec.Count())
	}
	cfg := `"output_config":{"format":{"type":"json_schema","schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},`
	if w := pipeDo(t, h, "POST", "/v1/messages", messagesBody("gemini-2.5-flash", false, cfg)); w.Code != http.StatusOK {
		t.Fatalf("gemini: %d %s", w.Code, w.Body)
	}
	if sent := string(gemRec.Last().Body); !strings.Contains(sent, `"responseMimeType":"application/json"`) || !strings.Contains(sent, `"required":["city"]`) {
		t.Fatalf("gemini got: %s", sent)
	}
}

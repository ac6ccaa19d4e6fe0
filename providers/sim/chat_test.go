package sim

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func chat(t *testing.T, p *Provider, req *providers.ChatRequest) *providers.ChatResponse {
	t.Helper()
	resp, err := p.Chat(context.Background(), target, req)
	if err != nil {
		t.Fatalf("Chat: %v", err)
	}
	return resp
}

func TestChatShape(t *testing.T) {
	p, clock := newSim(t, nil)
	resp := chat(t, p, chatReq(userMsg("Hello there, simulator")))
	if !strings.HasPrefix(resp.ID, "chatcmpl-sim-") || len(resp.ID) != len("chatcmpl-sim-")+16 {
		t.Errorf("id %q", resp.ID)
	}
	if resp.Object != "chat.completion" || resp.Model != "sim-small" || resp.Created != fixedNow.Unix() {
		t.Errorf("envelope %+v", resp)
	}
	if len(resp.Choices) != 1 || resp.Choices[0].Index != 0 || resp.Choices[0].Message.Role != "assistant" {
		t.Fatalf("choices %+v", resp.Choices)
	}
	if resp.Raw != nil {
		t.Error("Raw must stay nil: the handler encodes")
	}
	if len(clock.slept()) != 0 {
		t.Errorf("latency 0 must not wait, waited %v", clock.slept())
	}
	text := resp.Choices[0].Message.Content.String()
	if !strings.HasPrefix(text, "You said \u201cHello there, simulator\u201d.") {
		t.Errorf("answer does not echo the prompt: %q", text)
	}
	if got := len(strings.Fields(text)); got != 64 || resp.Usage.CompletionTokens != 64 {
		t.Errorf("words = %d, completion_tokens = %d, want 64 (max_output)", got, resp.Usage.CompletionTokens)
	}
	if resp.Choices[0].FinishReason != "stop" || !strings.HasSuffix(text, ".") {
		t.Errorf("finish %q, text end %q", resp.Choices[0].FinishReason, text[len(text)-5:])
	}
	u := resp.Usage
	if u.PromptTokens != EstimateTokens(chatReq(userMsg("Hello there, simulator")).Messages) || u.PromptTokens != 6 ||
		u.TotalTokens != u.PromptTokens+u.CompletionTokens {
		t.Errorf("usage %+v", u)
	}
	// The wire form: content a string, finish_reason and logprobs present.
	b, _ := json.Marshal(resp)
	for _, want := range []string{`"object":"chat.completion"`, `"finish_reason":"stop"`, `"logprobs":null`,
		`"role":"assistant","content":"You said`, `"usage":{"prompt_tokens":6,"completion_tokens":64,"total_tokens":70}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
}

func TestChatDeterministic(t *testing.T) {
	p, _ := newSim(t, nil)
	other, _ := newSim(t, nil)
	req := chatReq(providers.Message{Role: "system", Content: providers.TextContent("be brief")}, userMsg("What is Caddy?"))
	a, b := chat(t, p, req), chat(t, other, req)
	if a.Choices[0].Message.Content.Text != b.Choices[0].Message.Content.Text {
		t.Error("the same request got different answers")
	}
	if a.ID == b.ID {
		t.Error("two responses share an id")
	}
	c := chat(t, p, chatReq(userMsg("What is Go?")))
	if c.Choices[0].Message.Content.Text == a.Choices[0].Message.Content.Text {
		t.Error("different prompts got the same answer")
	}
	d, err := p.Chat(context.Background(), providers.Target{Model: "sim-large"}, req)
	if err != nil || d.Choices[0].Message.Content.Text == a.Choices[0].Message.Content.Text {
		t.Errorf("different models should answer differently (err %v)", err)
	}
}

func TestChatLength(t *testing.T) {
	p, _ := newSim(t, func(p *Provider) { p.MaxOutput = 20 })
	cases := []struct {
		name       string
		maxTokens  *int
		maxCompl   *int
		wantTokens int
		wantFinish string
	}{
		{"default max_output", nil, nil, 20, "stop"},
		{"max_tokens cuts", intPtr(3), nil, 3, "length"},
		{"max_completion_tokens preferred", intPtr(2), intPtr(5), 5, "length"},
		{"limit above max_output", intPtr(100), nil, 20, "stop"},
		{"limit equal to max_output", intPtr(20), nil, 20, "stop"},
		{"one token", intPtr(1), nil, 1, "length"},
	}
	for _, c := range cases {
		req := chatReq(userMsg("count my words please"))
		req.MaxTokens, req.MaxCompletionTokens = c.maxTokens, c.maxCompl
		resp := chat(t, p, req)
		text := resp.Choices[0].Message.Content.Text
		if n := len(strings.Fields(text)); n != c.wantTokens || resp.Usage.CompletionTokens != c.wantTokens {
			t.Errorf("%s: %d words, completion_tokens %d, want %d: %q", c.name, n, resp.Usage.CompletionTokens, c.wantTokens, text)
		}
		if resp.Choices[0].FinishReason != c.wantFinish {
			t.Errorf("%s: finish %q, want %q", c.name, resp.Choices[0].FinishReason, c.wantFinish)
		}
	}
}

func TestChatEchoesToolResult(t *testing.T) {
	p, _ := newSim(t, nil)
	req := chatReq(userMsg("weather in Paris?"),
		providers.Message{Role: "assistant", ToolCalls: []providers.ToolCall{{ID: "call_1", Type: "function",
			Function: providers.FunctionCall{Name: "get_weather", Arguments: `{"city":"Paris"}`}}}},
		providers.Message{Role: "tool", ToolCallID: "call_1", Content: providers.TextContent("sunny, 21C")})
	req.Tools = []providers.Tool{weatherTool}
	resp := chat(t, p, req)
	msg := resp.Choices[0].Message
	if len(msg.ToolCalls) != 0 || resp.Choices[0].FinishReason != "stop" {
		t.Fatalf("after a tool result the answer must be text: %+v", resp.Choices[0])
	}
	if !strings.HasPrefix(msg.Content.Text, "Tool returned \u201csunny, 21C\u201d.") {
		t.Errorf("answer %q", msg.Content.Text)
	}
}

func TestChatEmptyOrOddMessages(t *testing.T) {
	p, _ := newSim(t, nil)
	_, err := p.Chat(context.Background(), target, chatReq())
	if e := asError(t, err); e.Kind != providers.KindInvalidRequest || e.HTTPStatus() != 400 || e.Param != "messages" {
		t.Errorf("no messages: %+v", e)
	}
	// No user text at all still answers, without an echo.
	resp := chat(t, p, chatReq(providers.Message{Role: "system", Content: providers.TextContent("   ")}))
	if text := resp.Choices[0].Message.Content.Text; strings.HasPrefix(text, "You said") || text == "" {
		t.Errorf("answer %q", text)
	}
	// Array content: text parts are echoed, images counted in the prompt.
	parts := providers.Message{Role: "user", Content: providers.Content{Parts: []providers.ContentPart{
		{Type: "text", Text: "look at"}, {Type: "image_url", ImageURL: &providers.ImageURL{URL: "https://x/y.png"}},
		{Type: "text", Text: "this picture"}}}}
	resp = chat(t, p, chatReq(parts))
	if !strings.HasPrefix(resp.Choices[0].Message.Content.Text, "You said \u201clook at this picture\u201d.") {
		t.Errorf("answer %q", resp.Choices[0].Message.Content.Text)
	}
	if resp.Usage.PromptTokens != 5+imageTokens { // 19 bytes of text
		t.Errorf("prompt tokens %d", resp.Usage.PromptTokens)
	}
}

func TestChatJSONObject(t *testing.T) {
	p, _ := newSim(t, nil)
	for _, limit := range []*int{nil, intPtr(1), intPtr(7)} {
		req := chatReq(userMsg(`Reply in "JSON" please \ now`))
		req.ResponseFormat = &providers.ResponseFormat{Type: "json_object"}
		req.MaxTokens = limit
		resp := chat(t, p, req)
		var got struct{ Answer string }
		text := resp.Choices[0].Message.Content.Text
		if err := json.Unmarshal([]byte(text), &got); err != nil {
			t.Fatalf("content is not JSON: %v: %q", err, text)
		}
		if !strings.HasPrefix(got.Answer, "You") || len(strings.Fields(got.Answer)) != resp.Usage.CompletionTokens {
			t.Errorf("answer %q, completion tokens %d", got.Answer, resp.Usage.CompletionTokens)
		}
		if limit == nil && !strings.Contains(got.Answer, `“Reply in "JSON" please \ now”.`) {
			t.Errorf("echo lost in escaping: %q", got.Answer)
		}
	}
}

func TestChatJSONSchema(t *testing.T) {
	p, _ := newSim(t, nil)
	req := chatReq(userMsg("describe a city"))
	req.ResponseFormat = &providers.ResponseFormat{Type: "json_schema", JSONSchema: json.RawMessage(`{"name":"city","strict":true,
		"schema":{"type":"object","properties":{
			"name":{"type":"string"},"population":{"type":"integer"},"capital":{"type":"boolean"},
			"tags":{"type":"array","items":{"type":"string"},"minItems":2},
			"kind":{"enum":["town","metropolis"]},"mayor":{"type":["null","object"],"properties":{"age":{"type":"number"}},"required":["age"]},
			"note":{"type":"string"}},
		"required":["name","population","capital","tags","kind","mayor","name"],"additionalProperties":false}}`)}
	resp := chat(t, p, req)
	text := resp.Choices[0].Message.Content.Text
	var got map[string]any
	if err := json.Unmarshal([]byte(text), &got); err != nil {
		t.Fatalf("content is not JSON: %v: %q", err, text)
	}
	if _, ok := got["name"].(string); !ok {
		t.Errorf("name: %q", text)
	}
	if _, ok := got["population"].(float64); !ok {
		t.Errorf("population: %q", text)
	}
	if _, ok := got["capital"].(bool); !ok {
		t.Errorf("capital: %q", text)
	}
	if tags, ok := got["tags"].([]any); !ok || len(tags) != 2 {
		t.Errorf("tags: %q", text)
	}
	if got["kind"] != "town" {
		t.Errorf("kind: %q", text)
	}
	if mayor, ok := got["mayor"].(map[string]any); !ok || mayor["age"] == nil {
		t.Errorf("mayor: %q", text)
	}
	if _, ok := got["note"]; ok || strings.Count(text, `"name"`) != 1 {
		t.Errorf("only required properties, each once: %q", text)
	}
	// name, population, capital, 2 tags, kind, age
	if resp.Usage.CompletionTokens != 7 || resp.Choices[0].FinishReason != "stop" {
		t.Errorf("usage %+v finish %q", resp.Usage, resp.Choices[0].FinishReason)
	}
	// A json_schema without a readable schema falls back to a JSON object.
	req.ResponseFormat = &providers.ResponseFormat{Type: "json_schema", JSONSchema: json.RawMessage(`{"name":"x"}`)}
	if text := chat(t, p, req).Choices[0].Message.Content.Text; !json.Valid([]byte(text)) {
		t.Errorf("fallback is not JSON: %q", text)
	}
}

var weatherTool = providers.Tool{Type: "function", Function: providers.FunctionDef{
	Name: "get_weather",
	Parameters: json.RawMessage(`{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["c","f"]},
		"days":{"type":"integer"}},"required":["city","unit"]}`),
}}

var timeTool = providers.Tool{Type: "function", Function: providers.FunctionDef{Name: "get_time"}}

func TestChatToolCall(t *testing.T) {
	p, _ := newSim(t, nil)
	req := chatReq(userMsg("weather in Paris?"))
	req.Tools = []providers.Tool{weatherTool, timeTool}
	resp := chat(t, p, req)
	choice := resp.Choices[0]
	if choice.FinishReason != "tool_calls" || !choice.Message.Content.IsEmpty() || len(choice.Message.ToolCalls) != 1 {
		t.Fatalf("choice %+v", choice)
	}
	call := choice.Message.ToolCalls[0]
	if call.Type != "function" || call.Function.Name != "get_weather" || call.Index != nil ||
		!strings.HasPrefix(call.ID, "call_") || len(call.ID) != 29 {
		t.Errorf("call %+v", call)
	}
	var args map[string]any
	if err := json.Unmarshal([]byte(call.Function.Arguments), &args); err != nil {
		t.Fatalf("arguments %q: %v", call.Function.Arguments, err)
	}
	if city, ok := args["city"].(string); !ok || city == "" || args["unit"] != "c" || len(args) != 2 {
		t.Errorf("arguments %q", call.Function.Arguments)
	}
	if resp.Usage.CompletionTokens != 2 {
		t.Errorf("completion tokens %d, want one per argument value", resp.Usage.CompletionTokens)
	}
	b, _ := json.Marshal(resp.Choices[0].Message)
	if !strings.Contains(string(b), `"content":null`) {
		t.Errorf("a tool call message has null content: %s", b)
	}
	if again := chat(t, p, req); !reflect.DeepEqual(again.Choices, resp.Choices) {
		t.Error("tool calls are not deterministic")
	}

	// A named function, with no parameters: arguments {}.
	req.ToolChoice = &providers.ToolChoice{Function: "get_time"}
	call = chat(t, p, req).Choices[0].Message.ToolCalls[0]
	if call.Function.Name != "get_time" || call.Function.Arguments != "{}" {
		t.Errorf("named call %+v", call)
	}
	// "required" and "auto" call the first tool.
	for _, mode := range []string{"auto", "required"} {
		req.ToolChoice = &providers.ToolChoice{Mode: mode}
		if calls := chat(t, p, req).Choices[0].Message.ToolCalls; len(calls) != 1 || calls[0].Function.Name != "get_weather" {
			t.Errorf("%s: %+v", mode, calls)
		}
	}
	// "none" answers in text.
	req.ToolChoice = &providers.ToolChoice{Mode: "none"}
	if r := chat(t, p, req); len(r.Choices[0].Message.ToolCalls) != 0 || r.Choices[0].FinishReason != "stop" {
		t.Errorf("none: %+v", r.Choices[0])
	}
	// A function that is not offered is refused.
	req.ToolChoice = &providers.ToolChoice{Function: "launch"}
	_, err := p.Chat(context.Background(), target, req)
	if e := asError(t, err); e.Kind != providers.KindInvalidRequest || e.Param != "tool_choice" {
		t.Errorf("unknown function: %+v", e)
	}
}

func TestToolArgumentsFromOddSchemas(t *testing.T) {
	p, _ := newSim(t, nil)
	for _, params := range []string{``, `null`, `true`, `"x"`, `{"type":"string"}`, `{"required":"nope"}`,
		`{"type":"object","required":["a"],"properties":{"a":{"type":"object","required":["b"],"properties":{"b":{"type":"array","minItems":99,"items":{"required":["c"]}}}}}}`,
		`{"type":"object","required":["x\"y","z"],"properties":{"z":{"const":{"k":[1, 2]}}}}`} {
		req := chatReq(userMsg("call it"))
		req.Tools = []providers.Tool{{Type: "function", Function: providers.FunctionDef{Name: "f", Parameters: json.RawMessage(params)}}}
		args := chat(t, p, req).Choices[0].Message.ToolCalls[0].Function.Arguments
		var obj map[string]any
		if err := json.Unmarshal([]byte(args), &obj); err != nil {
			t.Errorf("parameters %s: arguments %q are not an object: %v", params, args, err)
		}
	}
}

func TestNonFunctionToolsIgnored(t *testing.T) {
	p, _ := newSim(t, nil)
	req := chatReq(userMsg("hi"))
	req.Tools = []providers.Tool{{Type: "custom", Function: providers.FunctionDef{Name: "grammar"}}}
	if r := chat(t, p, req); len(r.Choices[0].Message.ToolCalls) != 0 {
		t.Errorf("a non-function tool was called: %+v", r.Choices[0])
	}
}

func TestChatEchoIsShort(t *testing.T) {
	p, _ := newSim(t, nil)
	long := "one two three four five six seven " + strings.Repeat("x", 100)
	text := chat(t, p, chatReq(userMsg(long))).Choices[0].Message.Content.Text
	if !strings.HasPrefix(text, "You said \u201cone two three four five six\u2026\u201d. ") {
		t.Errorf("answer %q", text)
	}
	text = chat(t, p, chatReq(userMsg(strings.Repeat("é", 40)))).Choices[0].Message.Content.Text
	if !strings.HasPrefix(text, "You said \u201c"+strings.Repeat("é", maxEchoBytes/2)+"\u201d. ") {
		t.Errorf("a long word is clipped at a character boundary: %q", text)
	}
}

package anthropic

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
	wire "github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

func TestParseMessagesRequestGolden(t *testing.T) {
	for _, name := range casesIn(t, "request") {
		t.Run(name, func(t *testing.T) {
			req, err := ParseMessagesRequest(readTestdata(t, "request/"+name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "request/"+name+".golden.json", []byte(mustJSON(t, req)))
		})
	}
}

func TestParseMessagesRequestMapping(t *testing.T) {
	req, err := ParseMessagesRequest(readTestdata(t, "request/sdk_agent_loop.json"))
	if err != nil {
		t.Fatal(err)
	}
	roles := make([]string, len(req.Messages))
	for i, m := range req.Messages {
		roles[i] = m.Role
	}
	if got := strings.Join(roles, ","); got != "system,user,assistant,tool,tool,user" {
		t.Fatalf("roles %s", got)
	}
	if tc := req.Messages[2].ToolCalls; len(tc) != 2 || tc[0].ID != "toolu_01" || tc[0].Function.Arguments != `{"hint":"tower"}` || tc[1].Function.Arguments != "{}" {
		t.Errorf("tool calls %+v", tc)
	}
	if req.Messages[3].ToolCallID != "toolu_01" || req.Messages[4].Content.String() != "Sunny, 21C" {
		t.Errorf("tool results %+v %+v", req.Messages[3], req.Messages[4])
	}
	if *req.MaxTokens != 2048 || req.Stop[0] != "###" || req.User != "u-7" || *req.TopK != 20 || !req.Stream || !req.IncludeUsage() {
		t.Errorf("parameters %+v", req)
	}
	if len(req.Tools) != 2 || req.ToolChoice.Mode != "auto" || req.ParallelToolCalls == nil || *req.ParallelToolCalls {
		t.Errorf("tools %+v choice %+v parallel %v", req.Tools, req.ToolChoice, req.ParallelToolCalls)
	}
}

func TestParseMessagesRequestToolChoice(t *testing.T) {
	const base = `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"f","input_schema":{"type":"object"}}],"tool_choice":`
	tests := map[string]string{
		`{"type":"auto"}`:            `"auto"`,
		`{"type":"any"}`:             `"required"`,
		`{"type":"none"}`:            `"none"`,
		`{"type":"tool","name":"f"}`: `{"function":{"name":"f"},"type":"function"}`,
		`{"type":"auto","disable_parallel_tool_use":true}`: `"auto"`,
	}
	for in, want := range tests {
		req, err := ParseMessagesRequest([]byte(base + in + `}`))
		if err != nil {
			t.Fatal(err)
		}
		if got := mustJSON(t, req.ToolChoice); got != want {
			t.Errorf("%s → %s, want %s", in, got, want)
		}
	}
	// Without (client) tools, tool_choice is not passed on.
	req, err := ParseMessagesRequest([]byte(`{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"any"}}`))
	if err != nil || req.ToolChoice != nil {
		t.Errorf("tool_choice without tools: %v %+v", err, req.ToolChoice)
	}
}

func TestParseMessagesRequestErrors(t *testing.T) {
	tests := []struct{ body, param, msg string }{
		{`{`, "", "invalid JSON"},
		{`[]`, "", "invalid JSON"},
		{`{"max_tokens":1,"messages":[{"role":"user","content":"x"}]}`, "model", "model: field required"},
		{`{"model":"m","messages":[{"role":"user","content":"x"}]}`, "max_tokens", "max_tokens: field required"},
		{`{"model":"m","max_tokens":-1,"messages":[{"role":"user","content":"x"}]}`, "max_tokens", "max_tokens"},
		{`{"model":"m","max_tokens":1}`, "messages", "messages: field required"},
		{`{"model":"m","max_tokens":1,"messages":[]}`, "messages", "at least one"},
		{`{"model":"m","max_tokens":1,"messages":[{"role":"system","content":"x"}]}`, "messages.0.role", "user"},
		{`{"model":"m","max_tokens":1,"messages":[{"role":"user"}]}`, "messages.0.content", "field required"},
		{`{"model":"m","max_tokens":1,"messages":[{"role":"user","content":5}]}`, "messages.0.content", "string or an array"},
		{`{"model":"m","max_tokens":1,"system":5,"messages":[{"role":"user","content":"x"}]}`, "system", "system"},
		{`{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"maybe"}}`, "tool_choice.type", "tool_choice.type"},
		{`{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"tool"}}`, "tool_choice.name", "tool_choice.name"},
	}
	for _, tt := range tests {
		_, err := ParseMessagesRequest([]byte(tt.body))
		e, ok := err.(*providers.Error)
		if !ok || e.Kind != providers.KindInvalidRequest || e.Param != tt.param || !strings.Contains(e.Message, tt.msg) {
			t.Errorf("%s: got %v", tt.body, err)
		}
	}
}

// TestInboundOutboundRoundTrip: an Anthropic request parsed into the unified
// form and translated back reaches Claude with the same turns.
func TestInboundOutboundRoundTrip(t *testing.T) {
	req, err := ParseMessagesRequest(readTestdata(t, "request/sdk_agent_loop.json"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := wire.ToAnthropic(req, wire.Options{Model: "claude-x", Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	// thinking (budget 1024, effort low) comes back as low's budget of 2048
	// on top of the 2048 visible tokens, with temperature and top_k dropped
	// as Anthropic requires with thinking on; the assistant turn keeps its
	// signed thinking block first, as Anthropic requires of a tool turn.
	want := `{"model":"claude-x","max_tokens":4096,"system":[{"type":"text","text":"You are a careful assistant."},{"type":"text","text":"Answer in French."}],` +
		`"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},` +
		`{"type":"image","source":{"type":"url","url":"https://example.com/map.jpg"}},{"type":"text","text":"Where is this and what is the weather?"}]},` +
		`{"role":"assistant","content":[{"type":"thinking","thinking":"Locate first.","signature":"sig"},{"type":"text","text":"Let me look."},{"type":"tool_use","id":"toolu_01","name":"locate","input":{"hint":"tower"}},` +
		`{"type":"tool_use","id":"toolu_02","name":"weather","input":{}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"Paris"},` +
		`{"type":"tool_result","tool_use_id":"toolu_02","content":[{"type":"text","text":"Sunny"},{"type":"text","text":", 21C"}]},{"type":"text","text":"Be brief."}]}],` +
		`"metadata":{"user_id":"u-7"},"stop_sequences":["###"],"stream":true,"top_p":0.95,` +
		`"tools":[{"name":"locate","description":"Find a place","input_schema":{"type":"object","properties":{"hint":{"type":"string"}}}},` +
		`{"name":"weather","input_schema":{"type":"object","properties":{}}}],"tool_choice":{"type":"auto","disable_parallel_tool_use":true},"thinking":{"type":"enabled","budget_tokens":2048}}`
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestEncodeMessagesResponseGolden(t *testing.T) {
	for _, name := range casesIn(t, "response") {
		t.Run(name, func(t *testing.T) {
			var resp providers.ChatResponse
			if err := json.Unmarshal(readTestdata(t, "response/"+name+".json"), &resp); err != nil {
				t.Fatal(err)
			}
			golden(t, "response/"+name+".golden.json", EncodeMessagesResponse(&resp, "public-model"))
		})
	}
}

func TestEncodeMessagesResponseUsageAndStop(t *testing.T) {
	resp := &providers.ChatResponse{ID: "msg_x", Choices: []providers.Choice{{Message: providers.Message{Role: "assistant", Content: providers.TextContent("ok")}, FinishReason: "stop"}},
		Usage: &providers.Usage{PromptTokens: 3521, CompletionTokens: 40, PromptTokensDetails: &providers.PromptTokensDetails{CachedTokens: 2500}, CacheWriteTokens: 1000}}
	want := `{"id":"msg_x","type":"message","role":"assistant","model":"pub","content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn","stop_sequence":null,` +
		`"usage":{"input_tokens":21,"cache_creation_input_tokens":1000,"cache_read_input_tokens":2500,"output_tokens":40}}`
	if got := string(EncodeMessagesResponse(resp, "pub")); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	for finish, want := range map[string]string{"stop": "end_turn", "": "end_turn", "length": "max_tokens", "tool_calls": "tool_use",
		"function_call": "tool_use", "content_filter": "refusal", "other": "end_turn"} {
		if got := stopReason(finish, false); got != want {
			t.Errorf("stopReason(%q) = %q, want %q", finish, got, want)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(EncodeMessagesResponse(nil, "pub"), &m); err != nil || !strings.HasPrefix(m["id"].(string), "msg_") || m["stop_reason"] != "end_turn" {
		t.Errorf("nil response: %v %v", err, m)
	}
	if got := mustJSON(t, json.RawMessage(EncodeMessagesResponse(&providers.ChatResponse{ID: "x"}, "p"))); !strings.Contains(got, `"content":[]`) {
		t.Errorf("no choices: %s", got)
	}
}

func TestEncodeError(t *testing.T) {
	e := &providers.Error{Kind: providers.KindOverloaded, Message: "busy", Provider: "claude"}
	if got := string(EncodeError(e)); got != `{"error":{"message":"claude: busy","type":"overloaded_error"},"type":"error"}` {
		t.Errorf("got %s", got)
	}
	if !strings.Contains(string(EncodeError(nil)), `"type":"api_error"`) {
		t.Error("nil error")
	}
}

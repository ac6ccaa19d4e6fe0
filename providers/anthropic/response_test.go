package anthropic

import (
	"encoding/json"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestFromAnthropicGolden(t *testing.T) {
	for _, name := range casesIn(t, "from_anthropic") {
		t.Run(name, func(t *testing.T) {
			resp, err := FromAnthropic(readTestdata(t, "from_anthropic/"+name+".json"), 1700000000)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "from_anthropic/"+name+".golden.json", []byte(mustJSON(t, resp)))
		})
	}
}

func TestFromAnthropicUsage(t *testing.T) {
	resp, err := FromAnthropic(readTestdata(t, "from_anthropic/text_cached.json"), 1)
	if err != nil {
		t.Fatal(err)
	}
	u := resp.Usage
	// prompt = input 21 + cache read 2500 + cache write 1000.
	if u.PromptTokens != 3521 || u.CompletionTokens != 40 || u.TotalTokens != 3561 {
		t.Errorf("usage = %+v", u)
	}
	if u.CachedTokens() != 2500 || u.CacheWriteTokens != 1000 || u.ReasoningTokens() != 12 {
		t.Errorf("details: cached %d write %d reasoning %d", u.CachedTokens(), u.CacheWriteTokens, u.ReasoningTokens())
	}
	tok := u.Tokens()
	if tok.Input != 21 || tok.CachedInput != 2500 || tok.CacheWrite != 1000 || tok.Output != 28 || tok.Reasoning != 12 {
		t.Errorf("pricing split = %+v", tok)
	}
	if got := resp.Choices[0].Message.Content.String(); got != "Hello! How can I help?" {
		t.Errorf("content %q (thinking must be dropped)", got)
	}
	if resp.ID != "msg_01XFDUDYJgAACzvnptvVoYEL" || resp.Object != "chat.completion" || resp.Created != 1 {
		t.Errorf("envelope %s %s %d", resp.ID, resp.Object, resp.Created)
	}
}

func TestFromAnthropicToolCalls(t *testing.T) {
	resp, err := FromAnthropic(readTestdata(t, "from_anthropic/tool_use.json"), 1)
	if err != nil {
		t.Fatal(err)
	}
	ch := resp.Choices[0]
	if ch.FinishReason != "tool_calls" || len(ch.Message.ToolCalls) != 2 {
		t.Fatalf("choice = %+v", ch)
	}
	tc := ch.Message.ToolCalls[0]
	if tc.ID != "toolu_01A09q90qw90lq917835lq9" || tc.Type != "function" || tc.Function.Name != "get_weather" ||
		tc.Function.Arguments != `{"location":"San Francisco, CA","unit":"celsius"}` {
		t.Errorf("tool call = %+v", tc)
	}
	if ch.Message.ToolCalls[1].Function.Arguments != "{}" {
		t.Errorf("empty input = %q", ch.Message.ToolCalls[1].Function.Arguments)
	}
	var args map[string]string
	if err := json.Unmarshal([]byte(tc.Function.Arguments), &args); err != nil || args["unit"] != "celsius" {
		t.Errorf("arguments are not the input object: %v", err)
	}
}

func TestFinishReason(t *testing.T) {
	tests := map[string]string{
		"end_turn": "stop", "stop_sequence": "stop", "pause_turn": "stop", "": "stop", "new_reason": "stop",
		"max_tokens": "length", "model_context_window_exceeded": "length",
		"tool_use": "tool_calls", "refusal": "content_filter",
	}
	for in, want := range tests {
		if got := finishReason(in); got != want {
			t.Errorf("finishReason(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFromAnthropicErrors(t *testing.T) {
	if _, err := FromAnthropic([]byte(`not json`), 1); asKind(t, err) != providers.KindUpstream {
		t.Error("malformed body should be KindUpstream")
	}
	_, err := FromAnthropic([]byte(`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`), 1)
	if asKind(t, err) != providers.KindOverloaded {
		t.Errorf("error body with 200: %v", err)
	}
}

func TestArgumentsJSON(t *testing.T) {
	tests := map[string]string{``: `{}`, `null`: `{}`, `{ "a" : 1 }`: `{"a":1}`, `{"s":"<&>"}`: `{"s":"<&>"}`, `{bad`: `{bad`}
	for in, want := range tests {
		if got := ArgumentsJSON(json.RawMessage(in)); got != want {
			t.Errorf("ArgumentsJSON(%q) = %q, want %q", in, got, want)
		}
	}
}

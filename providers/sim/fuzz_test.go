package sim

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/providertest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// checkChat runs req through Chat and ChatStream and checks what must hold
// for any request: no panic, a classified error or a well-formed answer,
// and a stream that says exactly what Chat said.
func checkChat(t *testing.T, p *Provider, req *providers.ChatRequest) {
	resp, err := p.Chat(context.Background(), target, req)
	if err != nil {
		if e := asError(t, err); e.Kind != providers.KindInvalidRequest {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	choice := resp.Choices[0]
	content := choice.Message.Content.Text
	u := resp.Usage
	if u.CompletionTokens < 1 || u.PromptTokens < len(req.Messages) || u.TotalTokens != u.PromptTokens+u.CompletionTokens {
		t.Fatalf("usage %+v", u)
	}
	if len(choice.Message.ToolCalls) == 1 {
		if !json.Valid([]byte(choice.Message.ToolCalls[0].Function.Arguments)) {
			t.Fatalf("arguments %q", choice.Message.ToolCalls[0].Function.Arguments)
		}
	} else if req.ResponseFormat.WantsJSON() && !json.Valid([]byte(content)) {
		t.Fatalf("JSON mode content %q", content)
	} else if !req.ResponseFormat.WantsJSON() && len(strings.Fields(content)) < u.CompletionTokens {
		t.Fatalf("%d words, %d completion tokens: %q", len(strings.Fields(content)), u.CompletionTokens, content)
	}
	if _, err := json.Marshal(resp); err != nil {
		t.Fatalf("response does not encode: %v", err)
	}

	s, err := p.ChatStream(context.Background(), target, req)
	if err != nil {
		t.Fatalf("stream failed where chat did not: %v", err)
	}
	defer s.Close()
	var streamed strings.Builder
	chunks := 0
	for c := range providertest.Chunks(t, s) {
		if _, err := json.Marshal(c); err != nil {
			t.Fatalf("chunk does not encode: %v", err)
		}
		chunks++
		if len(c.Choices) == 0 {
			continue
		}
		d := c.Choices[0].Delta
		if d.Content != nil {
			streamed.WriteString(*d.Content)
		}
		for _, tc := range d.ToolCalls {
			streamed.WriteString(tc.Function.Arguments)
		}
	}
	want := content
	if len(choice.Message.ToolCalls) == 1 {
		want = choice.Message.ToolCalls[0].Function.Arguments
	}
	if streamed.String() != want || chunks != u.CompletionTokens+3 {
		t.Fatalf("stream %q in %d chunks, chat %q with %d tokens", streamed.String(), chunks, want, u.CompletionTokens)
	}
}

func FuzzChatRequest(f *testing.F) {
	for _, seed := range []string{
		`{"model":"m","messages":[{"role":"user","content":"hello"}]}`,
		`{"messages":[{"role":"user","content":[{"type":"text","text":"a b"},{"type":"image_url","image_url":{"url":"x"}}]}],"max_tokens":2}`,
		`{"messages":[{"role":"user","content":"q"}],"response_format":{"type":"json_object"},"max_completion_tokens":1}`,
		`{"messages":[{"role":"user","content":"q"}],"response_format":{"type":"json_schema","json_schema":{"name":"n","schema":{"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"},"minItems":2}},"required":["a"]}}}}`,
		`{"messages":[{"role":"user","content":"w"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"x":{"type":"string"}},"required":["x"]}}}]}`,
		`{"messages":[{"role":"user","content":"w"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"g"}}}`,
		`{"messages":[{"role":"tool","tool_call_id":"c","content":"\"quoted\" \\ \u0001"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"required"}`,
		`{"messages":[]}`,
	} {
		f.Add([]byte(seed))
	}
	p, _ := newSim(f, func(p *Provider) { p.MaxOutput = 16 })
	f.Fuzz(func(t *testing.T, body []byte) {
		var req providers.ChatRequest
		if json.Unmarshal(body, &req) != nil {
			return
		}
		checkChat(t, p, &req)
	})
}

func FuzzChatMessages(f *testing.F) {
	f.Add("user", "Hello, world", "", 0, false)
	f.Add("tool", "result \xff\xfe bytes", "system prompt", 3, true)
	f.Add("assistant", "", "   \t\n", 1, false)
	f.Add("user", "a "+strings.Repeat("\x80", 30)+" b", "", 0, false)
	f.Add("user", strings.Repeat("ü", 50)+" \u2028 x", "", -5, true)
	p, _ := newSim(f, nil)
	f.Fuzz(func(t *testing.T, role, text, system string, maxTokens int, jsonMode bool) {
		req := chatReq(providers.Message{Role: "system", Content: providers.TextContent(system)},
			providers.Message{Role: role, Content: providers.TextContent(text)})
		if maxTokens != 0 {
			req.MaxTokens = &maxTokens
		}
		if jsonMode {
			req.ResponseFormat = &providers.ResponseFormat{Type: "json_object"}
		}
		checkChat(t, p, req)
	})
}

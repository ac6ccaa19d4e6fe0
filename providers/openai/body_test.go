package openai

import (
	"encoding/json"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestIsReasoningModel(t *testing.T) {
	for model, want := range map[string]bool{
		"o1": true, "o1-mini": true, "o3-mini": true, "o4-mini-2025-04-16": true, "gpt-5": true, "gpt-5-nano": true,
		"gpt-4o": false, "gpt-4.1": false, "text-embedding-3-small": false, "": false, "llama3.1": false,
	} {
		if got := isReasoningModel(model); got != want {
			t.Errorf("isReasoningModel(%q) = %v", model, got)
		}
	}
}

// TestChatBodyRaw checks the in-place patches: only what must change does.
func TestChatBodyRaw(t *testing.T) {
	p := &Provider{official: true}
	cases := []struct {
		name   string
		model  string
		stream bool
		in     string
		want   string
	}{
		{"same model untouched", "gpt-4o", false,
			`{ "model" : "gpt-4o", "messages":[], "x_custom": {"a": [1, 2.50]} }`,
			`{ "model" : "gpt-4o", "messages":[], "x_custom": {"a": [1, 2.50]} }`},
		{"model patched in place", "gpt-4o-2024-08-06", false,
			`{"model":"smart","messages":[],"metadata":{"k":"\u00e9"}}`,
			`{"model":"gpt-4o-2024-08-06","messages":[],"metadata":{"k":"\u00e9"}}`},
		{"stream gets include_usage", "gpt-4o", true,
			`{"model":"gpt-4o","stream":true}`,
			`{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}`},
		{"stream_options members kept", "gpt-4o", true,
			`{"model":"gpt-4o","stream":true,"stream_options":{"include_obfuscation":false,"include_usage":false}}`,
			`{"model":"gpt-4o","stream":true,"stream_options":{"include_obfuscation":false,"include_usage":true}}`},
		{"stream_options without include_usage", "gpt-4o", true,
			`{"model":"gpt-4o","stream":true,"stream_options":{"include_obfuscation":false}}`,
			`{"model":"gpt-4o","stream":true,"stream_options":{"include_obfuscation":false,"include_usage":true}}`},
		{"null stream_options", "gpt-4o", true,
			`{"model":"gpt-4o","stream":true,"stream_options":null}`,
			`{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}`},
		{"include_usage already on", "gpt-4o", true,
			`{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}`,
			`{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}`},
		{"stream turned on", "gpt-4o", true,
			`{"model":"gpt-4o"}`,
			`{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true}}`},
		{"stream turned off", "gpt-4o", false,
			`{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"n":1}`,
			`{"model":"gpt-4o","n":1}`},
		{"reasoning: max_tokens renamed", "o3-mini", false,
			`{"model":"o3-mini","max_tokens":100,"messages":[]}`,
			`{"model":"o3-mini","messages":[],"max_completion_tokens":100}`},
		{"reasoning: both kept", "gpt-5", false,
			`{"model":"gpt-5","max_tokens":100,"max_completion_tokens":50}`,
			`{"model":"gpt-5","max_tokens":100,"max_completion_tokens":50}`},
		{"not reasoning: max_tokens kept", "gpt-4o", false,
			`{"model":"gpt-4o","max_tokens":100}`,
			`{"model":"gpt-4o","max_tokens":100}`},
	}
	for _, c := range cases {
		req := &providers.ChatRequest{Original: providers.OpenAIOriginal([]byte(c.in))}
		got, err := p.chatBody(providers.Target{Model: c.model}, req, c.stream)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
		if string(req.Original.Body) != c.in {
			t.Errorf("%s: the client's bytes were modified", c.name)
		}
	}
}

func TestChatBodyRawNotAnObject(t *testing.T) {
	p := &Provider{}
	for _, raw := range []string{`[]`, `"x"`, ``} {
		if _, err := p.chatBody(providers.Target{Model: "m"}, &providers.ChatRequest{Original: providers.OpenAIOriginal([]byte(raw))}, false); err == nil {
			t.Errorf("%q: want an error", raw)
		} else if e := asError(t, p.requestError(err)); e.Kind != providers.KindInvalidRequest {
			t.Errorf("%q: kind %v", raw, e.Kind)
		}
	}
}

// TestChatBodyTyped covers requests translated from another format.
func TestChatBodyTyped(t *testing.T) {
	limit, topK := 64, 40
	req := &providers.ChatRequest{
		Model:     "public-name",
		Messages:  []providers.Message{{Role: "user", Content: providers.TextContent("hi")}},
		MaxTokens: &limit,
		TopK:      &topK,
	}
	decode := func(p *Provider, model string, stream bool) map[string]any {
		t.Helper()
		body, err := p.chatBody(providers.Target{Model: model}, req, stream)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}

	m := decode(&Provider{official: true}, "o4-mini", true)
	if m["model"] != "o4-mini" || m["stream"] != true || m["max_completion_tokens"] != 64.0 || m["max_tokens"] != nil || m["top_k"] != nil {
		t.Errorf("official reasoning stream body = %v", m)
	}
	if so, _ := m["stream_options"].(map[string]any); so["include_usage"] != true {
		t.Errorf("stream_options = %v", m["stream_options"])
	}

	m = decode(&Provider{}, "llama3.1", false)
	if m["max_tokens"] != 64.0 || m["top_k"] != 40.0 || m["stream"] != nil || m["stream_options"] != nil {
		t.Errorf("compatible body = %v", m)
	}
	if req.Model != "public-name" || req.MaxTokens == nil {
		t.Error("the handler's request was modified")
	}
}

func TestPassThroughBody(t *testing.T) {
	raw := []byte(`{"input":["a"],"model":"emb","encoding_format":"base64","x":1}`)
	got, err := passThroughBody(raw, nil, "text-embedding-3-small")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"input":["a"],"model":"text-embedding-3-small","encoding_format":"base64","x":1}`; string(got) != want {
		t.Errorf("got %s", got)
	}
	got, err = passThroughBody(nil, &providers.ImageRequest{Model: "dall-e-3", Prompt: "cat"}, "dall-e-3")
	if err != nil || string(got) != `{"model":"dall-e-3","prompt":"cat"}` {
		t.Errorf("typed: %s %v", got, err)
	}
}

// TestChatBodyRepeatedMembers: a member the gateway patches must not hide a
// second copy the upstream might obey instead.
func TestChatBodyRepeatedMembers(t *testing.T) {
	p := &Provider{}
	for _, raw := range []string{
		`{"model":"allowed","model":"expensive"}`,
		`{"model":"gpt-4o","messages":[],"model":"gpt-4o"}`,
		`{"mod\u0065l":"expensive","messages":[]}`,
		`{"model":"m","stream_options":{},"stream_options":null}`,
		`{"model":"m","max_tokens":1,"max_tokens":100000}`,
	} {
		_, err := p.chatBody(providers.Target{Model: "mapped"}, &providers.ChatRequest{Original: providers.OpenAIOriginal([]byte(raw))}, false)
		if e := asError(t, p.requestError(err)); err == nil || e.Kind != providers.KindInvalidRequest {
			t.Errorf("%s: err = %v", raw, err)
		}
	}
	// The names appearing as values, or escapes elsewhere, are fine.
	for _, raw := range []string{
		`{"model":"m","messages":[{"role":"user","content":"model"}],"metadata":{"model":"x"}}`,
		`{"model":"m","messages":[{"role":"user","content":"caf\u00e9 \"model\""}]}`,
	} {
		if _, err := p.chatBody(providers.Target{Model: "mapped"}, &providers.ChatRequest{Original: providers.OpenAIOriginal([]byte(raw))}, false); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
	if _, err := passThroughBody([]byte(`{"input":"a","model":"x","model":"y"}`), nil, "emb"); err == nil {
		t.Error("embeddings body with two models accepted")
	}
}

// TestPatchModelKeepsTheSameName: a body that already names the model is
// sent as it is (no copy); anything else is patched.
func TestPatchModelKeepsTheSameName(t *testing.T) {
	for _, c := range []struct {
		in, model, want string
		same            bool
	}{
		{`{"model":"m1","x":1}`, "m1", `{"model":"m1","x":1}`, true},
		{`{"model":"m\u0031"}`, "m1", `{"model":"m\u0031"}`, true}, // the same name, escaped
		{`{"model":"m2"}`, "m1", `{"model":"m1"}`, false},
		{`{"model":[1]}`, "x1", `{"model":"x1"}`, false}, // as long as a quoted name, but no string
		{`{"model":"a\"b"}`, `a"b`, `{"model":"a\"b"}`, true},
		{`{"x":1}`, "m1", `{"x":1,"model":"m1"}`, false},
	} {
		in := []byte(c.in)
		got, err := patchModel(in, c.model)
		if err != nil || string(got) != c.want {
			t.Errorf("patchModel(%s, %q) = %s, %v; want %s", c.in, c.model, got, err, c.want)
		}
		if same := len(got) > 0 && &got[0] == &in[0]; same != c.same {
			t.Errorf("patchModel(%s, %q): body reused = %v, want %v", c.in, c.model, same, c.same)
		}
	}
}

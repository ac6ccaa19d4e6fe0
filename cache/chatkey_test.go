package cache

import (
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

const baseChat = `{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],"temperature":0}`

func TestChatKeyShape(t *testing.T) {
	k := ChatKey(parseChat(t, baseChat))
	if !strings.HasPrefix(k, "chat:") || len(k) != len("chat:")+64 {
		t.Fatalf("key %q is not chat: + sha256 hex", k)
	}
	if ChatKey(parseChat(t, baseChat)) != k {
		t.Fatal("same request, different key")
	}
}

// TestChatKeySameAnswer lists requests that must share the key of
// baseChat: they differ only in form, or in fields that cannot change the
// answer.
func TestChatKeySameAnswer(t *testing.T) {
	want := ChatKey(parseChat(t, baseChat))
	same := map[string]string{
		"whitespace":           "{ \"model\" : \"gpt-4o\",\n\t\"messages\": [ {\"role\": \"system\", \"content\": \"Be brief.\"},\n {\"role\":\"user\",\"content\":\"hi\"} ],\r\n \"temperature\": 0 }",
		"member order":         `{"temperature":0,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],"model":"gpt-4o"}`,
		"message member order": `{"model":"gpt-4o","messages":[{"content":"Be brief.","role":"system"},{"content":"hi","role":"user"}],"temperature":0}`,
		"user":                 `{"model":"gpt-4o","user":"alice","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],"temperature":0}`,
		"stream":               `{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],"temperature":0}`,
		"stream false":         `{"model":"gpt-4o","stream":false,"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],"temperature":0}`,
		"0.0":                  `{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],"temperature":0.0}`,
		"-0":                   `{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],"temperature":-0}`,
		"0e5":                  `{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}],"temperature":0e5}`,
		"escapes":              `{"model":"gpt\u002d4o","messages":[{"role":"system","content":"Be brief\u002E"},{"role":"\u0075ser","content":"h\u0069"}],"temperature":0}`,
	}
	for name, body := range same {
		if got := ChatKey(parseChat(t, body)); got != want {
			t.Errorf("%s: key differs from the base request", name)
		}
	}
}

func TestChatKeyStopForms(t *testing.T) {
	a := ChatKey(parseChat(t, `{"model":"m","messages":[],"stop":"END"}`))
	b := ChatKey(parseChat(t, `{"model":"m","messages":[],"stop":["END"]}`))
	if a != b {
		t.Error(`"stop":"END" and ["END"] differ`)
	}
}

func TestChatKeyExtraFieldNormalised(t *testing.T) {
	a := ChatKey(parseChat(t, `{"model":"m","messages":[],"logit_bias":{"50256":-100},"metadata":{"a":"b"}}`))
	b := ChatKey(parseChat(t, `{"metadata": {"a": "b"}, "logit_bias": {"50256": -100.0}, "model":"m","messages":[]}`))
	if a != b {
		t.Error("extra fields: spelling or top-level order changed the key")
	}
}

// TestChatKeyDifferentAnswer lists requests that must all have distinct
// keys: each may get a different answer upstream.
func TestChatKeyDifferentAnswer(t *testing.T) {
	msgs := `"messages":[{"role":"user","content":"hi"}]`
	bodies := map[string]string{
		"base":                  `{"model":"m",` + msgs + `}`,
		"model":                 `{"model":"m2",` + msgs + `}`,
		"message text":          `{"model":"m","messages":[{"role":"user","content":"hello"}]}`,
		"message role":          `{"model":"m","messages":[{"role":"system","content":"hi"}]}`,
		"message name":          `{"model":"m","messages":[{"role":"user","content":"hi","name":"bob"}]}`,
		"parts":                 `{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}]}`,
		"extra message":         `{"model":"m","messages":[{"role":"user","content":"hi"},{"role":"user","content":"hi"}]}`,
		"audio part a":          `{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}}]}]}`,
		"audio part b":          `{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"BBBB","format":"wav"}}]}]}`,
		"temperature 0":         `{"model":"m",` + msgs + `,"temperature":0}`,
		"temperature 0.5":       `{"model":"m",` + msgs + `,"temperature":0.5}`,
		"top_p":                 `{"model":"m",` + msgs + `,"top_p":0.5}`,
		"top_k":                 `{"model":"m",` + msgs + `,"top_k":5}`,
		"n":                     `{"model":"m",` + msgs + `,"n":2}`,
		"seed":                  `{"model":"m",` + msgs + `,"seed":42}`,
		"max_tokens":            `{"model":"m",` + msgs + `,"max_tokens":10}`,
		"max_completion_tokens": `{"model":"m",` + msgs + `,"max_completion_tokens":10}`,
		"presence":              `{"model":"m",` + msgs + `,"presence_penalty":0.5}`,
		"frequency":             `{"model":"m",` + msgs + `,"frequency_penalty":0.5}`,
		"reasoning":             `{"model":"m",` + msgs + `,"reasoning_effort":"low"}`,
		"stop":                  `{"model":"m",` + msgs + `,"stop":"x"}`,
		"parallel":              `{"model":"m",` + msgs + `,"parallel_tool_calls":false}`,
		"tool_choice none":      `{"model":"m",` + msgs + `,"tool_choice":"none"}`,
		"tool_choice fn":        `{"model":"m",` + msgs + `,"tool_choice":{"type":"function","function":{"name":"none"}}}`,
		"json mode":             `{"model":"m",` + msgs + `,"response_format":{"type":"json_object"}}`,
		"schema ab":             `{"model":"m",` + msgs + `,"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}}}}`,
		"schema ba":             `{"model":"m",` + msgs + `,"response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"string"}}}}}}`,
		"tool":                  `{"model":"m",` + msgs + `,"tools":[{"type":"function","function":{"name":"f","description":"d"}}]}`,
		"tool description":      `{"model":"m",` + msgs + `,"tools":[{"type":"function","function":{"name":"f","description":"e"}}]}`,
		"tool params ab":        `{"model":"m",` + msgs + `,"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"a":{},"b":{}}}}}]}`,
		"tool params ba":        `{"model":"m",` + msgs + `,"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"b":{},"a":{}}}}}]}`,
		"custom tool a":         `{"model":"m",` + msgs + `,"tools":[{"type":"custom","custom":{"name":"a"}}]}`,
		"custom tool b":         `{"model":"m",` + msgs + `,"tools":[{"type":"custom","custom":{"name":"b"}}]}`,
		"extra field":           `{"model":"m",` + msgs + `,"logprobs":true}`,
		"extra field value":     `{"model":"m",` + msgs + `,"logprobs":false}`,
		"extra nested a":        `{"model":"m",` + msgs + `,"metadata":{"x":1}}`,
		"extra nested b":        `{"model":"m",` + msgs + `,"metadata":{"x":2}}`,
		"shadowed a":            `{"model":"m",` + msgs + `,"temperature":0.5,"Temperature":0}`,
		"shadowed b":            `{"model":"m",` + msgs + `,"temperature":0.9,"Temperature":0}`,
	}
	seen := map[string]string{}
	for name, body := range bodies {
		k := ChatKey(parseChat(t, body))
		if other, dup := seen[k]; dup {
			t.Errorf("%q and %q share a key", name, other)
		}
		seen[k] = name
	}
}

// TestChatKeyAbsentVersusZero: an upstream's default need not be zero.
func TestChatKeyAbsentVersusZero(t *testing.T) {
	a := ChatKey(parseChat(t, `{"model":"m","messages":[]}`))
	b := ChatKey(parseChat(t, `{"model":"m","messages":[],"temperature":0}`))
	if a == b {
		t.Error("absent and zero temperature share a key")
	}
}

func TestChatKeyTypedRequest(t *testing.T) {
	temp := 0.0
	req := &providers.ChatRequest{
		Model:       "claude",
		Messages:    []providers.Message{{Role: "user", Content: providers.TextContent("hi")}},
		Temperature: &temp,
	}
	k := ChatKey(req)
	again := *req
	again.User, again.Stream = "bob", true
	again.StreamOptions = &providers.StreamOptions{IncludeUsage: true}
	if ChatKey(&again) != k {
		t.Error("user or stream changed the key of a typed request")
	}
	other := *req
	other.Messages = []providers.Message{{Role: "user", Content: providers.Content{Parts: []providers.ContentPart{{Type: "text", Text: "hi"}}}}}
	if ChatKey(&other) == k {
		t.Error("text content and a text part share a key")
	}
	img := *req
	img.Messages = []providers.Message{{Role: "user", Content: providers.Content{Parts: []providers.ContentPart{{Type: "image_url", ImageURL: &providers.ImageURL{URL: "https://x/a.png"}}}}}}
	img2 := img
	img2.Messages = []providers.Message{{Role: "user", Content: providers.Content{Parts: []providers.ContentPart{{Type: "image_url", ImageURL: &providers.ImageURL{URL: "https://x/b.png"}}}}}}
	if ChatKey(&img) == ChatKey(&img2) {
		t.Error("different images share a key")
	}
	if ChatKey(nil) == "" {
		t.Error("nil request has no key")
	}
}

// TestChatKeyInvalidRaw: a Raw the handler never decoded must still give a
// stable key, distinct per body, and never panic.
func TestChatKeyInvalidRaw(t *testing.T) {
	keys := map[string]bool{}
	for _, raw := range []string{`[1,2]`, `{"model":`, `{"a":1}x`, `{"a":"\x"}`, `{"a":1e}`, `nul`, `{"messages":[{"role":"user","content":"\q"}]}`} {
		req := &providers.ChatRequest{Original: providers.OpenAIOriginal([]byte(raw))}
		k := ChatKey(req)
		if k != ChatKey(req) {
			t.Errorf("%s: key not stable", raw)
		}
		if keys[k] {
			t.Errorf("%s: key shared with another invalid body", raw)
		}
		keys[k] = true
	}
}

func TestDeterministic(t *testing.T) {
	cases := map[string]bool{
		`{}`:                                  false,
		`{"temperature":0}`:                   true,
		`{"temperature":0.0,"n":1}`:           true,
		`{"temperature":0,"n":2}`:             false,
		`{"temperature":0.2}`:                 false,
		`{"top_p":0}`:                         true,
		`{"top_p":0.1}`:                       false,
		`{"top_k":1}`:                         true,
		`{"top_k":2}`:                         false,
		`{"temperature":1,"top_p":0}`:         true,
		`{"seed":7}`:                          false,
		`{"temperature":0,"seed":7,"n":null}`: true,
	}
	for body, want := range cases {
		if got := Deterministic(parseChat(t, body)); got != want {
			t.Errorf("Deterministic(%s) = %v, want %v", body, got, want)
		}
	}
	if Deterministic(nil) {
		t.Error("Deterministic(nil) = true")
	}
}

func TestEmbeddingKey(t *testing.T) {
	dims := 256
	other := 512
	base := EmbeddingKey("text-embedding-3-small", "hello", nil, "")
	if !strings.HasPrefix(base, "emb:") || len(base) != len("emb:")+64 {
		t.Fatalf("key %q", base)
	}
	if EmbeddingKey("text-embedding-3-small", "hello", nil, "float") != base {
		t.Error(`"" and "float" encoding differ`)
	}
	distinct := []string{
		base,
		EmbeddingKey("text-embedding-3-large", "hello", nil, ""),
		EmbeddingKey("text-embedding-3-small", "hello ", nil, ""),
		EmbeddingKey("text-embedding-3-small", "hello", &dims, ""),
		EmbeddingKey("text-embedding-3-small", "hello", &other, ""),
		EmbeddingKey("text-embedding-3-small", "hello", nil, "base64"),
		EmbeddingTokensKey("text-embedding-3-small", []int{1, 2}, nil, ""),
		EmbeddingTokensKey("text-embedding-3-small", []int{12}, nil, ""),
		EmbeddingTokensKey("text-embedding-3-small", nil, nil, ""),
		EmbeddingKey("text-embedding-3-small", "", nil, ""),
		// The split between model and input must matter.
		EmbeddingKey("ab", "c", nil, ""),
		EmbeddingKey("a", "bc", nil, ""),
	}
	seen := map[string]int{}
	for i, k := range distinct {
		if j, dup := seen[k]; dup {
			t.Errorf("keys %d and %d collide", i, j)
		}
		seen[k] = i
	}
}

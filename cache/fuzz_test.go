package cache

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

var chatSeeds = []string{
	baseChat,
	`{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}}]}],"top_p":0.5e0,"stop":["a","b"],"n":1}`,
	`{"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c","content":"42"}],
	  "tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","properties":{"b":{"type":"integer"},"a":{"type":"string"}}},"strict":true}}],
	  "tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false}`,
	`{"model":"m","messages":[],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}},"seed":-3,"max_completion_tokens":5,"logit_bias":{"1":-1.50},"metadata":{"k":"v"}}`,
	`{"model":"m","messages":[{"role":"user","content":"\u00e9\ud83d\ude00","name":"n"}],"user":"u","stream":true,"stream_options":{"include_usage":true},"Temperature":1}`,
	`{"messages":[{"role":"user","content":"x"}],"messages":[{"role":"user","content":"y"}]}`,
	`[1]`,
	`{"model":`,
}

// FuzzChatKey decodes arbitrary bodies as the handler does and checks that
// ChatKey never panics, is stable, and ignores pure form: re-indenting Raw,
// reordering its top level, or re-encoding the typed request (without Raw)
// must not change the key.
func FuzzChatKey(f *testing.F) {
	for _, s := range chatSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req providers.ChatRequest
		if err := json.Unmarshal(body, &req); err != nil {
			// Undecodable: the handler rejects it, but the key must not panic.
			ChatKey(&providers.ChatRequest{Original: providers.OpenAIOriginal(body)})
			return
		}
		req.Original = providers.OpenAIOriginal(body)
		key := ChatKey(&req)
		if ChatKey(&req) != key {
			t.Fatal("key not stable")
		}

		// Whitespace never matters.
		var indented bytes.Buffer
		if err := json.Indent(&indented, body, "", "  "); err == nil {
			again := req
			again.Original = providers.OpenAIOriginal(indented.Bytes())
			if ChatKey(&again) != key {
				t.Fatalf("indenting changed the key:\n%s", body)
			}
		}

		// Nor does top-level member order (bodies without duplicate or
		// case-colliding names, where re-encoding keeps the meaning).
		if reordered, ok := reorderTopLevel(body); ok {
			again := req
			again.Original = providers.OpenAIOriginal(reordered)
			if ChatKey(&again) != key {
				t.Fatalf("reordering changed the key:\n%s\n%s", body, reordered)
			}
		}

		// The typed request survives a marshal/decode round trip.
		typed := req
		typed.Original = providers.Original{}
		typedKey := ChatKey(&typed)
		encoded, err := json.Marshal(&typed)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var decoded providers.ChatRequest
		if err := json.Unmarshal(encoded, &decoded); err != nil {
			t.Fatalf("decode own encoding %s: %v", encoded, err)
		}
		if ChatKey(&decoded) != typedKey {
			t.Fatalf("round trip changed the key:\n%s\n%s", body, encoded)
		}
	})
}

// reorderTopLevel re-encodes an object with its members sorted by name (as
// encoding/json writes maps), values compacted.
func reorderTopLevel(body []byte) ([]byte, bool) {
	if !utf8.Valid(body) {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, false
	}
	w := getKeyWriter()
	defer putKeyWriter(w)
	if err := w.collectMembers(body); err != nil || len(w.members) != len(m) {
		return nil, false // duplicate names
	}
	for _, mem := range w.members {
		if !knownChatFields[string(mem.key)] && foldsToKnownField(mem.key) {
			return nil, false // the typed value depends on which comes last
		}
	}
	out, err := json.Marshal(m)
	return out, err == nil
}

// FuzzCanonJSON checks the canonical encoder on arbitrary bytes: no panic,
// stable output, and agreement with encoding/json on what is valid JSON.
func FuzzCanonJSON(f *testing.F) {
	for _, s := range chatSeeds {
		f.Add([]byte(s))
	}
	f.Add([]byte(`[1.0,-0,"\u0041",{"b":1,"a":[true,false,null]}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		w := getKeyWriter()
		defer putKeyWriter(w)
		err := w.canonJSON(b, sortKeysExceptSchemas)
		first := bytes.Clone(w.buf)
		if len(w.members) != 0 {
			t.Fatal("member stack not unwound")
		}
		if err == nil && !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
		if err != nil && json.Valid(b) {
			t.Fatalf("rejected valid JSON %q: %v", b, err)
		}
		w.buf = w.buf[:0]
		err2 := w.canonJSON(b, sortKeysExceptSchemas)
		if (err == nil) != (err2 == nil) || !bytes.Equal(first, w.buf) {
			t.Fatal("output not stable")
		}
	})
}

package anthropic

import (
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestParseMessagesUntranslatable: fields and blocks that change the
// meaning and have no translation, and unknown fields, are listed on the
// request (so only an Anthropic upstream gets them); translated and
// harmless ones are not.
func TestParseMessagesUntranslatable(t *testing.T) {
	body := `{"model":"m","max_tokens":2000,"thinking":{"type":"enabled","budget_tokens":1024},"service_tier":"auto",` +
		`"cache_control":{"type":"ephemeral"},"metadata":{"user_id":"u"},"mcp_servers":[],"container":"c1","message_threads":[],` +
		`"tools":[{"name":"f","input_schema":{"type":"object"}},{"type":"web_search_20250305","name":"web_search"}],` +
		`"system":[{"type":"text","text":"s","cache_control":{"type":"ephemeral"}}],` +
		`"messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"document","source":{"type":"text","data":"d"}},` +
		`{"type":"image","source":{"type":"file","file_id":"f1"}}]},` +
		`{"role":"assistant","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"tool_use","id":"toolu_1","name":"f","input":{}}]},` +
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]}]}]}`
	req, err := ParseMessagesRequest([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"mcp_servers", "container", "message_threads",
		"messages.0.content.1 (document)", "messages.0.content.2 (image)",
		"messages.2.content.0 (tool_result with non-text content)", "tools.1 (web_search_20250305)"}
	if !reflect.DeepEqual(req.Untranslatable, want) {
		t.Fatalf("Untranslatable = %q\nwant %q", req.Untranslatable, want)
	}
	plain := `{"model":"m","max_tokens":10,"stream":true,"temperature":1,"top_p":0.9,"top_k":5,"stop_sequences":["x"],` +
		`"tool_choice":{"type":"auto"},"tools":[{"name":"f","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"hi"}]}`
	if req, err := ParseMessagesRequest([]byte(plain)); err != nil || req.Untranslatable != nil {
		t.Fatalf("plain request: %v %q", err, req.Untranslatable)
	}
}

// TestMessagesFieldTableComplete: every top-level field of the official
// SDK's request params has a rule (a field added to the SDK must be
// classified, not silently refused as unknown).
func TestMessagesFieldTableComplete(t *testing.T) {
	for _, f := range []string{"max_tokens", "messages", "model", "inference_geo", "temperature", "top_k", "top_p",
		"container", "speed", "cache_control", "diagnostics", "metadata", "output_config", "service_tier",
		"stop_sequences", "system", "thinking", "tool_choice", "tools", "stream",
		// BetaMessageNewParams
		"fallback_credit_token", "fallbacks", "compaction", "context_management", "mcp_servers", "output_format"} {
		if _, ok := messagesFields[f]; !ok {
			t.Errorf("%s has no rule", f)
		}
	}
}

// TestParseMessagesOutputConfig: structured outputs become response_format
// json_schema; a bad format is a 400 naming the field.
func TestParseMessagesOutputConfig(t *testing.T) {
	for _, field := range []string{"output_config", "output_format"} {
		format := `{"type":"json_schema","schema":{"type":"object","properties":{"a":{"type":"integer"}}}}`
		if field == "output_config" {
			format = `{"format":` + format + `,"effort":"high"}`
		}
		body := `{"model":"m","max_tokens":10,"` + field + `":` + format + `,"messages":[{"role":"user","content":"hi"}]}`
		req, err := ParseMessagesRequest([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		rf := req.ResponseFormat
		if rf == nil || rf.Type != "json_schema" ||
			string(rf.JSONSchema) != `{"name":"output","schema":{"type":"object","properties":{"a":{"type":"integer"}}}}` || req.Untranslatable != nil {
			t.Fatalf("%s: %+v %q", field, rf, req.Untranslatable)
		}
	}
	_, err := ParseMessagesRequest([]byte(`{"model":"m","max_tokens":10,"output_config":{"format":{"type":"xml"}},"messages":[{"role":"user","content":"hi"}]}`))
	if e := providers.Classify(err); err == nil || e.Param != "output_config.format.type" {
		t.Fatalf("bad type: %v", err)
	}
	_, err = ParseMessagesRequest([]byte(`{"model":"m","max_tokens":10,"output_config":{"format":{"type":"json_schema","schema":"x"}},"messages":[{"role":"user","content":"hi"}]}`))
	if e := providers.Classify(err); err == nil || e.Param != "output_config.format.schema" {
		t.Fatalf("bad schema: %v", err)
	}
}

// TestChatWriterRelaysAnthropicAnswer: an Anthropic upstream's own answer
// goes out as it came, with only the model replaced.
func TestChatWriterRelaysAnthropicAnswer(t *testing.T) {
	raw := `{"id":"msg_1","type":"message","role":"assistant","model":"claude-up","content":[{"type":"thinking","thinking":"t","signature":"sig"},` +
		`{"type":"future_block","x":1}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":2}}`
	resp := &providers.ChatResponse{Original: providers.Original{Format: providers.FormatAnthropicMessages, Body: []byte(raw)}}
	w := httptest.NewRecorder()
	ChatWriter{}.Response(w, resp, &providers.ChatRequest{Model: "public"})
	if got := w.Body.String(); got != strings.Replace(raw, `"claude-up"`, `"public"`, 1) {
		t.Fatalf("got %s", got)
	}
}

// TestChunkSinkRelay: relayed events go out as they came (model replaced
// in message_start), continuation chunks add nothing, and a chunk the
// filter changed is written from its unified text at the event's index.
func TestChunkSinkRelay(t *testing.T) {
	w := httptest.NewRecorder()
	sink := ChatWriter{}.Stream(w, &providers.ChatRequest{Model: "public"})
	ev := func(name, data string) *providers.ChatChunk {
		return &providers.ChatChunk{Event: &providers.StreamEvent{Name: name, Data: []byte(data), Relay: true}}
	}
	redacted := "[REDACTED]"
	changed := ev("content_block_delta", `{"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"sk-secret"}}`)
	changed.Event.Changed = true
	changed.Choices = []providers.ChunkChoice{{Delta: providers.Delta{Content: &redacted}}}
	for _, c := range []*providers.ChatChunk{
		ev("message_start", `{"type":"message_start","message":{"id":"msg_1","model":"claude-up","usage":{"input_tokens":7}}}`),
		ev("content_block_delta", `{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"s"}}`),
		{Event: &providers.StreamEvent{Relay: true}},
		changed,
		ev("message_stop", `{"type":"message_stop"}`),
	} {
		if err := sink.Chunk(c); err != nil {
			t.Fatal(err)
		}
	}
	sink.End(nil)
	want := "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"public\",\"usage\":{\"input_tokens\":7}}}\n\n" +
		"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"s\"}}\n\n" +
		"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"[REDACTED]\"}}\n\n" +
		"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
	if got := w.Body.String(); got != want {
		t.Fatalf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestStreamEncoderStartEstimate: message_start carries the estimate when
// the first chunk has no usage, the exact count when it has.
func TestStreamEncoderStartEstimate(t *testing.T) {
	text := "hi"
	for _, c := range []struct {
		usage *providers.Usage
		want  string
	}{{nil, `"input_tokens":42`}, {&providers.Usage{PromptTokens: 9}, `"input_tokens":9`}} {
		e := NewStreamEncoder("m")
		e.EstimateInput(42)
		var b strings.Builder
		_ = e.Encode(&providers.ChatChunk{Usage: c.usage, Choices: []providers.ChunkChoice{{Delta: providers.Delta{Content: &text}}}}, &b)
		start, _, _ := strings.Cut(b.String(), "event: ping")
		if !strings.Contains(start, c.want) {
			t.Fatalf("message_start %s, want %s", start, c.want)
		}
	}
}

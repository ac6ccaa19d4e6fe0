package responses

import (
	"io"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// benchBody is a typical agent turn: instructions, a user message, a tool
// call and its output, two function tools.
const benchBody = `{"model":"claude-sonnet","instructions":"You are a coding agent.","input":[
{"role":"user","content":[{"type":"input_text","text":"Fix the failing test in parser.go, then run the suite."}]},
{"type":"function_call","call_id":"call_1","name":"read_file","arguments":"{\"path\":\"parser.go\"}"},
{"type":"function_call_output","call_id":"call_1","output":"package parser\n\nfunc Parse(s string) (int, error) { return 0, nil }\n"}],
"tools":[{"type":"function","name":"read_file","description":"Read a file","parameters":{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]},"strict":true},
{"type":"function","name":"run","description":"Run a command","parameters":{"type":"object","properties":{"cmd":{"type":"string"}},"required":["cmd"]},"strict":true}],
"tool_choice":"auto","max_output_tokens":4096,"temperature":0.2,"store":true,"stream":true}`

// BenchmarkDecodeTranslate is the gateway's CPU for the inbound half of a
// translated request: decode and build the unified chat request.
func BenchmarkDecodeTranslate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r, err := Decode([]byte(benchBody))
		if err != nil {
			b.Fatal(err)
		}
		_ = r.ChatRequest(nil)
	}
}

// BenchmarkStreamEncode is the outbound half for a 50-delta text answer.
func BenchmarkStreamEncode(b *testing.B) {
	r, _ := Decode([]byte(benchBody))
	text := "word "
	stop := providers.FinishStop
	delta := &providers.ChatChunk{Choices: []providers.ChunkChoice{{Delta: providers.Delta{Content: &text}}}}
	last := &providers.ChatChunk{Choices: []providers.ChunkChoice{{FinishReason: &stop}}, Usage: &providers.Usage{PromptTokens: 100, CompletionTokens: 50, TotalTokens: 150}}
	b.ReportAllocs()
	for b.Loop() {
		enc := NewStreamEncoder(r, Meta{})
		for range 50 {
			_ = enc.Encode(delta, io.Discard)
		}
		_ = enc.Encode(last, io.Discard)
		_ = enc.Finish(io.Discard, nil)
	}
}

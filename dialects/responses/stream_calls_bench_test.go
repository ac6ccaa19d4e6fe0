package responses

import (
	"io"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// BenchmarkStreamEncodeToolCalls is an agent turn's outbound half: ten
// text deltas, then two calls of ten argument fragments each.
func BenchmarkStreamEncodeToolCalls(b *testing.B) {
	r, _ := Decode([]byte(benchBody))
	text, frag := "word ", `"x",`
	stop := providers.FinishToolCalls
	delta := &providers.ChatChunk{Choices: []providers.ChunkChoice{{Delta: providers.Delta{Content: &text}}}}
	var calls []*providers.ChatChunk
	for i, id := range []string{"call_1", "call_2"} {
		calls = append(calls, callChunk(i, id, "run", `{"cmd":[`))
		for range 10 {
			calls = append(calls, callChunk(i, "", "", frag))
		}
		calls = append(calls, callChunk(i, "", "", `""]}`))
	}
	last := &providers.ChatChunk{Choices: []providers.ChunkChoice{{FinishReason: &stop}}, Usage: &providers.Usage{PromptTokens: 100, CompletionTokens: 50, TotalTokens: 150}}
	b.ReportAllocs()
	for b.Loop() {
		enc := NewStreamEncoder(r, Meta{})
		for range 10 {
			_ = enc.Encode(delta, io.Discard)
		}
		for _, c := range calls {
			_ = enc.Encode(c, io.Discard)
		}
		_ = enc.Encode(last, io.Discard)
		_ = enc.Finish(io.Discard, nil)
	}
}

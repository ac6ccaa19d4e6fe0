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
	var turn []*providers.ChatChunk
	for range 10 {
		turn = append(turn, delta)
	}
	for i, id := range []string{"call_1", "call_2"} {
		turn = append(turn, callChunk(i, id, "run", `{"cmd":[`))
		for range 10 {
			turn = append(turn, callChunk(i, "", "", frag))
		}
		turn = append(turn, callChunk(i, "", "", `""]}`))
	}
	turn = append(turn, &providers.ChatChunk{Choices: []providers.ChunkChoice{{FinishReason: &stop}},
		Usage: &providers.Usage{PromptTokens: 100, CompletionTokens: 50, TotalTokens: 150}})
	b.ReportAllocs()
	for b.Loop() {
		enc := NewStreamEncoder(r, Meta{})
		for _, c := range turn {
			_ = enc.Encode(c, io.Discard)
		}
		_ = enc.Finish(io.Discard, nil)
	}
}

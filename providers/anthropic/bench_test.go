package anthropic

import (
	"bytes"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// BenchmarkToAnthropic translates a typical agent request (system, images,
// a tool loop, tools). Target: well under 50µs.
func BenchmarkToAnthropic(b *testing.B) {
	req := unified(b, string(readTestdata(b, "to_anthropic/agent_loop.json")))
	o := Options{Model: "claude-sonnet-4-5", Stream: true}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ToAnthropic(req, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStreamTranslate translates a recorded stream of 22 events
// (SSE parsing included).
func BenchmarkStreamTranslate(b *testing.B) {
	stream := readTestdata(b, "stream/tool_use.sse")
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		tr := NewStreamTranslator(1)
		r := providers.NewSSEReader(bytes.NewReader(stream))
		events := 0
		for !tr.Done() {
			ev, err := r.Next()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tr.Translate(ev.Name, ev.Data); err != nil {
				b.Fatal(err)
			}
			events++
		}
		if events != 22 {
			b.Fatalf("%d events", events)
		}
	}
}

// BenchmarkFromAnthropic translates a non-streaming answer with text and a
// tool call.
func BenchmarkFromAnthropic(b *testing.B) {
	body := readTestdata(b, "from_anthropic/tool_use.json")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromAnthropic(body, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeRequest compares the hand-written request encoder with
// encoding/json on the same wire request (the agent loop of
// BenchmarkToAnthropic), to show what encodeRequest earns.
func BenchmarkEncodeRequest(b *testing.B) {
	req := unified(b, string(readTestdata(b, "to_anthropic/agent_loop.json")))
	w, err := buildRequest(req, Options{Model: "claude-sonnet-4-5", Stream: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Marshal(w); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encodeRequest", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := encodeRequest(w); !ok {
				b.Fatal("not encoded")
			}
		}
	})
}

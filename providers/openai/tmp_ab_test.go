package openai

import (
	"encoding/json"
	"testing"
)

var abChunk = []byte(`{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion.chunk","created":1741569952,"model":"gpt-4o-2024-08-06","service_tier":"default","system_fingerprint":"fp_eb9dce56a8","choices":[{"index":0,"delta":{"content":" word"},"logprobs":null,"finish_reason":null}],"usage":null}`)

func BenchmarkABJSON(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ev := new(chunkEvent)
		if err := json.Unmarshal(abChunk, ev); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkABFast(b *testing.B) {
	b.ReportAllocs()
	var p chunkParser
	for b.Loop() {
		if _, ok := p.parse(abChunk); !ok {
			b.Fatal("declined")
		}
	}
}

package google

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// eventSeeds are stream events as Gemini sends them, and shapes at the
// edges of what the fast parser takes.
var eventSeeds = []string{
	`{"candidates": [{"content": {"parts": [{"text": "Hello"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 9,"totalTokenCount": 9,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 9}]},"modelVersion": "gemini-2.5-flash","responseId": "abc"}`,
	`{"candidates":[{"content":{"parts":[{"text":" world"}],"role":"model"},"finishReason":"STOP","index":0,"safetyRatings":[{"category":"HARM_CATEGORY_HARASSMENT","probability":"NEGLIGIBLE"}]}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":2,"totalTokenCount":30,"thoughtsTokenCount":19,"cachedContentTokenCount":4,"toolUsePromptTokenCount":1},"modelVersion":"gemini-2.5-flash","responseId":"abc"}`,
	`{"candidates":[{"content":{"parts":[{"text":"**Plan**","thought":true},{"text":"ok","thoughtSignature":"c2ln"}],"role":"model"}}]}`,
	`{"candidates":[{"content":{"parts":[{"functionCall":{"name":"get","args":{"city":"Paris","n":[1,2.5e3,{"x":null}]}},"thoughtSignature":"AAEC"}],"role":"model"},"finishReason":"STOP","index":0}]}`,
	`{"candidates":[{"content":{"parts":[{"functionCall":{"id":"c1","name":"f","args":null}}]}}]}`,
	`{"candidates":[{"content":{"role":"model"},"finishReason":"MAX_TOKENS","index":1},{"content":null,"index":null,"finishReason":null}]}`,
	`{"candidates":[],"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[]}}`,
	`{"candidates":null,"usageMetadata":null,"promptFeedback":null,"modelVersion":null}`,
	`{"candidates":[{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}}]}}]}`,
	`{"candidates":[{"content":{"parts":[{"executableCode":{"language":"PYTHON","code":"print(1)"}}]}}]}`,
	`{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}}`,
	`{"Candidates":[]}`,
	`{"modelVersion":"a","modelVersion":"b"}`,
	`{"responseId":"\u0041\n","modelVersion":"x\ud83d\ude00"}`,
	`{"usageMetadata":{"promptTokenCount":1.5}}`,
	`{"usageMetadata":{"promptTokenCount":-0,"totalTokenCount":null}}`,
	`{"candidates":[{"content":{"parts":[{"text":"a","text":"b"}]}}]}`,
	`{"candidates":[{"content":{"parts":[{"thought":"yes"}]}}]}`,
	` { "responseId" : "r" } `,
	`{"responseId":"r"} x`,
	`{"createTime":"2025-01-01T00:00:00Z","ſomething":1}`,
	`[]`,
	`null`,
}

// FuzzEventParser holds the fast event parser to encoding/json: whatever
// it accepts must decode to exactly what encoding/json makes of it, on a
// fresh parser and on one whose buffers hold an earlier event.
func FuzzEventParser(f *testing.F) {
	for _, s := range eventSeeds {
		f.Add([]byte(s))
	}
	// The warm-up fills every reused buffer (two candidates, parts, usage,
	// feedback, the interned strings): nothing of it may show through.
	warm := []byte(`{"candidates":[{"content":{"parts":[{"text":"x","thought":true},{"functionCall":{"name":"f","args":{}}}],"role":"model"},"finishReason":"STOP","index":3},` +
		`{"content":{"parts":[{"text":"y","thoughtSignature":"s"}],"role":"user"},"index":4}],"promptFeedback":{"blockReason":"OTHER"},` +
		`"usageMetadata":{"promptTokenCount":1,"cachedContentTokenCount":2,"candidatesTokenCount":3,"toolUsePromptTokenCount":4,"thoughtsTokenCount":5,"totalTokenCount":6},` +
		`"modelVersion":"m","responseId":"r"}`)
	f.Fuzz(func(t *testing.T, data []byte) {
		var fresh eventParser
		got, ok := fresh.parse(data)
		if !ok {
			return
		}
		var want generateResponse
		if err := json.Unmarshal(data, &want); err != nil {
			t.Fatalf("fast parser accepted what encoding/json rejects (%v): %s", err, data)
		}
		if !reflect.DeepEqual(got, &want) {
			t.Fatalf("fast %+v\njson %+v\nfrom %s", got, &want, data)
		}
		// Splicing a name where the parser saw modelVersion must give what
		// the relay's scan (providers.SetTopLevel) gives.
		if at := fresh.modelAt; at[1] > 0 {
			spliced := append(append(append([]byte(nil), data[:at[0]]...), `"pub"`...), data[at[1]:]...)
			if scanned, err := providers.SetTopLevel(data, "modelVersion", []byte(`"pub"`)); err != nil || string(scanned) != string(spliced) {
				t.Fatalf("spliced %s\nscanned %s (%v)", spliced, scanned, err)
			}
		} else if providers.GetTopLevel(data, "modelVersion") != nil && string(providers.GetTopLevel(data, "modelVersion")) != "null" {
			t.Fatalf("modelVersion not located in %s", data)
		}
		var warmed eventParser
		if _, ok := warmed.parse(warm); !ok {
			t.Fatal("warm-up event declined")
		}
		if again, ok := warmed.parse(data); !ok || !reflect.DeepEqual(again, &want) {
			t.Fatalf("warmed parser (%v): %+v", ok, again)
		}
	})
}

// TestEventParserTakesGeminiEvents: the events of a typical stream take
// the fast path; the shapes it leaves to encoding/json do not.
func TestEventParserTakesGeminiEvents(t *testing.T) {
	var p eventParser
	for i, s := range eventSeeds[:8] {
		if _, ok := p.parse([]byte(s)); !ok {
			t.Errorf("seed %d declined: %s", i, s)
		}
	}
	for _, s := range []string{
		eventSeeds[8],  // inlineData
		eventSeeds[10], // error
		eventSeeds[11], // a key matching a field only regardless of case
		eventSeeds[12], // repeated member
		`{"usageMetadata":{"promptTokenCount":1.5}}`,
		`{"createTime":"t","ſomething":1}`,
		`{"responseId":"r"} x`,
	} {
		if _, ok := p.parse([]byte(s)); ok {
			t.Errorf("taken: %s", s)
		}
	}
}

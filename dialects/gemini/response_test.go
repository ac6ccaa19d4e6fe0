package gemini

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestEncodeResponse(t *testing.T) {
	resp := &providers.ChatResponse{ID: "r1", Choices: []providers.Choice{{
		Message: providers.Message{Role: "assistant", Content: providers.TextContent("hi"),
			ToolCalls: []providers.ToolCall{{ID: "c1", Function: providers.FunctionCall{Name: "f", Arguments: `{"a":1}`}},
				{ID: "c2", Function: providers.FunctionCall{Name: "g", Arguments: `not json`}}}},
		FinishReason: providers.FinishToolCalls}},
		Usage: &providers.Usage{PromptTokens: 10, CompletionTokens: 8, TotalTokens: 18,
			PromptTokensDetails:     &providers.PromptTokensDetails{CachedTokens: 4},
			CompletionTokensDetails: &providers.CompletionTokensDetails{ReasoningTokens: 3}}}
	got := string(EncodeResponse(resp, "pub"))
	want := `{"candidates":[{"content":{"role":"model","parts":[{"text":"hi"},{"functionCall":{"id":"c1","name":"f","args":{"a":1}}},` +
		`{"functionCall":{"id":"c2","name":"g","args":{"arguments":"not json"}}}]},"finishReason":"STOP","index":0}],` +
		`"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5,"totalTokenCount":18,"cachedContentTokenCount":4,"thoughtsTokenCount":3},` +
		`"modelVersion":"pub","responseId":"r1"}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	for r, want := range map[string]string{"length": "MAX_TOKENS", "content_filter": "SAFETY", "stop": "STOP", "weird": "OTHER"} {
		if got := finishReason(r, false); got != want {
			t.Errorf("%s → %s", r, got)
		}
	}
}

func TestErrorBody(t *testing.T) {
	for code, status := range map[int]string{400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED",
		404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 402: "RESOURCE_EXHAUSTED", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED", 500: "INTERNAL"} {
		var b struct{ Error rpcStatus }
		_ = json.Unmarshal(Dialect.ErrorBody(&providers.Error{Status: code, Message: "m"}), &b)
		if b.Error.Code != code || b.Error.Status != status || b.Error.Message != "m" {
			t.Errorf("%d: %+v", code, b.Error)
		}
	}
}

func str(s string) *string { return &s }

// TestStreamWriter: text goes out per chunk; a call's argument deltas are
// joined and sent whole in the last response with finish and usage; the
// array form is valid JSON.
func TestStreamWriter(t *testing.T) {
	idx := 0
	chunks := []providers.ChatChunk{
		{ID: "s1", Choices: []providers.ChunkChoice{{Delta: providers.Delta{Role: "assistant", Content: str("Hel")}}}},
		{Choices: []providers.ChunkChoice{{Delta: providers.Delta{Content: str("lo")}}}},
		{Choices: []providers.ChunkChoice{{Delta: providers.Delta{ToolCalls: []providers.ToolCall{{Index: &idx, ID: "c1",
			Function: providers.FunctionCall{Name: "f", Arguments: `{"a"`}}}}}}},
		{Choices: []providers.ChunkChoice{{Delta: providers.Delta{ToolCalls: []providers.ToolCall{{Index: &idx,
			Function: providers.FunctionCall{Arguments: `:1}`}}}}, FinishReason: str("tool_calls")}}},
		{Usage: &providers.Usage{PromptTokens: 3, CompletionTokens: 2, TotalTokens: 5}},
	}
	for _, sse := range []bool{false, true} {
		body := streamOf(t, sse, chunks)
		var events []outResponse
		if sse {
			for _, line := range strings.Split(body, "\r\n\r\n") {
				if data, ok := strings.CutPrefix(line, "data: "); ok {
					var e outResponse
					if err := json.Unmarshal([]byte(data), &e); err != nil {
						t.Fatal(err)
					}
					events = append(events, e)
				}
			}
		} else if err := json.Unmarshal([]byte(body), &events); err != nil {
			t.Fatalf("array: %v\n%s", err, body)
		}
		if len(events) != 3 || *events[0].Candidates[0].Content.Parts[0].Text != "Hel" || events[1].UsageMetadata != nil {
			t.Fatalf("sse=%v: %s", sse, body)
		}
		last := events[2]
		fc := last.Candidates[0].Content.Parts[0].FunctionCall
		if fc == nil || fc.Name != "f" || fc.ID != "c1" || string(fc.Args) != `{"a":1}` || last.Candidates[0].FinishReason != "STOP" ||
			last.UsageMetadata == nil || last.UsageMetadata.TotalTokenCount != 5 || last.ResponseID != "s1" {
			t.Errorf("sse=%v last: %s", sse, body)
		}
	}
}

// TestStreamWriterError: a failed stream ends with Google's error object,
// and the array stays valid JSON.
func TestStreamWriterError(t *testing.T) {
	w := httptest.NewRecorder()
	s := ChatWriter{}.Stream(w, &providers.ChatRequest{Model: "pub"})
	_ = s.Chunk(&providers.ChatChunk{Choices: []providers.ChunkChoice{{Delta: providers.Delta{Content: str("x")}}}})
	s.End(&providers.Error{Kind: providers.KindUnavailable, Status: http.StatusServiceUnavailable, Message: "gone"})
	var arr []json.RawMessage
	if err := json.Unmarshal(w.Body.Bytes(), &arr); err != nil || len(arr) != 2 || !strings.Contains(string(arr[1]), `"UNAVAILABLE"`) {
		t.Errorf("%v %s", err, w.Body)
	}
}

// TestStreamWriterRelay: relayed events go out as they came with the
// public model name in modelVersion, spliced where the provider located it
// (ModelAt) or found by a scan, added when the event has none; the array
// form stays valid JSON.
func TestStreamWriterRelay(t *testing.T) {
	ev1 := []byte(`{"candidates":[{"content":{"parts":[{"text":"a"}]}}],"modelVersion":"up-1","x":1}`)
	at := bytes.Index(ev1, []byte(`"up-1"`))
	ev2 := []byte(`{"candidates":[{"finishReason":"STOP"}],"modelVersion":"up-1"}`)
	ev3 := []byte(`{"usageMetadata":{"totalTokenCount":3}}`)
	chunks := []providers.ChatChunk{
		{Event: &providers.StreamEvent{Relay: true, Data: ev1, ModelAt: [2]int{at, at + len(`"up-1"`)}}},
		{Event: &providers.StreamEvent{Relay: true, Data: ev2}},
		{Event: &providers.StreamEvent{Relay: true, Data: ev3}},
	}
	want := `{"candidates":[{"content":{"parts":[{"text":"a"}]}}],"modelVersion":"pub","x":1}` +
		`,{"candidates":[{"finishReason":"STOP"}],"modelVersion":"pub"}` +
		`,{"usageMetadata":{"totalTokenCount":3},"modelVersion":"pub"}`
	for _, sse := range []bool{false, true} {
		got := streamOf(t, sse, chunks)
		if sse {
			got = strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(got, "data: "), "\r\n\r\n"), "\r\n\r\ndata: ", ",")
		} else {
			got = strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(got, "["), "]"), ",\r\n", ",")
		}
		if got != want {
			t.Errorf("sse=%v:\n%s\nwant\n%s", sse, got, want)
		}
	}
}

// streamOf is what the stream writer sends for chunks, to a client of the
// public model "pub".
func streamOf(t *testing.T, sse bool, chunks []providers.ChatChunk) string {
	t.Helper()
	w := httptest.NewRecorder()
	s := ChatWriter{sse: sse}.Stream(w, &providers.ChatRequest{Model: "pub"})
	for i := range chunks {
		if err := s.Chunk(&chunks[i]); err != nil {
			t.Fatal(err)
		}
	}
	s.End(nil)
	return w.Body.String()
}

package anthropic

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// encodeRequest must write exactly what marshal writes for the same
// wireRequest, and leave to marshal what encoding/json rejects.
func checkEncodeRequest(t *testing.T, req *providers.ChatRequest, o Options) {
	t.Helper()
	w, err := buildRequest(req, o)
	if err != nil {
		return
	}
	want, wantErr := Marshal(w)
	got, ok := encodeRequest(w)
	if ok != (wantErr == nil) {
		t.Fatalf("encodeRequest ok=%v, marshal error %v", ok, wantErr)
	}
	if ok && !bytes.Equal(got, want) {
		t.Fatalf("encodeRequest differs from marshal\n got %s\nwant %s", got, want)
	}
	// ToAnthropic falls back to marshal: same bytes, or the same error.
	body, err := ToAnthropic(req, o)
	if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) || !bytes.Equal(body, want) {
		t.Fatalf("ToAnthropic = %s, %v; want %s, %v", body, err, want, wantErr)
	}
}

func TestEncodeRequestMatchesMarshal(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	no := false
	for _, s := range jsonStrings {
		for _, args := range []string{"", " {\"a\" : 1 ,\n \"b\":[ 1, 2 ] } ", "{\"s\":\"x y\"}", "[1]", s} {
			for _, params := range []string{"", "null", " {} ", "{ \"type\" : \"object\" }", "{", `{"type":"object"} x`} {
				req := &providers.ChatRequest{
					Messages: []providers.Message{
						{Role: "system", Content: providers.TextContent("sys " + s)},
						{Role: "user", Content: providers.Content{Parts: []providers.ContentPart{{Type: "text", Text: s + "?"},
							{Type: "image_url", ImageURL: &providers.ImageURL{URL: "data:image/png;base64,AA" + s}}}}},
						{Role: "assistant", Content: providers.TextContent(s), ToolCalls: []providers.ToolCall{
							{ID: "call " + s, Function: providers.FunctionCall{Name: "f" + s, Arguments: args}}}},
						{Role: "tool", ToolCallID: "call " + s, Content: providers.TextContent(s + "!")},
						{Role: "tool", ToolCallID: "c2", Content: providers.Content{Parts: []providers.ContentPart{{Type: "text", Text: s + "p"},
							{Type: "image_url", ImageURL: &providers.ImageURL{URL: "https://i/" + s}}}}},
						{Role: "assistant", Content: providers.TextContent("prefill " + s + " \n")},
					},
					Temperature: f(1.5), TopP: f(1e-7), Stop: providers.StringList{s, "x" + s}, User: s,
					Tools:             []providers.Tool{{Function: providers.FunctionDef{Name: "f" + s, Description: s, Parameters: json.RawMessage(params)}}},
					ToolChoice:        &providers.ToolChoice{Function: "f" + s},
					ParallelToolCalls: &no,
				}
				checkEncodeRequest(t, req, Options{Model: "m" + s, Stream: true})
			}
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), 1e21, -0.000001} {
		req := &providers.ChatRequest{Messages: []providers.Message{{Role: "user", Content: providers.TextContent("Hi")}}, TopP: f(v)}
		checkEncodeRequest(t, req, Options{Model: "m"})
	}
}

// FuzzEncodeRequest compares the two encodings over arbitrary requests.
func FuzzEncodeRequest(f *testing.F) {
	seedFiles(f, "to_anthropic/*.json")
	f.Add([]byte(`{"messages":[{"role":"tool","content":"\u2028<>\ud800"},{"role":"assistant","content":" ","tool_calls":[{"id":"x","function":{"name":"f","arguments":" { \"a\" : \"b c\" } "}}]}],"top_p":1e-9}`))
	f.Add([]byte(`{"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y","thinking_blocks":[{"type":"thinking","signature":"s"},` +
		`{"type":"thinking","thinking":"<t>","signature":"","data":"d"},{"type":"redacted_thinking","data":"e"}]}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var req providers.ChatRequest
		if json.Unmarshal(body, &req) != nil {
			return
		}
		checkEncodeRequest(t, &req, Options{Model: "claude-3-5-sonnet", Stream: true})
	})
}

package responses

import (
	"encoding/json"
	"reflect"
	"testing"

	sdk "github.com/openai/openai-go/v3/responses"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestHistoryRoundTrip: a stored conversation rendered as input items
// decodes back to the same unified messages.
func TestHistoryRoundTrip(t *testing.T) {
	msgs := []providers.Message{
		{Role: "system", Content: providers.TextContent("sys")},
		{Role: "user", Content: providers.Content{Parts: []providers.ContentPart{
			{Type: "text", Text: "look"}, {Type: "image_url", ImageURL: &providers.ImageURL{URL: "https://x/a.png", Detail: "high"}}}}},
		{Role: "assistant", Content: providers.TextContent("calling"), ToolCalls: []providers.ToolCall{
			{ID: "c1", Type: "function", Function: providers.FunctionCall{Name: "f", Arguments: `{"a":1}`}},
			{ID: "c2", Type: "function", Function: providers.FunctionCall{Name: "g", Arguments: `{}`}}}},
		{Role: "tool", ToolCallID: "c1", Content: providers.TextContent("r1")},
		{Role: "tool", ToolCallID: "c2", Content: providers.TextContent("r2")},
		{Role: "assistant", Content: providers.TextContent("done")},
	}
	input, _ := json.Marshal(HistoryItems(msgs))
	r := mustDecode(t, `{"model":"m","input":`+string(input)+`}`)
	if got := r.InputMessages(); !reflect.DeepEqual(got, msgs) {
		b, _ := json.Marshal(got)
		t.Fatalf("round trip:\n%s\n%s", b, input)
	}
}

func TestWithHistory(t *testing.T) {
	prior := []providers.Message{{Role: "user", Content: providers.TextContent("first")}, {Role: "assistant", Content: providers.TextContent("one")}}
	for _, body := range []string{
		`{"model":"gpt-4o","previous_response_id":"resp_1","input":"second","store":true}`,
		`{"model":"gpt-4o","previous_response_id":"resp_1","input":[{"role":"user","content":"second"}],"store":true}`,
	} {
		r := mustDecode(t, body)
		out, err := r.WithHistory([]byte(body), prior)
		if err != nil {
			t.Fatal(err)
		}
		want := `{"model":"gpt-4o","input":[{"role":"user","content":"first"},{"role":"assistant","content":"one"},{"role":"user","content":"second"}],"store":true}`
		if string(out) != want {
			t.Errorf("got  %s\nwant %s", out, want)
		}
	}
}

// TestNewStoredFromJSON: an answer relayed from OpenAI extends the stored
// conversation like a translated one.
func TestNewStoredFromJSON(t *testing.T) {
	req := mustDecode(t, `{"model":"m","input":"q"}`)
	translated, _ := EncodeResponse(req, chatResponse(t, `{"choices":[{"index":0,"message":{"role":"assistant","content":"a","tool_calls":[
		{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`), Meta{})
	body := translated.JSON()
	var check sdk.Response
	if err := json.Unmarshal(body, &check); err != nil {
		t.Fatal(err)
	}
	s, err := NewStoredFromJSON(req, body, nil, testclock.Epoch)
	if err != nil {
		t.Fatal(err)
	}
	if want := NewStored(req, translated, nil, testclock.Epoch); !reflect.DeepEqual(s.Messages, want.Messages) || string(s.Response) != string(body) {
		t.Fatalf("messages %+v, want %+v", s.Messages, want.Messages)
	}
	if _, err := NewStoredFromJSON(req, []byte(`nope`), nil, testclock.Epoch); err == nil {
		t.Error("invalid JSON accepted")
	}
}

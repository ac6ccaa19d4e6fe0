package openai

import (
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// responsesStreamOf reads events (the data of each, in order) as the
// stream of a Responses upstream.
func responsesStreamOf(events ...string) *responsesStream {
	var b strings.Builder
	for _, e := range events {
		b.WriteString("data: " + e + "\n\n")
	}
	resp := &http.Response{Body: io.NopCloser(strings.NewReader(b.String()))}
	cfg := &providers.Config{Name: "oai"}
	cfg.Scrubber()
	return newResponsesStream(resp, providers.NewSSEReader(resp.Body), cfg, nil)
}

// streamView is what the gateway read of a whole stream.
type streamView struct {
	text, refusal, finish, id, model string
	created                          int64
	calls                            []providers.ToolCall
	usage                            *providers.Usage
}

func readStream(t *testing.T, s *responsesStream, events []string) (streamView, error) {
	t.Helper()
	var v streamView
	for i := 0; ; i++ {
		c, err := s.Next()
		if errors.Is(err, io.EOF) {
			return v, nil
		}
		if err != nil {
			return v, err
		}
		if c.Event == nil || !c.Event.Relay || string(c.Event.Data) != events[i] {
			t.Fatalf("event %d relayed as %+v, want %s", i, c.Event, events[i])
		}
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil {
				v.text += *ch.Delta.Content
			}
			if ch.Delta.Refusal != nil {
				v.refusal += *ch.Delta.Refusal
			}
			for _, tc := range ch.Delta.ToolCalls {
				if tc.ID != "" {
					v.calls = append(v.calls, providers.ToolCall{ID: tc.ID, Type: tc.Type, Function: tc.Function})
				} else if n := *tc.Index; n < len(v.calls) {
					v.calls[n].Function.Arguments += tc.Function.Arguments
				}
			}
			if ch.FinishReason != nil {
				v.finish = *ch.FinishReason
			}
		}
		if c.Usage != nil {
			v.usage, v.id, v.model, v.created = c.Usage, c.ID, c.Model, c.Created
		}
	}
}

// TestResponsesStreamUnifiedView: text, refusal and function call deltas,
// the finish reason, usage, id, model and created come out of the events
// the lazy readers take and of those encoding/json reads (an escaped
// member name), each event relayed as it came.
func TestResponsesStreamUnifiedView(t *testing.T) {
	events := []string{
		`{"type":"response.created","sequence_number":0,"response":{"id":"resp_1","status":"in_progress","output":[],"usage":null}}`,
		`{"type":"response.output_item.added","output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"}}`,
		`{"type":"response.output_text.delta","output_index":0,"delta":"Hel"}`,
		`{"type":"response.output_text.delta","output_index":0,"d\u0065lta":"lo"}`,
		`{"type":"response.refusal.delta","output_index":0,"delta":" no"}`,
		`{"type":"response.output_item.done","output_index":0,"item":{"id":"msg_1","type":"message","content":[{"type":"output_text","text":"Hello"}]}}`,
		`{"type":"response.output_item.added","output_index":1,"item":{"type":"function_call","id":"fc_1","call_id":"call_1","name":"get_weather","arguments":""}}`,
		`{"type":"response.function_call_arguments.delta","output_index":1,"delta":"{\"city\":"}`,
		`{"type":"response.function_call_arguments.delta","output_index":1,"delta":"\"Paris\"}"}`,
		`{"type":"response.completed","response":{"id":"resp_1","object":"response","created_at":1741476542,"status":"completed",` +
			`"model":"gpt-4.1","output":[],"usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":4},"output_tokens":87,` +
			`"output_tokens_details":{"reasoning_tokens":2},"total_tokens":123}}}`,
	}
	v, err := readStream(t, responsesStreamOf(events...), events)
	if err != nil {
		t.Fatal(err)
	}
	want := streamView{text: "Hello", refusal: " no", finish: providers.FinishToolCalls, id: "resp_1", model: "gpt-4.1",
		created: 1741476542,
		calls: []providers.ToolCall{{ID: "call_1", Type: "function",
			Function: providers.FunctionCall{Name: "get_weather", Arguments: `{"city":"Paris"}`}}},
		usage: &providers.Usage{PromptTokens: 36, CompletionTokens: 87, TotalTokens: 123,
			PromptTokensDetails:     &providers.PromptTokensDetails{CachedTokens: 4},
			CompletionTokensDetails: &providers.CompletionTokensDetails{ReasoningTokens: 2}}}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("read %+v\nwant %+v", v, want)
	}
}

// TestResponsesStreamIncomplete: an incomplete Response's reason is the
// finish reason; a null response finishes without one.
func TestResponsesStreamIncomplete(t *testing.T) {
	for final, finish := range map[string]string{
		`{"type":"response.incomplete","response":{"id":"r","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":null}}`: providers.FinishLength,
		`{"type":"response.incomplete","response":{"ID":"r","status":"incomplete","incomplete_details":{"reason":"content_filter"}}}`:                 providers.FinishContentFilter,
		`{"type":"response.completed","response":{"status":"completed"}}`:                                                                             providers.FinishStop,
		`{"type":"response.completed","response":null}`:                                                                                               "",
	} {
		events := []string{`{"type":"response.output_text.delta","delta":"x"}`, final}
		v, err := readStream(t, responsesStreamOf(events...), events)
		if err != nil || v.finish != finish || v.text != "x" {
			t.Errorf("%s: finish %q, text %q, error %v; want %q", final, v.finish, v.text, err, finish)
		}
	}
}

// TestResponsesStreamInvalidEvents: an event encoding/json refused before
// its item and response were read lazily is still refused, as an upstream
// error, and ends the stream.
func TestResponsesStreamInvalidEvents(t *testing.T) {
	for _, bad := range []string{
		`{"type":"response.created","response":"x"}`,
		`{"type":"response.output_item.done","item":[1]}`,
		`{"type":"response.output_item.added","output_index":0,"item":{"type":5}}`,
		`{"type":"response.completed","response":{"id":5}}`,
		`{"type":"response.completed","response":{"usage":{"input_tokens":1.5}}}`,
		`{"type":"response.output_text.delta","delta":5}`,
		`{"type":"response.output_text.delta"`,
	} {
		s := responsesStreamOf(`{"type":"response.output_text.delta","delta":"x"}`, bad)
		if _, err := s.Next(); err != nil {
			t.Fatal(err)
		}
		_, err := s.Next()
		var pe *providers.Error
		if !errors.As(err, &pe) || pe.Kind != providers.KindUpstream || !strings.Contains(pe.Message, "invalid Responses stream event") {
			t.Errorf("%s: error %v", bad, err)
		}
		if _, again := s.Next(); again != err {
			t.Errorf("%s: the stream went on after its error (%v)", bad, again)
		}
	}
}

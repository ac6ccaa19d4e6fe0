package responses

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	sdk "github.com/openai/openai-go/v3/responses"

	"github.com/sira-ai/caddy-ai-backends/internal/dialecttest"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// agentChunks is an OpenAI-style stream: role, text, two tool calls with
// split arguments, the finish chunk, then the usage chunk.
func agentChunks(t *testing.T) []*providers.ChatChunk {
	return chunks(t,
		`{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{"content":"Let me "},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{"content":"check."},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_A","type":"function","function":{"name":"weather","arguments":""}}]},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ci"}}]},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"ty\":\"Paris\"}"}}]},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_B","type":"function","function":{"name":"clock","arguments":"{}"}}]},"finish_reason":null}]}`,
		`{"id":"c","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}`,
		`{"id":"c","choices":[],"usage":{"prompt_tokens":50,"completion_tokens":20,"total_tokens":70,"prompt_tokens_details":{"cached_tokens":30}}}`,
	)
}

func encodeAll(t *testing.T, enc *StreamEncoder, cs []*providers.ChatChunk, err error) string {
	t.Helper()
	return string(dialecttest.Encode(t, enc, cs, err))
}

// respJSON is the echoed part of the response object for {"model":"m","input":"x"}.
func respJSON(status, completedAt, output, usage string) string {
	return `{"id":"resp_test","object":"response","created_at":1735689600,"status":"` + status + `","background":false,"completed_at":` + completedAt +
		`,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"max_tool_calls":null,"model":"m","output":` + output +
		`,"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"safety_identifier":null,"service_tier":"default",` +
		`"store":true,"temperature":1,"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto","tools":[],"top_logprobs":0,"top_p":1,` +
		`"truncation":"disabled","usage":` + usage + `,"user":null,"metadata":{}}`
}

func TestStreamEncoderExactEvents(t *testing.T) {
	enc := NewStreamEncoder(mustDecode(t, `{"model":"m","input":"x"}`), fixedMeta())
	got := encodeAll(t, enc, agentChunks(t), nil)
	msgDone := `{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Let me check."}],"role":"assistant"}`
	fcA := `{"id":"fc_2","type":"function_call","status":"completed","arguments":"{\"city\":\"Paris\"}","call_id":"call_A","name":"weather"}`
	fcB := `{"id":"fc_3","type":"function_call","status":"completed","arguments":"{}","call_id":"call_B","name":"clock"}`
	events := [][2]string{
		{"response.created", `{"type":"response.created","response":` + respJSON("in_progress", "null", "[]", "null") + `,"sequence_number":0}`},
		{"response.in_progress", `{"type":"response.in_progress","response":` + respJSON("in_progress", "null", "[]", "null") + `,"sequence_number":1}`},
		{"response.output_item.added", `{"type":"response.output_item.added","output_index":0,"item":{"id":"msg_1","type":"message","status":"in_progress","content":[],"role":"assistant"},"sequence_number":2}`},
		{"response.content_part.added", `{"type":"response.content_part.added","item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""},"sequence_number":3}`},
		{"response.output_text.delta", `{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"Let me ","logprobs":[],"sequence_number":4}`},
		{"response.output_text.delta", `{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"check.","logprobs":[],"sequence_number":5}`},
		{"response.output_text.done", `{"type":"response.output_text.done","item_id":"msg_1","output_index":0,"content_index":0,"text":"Let me check.","logprobs":[],"sequence_number":6}`},
		{"response.content_part.done", `{"type":"response.content_part.done","item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":"Let me check."},"sequence_number":7}`},
		{"response.output_item.done", `{"type":"response.output_item.done","output_index":0,"item":` + msgDone + `,"sequence_number":8}`},
		{"response.output_item.added", `{"type":"response.output_item.added","output_index":1,"item":{"id":"fc_2","type":"function_call","status":"in_progress","arguments":"","call_id":"call_A","name":"weather"},"sequence_number":9}`},
		{"response.function_call_arguments.delta", `{"type":"response.function_call_arguments.delta","item_id":"fc_2","output_index":1,"delta":"{\"ci","sequence_number":10}`},
		{"response.function_call_arguments.delta", `{"type":"response.function_call_arguments.delta","item_id":"fc_2","output_index":1,"delta":"ty\":\"Paris\"}","sequence_number":11}`},
		{"response.output_item.added", `{"type":"response.output_item.added","output_index":2,"item":{"id":"fc_3","type":"function_call","status":"in_progress","arguments":"","call_id":"call_B","name":"clock"},"sequence_number":12}`},
		{"response.function_call_arguments.delta", `{"type":"response.function_call_arguments.delta","item_id":"fc_3","output_index":2,"delta":"{}","sequence_number":13}`},
		{"response.function_call_arguments.done", `{"type":"response.function_call_arguments.done","item_id":"fc_2","output_index":1,"name":"weather","arguments":"{\"city\":\"Paris\"}","sequence_number":14}`},
		{"response.output_item.done", `{"type":"response.output_item.done","output_index":1,"item":` + fcA + `,"sequence_number":15}`},
		{"response.function_call_arguments.done", `{"type":"response.function_call_arguments.done","item_id":"fc_3","output_index":2,"name":"clock","arguments":"{}","sequence_number":16}`},
		{"response.output_item.done", `{"type":"response.output_item.done","output_index":2,"item":` + fcB + `,"sequence_number":17}`},
		{"response.completed", `{"type":"response.completed","response":` + respJSON("completed", "1735689602", "["+msgDone+","+fcA+","+fcB+"]",
			`{"input_tokens":50,"input_tokens_details":{"cached_tokens":30},"output_tokens":20,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":70}`) + `,"sequence_number":18}`},
	}
	var want strings.Builder
	for _, e := range events {
		want.WriteString("event: " + e[0] + "\ndata: " + e[1] + "\n\n")
	}
	if got != want.String() {
		gl, wl := strings.Split(got, "\n"), strings.Split(want.String(), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("line %d:\n got %s\nwant %s", i, gl[i], wl[i])
			}
		}
		t.Fatalf("got %d lines, want %d", len(gl), len(wl))
	}
	final := enc.Response()
	if final.Status != "completed" || len(final.Output) != 3 || final.Usage.TotalTokens != 70 {
		t.Errorf("final response = %s", final.JSON())
	}
}

func TestStreamEncoderIncompleteAndRefusal(t *testing.T) {
	enc := NewStreamEncoder(mustDecode(t, `{"model":"m","input":"x"}`), fixedMeta())
	got := encodeAll(t, enc, chunks(t,
		`{"choices":[{"index":0,"delta":{"refusal":"I can"},"finish_reason":null}]}`,
		`{"choices":[{"index":0,"delta":{"refusal":"not."},"finish_reason":null}]}`,
		`{"choices":[{"index":0,"delta":{"content":"But"},"finish_reason":"length"}]}`,
	), nil)
	for _, want := range []string{
		`"type":"response.content_part.added","item_id":"msg_1","output_index":0,"content_index":0,"part":{"type":"refusal","refusal":""}`,
		`"type":"response.refusal.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"I can"`,
		`"type":"response.refusal.done","item_id":"msg_1","output_index":0,"content_index":0,"refusal":"I cannot."`,
		`"type":"response.content_part.added","item_id":"msg_1","output_index":0,"content_index":1,"part":{"type":"output_text"`,
		`"type":"response.output_text.done","item_id":"msg_1","output_index":0,"content_index":1,"text":"But"`,
		`event: response.incomplete`,
		`"status":"incomplete"`,
		`"incomplete_details":{"reason":"max_output_tokens"}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	if strings.Contains(got, "response.completed") {
		t.Error("an incomplete response must not be completed")
	}
}

func TestStreamEncoderFailures(t *testing.T) {
	upstream := &providers.Error{Kind: providers.KindUpstream, Message: "upstream broke"}

	enc := NewStreamEncoder(mustDecode(t, `{"model":"m","input":"x"}`), fixedMeta())
	got := encodeAll(t, enc, chunks(t, `{"choices":[{"index":0,"delta":{"content":"par"},"finish_reason":null}]}`), upstream)
	wantTail := "event: response.failed\ndata: " + `{"type":"response.failed","response":` +
		strings.Replace(respJSON("failed", "null", `[{"id":"msg_1","type":"message","status":"incomplete","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"par"}],"role":"assistant"}]`, "null"),
			`"error":null`, `"error":{"code":"server_error","message":"upstream broke"}`, 1) + `,"sequence_number":8}` + "\n\n"
	if !strings.HasSuffix(got, wantTail) {
		t.Errorf("failed stream:\n%s\nwant tail\n%s", got, wantTail)
	}
	if !strings.Contains(got, `"status":"failed","background":false,"completed_at":null,"error":{"code":"server_error","message":"upstream broke"}`) {
		t.Errorf("failed stream lacks the error:\n%s", got)
	}

	enc = NewStreamEncoder(mustDecode(t, `{"model":"m","input":"x"}`), fixedMeta())
	got = encodeAll(t, enc, nil, &providers.Error{Kind: providers.KindRateLimited, Message: "slow down"})
	want := "event: error\ndata: " + `{"type":"error","code":"rate_limited","message":"slow down","param":null,"sequence_number":0}` + "\n\n"
	if got != want {
		t.Errorf("error before start:\n got %s\nwant %s", got, want)
	}
	var buf bytes.Buffer
	if err := enc.Finish(&buf, nil); err != nil || buf.Len() != 0 {
		t.Error("Finish after Finish must write nothing")
	}
	if err := enc.Encode(agentChunks(t)[1], &buf); err != nil || buf.Len() != 0 {
		t.Error("Encode after Finish must write nothing")
	}
}

func TestStreamEncoderEmptyStream(t *testing.T) {
	enc := NewStreamEncoder(mustDecode(t, `{"model":"m","input":"x"}`), fixedMeta())
	var buf bytes.Buffer
	if err := enc.Start(&buf); err != nil {
		t.Fatal(err)
	}
	if err := enc.Start(&buf); err != nil {
		t.Fatal(err)
	}
	got := encodeAll(t, enc, nil, nil)
	all := buf.String() + got
	if strings.Count(all, "event: ") != 3 || !strings.Contains(all, "event: response.completed") || strings.Count(all, "event: response.created") != 1 {
		t.Errorf("empty stream:\n%s", all)
	}
}

// TestStreamEncoderInterleavedCalls: fragments of parallel calls that
// arrive interleaved still end whole in each call's done event.
func TestStreamEncoderInterleavedCalls(t *testing.T) {
	enc := NewStreamEncoder(mustDecode(t, `{"model":"m","input":"x"}`), fixedMeta())
	encodeAll(t, enc, chunks(t,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"a","function":{"name":"f","arguments":"{\"x\":"}}]},"finish_reason":null}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"b","function":{"name":"g","arguments":"{\"y\":"}}]},"finish_reason":null}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":null}]}`,
		`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"2}"}}]},"finish_reason":"tool_calls"}]}`,
	), nil)
	out := enc.Response().Output
	if len(out) != 2 || out[0].Arguments != `{"x":1}` || out[1].Arguments != `{"y":2}` {
		t.Fatalf("output = %+v", out)
	}
}

// TestStreamSDK: the official SDK's streaming client decodes every event and
// sees the text, the call and the final usage.
func TestStreamSDK(t *testing.T) {
	enc := NewStreamEncoder(mustDecode(t, `{"model":"m","input":"x"}`), Meta{})
	body := encodeAll(t, enc, agentChunks(t), nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/responses" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = w.Write([]byte(body))
	}))
	defer srv.Close()
	client := sdktest.OpenAIClient(srv.URL, "k")
	got := sdktest.ReadResponses(t, client.Responses.NewStreaming(context.Background(), openaiParams()))
	types, final := got.Types, got.Final
	if got.Text != "Let me check." || got.Args != `{"city":"Paris"}{}` {
		t.Errorf("text %q args %q", got.Text, got.Args)
	}
	if final == nil || final.OutputText() != "Let me check." || final.Usage.TotalTokens != 70 || final.Usage.InputTokensDetails.CachedTokens != 30 {
		t.Fatalf("final = %+v", final)
	}
	if fc := final.Output[1].AsFunctionCall(); fc.CallID != "call_A" || fc.Arguments != `{"city":"Paris"}` {
		t.Errorf("call = %+v", fc)
	}
	if types[0] != "response.created" || types[len(types)-1] != "response.completed" {
		t.Errorf("types = %v", types)
	}
}

func openaiParams() sdk.ResponseNewParams {
	return sdk.ResponseNewParams{Model: "m", Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("x")}}
}

// failingWriter fails every write, as a client that went away.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("gone") }

func TestStreamEncoderWriteError(t *testing.T) {
	enc := NewStreamEncoder(mustDecode(t, `{"model":"m","input":"x"}`), fixedMeta())
	if err := enc.Encode(agentChunks(t)[1], failingWriter{}); err == nil {
		t.Error("a write error must be returned")
	}
}

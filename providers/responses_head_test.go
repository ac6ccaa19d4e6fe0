package providers

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fuzzcorpus"
)

// responsesSample is a Response object as OpenAI returns it.
const responsesSample = `{"id":"resp_67ccd2bed1ec8190b14f964abc054267","object":"response","created_at":1741476542,
"status":"completed","error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,
"model":"gpt-4.1-2025-04-14","output":[{"type":"message","id":"msg_1","status":"completed","role":"assistant",
"content":[{"type":"output_text","text":"Hi \"there\" \u00e9","annotations":[]}]}],"parallel_tool_calls":true,
"usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":4},"output_tokens":87,
"output_tokens_details":{"reasoning_tokens":2},"total_tokens":123},"user":null,"metadata":{}}`

// incompleteSample is the head of a Response cut short by its token limit.
const incompleteSample = `{"id":"r","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"}}`

var responsesHeadSeeds = fuzzcorpus.Bodies{
	responsesSample,
	`{"id":"r","model":"m","created_at":1,"usage":null}`,
	`{"id":"r","usage":{"input_tokens":1,"output_tokens":2,"total_tokens":3,"input_tokens_details":{"cached_tokens":0},"output_tokens_details":{"reasoning_tokens":0}}}`,
	`{"ID":"upper","Model":"m"}`,                               // case-folded names
	`{"id":"a","id":"b"}`,                                      // repeated
	`{"usage":{"input_tokens":1},"usage":{"output_tokens":2}}`, // repeated usage merges
	`{"created_at":1.5}`,                                       // a float: an error
	`{"created_at":null,"id":null,"model":null}`,               // nulls leave zero values
	`{"usage":{"input_tokens_details":null,"input_tokens":"1"}}`,
	`{"usage":{"input_tokens":1e2}}`,
	`{"id":5}`,
	`{"model":"\ud83d\ude00 \u0000"}`,
	`{"usage":[]}`,
	`null`, `[]`, `"x"`, `{`, ``, `{"id":"r"} x`,
	`{"created_at":-12,"usage":{"output_tokens_details":{"reasoning_tokens":7,"x":[1,{"y":2}]}}}`,
	`{"created_at":99999999999999999999}`,
	incompleteSample,
	`{"status":"incomplete","incomplete_details":{"reason":"content_filter","x":1}}`,
	`{"status":"in_progress","incomplete_details":null}`,
	`{"status":"some_new_status","incomplete_details":{"reason":"why \u00e9"}}`,
	`{"status":null,"incomplete_details":{"reason":null}}`,
	`{"status":5}`, `{"incomplete_details":"x"}`, `{"incomplete_details":{"reason":7}}`,
	`{"status":"completed","status":"failed"}`,
	`{"incomplete_details":{"reason":"a"},"incomplete_details":{}}`,
	`{"incomplete_details":{"reason":"a","reason":"b"}}`,
	`{"incomplete_details":{"Reason":"a"}}`,
	`{"Status":"completed"}`,
	`{"status":""}`,
}

// TestDecodeResponsesHeadMatchesEncodingJSON: the fast head reader and the
// slow path (encoding/json) agree on the sample and the edge cases.
func TestDecodeResponsesHeadMatchesEncodingJSON(t *testing.T) {
	responsesHeadSeeds.Check(t, checkResponsesHead)
	r, err := DecodeResponsesHead([]byte(responsesSample), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := &Usage{PromptTokens: 36, CompletionTokens: 87, TotalTokens: 123,
		PromptTokensDetails: &PromptTokensDetails{CachedTokens: 4}, CompletionTokensDetails: &CompletionTokensDetails{ReasoningTokens: 2}}
	if r.ID != "resp_67ccd2bed1ec8190b14f964abc054267" || r.Model != "gpt-4.1-2025-04-14" || r.Created != 1741476542 ||
		r.Object != "chat.completion" || !reflect.DeepEqual(r.Usage, want) {
		t.Errorf("head %+v usage %+v", r, r.Usage)
	}
	if !r.Original.Is(FormatOpenAIResponses) || string(r.Original.Body) != responsesSample {
		t.Error("the Response object is not kept in Original")
	}
	// The fast path itself took the sample and the usual incomplete shape
	// (no fallback).
	var fast ResponsesHead
	if err := fastResponsesHead([]byte(responsesSample), &fast); err != nil || fast.Status != "completed" {
		t.Errorf("sample went to the slow path: %v %+v", err, fast)
	}
	if err := fastResponsesHead([]byte(incompleteSample), &fast); err != nil ||
		fast.Status != "incomplete" || fast.IncompleteReason != "max_output_tokens" {
		t.Errorf("incomplete: %v %+v", err, fast)
	}
}

// TestDeferChoicesLoadsOnce: choices are decoded on the first LoadChoices
// only, with the deferred decoder, and its error is returned.
func TestDeferChoicesLoadsOnce(t *testing.T) {
	calls := 0
	dec := func(body []byte) ([]Choice, error) {
		calls++
		if string(body) != responsesSample {
			t.Errorf("decoder got %q", body)
		}
		return []Choice{{FinishReason: "stop"}}, nil
	}
	r, err := DecodeResponsesHead([]byte(responsesSample), dec)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 0 || r.Choices != nil {
		t.Fatal("choices decoded before LoadChoices")
	}
	for range 2 {
		if err := r.LoadChoices(); err != nil || len(r.Choices) != 1 || calls != 1 {
			t.Fatalf("LoadChoices: %v, %d choices, %d calls", err, len(r.Choices), calls)
		}
	}
	boom := errors.New("boom")
	r, _ = DecodeResponsesHead([]byte(responsesSample), func([]byte) ([]Choice, error) { return nil, boom })
	if err := r.LoadChoices(); !errors.Is(err, boom) {
		t.Errorf("LoadChoices error %v, want the decoder's", err)
	}
}

// FuzzDecodeResponsesHead holds the fast head reader to encoding/json:
// the same head, or an error in the same cases.
func FuzzDecodeResponsesHead(f *testing.F) { responsesHeadSeeds.Fuzz(f, checkResponsesHead) }

func checkResponsesHead(t *testing.T, body []byte) {
	t.Helper()
	got, err := DecodeResponsesHead(body, nil)
	var h responsesHeadJSON
	wantErr := json.Unmarshal(body, &h)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%q: error %v, encoding/json %v", body, err, wantErr)
	}
	if err != nil {
		return
	}
	if got.ID != h.ID || got.Model != h.Model || got.Created != h.CreatedAt || !reflect.DeepEqual(got.Usage, h.Usage.unified()) {
		t.Fatalf("%q: head %q %q %d %+v, encoding/json %+v", body, got.ID, got.Model, got.Created, got.Usage, h)
	}
	// The whole head, status and incomplete reason included, as read from
	// a body already checked (a stream event's response member).
	var head ResponsesHead
	if err := ReadResponsesHead(body, &head); err != nil {
		t.Fatalf("%q: ReadResponsesHead: %v", body, err)
	}
	if want := h.head(); !reflect.DeepEqual(head, want) {
		t.Fatalf("%q: head %+v, encoding/json %+v", body, head, want)
	}
}

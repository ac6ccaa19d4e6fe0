package openai

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fuzzcorpus"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// fullChatOfResponse is the unified view decoded whole with encoding/json,
// as chatOfResponse did before it read the head alone: the reference the
// lazy reader is held to.
func fullChatOfResponse(raw []byte) (*providers.ChatResponse, error) {
	var r wireResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	choices, err := choicesOfResponse(raw)
	if err != nil {
		return nil, err
	}
	return &providers.ChatResponse{ID: r.ID, Object: "chat.completion", Created: r.CreatedAt, Model: r.Model,
		Choices: choices, Usage: r.Usage.usage(),
		Original: providers.Original{Format: providers.FormatOpenAIResponses, Body: raw}}, nil
}

var responseObjectSeeds = fuzzcorpus.Bodies{
	`{"id":"resp_1","object":"response","created_at":1741476542,"status":"completed","model":"gpt-4.1",
"output":[{"type":"reasoning","id":"rs_1","summary":[]},{"type":"message","id":"msg_1","role":"assistant",
"content":[{"type":"output_text","text":"Hi ","annotations":[]},{"type":"output_text","text":"\"there\""},{"type":"refusal","refusal":"no"}]}],
"usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":4},"output_tokens":87,"output_tokens_details":{"reasoning_tokens":2},"total_tokens":123}}`,
	`{"id":"resp_2","created_at":1,"model":"m","status":"completed","output":[{"type":"function_call","call_id":"call_1","name":"f","arguments":"{\"a\":1}"},
{"type":"function_call","call_id":"call_2","name":"g","arguments":"{}"}],"usage":null}`,
	`{"id":"resp_3","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[]}`,
	`{"id":"resp_4","status":"incomplete","incomplete_details":{"reason":"content_filter"}}`,
	`{"id":"resp_5","output":[{"type":"message","content":5}]}`, // the head is fine, the output is not
	`{"id":"resp_6","output":{}}`,
	`{"ID":"resp_7","Usage":{"Input_Tokens":3}}`,
	`{"created_at":"1"}`,
	`null`, `{}`, `[]`, `{"id":`,
}

// TestChatOfResponseMatchesFullDecode: the head read now and the choices
// decoded on LoadChoices give what a whole decode gives; a body a whole
// decode refuses fails at the head or at LoadChoices.
func TestChatOfResponseMatchesFullDecode(t *testing.T) {
	responseObjectSeeds.Check(t, checkChatOfResponse)
	r, err := chatOfResponse([]byte(responseObjectSeeds[0]))
	if err != nil {
		t.Fatal(err)
	}
	if r.Choices != nil {
		t.Error("the output was decoded before anything read it")
	}
}

func FuzzChatOfResponse(f *testing.F) { responseObjectSeeds.Fuzz(f, checkChatOfResponse) }

func checkChatOfResponse(t *testing.T, body []byte) {
	t.Helper()
	want, wantErr := fullChatOfResponse(body)
	got, err := chatOfResponse(body)
	if err == nil {
		err = got.LoadChoices()
	}
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%q: error %v, whole decode %v", body, err, wantErr)
	}
	if err != nil {
		if _, ok := err.(*providers.Error); !ok {
			t.Fatalf("%q: unclassified error %T", body, err)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\nlazy  %+v\nwhole %+v", body, got, want)
	}
}

package responses

import (
	"encoding/json"
	"testing"

	sdk "github.com/openai/openai-go/v3/responses"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestEncodeResponseExact(t *testing.T) {
	req := mustDecode(t, `{"model":"claude-x","input":"Hi"}`)
	resp := chatResponse(t, `{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"Hello!"},"finish_reason":"stop"}],
		"usage":{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13,"prompt_tokens_details":{"cached_tokens":4}}}`)
	r, err := EncodeResponse(req, resp, fixedMeta())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"resp_test","object":"response","created_at":1735689600,"status":"completed","background":false,"completed_at":1735689602,` +
		`"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"max_tool_calls":null,"model":"claude-x",` +
		`"output":[{"id":"msg_1","type":"message","status":"completed","content":[{"type":"output_text","annotations":[],"logprobs":[],"text":"Hello!"}],"role":"assistant"}],` +
		`"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":null,"summary":null},"safety_identifier":null,` +
		`"service_tier":"default","store":true,"temperature":1,"text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto",` +
		`"tools":[],"top_logprobs":0,"top_p":1,"truncation":"disabled",` +
		`"usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":4},"output_tokens":3,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":13},` +
		`"user":null,"metadata":{}}`
	if got := string(r.JSON()); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
}

// TestEncodeResponseSDK: the official SDK decodes the object, including
// function calls, usage, the echoed settings and status.
func TestEncodeResponseSDK(t *testing.T) {
	req := mustDecode(t, `{"model":"gemini-x","input":"weather?","instructions":"sys","max_output_tokens":100,"temperature":0.2,
		"tools":[{"type":"function","name":"weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}],
		"tool_choice":"required","previous_response_id":"resp_prev","metadata":{"a":"b"},"user":"u","reasoning":{"effort":"low"},
		"text":{"format":{"type":"json_schema","name":"s","schema":{"type":"object"},"strict":true}}}`)
	resp := chatResponse(t, `{"choices":[{"index":0,"message":{"role":"assistant","content":"Let me look.","tool_calls":[
		{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Oslo\"}"}},
		{"id":"call_2","type":"function","function":{"name":"weather","arguments":"{\"city\":\"Rome\"}"}}]},"finish_reason":"tool_calls"}],
		"usage":{"prompt_tokens":30,"completion_tokens":20,"total_tokens":50,"completion_tokens_details":{"reasoning_tokens":7}}}`)
	r, err := EncodeResponse(req, resp, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	var got sdk.Response
	if err := json.Unmarshal(r.JSON(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.ID) != len("resp_")+48 || got.Object != "response" || got.Status != sdk.ResponseStatusCompleted || got.Model != "gemini-x" {
		t.Errorf("head: id %q object %q status %q model %q", got.ID, got.Object, got.Status, got.Model)
	}
	if got.OutputText() != "Let me look." {
		t.Errorf("OutputText = %q", got.OutputText())
	}
	var calls []sdk.ResponseFunctionToolCall
	for _, item := range got.Output {
		if item.Type == "function_call" {
			calls = append(calls, item.AsFunctionCall())
		}
	}
	if len(calls) != 2 || calls[0].CallID != "call_1" || calls[0].Name != "weather" || calls[0].Arguments != `{"city":"Oslo"}` ||
		calls[1].CallID != "call_2" || calls[0].ID[:3] != "fc_" || calls[0].Status != "completed" {
		t.Errorf("calls = %+v", calls)
	}
	u := got.Usage
	if u.InputTokens != 30 || u.OutputTokens != 20 || u.TotalTokens != 50 || u.OutputTokensDetails.ReasoningTokens != 7 || u.InputTokensDetails.CachedTokens != 0 {
		t.Errorf("usage = %+v", u)
	}
	if got.Instructions.OfString != "sys" || got.MaxOutputTokens != 100 || got.Temperature != 0.2 || got.TopP != 1 ||
		got.PreviousResponseID != "resp_prev" || got.Metadata["a"] != "b" || got.User != "u" || got.Reasoning.Effort != "low" ||
		got.ToolChoice.OfToolChoiceMode != "required" || !got.ParallelToolCalls {
		t.Errorf("echo = %s", r.JSON())
	}
	if len(got.Tools) != 1 || got.Tools[0].Name != "weather" || !got.Tools[0].Strict || got.Text.Format.Type != "json_schema" || got.Text.Format.Name != "s" {
		t.Errorf("tools/text echo = %s", r.JSON())
	}
}

func TestEncodeResponseIncomplete(t *testing.T) {
	for finish, reason := range map[string]string{"length": "max_output_tokens", "content_filter": "content_filter"} {
		req := mustDecode(t, `{"model":"m","input":"x","tool_choice":{"type":"function","name":"f"}}`)
		resp := chatResponse(t, `{"choices":[{"index":0,"message":{"role":"assistant","content":"cut"},"finish_reason":"`+finish+`"}]}`)
		r, err := EncodeResponse(req, resp, fixedMeta())
		if err != nil {
			t.Fatal(err)
		}
		var got sdk.Response
		if err := json.Unmarshal(r.JSON(), &got); err != nil {
			t.Fatal(err)
		}
		if got.Status != "incomplete" || string(got.IncompleteDetails.Reason) != reason || got.Output[0].Status != "incomplete" ||
			got.CompletedAt != 0 || got.ToolChoice.Name != "f" {
			t.Errorf("%s: %s", finish, r.JSON())
		}
	}
}

func TestEncodeResponseRefusalAndEmpty(t *testing.T) {
	req := mustDecode(t, `{"model":"m","input":"x"}`)
	r, _ := EncodeResponse(req, chatResponse(t, `{"choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"no"},"finish_reason":"stop"}]}`), fixedMeta())
	if c := r.Output[0].Content; len(c) != 1 || c[0].Type != "refusal" || c[0].Text != "no" {
		t.Errorf("refusal output = %+v", r.Output)
	}
	r, _ = EncodeResponse(req, chatResponse(t, `{"choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"stop"}]}`), fixedMeta())
	if len(r.Output) != 0 || r.OutputMessages() != nil {
		t.Errorf("empty answer output = %+v", r.Output)
	}
}

func TestUsageSaturates(t *testing.T) {
	big := int(^uint(0) >> 1)
	u := usageOf(&providers.Usage{PromptTokens: big, CompletionTokens: 5})
	if u.TotalTokens != big {
		t.Errorf("total = %d", u.TotalTokens)
	}
	if usageOf(nil).TotalTokens != 0 {
		t.Error("nil usage")
	}
}

func TestOutputMessages(t *testing.T) {
	req := mustDecode(t, `{"model":"m","input":"x"}`)
	r, _ := EncodeResponse(req, chatResponse(t, `{"choices":[{"index":0,"message":{"role":"assistant","content":"a","tool_calls":[
		{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}`), fixedMeta())
	got := r.OutputMessages()
	if len(got) != 1 || got[0].Content.Text != "a" || got[0].ToolCalls[0].ID != "c1" || got[0].ToolCalls[0].Function.Name != "f" {
		t.Fatalf("%+v", got)
	}
}

func TestEncodeError(t *testing.T) {
	e := invalid("input[2].content[0].image_url", codeInvalidValue, "bad")
	var env struct {
		Error struct{ Message, Type, Param, Code string } `json:"error"`
	}
	if err := json.Unmarshal(EncodeError(e), &env); err != nil {
		t.Fatal(err)
	}
	if env.Error.Param != "input[2].content[0].image_url" || env.Error.Type != "invalid_request_error" || env.Error.Code != codeInvalidValue || env.Error.Message != "bad" {
		t.Errorf("%+v", env)
	}
	if string(EncodeError(e)) != string(e.OpenAIBody()) {
		t.Error("EncodeError must be OpenAI's envelope")
	}
	if len(EncodeError(nil)) == 0 {
		t.Error("nil error")
	}
}

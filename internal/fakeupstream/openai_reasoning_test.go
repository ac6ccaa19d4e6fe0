package fakeupstream

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"
	"github.com/openai/openai-go/v3/shared"

	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// TestOpenAIReasoningChat: a reasoning model spends reasoning tokens by
// effort (low < high), counts them in completion_tokens, reports the same
// usage in the stream's last chunk, and counts them in
// max_completion_tokens before the visible answer.
func TestOpenAIReasoningChat(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{})
	client := sdkClient(srv, "k")
	ctx := context.Background()
	spent := map[shared.ReasoningEffort]int64{}
	for _, effort := range []shared.ReasoningEffort{shared.ReasoningEffortLow, shared.ReasoningEffortHigh} {
		p := userParams("o3", "one two")
		p.ReasoningEffort = effort
		got, err := client.Chat.Completions.New(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		u := got.Usage
		if u.CompletionTokensDetails.ReasoningTokens == 0 || u.CompletionTokens != u.CompletionTokensDetails.ReasoningTokens+3 ||
			got.Choices[0].Message.Content != "Echo: one two" {
			t.Fatalf("%s: %s", effort, got.RawJSON())
		}
		spent[effort] = u.CompletionTokensDetails.ReasoningTokens

		p.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
		acc, _ := sdktest.AccumulateChat(t, client.Chat.Completions.NewStreaming(ctx, p))
		if acc.Usage.CompletionTokensDetails.ReasoningTokens != spent[effort] || acc.Usage.CompletionTokens != u.CompletionTokens {
			t.Fatalf("%s streamed usage %+v, want %+v", effort, acc.Usage, u)
		}
	}
	if spent["low"] >= spent["high"] {
		t.Errorf("reasoning tokens %v, want low < high", spent)
	}

	p := userParams("gpt-5", "one two three")
	p.MaxCompletionTokens = openai.Int(96 + 2)
	got, err := client.Chat.Completions.New(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if got.Choices[0].FinishReason != "length" || got.Choices[0].Message.Content != "Echo: one" || got.Usage.CompletionTokens != 98 {
		t.Errorf("limit shared with reasoning: %s", got.RawJSON())
	}
	p.MaxCompletionTokens = openai.Int(50)
	if got, err = client.Chat.Completions.New(ctx, p); err != nil || got.Choices[0].Message.Content != "" ||
		got.Usage.CompletionTokensDetails.ReasoningTokens != 50 {
		t.Errorf("limit below the reasoning: %v %s", err, got.RawJSON())
	}
}

// TestOpenAIReasoningChatRefusals: what OpenAI refuses on a reasoning
// model, with its messages: max_tokens, temperature other than 1, an
// effort the model does not take; and reasoning_effort on a model that
// does not reason.
func TestOpenAIReasoningChatRefusals(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{})
	for _, tc := range []struct{ body, param, code, msg string }{
		{`{"model":"o4-mini","max_tokens":5}`, "max_tokens", "unsupported_parameter",
			"Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead."},
		{`{"model":"gpt-5-mini","temperature":0.2}`, "temperature", "unsupported_value",
			"Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported."},
		{`{"model":"o3","reasoning_effort":"minimal"}`, "reasoning_effort", "unsupported_value",
			"Unsupported value: 'minimal' is not supported with the 'o3' model. Supported values are: 'low', 'medium', and 'high'."},
		{`{"model":"gpt-5.1","reasoning_effort":"minimal"}`, "reasoning_effort", "unsupported_value",
			"Unsupported value: 'minimal' is not supported with the 'gpt-5.1' model. Supported values are: 'none', 'low', 'medium', and 'high'."},
		{`{"model":"gpt-4o","reasoning_effort":"low"}`, "reasoning_effort", "unsupported_parameter",
			"Unsupported parameter: 'reasoning_effort' is not supported with this model."},
	} {
		body := strings.Replace(tc.body, "{", `{"messages":[{"role":"user","content":"x"}],`, 1)
		e := postError(t, srv.URL+"/v1/chat/completions", body)
		if e.status != 400 || e.Param != tc.param || e.Code != tc.code || e.Message != tc.msg {
			t.Errorf("%s: %+v", tc.body, e)
		}
	}
	// Temperature is free again with effort none (gpt-5.1 and later), and 1 always.
	for _, body := range []string{`{"model":"gpt-5.1","temperature":0.2}`, `{"model":"o3","temperature":1}`} {
		resp, err := http.Post(srv.URL+"/v1/chat/completions", "application/json",
			strings.NewReader(strings.Replace(body, "{", `{"messages":[{"role":"user","content":"x"}],`, 1)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s: %d", body, resp.StatusCode)
		}
	}
}

// TestOpenAIReasoningResponses: a reasoning model's Response starts with a
// reasoning item, with a summary when asked and encrypted_content when
// included, and reports reasoning tokens; streamed, the summary events come
// in OpenAI's order and the final response matches.
func TestOpenAIReasoningResponses(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{})
	client := sdkClient(srv, "k")
	p := responsesParams("one two")
	p.Model = "gpt-5"
	p.Reasoning = shared.ReasoningParam{Effort: shared.ReasoningEffortHigh, Summary: shared.ReasoningSummaryAuto}
	p.Include = []responses.ResponseIncludable{responses.ResponseIncludableReasoningEncryptedContent}
	got, err := client.Responses.New(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	rs := got.Output[0].AsReasoning()
	if len(got.Output) != 2 || rs.Type != "reasoning" || len(rs.Summary) != 1 || !strings.Contains(rs.Summary[0].Text, "one two") ||
		rs.EncryptedContent == "" || got.OutputText() != "Echo: one two" || got.Reasoning.Effort != "high" ||
		got.Usage.OutputTokensDetails.ReasoningTokens != 192 || got.Usage.OutputTokens != 192+3 {
		t.Fatalf("response %s", got.RawJSON())
	}

	stream := sdktest.ReadResponses(t, client.Responses.NewStreaming(context.Background(), p))
	want := "response.created response.in_progress response.output_item.added response.reasoning_summary_part.added " +
		"response.reasoning_summary_text.delta response.reasoning_summary_text.done response.reasoning_summary_part.done " +
		"response.output_item.done response.output_item.added response.content_part.added"
	if got := strings.Join(stream.Types, " "); !strings.HasPrefix(got, want) {
		t.Fatalf("events %s", got)
	}
	final := stream.Final
	if final == nil || len(final.Output) != 2 || final.Output[0].AsReasoning().EncryptedContent == "" || final.Usage.OutputTokensDetails.ReasoningTokens != 192 {
		t.Fatalf("final %s", final.RawJSON())
	}

	// Plain effort, no summary asked, no include: an empty summary, nothing encrypted.
	p.Reasoning, p.Include = shared.ReasoningParam{Effort: shared.ReasoningEffortLow}, nil
	if got, err = client.Responses.New(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	if rs := got.Output[0].AsReasoning(); rs.Type != "reasoning" || len(rs.Summary) != 0 || rs.EncryptedContent != "" ||
		got.Usage.OutputTokensDetails.ReasoningTokens != 32 {
		t.Fatalf("low effort %s", got.RawJSON())
	}
}

// TestOpenAIReasoningResponsesToolTurn: with store false, a function call
// continuation must bring its reasoning item back with its
// encrypted_content. Without the item it is OpenAI's 400; with the item
// but no encrypted_content its 404; a changed encrypted_content its
// invalid_encrypted_content 400.
func TestOpenAIReasoningResponsesToolTurn(t *testing.T) {
	srv, _ := NewOpenAI(t, OpenAIConfig{ToolCalls: true})
	client := sdkClient(srv, "k")
	params := func(input responses.ResponseInputParam) responses.ResponseNewParams {
		return responses.ResponseNewParams{
			Model: "o4-mini", Input: responses.ResponseNewParamsInputUnion{OfInputItemList: input}, Store: openai.Bool(false),
			Include: []responses.ResponseIncludable{responses.ResponseIncludableReasoningEncryptedContent},
			Tools:   []responses.ToolUnionParam{{OfFunction: &responses.FunctionToolParam{Name: "f", Parameters: map[string]any{"type": "object"}}}},
		}
	}
	input := responses.ResponseInputParam{responses.ResponseInputItemParamOfMessage("go", responses.EasyInputMessageRoleUser)}
	first, err := client.Responses.New(context.Background(), params(input))
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Output) != 2 || first.Output[1].Type != "function_call" {
		t.Fatalf("first turn %s", first.RawJSON())
	}
	rs := first.Output[0].AsReasoning().ToParam()
	fc := first.Output[1].AsFunctionCall()
	fcp := fc.ToParam()
	out := responses.ResponseInputItemParamOfFunctionCallOutput(`{"ok":true}`)
	out.OfFunctionCallOutput.CallID = openai.String(fc.CallID)

	expect := func(name string, input responses.ResponseInputParam, status int, code, msg string) {
		t.Helper()
		_, err := client.Responses.New(context.Background(), params(input))
		var apiErr *openai.Error
		if status == 0 {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			return
		}
		if !errors.As(err, &apiErr) || apiErr.StatusCode != status || apiErr.Code != code || !strings.Contains(apiErr.Message, msg) {
			t.Errorf("%s: %v", name, err)
		}
	}
	expect("without the reasoning item", append(input[:1:1], responses.ResponseInputItemUnionParam{OfFunctionCall: &fcp}, out), 400, "",
		"Item '"+fc.ID+"' of type 'function_call' was provided without its required 'reasoning' item: '"+first.Output[0].ID+"'.")
	// ToParam replays the item's JSON as it came: altered copies are built anew.
	bare := responses.ResponseReasoningItemParam{ID: first.Output[0].ID, Summary: []responses.ResponseReasoningItemSummaryParam{}}
	expect("without encrypted_content", append(input[:1:1], responses.ResponseInputItemUnionParam{OfReasoning: &bare},
		responses.ResponseInputItemUnionParam{OfFunctionCall: &fcp}, out), 404, "", "Items are not persisted when `store` is set to false.")
	forged := bare
	forged.EncryptedContent = openai.String("gAAAAABforged==")
	expect("changed encrypted_content", append(input[:1:1], responses.ResponseInputItemUnionParam{OfReasoning: &forged},
		responses.ResponseInputItemUnionParam{OfFunctionCall: &fcp}, out), 400, "invalid_encrypted_content", "could not be verified")
	expect("reasoning item last", append(input[:1:1], responses.ResponseInputItemUnionParam{OfReasoning: &rs}), 400, "",
		"of type 'reasoning' was provided without its required following item.")
	expect("as OpenAI wants it", append(input[:1:1], responses.ResponseInputItemUnionParam{OfReasoning: &rs},
		responses.ResponseInputItemUnionParam{OfFunctionCall: &fcp}, out), 0, "", "")
}

type postedError struct {
	status                     int
	Message, Type, Param, Code string
}

// postError posts body and decodes OpenAI's error envelope.
func postError(t *testing.T, url, body string) postedError {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Error struct {
			Message, Type string
			Param, Code   *string
		}
	}
	_ = json.NewDecoder(resp.Body).Decode(&env)
	e := postedError{status: resp.StatusCode, Message: env.Error.Message, Type: env.Error.Type}
	if env.Error.Param != nil {
		e.Param = *env.Error.Param
	}
	if env.Error.Code != nil {
		e.Code = *env.Error.Code
	}
	return e
}

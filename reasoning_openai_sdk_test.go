package aibackends

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	anthropicsdk "github.com/anthropics/anthropic-sdk-go"
	openaisdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"
	"github.com/openai/openai-go/v3/shared"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// oaiReasoningServer serves the handler over loopback in front of an
// OpenAI fake whose o4-mini reasons as OpenAI's does (effort-dependent
// reasoning tokens, max_tokens and sampling refused, reasoning items to be
// given back) and calls get_weather twice before answering. typ is the
// deployment's provider type: "openai" serves the Responses API,
// "openai_compatible" only chat. Prices are round so the cost can be
// checked: input $1, output $10, reasoning $100 per million tokens.
func oaiReasoningServer(t *testing.T, typ string) (url string, rec *fakeupstream.Recorder, audit reasoningAudit) {
	t.Helper()
	oai, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{ToolCalls: true, ToolTurns: 2})
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[
		{"type":%q,"name":"oai","base_url":%q,"api_keys":[{"value":"k"}],"models":["o4-mini"],"max_retries":0,
		 "model_overrides":{"o4-mini":{"reasoning":true,"input":1,"output":10,"reasoning_rate":100}}}]}`,
		pipeFast, typ, oai.URL+"/v1"))
	core, logs := observer.New(zapcore.InfoLevel)
	h.auditLog = zap.New(core)
	audit = reasoningAudit{logs: logs, served: make(chan struct{}, 16)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.ServeHTTP(w, r, nil); err != nil {
			t.Error(err)
		}
		audit.served <- struct{}{}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1", rec, audit
}

// reasoningAudit is the audit log of the handler, and a signal per request
// once it was served (a streamed answer reaches the client before the
// handler writes its audit entry).
type reasoningAudit struct {
	logs   *observer.ObservedLogs
	served chan struct{}
}

// checkReasoningCost waits for the request to finish and checks its audit
// entry: its counts are the ones the client saw, and its cost (the one
// ai_cost_total and the key's budget get) prices the reasoning tokens the
// client saw at the reasoning rate and only the rest of the completion at
// the output rate, so they are counted once.
func checkReasoningCost(t *testing.T, audit reasoningAudit, prompt, completion, reasoning int64) {
	t.Helper()
	<-audit.served
	entries := audit.logs.FilterMessage("request").All()
	if len(entries) == 0 {
		t.Fatal("no audit entry")
	}
	f := entries[len(entries)-1].ContextMap()
	if f["status"] != int64(http.StatusOK) || f["prompt_tokens"] != prompt || f["completion_tokens"] != completion {
		t.Fatalf("audit entry %v; want prompt %d, completion %d", f, prompt, completion)
	}
	want := float64(prompt*1+(completion-reasoning)*10+reasoning*100) / 1e6
	if got, _ := f["cost_usd"].(float64); reasoning == 0 || math.Abs(got-want) > 1e-12 {
		t.Fatalf("cost %v, want %v (reasoning %d at the reasoning rate)", got, want, reasoning)
	}
}

// oaiSentEffort is what the OpenAI upstream got: the effort, the limits
// and the number of assistant turns in the history.
type oaiSentEffort struct {
	Effort              string            `json:"reasoning_effort"`
	MaxTokens           *int              `json:"max_tokens"`
	MaxCompletionTokens *int              `json:"max_completion_tokens"`
	Messages            []json.RawMessage `json:"messages"`
}

// TestReasoningToolLoopOpenAIChatSDK: the official OpenAI SDK runs a
// three-turn tool loop with reasoning_effort against an OpenAI reasoning
// deployment, plain and streamed, passing the assistant message back with
// ToParam. The effort reaches OpenAI as sent and max_tokens as
// max_completion_tokens (OpenAI refuses max_tokens on reasoning models);
// every answer reports its reasoning tokens, more for high than for low,
// and each request's cost bills them at the reasoning rate.
func TestReasoningToolLoopOpenAIChatSDK(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			url, rec, audit := oaiReasoningServer(t, "openai")
			client := sdkClient(url, "k")
			spent := map[shared.ReasoningEffort]int64{}
			for _, effort := range []shared.ReasoningEffort{shared.ReasoningEffortLow, shared.ReasoningEffortHigh} {
				msgs := []openaisdk.ChatCompletionMessageParamUnion{openaisdk.UserMessage("Weather in Paris, twice?")}
				for turn := 1; turn <= 3; turn++ {
					params := reasoningLoopParams(msgs)
					params.Model, params.ReasoningEffort = "o4-mini", effort
					if stream {
						params.StreamOptions = openaisdk.ChatCompletionStreamOptionsParam{IncludeUsage: openaisdk.Bool(true)}
					}
					msg, _, _, usage := reasoningTurn(t, client, params, stream)
					var sent oaiSentEffort
					if err := json.Unmarshal(rec.Last().Body, &sent); err != nil {
						t.Fatal(err)
					}
					if sent.Effort != string(effort) || sent.MaxTokens != nil || sent.MaxCompletionTokens == nil ||
						*sent.MaxCompletionTokens != 400 || len(sent.Messages) != 1+2*(turn-1) {
						t.Fatalf("%s turn %d: OpenAI got %s", effort, turn, rec.Last().Body)
					}
					r := usage.CompletionTokensDetails.ReasoningTokens
					if r == 0 || usage.CompletionTokens <= r || usage.TotalTokens != usage.PromptTokens+usage.CompletionTokens {
						t.Fatalf("%s turn %d: usage %+v", effort, turn, usage)
					}
					spent[effort] += r
					checkReasoningCost(t, audit, usage.PromptTokens, usage.CompletionTokens, r)
					if turn == 3 {
						if len(msg.ToolCalls) != 0 || msg.Content != "Echo: Weather in Paris, twice?" {
							t.Fatalf("turn 3: %q and tool calls %+v, want the answer", msg.Content, msg.ToolCalls)
						}
						break
					}
					if len(msg.ToolCalls) != 1 || msg.ToolCalls[0].Function.Name != "get_weather" {
						t.Fatalf("%s turn %d: tool calls %+v", effort, turn, msg.ToolCalls)
					}
					msgs = append(msgs, msg.ToParam(), openaisdk.ToolMessage(`{"temp_c":18}`, msg.ToolCalls[0].ID))
				}
			}
			if spent[shared.ReasoningEffortLow] >= spent[shared.ReasoningEffortHigh] {
				t.Errorf("reasoning tokens %v, want low < high", spent)
			}
			if rec.Count() != 6 {
				t.Errorf("upstream requests %d, want 6", rec.Count())
			}
		})
	}
}

// TestReasoningToolLoopOpenAIResponsesSDK: a stateless Responses client
// (store false, reasoning.summary, include reasoning.encrypted_content)
// runs the three-turn tool loop against an OpenAI reasoning deployment,
// passing every output item back as the SDK returns it, plain and
// streamed. Passed through to OpenAI's Responses API, the reasoning item
// comes back to OpenAI with its encrypted_content before the function call
// (the fake refuses the turn otherwise, as OpenAI does); translated for a
// chat-only upstream, the effort goes as reasoning_effort. Either way the
// usage reports reasoning tokens, more for high than for low, billed at
// the reasoning rate.
func TestReasoningToolLoopOpenAIResponsesSDK(t *testing.T) {
	for _, typ := range []string{"openai", "openai_compatible"} {
		for _, stream := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/stream=%t", typ, stream), func(t *testing.T) {
				url, rec, audit := oaiReasoningServer(t, typ)
				client := sdkClient(url, "k")
				spent := map[shared.ReasoningEffort]int64{}
				for _, effort := range []shared.ReasoningEffort{shared.ReasoningEffortLow, shared.ReasoningEffortHigh} {
					input := responses.ResponseInputParam{responses.ResponseInputItemParamOfMessage("Weather in Paris, twice?", responses.EasyInputMessageRoleUser)}
					for turn := 1; turn <= 3; turn++ {
						params := reasoningResponsesParams(input)
						params.Model, params.Reasoning.Effort = "o4-mini", effort
						params.MaxOutputTokens = openaisdk.Int(400)
						resp, _ := responsesTurn(t, client, params, stream)
						checkSentResponsesEffort(t, typ, rec.Last().Body, string(effort), turn)
						u := resp.Usage
						r := u.OutputTokensDetails.ReasoningTokens
						if r == 0 || u.OutputTokens <= r || u.TotalTokens != u.InputTokens+u.OutputTokens {
							t.Fatalf("%s turn %d: usage %s", effort, turn, resp.RawJSON())
						}
						spent[effort] += r
						checkReasoningCost(t, audit, u.InputTokens, u.OutputTokens, r)
						if typ == "openai" && (resp.Output[0].Type != "reasoning" || resp.Output[0].AsReasoning().EncryptedContent == "" ||
							len(resp.Output[0].AsReasoning().Summary) != 1) {
							t.Fatalf("%s turn %d: output %s, want OpenAI's reasoning item first", effort, turn, resp.RawJSON())
						}
						input = toolLoopTurn(t, input, resp, turn, "Echo: Weather in Paris, twice?")
					}
				}
				if spent[shared.ReasoningEffortLow] >= spent[shared.ReasoningEffortHigh] {
					t.Errorf("reasoning tokens %v, want low < high", spent)
				}
				if typ == "openai" && !stream {
					checkReasoningItemRequired(t, client)
				}
			})
		}
	}
}

// checkReasoningItemRequired: a client that drops the reasoning item from
// a stateless tool continuation gets OpenAI's 400 through the gateway, in
// the Responses error shape (so the loop above passing proves the items
// went back).
func checkReasoningItemRequired(t *testing.T, client openaisdk.Client) {
	t.Helper()
	input := responses.ResponseInputParam{responses.ResponseInputItemParamOfMessage("Weather?", responses.EasyInputMessageRoleUser)}
	params := reasoningResponsesParams(input)
	params.Model = "o4-mini"
	resp, err := client.Responses.New(context.Background(), params)
	if err != nil {
		t.Fatal(err)
	}
	fc := resp.Output[len(resp.Output)-1].AsFunctionCall()
	p := fc.ToParam()
	params.Input.OfInputItemList = append(input, responses.ResponseInputItemUnionParam{OfFunctionCall: &p}, toolOutput(fc.CallID))
	_, err = client.Responses.New(context.Background(), params)
	var apiErr *openaisdk.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest ||
		!strings.Contains(apiErr.Message, "was provided without its required 'reasoning' item") {
		t.Fatalf("continuation without the reasoning item: %v", err)
	}
}

// checkSentResponsesEffort checks the effort and limit the upstream got:
// reasoning.effort and max_output_tokens on the Responses API (with the
// reasoning items of the earlier turns), reasoning_effort and
// max_completion_tokens on chat (OpenAI refuses max_tokens there).
func checkSentResponsesEffort(t *testing.T, typ string, body []byte, effort string, turn int) {
	t.Helper()
	var sent struct {
		Effort              string `json:"reasoning_effort"`
		MaxTokens           *int   `json:"max_tokens"`
		MaxCompletionTokens *int   `json:"max_completion_tokens"`
		MaxOutputTokens     *int   `json:"max_output_tokens"`
		Reasoning           struct {
			Effort string `json:"effort"`
		} `json:"reasoning"`
		Input []struct {
			Type string `json:"type"`
		} `json:"input"`
	}
	if err := json.Unmarshal(body, &sent); err != nil {
		t.Fatal(err)
	}
	got, limit := sent.Effort, sent.MaxCompletionTokens
	if typ == "openai" {
		limit = sent.MaxOutputTokens
		got = sent.Reasoning.Effort
		reasoningItems := 0
		for _, it := range sent.Input {
			if it.Type == "reasoning" {
				reasoningItems++
			}
		}
		if reasoningItems != turn-1 {
			t.Fatalf("%s turn %d: OpenAI got %d reasoning items: %s", effort, turn, reasoningItems, body)
		}
	}
	if got != effort || limit == nil || *limit != 400 || sent.MaxTokens != nil {
		t.Fatalf("%s turn %d: the upstream got %s, want the effort and the limit of 400 (reasoning included)", effort, turn, body)
	}
}

// TestReasoningToolLoopOpenAIMessagesSDK: the official Anthropic Go SDK
// runs the three-turn tool loop with extended thinking through
// /v1/messages against an OpenAI reasoning deployment, plain and streamed
// (accumulated), passing each answer back with Message.ToParam. The
// thinking budget reaches OpenAI as reasoning_effort (2048 → low,
// 16384 → high) with max_tokens as max_completion_tokens, unchanged since
// both count reasoning; output_tokens includes the reasoning tokens, and
// the cost bills them at the reasoning rate. (OpenAI's chat API returns
// no reasoning text, so the answers hold text and tool_use only.)
func TestReasoningToolLoopOpenAIMessagesSDK(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			url, rec, audit := oaiReasoningServer(t, "openai")
			client := sdktest.AnthropicClient(strings.TrimSuffix(url, "/v1"), "k")
			for _, budget := range []int64{2048, 16384} {
				effort := providers.EffortForBudget(int(budget))
				msgs := []anthropicsdk.MessageParam{anthropicsdk.NewUserMessage(anthropicsdk.NewTextBlock("Weather in Paris, twice?"))}
				for turn := 1; turn <= 3; turn++ {
					params := anthropicsdk.MessageNewParams{
						Model: "o4-mini", MaxTokens: budget + 4096, Messages: msgs,
						Thinking: anthropicsdk.ThinkingConfigParamOfEnabled(budget),
						Tools: []anthropicsdk.ToolUnionParam{anthropicsdk.ToolUnionParamOfTool(
							anthropicsdk.ToolInputSchemaParam{Properties: map[string]any{}}, "get_weather")},
					}
					msg := messagesTurn(t, client, params, stream)
					var sent oaiSentEffort
					if err := json.Unmarshal(rec.Last().Body, &sent); err != nil {
						t.Fatal(err)
					}
					if sent.Effort != effort || sent.MaxTokens != nil || sent.MaxCompletionTokens == nil ||
						*sent.MaxCompletionTokens != int(budget+4096) {
						t.Fatalf("budget %d turn %d: OpenAI got %s, want reasoning_effort %q", budget, turn, rec.Last().Body, effort)
					}
					// The fake spends 32 reasoning tokens at low, 192 at high; the
					// gateway's output_tokens must hold them as completion_tokens did.
					reasoning := int64(map[string]int{"low": 32, "high": 192}[effort])
					if msg.Usage.OutputTokens <= reasoning {
						t.Fatalf("budget %d turn %d: usage %+v, want output_tokens above the %d reasoning tokens", budget, turn, msg.Usage, reasoning)
					}
					checkReasoningCost(t, audit, msg.Usage.InputTokens, msg.Usage.OutputTokens, reasoning)
					last := msg.Content[len(msg.Content)-1]
					if turn == 3 {
						if last.Type != "text" || msg.StopReason != "end_turn" {
							t.Fatalf("turn 3: %+v, want the answer", msg.Content)
						}
						break
					}
					if last.Type != "tool_use" || msg.StopReason != "tool_use" {
						t.Fatalf("budget %d turn %d: content %+v", budget, turn, msg.Content)
					}
					msgs = append(msgs, msg.ToParam(), anthropicsdk.NewUserMessage(anthropicsdk.NewToolResultBlock(last.ID, `{"temp_c":18}`, false)))
				}
			}
		})
	}
}

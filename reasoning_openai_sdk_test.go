package aibackends

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"testing"

	openaisdk "github.com/openai/openai-go/v3"
	openaiopt "github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/shared"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
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
// entry: its cost prices the
// reasoning tokens at the reasoning rate and only the rest of the
// completion at the output rate (counted once), and its counts are the
// ones the client saw.
func checkReasoningCost(t *testing.T, audit reasoningAudit, prompt, completion, reasoning int64) {
	t.Helper()
	<-audit.served
	entries := audit.logs.FilterMessage("request").All()
	if len(entries) == 0 {
		t.Fatal("no audit entry")
	}
	f := entries[len(entries)-1].ContextMap()
	if f["status"] != int64(http.StatusOK) || f["prompt_tokens"] != prompt || f["completion_tokens"] != completion ||
		f["reasoning_tokens"] != reasoning {
		t.Fatalf("audit entry %v; want prompt %d, completion %d, reasoning %d", f, prompt, completion, reasoning)
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
			client := openaisdk.NewClient(openaiopt.WithBaseURL(url), openaiopt.WithAPIKey("k"), openaiopt.WithMaxRetries(0))
			spent := map[shared.ReasoningEffort]int64{}
			for _, effort := range []shared.ReasoningEffort{shared.ReasoningEffortLow, shared.ReasoningEffortHigh} {
				msgs := []openaisdk.ChatCompletionMessageParamUnion{openaisdk.UserMessage("Weather in Paris, twice?")}
				for turn := 1; turn <= 3; turn++ {
					params := reasoningLoopParams(msgs)
					params.Model, params.ReasoningEffort = "o4-mini", effort
					if stream {
						params.StreamOptions = openaisdk.ChatCompletionStreamOptionsParam{IncludeUsage: openaisdk.Bool(true)}
					}
					msg, usage := oaiChatTurn(t, client, params, stream)
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

// oaiChatTurn runs one chat request and returns the assistant message and
// the usage, streamed (accumulated) or not.
func oaiChatTurn(t *testing.T, client openaisdk.Client, params openaisdk.ChatCompletionNewParams, stream bool) (openaisdk.ChatCompletionMessage, openaisdk.CompletionUsage) {
	t.Helper()
	ctx := context.Background()
	if !stream {
		resp, err := client.Chat.Completions.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		return resp.Choices[0].Message, resp.Usage
	}
	s := client.Chat.Completions.NewStreaming(ctx, params)
	var acc openaisdk.ChatCompletionAccumulator
	for s.Next() {
		acc.AddChunk(s.Current())
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return acc.Choices[0].Message, acc.Usage
}

package aibackends

import (
	"context"
	"fmt"
	"strings"
	"testing"

	openaisdk "github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"
	"github.com/openai/openai-go/v3/shared"
)

func reasoningResponsesParams(input responses.ResponseInputParam) responses.ResponseNewParams {
	return responses.ResponseNewParams{
		Model:     "claude-sonnet-4-5",
		Input:     responses.ResponseNewParamsInputUnion{OfInputItemList: input},
		Store:     openaisdk.Bool(false),
		Reasoning: shared.ReasoningParam{Effort: shared.ReasoningEffortLow, Summary: shared.ReasoningSummaryAuto},
		Include:   []responses.ResponseIncludable{responses.ResponseIncludableReasoningEncryptedContent},
		Tools: []responses.ToolUnionParam{{OfFunction: &responses.FunctionToolParam{
			Name: "get_weather", Parameters: map[string]any{"type": "object"}}}},
	}
}

// TestReasoningToolLoopResponsesSDK: a stateless Responses client (store
// false, include reasoning.encrypted_content, reasoning.summary auto) runs
// a three-turn tool loop against Anthropic with thinking on, passing every
// output item back as input as the SDK returns it. Each answer starts with
// a reasoning item whose summary is the thinking text; its
// encrypted_content brings the signed thinking block back to Anthropic
// before the tool_use (the fake refuses the turn otherwise). Streamed, the
// summary events come in OpenAI's order.
func TestReasoningToolLoopResponsesSDK(t *testing.T) {
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			url, rec := reasoningLoopServer(t)
			client := sdkClient(url, "k")
			input := responses.ResponseInputParam{responses.ResponseInputItemParamOfMessage("Weather in Paris, twice?", responses.EasyInputMessageRoleUser)}
			for turn := 1; turn <= 3; turn++ {
				resp, events := responsesTurn(t, client, reasoningResponsesParams(input), stream)
				if len(resp.Output) == 0 || resp.Output[0].Type != "reasoning" {
					t.Fatalf("turn %d: output %s, want a reasoning item first", turn, resp.RawJSON())
				}
				rs := resp.Output[0].AsReasoning()
				if len(rs.Summary) != 1 || rs.Summary[0].Text != "I should look it up." || rs.EncryptedContent == "" {
					t.Fatalf("turn %d: reasoning item %s", turn, resp.Output[0].RawJSON())
				}
				if stream {
					want := "response.output_item.added(reasoning) response.reasoning_summary_part.added response.reasoning_summary_text.delta " +
						"response.reasoning_summary_text.done response.reasoning_summary_part.done response.output_item.done(reasoning) " +
						"response.output_item.added(message)"
					if !strings.Contains(events, want) {
						t.Fatalf("turn %d: events\n%s\nwant in order\n%s", turn, events, want)
					}
				}
				assertSignedTurns(t, rec.Last().Body, turn)
				input = toolLoopTurn(t, input, resp, turn, "Checking.")
			}
			if rec.Count() != 3 {
				t.Errorf("upstream requests %d, want 3", rec.Count())
			}
		})
	}
}

// passBack appends resp's output items to input as the SDK returns them,
// as a stateless client does, and returns the function call among them
// (nil when none).
func passBack(input responses.ResponseInputParam, resp *responses.Response) (responses.ResponseInputParam, *responses.ResponseFunctionToolCall) {
	var call *responses.ResponseFunctionToolCall
	for _, it := range resp.Output {
		switch it.Type {
		case "reasoning":
			p := it.AsReasoning().ToParam()
			input = append(input, responses.ResponseInputItemUnionParam{OfReasoning: &p})
		case "message":
			p := it.AsMessage().ToParam()
			input = append(input, responses.ResponseInputItemUnionParam{OfOutputMessage: &p})
		case "function_call":
			fc := it.AsFunctionCall()
			call = &fc
			p := fc.ToParam()
			input = append(input, responses.ResponseInputItemUnionParam{OfFunctionCall: &p})
		}
	}
	return input, call
}

// toolLoopTurn ends turn (of 3) of a tool loop: it passes resp back
// (passBack) and answers its function call, which every turn but the last
// must make; the last must be the answer want, with no call.
func toolLoopTurn(t *testing.T, input responses.ResponseInputParam, resp *responses.Response, turn int, want string) responses.ResponseInputParam {
	t.Helper()
	input, call := passBack(input, resp)
	if turn == 3 {
		if call != nil || resp.OutputText() != want {
			t.Fatalf("turn 3: %s, want the answer", resp.RawJSON())
		}
		return input
	}
	if call == nil {
		t.Fatalf("turn %d: no function call in %s", turn, resp.RawJSON())
	}
	return append(input, toolOutput(call.CallID))
}

// toolOutput is the function_call_output item answering callID.
func toolOutput(callID string) responses.ResponseInputItemUnionParam {
	out := responses.ResponseInputItemParamOfFunctionCallOutput(`{"temp_c":18}`)
	out.OfFunctionCallOutput.CallID = openaisdk.String(callID)
	return out
}

// responsesTurn runs one Responses request; streamed, it returns the final
// response and the event types in order (output items with their type).
func responsesTurn(t *testing.T, client openaisdk.Client, params responses.ResponseNewParams, stream bool) (*responses.Response, string) {
	t.Helper()
	ctx := context.Background()
	if !stream {
		resp, err := client.Responses.New(ctx, params)
		if err != nil {
			t.Fatal(err)
		}
		return resp, ""
	}
	s := client.Responses.NewStreaming(ctx, params)
	var events []string
	var final *responses.Response
	for s.Next() {
		ev := s.Current()
		name := ev.Type
		if strings.HasPrefix(name, "response.output_item.") {
			name += "(" + ev.Item.Type + ")"
		}
		events = append(events, name)
		if ev.Type == "response.completed" {
			r := ev.Response
			final = &r
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if final == nil {
		t.Fatalf("no response.completed in %q", events)
	}
	return final, strings.Join(events, " ")
}

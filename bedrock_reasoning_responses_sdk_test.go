package aibackends

import (
	"fmt"
	"testing"

	"github.com/openai/openai-go/v3/responses"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// TestBedrockReasoningToolLoopResponsesSDK: a stateless Responses client
// passing every output item back runs the same loop against Claude on
// Bedrock: the reasoning item's encrypted_content brings the signed
// reasoning back as reasoningContent before the toolUse.
func TestBedrockReasoningToolLoopResponsesSDK(t *testing.T) {
	const thinking = "Paris first, then again."
	wantSent := fmt.Sprintf(`reasoningContent{"reasoningText":{"text":%q,"signature":%q}},toolUse`, thinking, fakeupstream.BedrockSignature)
	for _, stream := range []bool{false, true} {
		t.Run(fmt.Sprintf("stream=%t", stream), func(t *testing.T) {
			url, rec := newBedrockFake(t, func(c *fakeupstream.BedrockConfig) { c.Thinking, c.ToolTurns = thinking, 2 })
			h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s]}`, pipeFast, bedrockProvider("aws", url)))
			client := sdkClient(pipeServe(t, h)+"/v1", "k")
			input := responses.ResponseInputParam{responses.ResponseInputItemParamOfMessage("Weather in Paris, twice?", responses.EasyInputMessageRoleUser)}
			calls := 0
			for turn := 1; turn <= 3; turn++ {
				params := reasoningResponsesParams(input)
				params.Model = "claude"
				resp, _ := responsesTurn(t, client, params, stream)
				if len(resp.Output) == 0 || resp.Output[0].Type != "reasoning" {
					t.Fatalf("turn %d: output %s, want a reasoning item first", turn, resp.RawJSON())
				}
				if rs := resp.Output[0].AsReasoning(); len(rs.Summary) != 1 || rs.Summary[0].Text != thinking || rs.EncryptedContent == "" {
					t.Fatalf("turn %d: reasoning item %s", turn, resp.Output[0].RawJSON())
				}
				on, turns := sentConverseThinking(t, rec.Last().Body)
				if !on || len(turns) != turn-1 || (turn > 1 && turns[turn-2] != wantSent) {
					t.Fatalf("turn %d: upstream thinking %t, assistant turns %q, want %s", turn, on, turns, wantSent)
				}
				var call *responses.ResponseFunctionToolCall
				if input, call = passBack(input, resp); call != nil {
					calls++
					input = append(input, toolOutput(call.CallID))
				}
			}
			if calls != 2 || rec.Count() != 3 {
				t.Errorf("tool calls %d, upstream requests %d; want 2 and 3", calls, rec.Count())
			}
		})
	}
}

package integration

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

var responsesWeather = responses.ToolParamOfFunction("get_weather", map[string]any{
	"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}, "required": []string{"city"},
}, true)

// TestResponsesSDKThroughCaddyfile: the official Go SDK's Responses client
// through a Caddyfile against OpenAI, Anthropic, Gemini and sim
// deployments: text, stream, a function-call round trip and structured
// output.
func TestResponsesSDKThroughCaddyfile(t *testing.T) {
	ant, antRec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{
		ToolUses: []fakeupstream.AnthropicToolUse{{ID: "toolu_1", Name: "get_weather", Input: `{"city":"Paris"}`}}})
	defer ant.Close()
	gem, gemRec := fakeupstream.NewGemini(fakeupstream.GeminiOptions{Text: "gemini says hi",
		FunctionCalls: []fakeupstream.GeminiFunctionCall{{Name: "get_weather", Args: `{"city":"Paris"}`}}})
	defer gem.Close()
	oai, oaiRec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{ToolCalls: true})
	site := translatedSite(ant.URL, gem.URL, oai.URL)
	site = site[:strings.LastIndex(site, "}")] + `	provider local sim {
			models sim-small
		}
	}`
	g := startGateway(t, site)
	client := g.openAIClient("unused")
	ctx := context.Background()
	recorders := map[string]*fakeupstream.Recorder{"claude-sonnet-4-5": antRec, "gemini-2.5-flash": gemRec, "gpt-4o-mini": oaiRec}
	for _, model := range []string{"gpt-4o-mini", "claude-sonnet-4-5", "gemini-2.5-flash", "sim-small"} {
		t.Run(model, func(t *testing.T) {
			text, err := client.Responses.New(ctx, responses.ResponseNewParams{Model: model,
				Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("hello there")}})
			if err != nil {
				t.Fatal(err)
			}
			if text.Status != "completed" || len(text.Output) == 0 || text.Usage.TotalTokens == 0 {
				t.Fatalf("response %+v", text)
			}

			stream := sdktest.ReadResponses(t, client.Responses.NewStreaming(ctx, responses.ResponseNewParams{Model: model,
				Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("hello there")}}))
			if stream.Final == nil || len(stream.Types) < 3 {
				t.Fatalf("stream: %d events, final %+v", len(stream.Types), stream.Final)
			}

			rec := recorders[model]
			if rec == nil {
				return // the simulator: no tools, no upstream to inspect
			}
			call, err := client.Responses.New(ctx, responses.ResponseNewParams{Model: model,
				Tools: []responses.ToolUnionParam{responsesWeather},
				Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("weather in Paris?")}})
			if err != nil {
				t.Fatal(err)
			}
			var fc *responses.ResponseFunctionToolCall
			for _, it := range call.Output {
				if it.Type == "function_call" {
					c := it.AsFunctionCall()
					fc = &c
				}
			}
			if fc == nil || fc.Name != "get_weather" || !strings.Contains(fc.Arguments, "Paris") {
				t.Fatalf("no function call in %+v", call.Output)
			}
			// The tool's result goes back with previous_response_id.
			if _, err := client.Responses.New(ctx, responses.ResponseNewParams{Model: model,
				PreviousResponseID: openai.String(call.ID), Tools: []responses.ToolUnionParam{responsesWeather},
				Input: responses.ResponseNewParamsInputUnion{OfInputItemList: responses.ResponseInputParam{
					functionOutput(fc.CallID, "sunny, 21C")}}}); err != nil {
				t.Fatal(err)
			}
			if sent := string(rec.Last().Body); !strings.Contains(sent, "sunny, 21C") || !strings.Contains(sent, "weather in Paris?") {
				t.Fatalf("the tool result turn lacks its history: %s", sent)
			}

			if _, err := client.Responses.New(ctx, responses.ResponseNewParams{Model: model,
				Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("a city as JSON")},
				Text: responses.ResponseTextConfigParam{Format: responses.ResponseFormatTextConfigUnionParam{
					OfJSONSchema: &responses.ResponseFormatTextJSONSchemaConfigParam{Name: "city",
						Schema: map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}}}}},
			}); err != nil {
				t.Fatal(err)
			}
			if sent := string(rec.Last().Body); !strings.Contains(sent, `properties`) || !strings.Contains(strings.ToLower(sent), "schema") {
				t.Fatalf("the JSON schema did not reach the upstream: %s", sent)
			}
		})
	}
}

// TestResponsesPreviousAcrossFailover: the second turn's primary provider
// fails, its fallback serves it with the whole conversation.
func TestResponsesPreviousAcrossFailover(t *testing.T) {
	first, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "the word is lighthouse"})
	down, _ := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(503)})
	backup, backupRec := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Text: "lighthouse"})
	defer backup.Close()
	g := startGateway(t, fmt.Sprintf(`	ai_backends {
		provider one openai_compatible {
			base_url %s/v1
			models gpt-4o-mini
		}
		provider down openai_compatible {
			base_url %s/v1
			models next
			max_retries 0
		}
		provider backup anthropic {
			base_url %s
			api_key k
			models next
		}
	}`, first.URL, down.URL, backup.URL))
	client := g.openAIClient("unused")
	ctx := context.Background()
	r1, err := client.Responses.New(ctx, responses.ResponseNewParams{Model: "gpt-4o-mini",
		Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("remember a word")}})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := client.Responses.New(ctx, responses.ResponseNewParams{Model: "next", PreviousResponseID: openai.String(r1.ID),
		Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("which word?")}})
	if err != nil {
		t.Fatal(err)
	}
	sent := string(backupRec.Last().Body)
	if !strings.Contains(sent, "remember a word") || !strings.Contains(sent, "the word is lighthouse") || r2.OutputText() != "lighthouse" {
		t.Fatalf("backup received %s; answered %q", sent, r2.OutputText())
	}
}

// functionOutput is a function_call_output input item.
func functionOutput(callID, output string) responses.ResponseInputItemUnionParam {
	item := responses.ResponseInputItemParamOfFunctionCallOutput(output)
	item.OfFunctionCallOutput.CallID = openai.String(callID)
	return item
}

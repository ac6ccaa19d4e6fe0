package aibackends

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	sdk "github.com/openai/openai-go/v3/responses"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// TestAzureSDKRun drives an azure provider (v1 API, a deployment map,
// responses_api) with the official OpenAI SDK in process: chat, stream,
// a tools round trip, embeddings, images and the Responses API, each
// reaching the resource's v1 URL with the deployment in the body and the
// key in api-key.
func TestAzureSDKRun(t *testing.T) {
	srv, rec := fakeupstream.NewAzure(t, fakeupstream.AzureConfig{APIKey: azureTestKey,
		Deployments: []string{"prod-4o", "text-embedding-3-small", "dall-e-3"}, OpenAI: fakeupstream.OpenAIConfig{Reply: "from azure"}})
	h := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[{"type":"azure","name":"az","base_url":%q,"api_keys":[{"value":%q}],
		"deployments":{"gpt-4o":"prod-4o"},"responses_api":true,"models":["gpt-4o","text-embedding-3-small","dall-e-3"]}]}`,
		pipeFast, srv.URL, azureTestKey))
	client := sdkClient(pipeServe(t, h)+"/v1", "client-key")
	ctx := context.Background()
	check := func(op, path, deployment string) {
		t.Helper()
		last := rec.Last()
		if last.Path != path || last.Header.Get("Api-Key") != azureTestKey || !strings.Contains(string(last.Body), `"model":"`+deployment+`"`) {
			t.Errorf("%s: %s %v %s", op, last.Path, last.Header, last.Body)
		}
	}

	chat, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hello")}})
	if err != nil || chat.Choices[0].Message.Content != "from azure" {
		t.Fatalf("chat: %v %+v", err, chat)
	}
	check("chat", "/openai/v1/chat/completions", "prod-4o")

	stream := client.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{Model: "gpt-4o",
		Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hello")},
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}})
	acc, _ := sdktest.AccumulateChat(t, stream)
	if acc.Choices[0].Message.Content != "from azure" || acc.Usage.TotalTokens == 0 {
		t.Fatalf("stream: %q %+v", acc.Choices[0].Message.Content, acc.Usage)
	}
	check("stream", "/openai/v1/chat/completions", "prod-4o")

	emb, err := client.Embeddings.New(ctx, openai.EmbeddingNewParams{Model: "text-embedding-3-small",
		Input: openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: []string{"one", "two"}}})
	if err != nil || len(emb.Data) != 2 || len(emb.Data[0].Embedding) == 0 {
		t.Fatalf("embeddings: %v %+v", err, emb)
	}
	check("embeddings", "/openai/v1/embeddings", "text-embedding-3-small")

	img, err := client.Images.Generate(ctx, openai.ImageGenerateParams{Model: "dall-e-3", Prompt: "a lighthouse",
		ResponseFormat: openai.ImageGenerateParamsResponseFormatB64JSON})
	if err != nil || len(img.Data) != 1 || img.Data[0].B64JSON == "" {
		t.Fatalf("images: %v %+v", err, img)
	}
	check("images", "/openai/v1/images/generations", "dall-e-3")

	resp, err := client.Responses.New(ctx, sdk.ResponseNewParams{Model: "gpt-4o",
		Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("hello")}})
	if err != nil || !strings.Contains(resp.OutputText(), "from azure") {
		t.Fatalf("responses: %v %+v", err, resp)
	}
	check("responses", "/openai/v1/responses", "prod-4o")
	rs := sdktest.ReadResponses(t, client.Responses.NewStreaming(ctx, sdk.ResponseNewParams{Model: "gpt-4o",
		Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("hello")}}))
	if !slices.Contains(rs.Types, "response.completed") {
		t.Fatalf("responses stream without response.completed: %v", rs.Types)
	}

	// Tools round trip.
	rec.Reset()
	srv2, rec2 := fakeupstream.NewAzure(t, fakeupstream.AzureConfig{APIKey: azureTestKey, OpenAI: fakeupstream.OpenAIConfig{ToolCalls: true}})
	h2 := pipeHandler(t, fmt.Sprintf(`{%s,"providers":[%s]}`, pipeFast, azureProvider("az", srv2.URL, "prod-4o")))
	client = sdkClient(pipeServe(t, h2)+"/v1", "client-key")
	tool := openai.ChatCompletionFunctionTool(openai.FunctionDefinitionParam{Name: "get_weather",
		Parameters: openai.FunctionParameters{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}})
	params := openai.ChatCompletionNewParams{Model: "gpt-4o", Tools: []openai.ChatCompletionToolUnionParam{tool},
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Weather in Paris?")}}
	r, err := client.Chat.Completions.New(ctx, params)
	if err != nil || r.Choices[0].FinishReason != "tool_calls" || len(r.Choices[0].Message.ToolCalls) != 1 {
		t.Fatalf("tool call: %v %+v", err, r)
	}
	call := r.Choices[0].Message.ToolCalls[0]
	params.Messages = append(params.Messages, r.Choices[0].Message.ToParam(), openai.ToolMessage(`{"temp":21}`, call.ID))
	if _, err := client.Chat.Completions.New(ctx, params); err != nil {
		t.Fatal(err)
	}
	if last := rec2.Last(); last.Path != "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21" ||
		!strings.Contains(string(last.Body), `"tool_call_id":"`+call.ID+`"`) {
		t.Errorf("tool result: %s %s", last.Path, last.Body)
	}
}

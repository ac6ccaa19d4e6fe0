package aibackends

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	sdk "github.com/openai/openai-go/v3/responses"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// responsesGateway serves a handler over loopback for the official SDK:
// an OpenAI deployment "m" and an Anthropic one "m" behind alias-free
// provider addresses, and a simulated "sim".
func responsesGateway(t *testing.T, extra string) (h *Handler, url string, oai, ant *fakeupstream.Recorder) {
	t.Helper()
	so, oai := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "from openai"})
	sa, ant := fakeupstream.NewAnthropic(fakeupstream.AnthropicOptions{Text: "from anthropic"})
	t.Cleanup(sa.Close)
	h = pipeHandler(t, fmt.Sprintf(`{%s"providers":[
		{"type":"openai_compatible","name":"oai","base_url":%q,"models":["gpt-4o"]},
		{"type":"anthropic","name":"ant","base_url":%q,"api_keys":[{"value":"k"}],"models":["claude-sonnet-4-5"]},
		{"type":"sim","name":"sim","models":["sim"]}]}`, extra, so.URL+"/v1", sa.URL))
	return h, pipeServe(t, h) + "/v1", oai, ant
}

var sdkClient = sdktest.OpenAIClient

// TestResponsesSDKOnEveryProvider: the official SDK's Responses client,
// plain and streamed, against OpenAI, Anthropic and simulated deployments.
func TestResponsesSDKOnEveryProvider(t *testing.T) {
	_, url, _, _ := responsesGateway(t, "")
	client := sdkClient(url, "any")
	for _, model := range []string{"gpt-4o", "claude-sonnet-4-5", "sim"} {
		t.Run(model, func(t *testing.T) {
			resp, err := client.Responses.New(context.Background(), sdk.ResponseNewParams{
				Model: model, Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("hello")}})
			if err != nil {
				t.Fatal(err)
			}
			if resp.OutputText() == "" || resp.Status != "completed" || resp.Usage.TotalTokens == 0 || !strings.HasPrefix(resp.ID, "resp_") {
				t.Fatalf("response %+v", resp)
			}
			got := sdktest.ReadResponses(t, client.Responses.NewStreaming(context.Background(), sdk.ResponseNewParams{
				Model: model, Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("hello")}}))
			if got.Final == nil || got.Text == "" || got.Final.OutputText() != got.Text {
				t.Fatalf("streamed %q, final %+v", got.Text, got.Final)
			}
		})
	}
}

// TestResponsesPreviousAcrossProviders: a conversation started on OpenAI
// continues on Anthropic through previous_response_id: the second provider
// receives the whole history.
func TestResponsesPreviousAcrossProviders(t *testing.T) {
	_, url, _, ant := responsesGateway(t, "")
	client := sdkClient(url, "any")
	first, err := client.Responses.New(context.Background(), sdk.ResponseNewParams{
		Model: "gpt-4o", Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("remember the word lighthouse")}})
	if err != nil {
		t.Fatal(err)
	}
	second, err := client.Responses.New(context.Background(), sdk.ResponseNewParams{
		Model: "claude-sonnet-4-5", PreviousResponseID: openai.String(first.ID),
		Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("which word?")}})
	if err != nil {
		t.Fatal(err)
	}
	sent := string(ant.Last().Body)
	if !strings.Contains(sent, "remember the word lighthouse") || !strings.Contains(sent, "from openai") || !strings.Contains(sent, "which word?") {
		t.Fatalf("anthropic received %s", sent)
	}
	if second.PreviousResponseID != first.ID {
		t.Errorf("previous_response_id echoed %q", second.PreviousResponseID)
	}
}

// TestResponsesStoreEndpoints: retrieve, input items and delete, scoped to
// the key that created the response; store false keeps nothing.
func TestResponsesStoreEndpoints(t *testing.T) {
	_, url, _, _ := responsesGateway(t, `"client_keys":[{"key":"key-one-secret"},{"key":"key-two-secret"}],`)
	one, two := sdkClient(url, "key-one-secret"), sdkClient(url, "key-two-secret")
	ctx := context.Background()
	created, err := one.Responses.New(ctx, sdk.ResponseNewParams{Model: "sim",
		Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("keep me")}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := one.Responses.Get(ctx, created.ID, sdk.ResponseGetParams{})
	if err != nil || got.ID != created.ID || got.OutputText() != created.OutputText() {
		t.Fatalf("get: %v %+v", err, got)
	}
	items, err := one.Responses.InputItems.List(ctx, created.ID, sdk.InputItemListParams{})
	if err != nil || len(items.Data) != 1 {
		t.Fatalf("input items: %v %+v", err, items)
	}
	var apiErr *openai.Error
	if _, err := two.Responses.Get(ctx, created.ID, sdk.ResponseGetParams{}); !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("another key read the response: %v", err)
	}
	if _, err := two.Responses.New(ctx, sdk.ResponseNewParams{Model: "sim", PreviousResponseID: openai.String(created.ID),
		Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("x")}}); !errors.As(err, &apiErr) ||
		apiErr.StatusCode != 404 || apiErr.Code != "previous_response_not_found" {
		t.Fatalf("another key continued the conversation: %v", err)
	}
	if err := one.Responses.Delete(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := one.Responses.Get(ctx, created.ID, sdk.ResponseGetParams{}); !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("deleted response still served: %v", err)
	}
	unstored, err := one.Responses.New(ctx, sdk.ResponseNewParams{Model: "sim", Store: openai.Bool(false),
		Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("forget me")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := one.Responses.Get(ctx, unstored.ID, sdk.ResponseGetParams{}); !errors.As(err, &apiErr) || apiErr.StatusCode != 404 {
		t.Fatalf("store false kept the response: %v", err)
	}
}

// TestResponsesInputItemsOfAChain: a response continued with
// previous_response_id lists the earlier turns' input and output before its
// own input, as OpenAI's input_items does, newest first by default.
func TestResponsesInputItemsOfAChain(t *testing.T) {
	_, url, _, _ := responsesGateway(t, "")
	client := sdkClient(url, "any")
	ctx := context.Background()
	first, err := client.Responses.New(ctx, sdk.ResponseNewParams{Model: "gpt-4o",
		Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("remember the word lighthouse")}})
	if err != nil {
		t.Fatal(err)
	}
	second, err := client.Responses.New(ctx, sdk.ResponseNewParams{Model: "claude-sonnet-4-5",
		PreviousResponseID: openai.String(first.ID),
		Input:              sdk.ResponseNewParamsInputUnion{OfString: openai.String("which word?")}})
	if err != nil {
		t.Fatal(err)
	}
	items, err := client.Responses.InputItems.List(ctx, second.ID, sdk.InputItemListParams{Order: sdk.InputItemListParamsOrderAsc})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range items.Data {
		got = append(got, it.Type+":"+it.Role+":"+it.RawJSON())
	}
	if len(got) != 3 || !strings.HasPrefix(got[0], "message:user:") || !strings.Contains(got[0], "remember the word lighthouse") ||
		!strings.HasPrefix(got[1], "message:assistant:") ||
		!strings.HasPrefix(got[2], "message:user:") || !strings.Contains(got[2], "which word?") {
		t.Fatalf("input items of the second response: %q", got)
	}
	if items.Data[1].ID != first.Output[0].ID {
		t.Errorf("the first answer is listed as %q, its id is %q", items.Data[1].ID, first.Output[0].ID)
	}
	desc, err := client.Responses.InputItems.List(ctx, second.ID, sdk.InputItemListParams{})
	if err != nil || len(desc.Data) != 3 || desc.Data[0].ID != items.Data[2].ID {
		t.Fatalf("default order is newest first: %v %+v", err, desc)
	}
}

// TestResponsesErrors: failures in the Responses error shape.
func TestResponsesErrors(t *testing.T) {
	h, _, _, _ := responsesGateway(t, "")
	for _, c := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"model":"nope","input":"x"}`, 404, `"code":"model_not_found"`},
		{`{"model":"sim","input":"x","tools":[{"type":"web_search_preview"}]}`, 400, `"param":"tools[0]"`},
		{`{"model":"sim","input":"x","previous_response_id":"resp_unknown"}`, 404, `"code":"previous_response_not_found"`},
		{`{"model":"sim","input":[{"type":"message","role":"user","content":[{"type":"input_image","image_url":7}]}]}`, 400, `"param":"input[0].content[0]`},
		{`{"model":"sim"}`, 400, `"error"`},
	} {
		w := pipeDo(t, h, "POST", "/v1/responses", c.body)
		if w.Code != c.status || !strings.Contains(w.Body.String(), c.want) {
			t.Errorf("%s: %d %s", c.body, w.Code, w.Body)
		}
	}
	if w := pipeDo(t, h, "PUT", "/v1/responses/resp_1", ""); w.Code != 405 || !strings.Contains(w.Header().Get("Allow"), "DELETE") {
		t.Errorf("PUT: %d allow %q", w.Code, w.Header().Get("Allow"))
	}
}

// TestResponsesPassThroughToOpenAI: to an upstream with the Responses API
// the client's body passes through (hosted tools included) and the answer
// is relayed, plain and streamed; it is stored, and a conversation started
// on another provider continues there with its history inlined.
func TestResponsesPassThroughToOpenAI(t *testing.T) {
	so, rec := fakeupstream.NewOpenAI(t, fakeupstream.OpenAIConfig{Reply: "relayed"})
	h := pipeHandler(t, fmt.Sprintf(`{"providers":[
		{"type":"openai_compatible","name":"oai","base_url":%q,"models":["gpt-4o"],"responses_api":true},
		{"type":"sim","name":"sim","models":["sim"]}]}`, so.URL+"/v1"))
	client := sdkClient(pipeServe(t, h)+"/v1", "any")
	ctx := context.Background()

	resp, err := client.Responses.New(ctx, sdk.ResponseNewParams{Model: "gpt-4o",
		Tools: []sdk.ToolUnionParam{{OfWebSearchPreview: &sdk.WebSearchPreviewToolParam{Type: sdk.WebSearchPreviewToolTypeWebSearchPreview}}},
		Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("hello")}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rec.Last().Path, "/responses") || !strings.Contains(string(rec.Last().Body), "web_search_preview") {
		t.Fatalf("not passed through: %s %s", rec.Last().Path, rec.Last().Body)
	}
	if resp.OutputText() == "" {
		t.Fatalf("relayed answer %+v", resp)
	}
	if got, err := client.Responses.Get(ctx, resp.ID, sdk.ResponseGetParams{}); err != nil || got.ID != resp.ID {
		t.Fatalf("the relayed response was not stored: %v", err)
	}

	final := sdktest.ReadResponses(t, client.Responses.NewStreaming(ctx, sdk.ResponseNewParams{Model: "gpt-4o",
		Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("hello")}})).Final
	if final == nil || final.OutputText() == "" {
		t.Fatalf("relayed stream: %+v", final)
	}
	if _, err := client.Responses.Get(ctx, final.ID, sdk.ResponseGetParams{}); err != nil {
		t.Fatalf("the relayed stream's response was not stored: %v", err)
	}

	first, err := client.Responses.New(ctx, sdk.ResponseNewParams{Model: "sim",
		Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("a turn on the simulator")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Responses.New(ctx, sdk.ResponseNewParams{Model: "gpt-4o", PreviousResponseID: openai.String(first.ID),
		Input: sdk.ResponseNewParamsInputUnion{OfString: openai.String("and now on openai")}}); err != nil {
		t.Fatal(err)
	}
	sent := string(rec.Last().Body)
	if strings.Contains(sent, "previous_response_id") || !strings.Contains(sent, "a turn on the simulator") {
		t.Fatalf("history not inlined: %s", sent)
	}

	// A hosted tool cannot be translated: refused naming it.
	w := pipeDo(t, h, "POST", "/v1/responses", `{"model":"sim","input":"x","tools":[{"type":"web_search_preview"}]}`)
	if w.Code != 400 || !strings.Contains(w.Body.String(), `"param":"tools[0]"`) {
		t.Fatalf("hosted tool on sim: %d %s", w.Code, w.Body)
	}
}

package aibackends

import (
	"context"
	"errors"
	"strings"
	"testing"

	"google.golang.org/genai"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

// geminiSDK is Google's official Go client pointed at the gateway.
func geminiSDK(t *testing.T, h *Handler, key string) *genai.Client {
	t.Helper()
	c, err := genai.NewClient(context.Background(), &genai.ClientConfig{APIKey: key, Backend: genai.BackendGeminiAPI,
		HTTPOptions: genai.HTTPOptions{BaseURL: pipeServe(t, h), APIVersion: "v1beta"}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestGeminiSDK: GenerateContent and GenerateContentStream of
// google.golang.org/genai work against every provider type.
func TestGeminiSDK(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	c := geminiSDK(t, g.h, "gk-1")
	for _, m := range []string{"gem", "gpt", "claude", "sim"} {
		sdktest.AssertGeminiHello(t, c, m)
	}
}

// TestGeminiSDKFunctionCall: the SDK's function-call round trip through an
// OpenAI upstream, and its typed error for a bad key.
func TestGeminiSDKFunctionCall(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{ToolCalls: true})
	c := geminiSDK(t, g.h, "gk-1")
	ctx := context.Background()
	cfg := &genai.GenerateContentConfig{Tools: []*genai.Tool{{FunctionDeclarations: []*genai.FunctionDeclaration{{
		Name: "weather", Description: "Weather of a city",
		Parameters: &genai.Schema{Type: genai.TypeObject, Properties: map[string]*genai.Schema{"city": {Type: genai.TypeString}}},
	}}}}}
	history := genai.Text("Weather in Paris?")
	resp, err := c.Models.GenerateContent(ctx, "gpt", history, cfg)
	if err != nil {
		t.Fatal(err)
	}
	calls := resp.FunctionCalls()
	if len(calls) != 1 || calls[0].Name != "weather" {
		t.Fatalf("calls %+v", calls)
	}
	history = append(history, resp.Candidates[0].Content,
		genai.NewContentFromParts([]*genai.Part{genai.NewPartFromFunctionResponse("weather", map[string]any{"temp": 21})}, genai.RoleUser))
	if _, err := c.Models.GenerateContent(ctx, "gpt", history, cfg); err != nil {
		t.Fatalf("second turn: %v", err)
	}
	if body := string(g.oaiRec.Last().Body); !strings.Contains(body, `"role":"tool"`) || !strings.Contains(body, `"tool_call_id":"`+calls[0].ID+`"`) {
		t.Errorf("upstream second turn: %s", body)
	}

	_, err = geminiSDK(t, g.h, "wrong").Models.GenerateContent(ctx, "gpt", genai.Text("hi"), nil)
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 401 || apiErr.Status != "UNAUTHENTICATED" {
		t.Errorf("bad key: %#v", err)
	}
}

package fastfake

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"
	"google.golang.org/genai"

	"github.com/sira-ai/caddy-ai-backends/internal/sdktest"
)

func TestOpenAISDKReadsResponsesJSONAndStream(t *testing.T) {
	client := openAIClient(t)
	params := responses.ResponseNewParams{Model: `m"1`, Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("hi")}}
	resp, err := client.Responses.New(context.Background(), params)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Model != `m"1` || len(strings.Fields(resp.OutputText())) != 7 || resp.Usage.TotalTokens != 19 || resp.Status != "completed" {
		t.Fatalf("response: %+v", resp)
	}
	got := sdktest.ReadResponses(t, client.Responses.NewStreaming(context.Background(), params))
	// created, in_progress, item and part added, 5 deltas, text, part and item done, completed
	if len(got.Types) != 13 || got.Text != "word1 word2 word3 word4 word5" || got.Final == nil ||
		got.Final.OutputText() != got.Text || got.Final.Usage.OutputTokens != 5 {
		t.Fatalf("%d events, text %q, final %+v", len(got.Types), got.Text, got.Final)
	}
}

func TestGenAISDKReadsGenerateContentAndStream(t *testing.T) {
	ctx := context.Background()
	c, err := genai.NewClient(ctx, &genai.ClientConfig{APIKey: "k", Backend: genai.BackendGeminiAPI,
		HTTPOptions: genai.HTTPOptions{BaseURL: serveFake(t, Knobs{}) + "/k/chunks=4,words=6/", APIVersion: "v1beta"}})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Models.GenerateContent(ctx, "gemini-bench", genai.Text("hi"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(strings.Fields(resp.Text())) != 6 || resp.ModelVersion != "gemini-bench" ||
		resp.Candidates[0].FinishReason != genai.FinishReasonStop || resp.UsageMetadata.TotalTokenCount != 18 {
		t.Fatalf("response: %+v", resp)
	}
	var text strings.Builder
	chunks := 0
	var last *genai.GenerateContentResponse
	for chunk, err := range c.Models.GenerateContentStream(ctx, "gemini-bench", genai.Text("hi"), nil) {
		if err != nil {
			t.Fatal(err)
		}
		text.WriteString(chunk.Text())
		chunks++
		last = chunk
	}
	if chunks != 4 || text.String() != "word1 word2 word3 word4" || last.Candidates[0].FinishReason != genai.FinishReasonStop ||
		last.UsageMetadata.CandidatesTokenCount != 4 {
		t.Fatalf("%d chunks, text %q", chunks, text.String())
	}
}

// TestGeminiStreamWithoutSSE: without alt=sse the stream is the JSON
// array Google sends.
func TestGeminiStreamWithoutSSE(t *testing.T) {
	resp, err := http.Post(serveFake(t, Knobs{Chunks: 3})+"/v1beta/models/g:streamGenerateContent", "application/json", strings.NewReader(`{"contents":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out []struct {
		Candidates []struct {
			FinishReason string `json:"finishReason"`
		} `json:"candidates"`
	}
	if err := json.Unmarshal(body, &out); err != nil || len(out) != 3 || out[2].Candidates[0].FinishReason != "STOP" {
		t.Fatalf("%v: %s", err, body)
	}
}

package google

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func embeddingRequest(t testing.TB, body string) *providers.EmbeddingRequest {
	t.Helper()
	var req providers.EmbeddingRequest
	if err := json.Unmarshal([]byte(body), &req); err != nil {
		t.Fatal(err)
	}
	return &req
}

var embedTarget = providers.Target{Model: "gemini-embedding-001", APIKey: testKey}

func TestEmbeddingsBatch(t *testing.T) {
	p, rec := newTestProvider(t, fakeupstream.GeminiOptions{})
	req := embeddingRequest(t, `{"model":"emb","input":["first","second","third"],"dimensions":3}`)
	resp, err := p.Embeddings(context.Background(), embedTarget, req)
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Last()
	if got.Path != "/v1beta/models/gemini-embedding-001:batchEmbedContents" || got.Header.Get("x-goog-api-key") != testKey {
		t.Errorf("request = %s %v", got.Path, got.Header)
	}
	assertJSONEq(t, got.Body, []byte(`{"requests":[
		{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"first"}]},"outputDimensionality":3},
		{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"second"}]},"outputDimensionality":3},
		{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"third"}]},"outputDimensionality":3}]}`))
	if resp.Object != "list" || resp.Model != "gemini-embedding-001" || len(resp.Data) != 3 {
		t.Fatalf("resp = %+v", resp)
	}
	for i, text := range []string{"first", "second", "third"} {
		d := resp.Data[i]
		want := providers.EncodeVector(fakeupstream.GeminiVector(text, 3), "")
		if d.Index != i || d.Object != "embedding" || string(d.Embedding) != string(want) {
			t.Errorf("data[%d] = %+v, want vector %s", i, d, want)
		}
	}
	// No usageMetadata: estimated at 4 characters a token, rounded up per input.
	if resp.Usage.PromptTokens != 2+2+2 || resp.Usage.TotalTokens != 6 {
		t.Errorf("usage = %+v", resp.Usage)
	}
}

func TestEmbeddingsSingleBase64(t *testing.T) {
	p, rec := newTestProvider(t, fakeupstream.GeminiOptions{EmbeddingDims: 4, EmbeddingUsage: 7})
	resp, err := p.Embeddings(context.Background(), embedTarget, embeddingRequest(t, `{"model":"emb","input":"hello","encoding_format":"base64"}`))
	if err != nil {
		t.Fatal(err)
	}
	got := rec.Last()
	if got.Path != "/v1beta/models/gemini-embedding-001:embedContent" {
		t.Errorf("path = %s", got.Path)
	}
	assertJSONEq(t, got.Body, []byte(`{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"hello"}]}}`))
	want := providers.EncodeVector(fakeupstream.GeminiVector("hello", 4), "base64")
	if len(resp.Data) != 1 || string(resp.Data[0].Embedding) != string(want) {
		t.Errorf("data = %+v, want %s", resp.Data, want)
	}
	if resp.Usage.PromptTokens != 7 {
		t.Errorf("usage = %+v, want the upstream's 7", resp.Usage)
	}
}

func TestEmbeddingsInvalid(t *testing.T) {
	p, rec := newTestProvider(t, fakeupstream.GeminiOptions{})
	for _, body := range []string{
		`{"model":"emb","input":[[1,2,3]]}`,
		`{"model":"emb","input":[1,2,3]}`,
		`{"model":"emb","input":"x","encoding_format":"int8"}`,
		`{"model":"emb","input":"x","dimensions":0}`,
	} {
		_, err := p.Embeddings(context.Background(), embedTarget, embeddingRequest(t, body))
		if k := kindOf(t, err); k != providers.KindInvalidRequest {
			t.Errorf("%s: kind = %v", body, k)
		}
	}
	if _, err := p.Embeddings(context.Background(), embedTarget, &providers.EmbeddingRequest{}); kindOf(t, err) != providers.KindInvalidRequest {
		t.Error("empty input accepted")
	}
	if rec.Count() != 0 {
		t.Error("an invalid request reached the upstream")
	}
}

func TestFromGeminiEmbeddingsMismatch(t *testing.T) {
	req := embeddingRequest(t, `{"input":["a","b"]}`)
	if _, err := fromGeminiEmbeddings([]byte(`{"embeddings":[{"values":[1]}]}`), "m", req); err == nil {
		t.Error("one vector for two inputs accepted")
	}
	if _, err := fromGeminiEmbeddings([]byte(`{"embeddings":`), "m", req); err == nil {
		t.Error("invalid JSON accepted")
	}
}

func TestEmbeddingsUpstreamError(t *testing.T) {
	p, _ := newTestProvider(t, fakeupstream.GeminiOptions{Fail: &fakeupstream.GeminiError{Code: 400, Status: "INVALID_ARGUMENT", Message: "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch"}})
	_, err := p.Embeddings(context.Background(), embedTarget, embeddingRequest(t, `{"input":["a","b"]}`))
	if k := kindOf(t, err); k != providers.KindInvalidRequest {
		t.Errorf("kind = %v", k)
	}
}

// TestEmbeddingsHints: a Gemini client's taskType and title reach the
// upstream on the request they belong to.
func TestEmbeddingsHints(t *testing.T) {
	p, rec := newTestProvider(t, fakeupstream.GeminiOptions{})
	req := embeddingRequest(t, `{"model":"emb","input":["q","doc"]}`)
	req.Hints = []providers.EmbeddingHint{{TaskType: "RETRIEVAL_QUERY"}, {TaskType: "RETRIEVAL_DOCUMENT", Title: "T"}}
	if _, err := p.Embeddings(context.Background(), embedTarget, req); err != nil {
		t.Fatal(err)
	}
	assertJSONEq(t, rec.Last().Body, []byte(`{"requests":[
		{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"q"}]},"taskType":"RETRIEVAL_QUERY"},
		{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"doc"}]},"taskType":"RETRIEVAL_DOCUMENT","title":"T"}]}`))
}

// TestEmbeddingsRelayMedia: a Gemini client's body with media parts goes
// upstream as it came, to the method it called, with every model field set
// to the upstream model.
func TestEmbeddingsRelayMedia(t *testing.T) {
	p, rec := newTestProvider(t, fakeupstream.GeminiOptions{})
	one := `{"model":"models/alias","content":{"parts":[{"text":"cat"},{"inlineData":{"mimeType":"image/png","data":"AA=="}}]},"outputDimensionality":3}`
	req := &providers.EmbeddingRequest{Model: "alias", EncodingFormat: "float", Input: providers.EmbeddingInput{Texts: []string{"cat"}},
		Original: providers.Original{Format: providers.FormatGemini, Body: []byte(one)}, Media: []string{"content.parts.1.inlineData"}}
	resp, err := p.Embeddings(context.Background(), embedTarget, req)
	if err != nil || len(resp.Data) != 1 {
		t.Fatalf("%+v %v", resp, err)
	}
	got := rec.Last()
	if got.Path != "/v1beta/models/gemini-embedding-001:embedContent" {
		t.Errorf("path %s", got.Path)
	}
	assertJSONEq(t, got.Body, []byte(`{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"cat"},
		{"inlineData":{"mimeType":"image/png","data":"AA=="}}]},"outputDimensionality":3}`))

	batch := `{"requests":[{"content":{"parts":[{"fileData":{"mimeType":"video/mp4","fileUri":"files/v"}}]}},
		{"model":"models/alias","content":{"parts":[{"text":"x"}]},"taskType":"RETRIEVAL_DOCUMENT"}]}`
	req.Original.Body, req.Input.Texts = []byte(batch), []string{"", "x"}
	if resp, err = p.Embeddings(context.Background(), embedTarget, req); err != nil || len(resp.Data) != 2 {
		t.Fatalf("batch: %+v %v", resp, err)
	}
	got = rec.Last()
	if got.Path != "/v1beta/models/gemini-embedding-001:batchEmbedContents" {
		t.Errorf("batch path %s", got.Path)
	}
	assertJSONEq(t, got.Body, []byte(`{"requests":[
		{"model":"models/gemini-embedding-001","content":{"parts":[{"fileData":{"mimeType":"video/mp4","fileUri":"files/v"}}]}},
		{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"x"}]},"taskType":"RETRIEVAL_DOCUMENT"}]}`))

	req.Original.Body = []byte(`{"requests":{}}`)
	if _, err := p.Embeddings(context.Background(), embedTarget, req); kindOf(t, err) != providers.KindInvalidRequest {
		t.Errorf("requests not an array: %v", err)
	}
}

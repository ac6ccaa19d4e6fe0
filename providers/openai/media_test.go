package openai

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestEmbeddingsBase64PassThrough: the Python SDK's default
// encoding_format=base64 reaches the upstream, and its answer the client,
// untouched.
func TestEmbeddingsBase64PassThrough(t *testing.T) {
	p, rec := fakeOpenAI(t, fakeupstream.OpenAIConfig{})
	const client = `{"input":["hello world"],"model":"emb-alias","encoding_format":"base64","dimensions":3}`
	req := new(providers.EmbeddingRequest)
	if err := json.Unmarshal([]byte(client), req); err != nil {
		t.Fatal(err)
	}
	req.Raw = []byte(client)
	resp, err := p.Embeddings(context.Background(), providers.Target{Model: "text-embedding-3-small", APIKey: testKey}, req)
	if err != nil {
		t.Fatal(err)
	}
	last := rec.Last()
	if want := `{"input":["hello world"],"model":"text-embedding-3-small","encoding_format":"base64","dimensions":3}`; string(last.Body) != want || last.Path != "/v1/embeddings" {
		t.Errorf("sent %s %s", last.Path, last.Body)
	}
	if resp.Object != "list" || len(resp.Data) != 1 || resp.Usage.PromptTokens != 2 || resp.Model != "text-embedding-3-small" {
		t.Fatalf("resp = %+v", resp)
	}
	var b64 string
	if err := json.Unmarshal(resp.Data[0].Embedding, &b64); err != nil {
		t.Fatalf("embedding is not a base64 string: %s", resp.Data[0].Embedding)
	}
	raw, _ := base64.StdEncoding.DecodeString(b64)
	want := fakeupstream.OpenAIVector("hello world", 3)
	for i := range want {
		if got := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])); got != want[i] {
			t.Errorf("vector[%d] = %v, want %v", i, got, want[i])
		}
	}
	if !bytes.Contains(resp.Raw, []byte(b64)) {
		t.Error("Raw is not the upstream body")
	}
}

func TestEmbeddingsTyped(t *testing.T) {
	p, rec := fakeOpenAI(t, fakeupstream.OpenAIConfig{})
	req := &providers.EmbeddingRequest{Model: "public", Input: providers.EmbeddingInput{Texts: []string{"a", "b"}}}
	resp, err := p.Embeddings(context.Background(), providers.Target{Model: "text-embedding-3-small", APIKey: testKey}, req)
	if err != nil {
		t.Fatal(err)
	}
	if string(rec.Last().Body) != `{"model":"text-embedding-3-small","input":["a","b"]}` || req.Model != "public" {
		t.Errorf("sent %s", rec.Last().Body)
	}
	var vec []float32
	if err := json.Unmarshal(resp.Data[1].Embedding, &vec); err != nil || len(vec) != fakeupstream.OpenAIEmbeddingDims || vec[0] != fakeupstream.OpenAIVector("b", fakeupstream.OpenAIEmbeddingDims)[0] {
		t.Errorf("vector %v %v", vec, err)
	}
}

func TestImages(t *testing.T) {
	p, rec := fakeOpenAI(t, fakeupstream.OpenAIConfig{})
	const client = `{"prompt":"a cat","model":"img","n":2,"response_format":"b64_json","style":"vivid"}`
	req := &providers.ImageRequest{Prompt: "a cat", Raw: []byte(client)}
	resp, err := p.Images(context.Background(), providers.Target{Model: "dall-e-3", APIKey: testKey}, req)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"prompt":"a cat","model":"dall-e-3","n":2,"response_format":"b64_json","style":"vivid"}`; string(rec.Last().Body) != want || rec.Last().Path != "/v1/images/generations" {
		t.Errorf("sent %s", rec.Last().Body)
	}
	if len(resp.Data) != 2 || resp.Data[0].B64JSON != fakeupstream.OpenAITinyPNG || resp.Data[0].RevisedPrompt != "a cat" || resp.Created == 0 || len(resp.Raw) == 0 {
		t.Errorf("resp = %+v", resp)
	}

	resp, err = p.Images(context.Background(), providers.Target{Model: "dall-e-2", APIKey: testKey}, &providers.ImageRequest{Prompt: "a dog"})
	if err != nil || len(resp.Data) != 1 || resp.Data[0].URL == "" {
		t.Errorf("url image: %+v %v", resp, err)
	}
}

func TestMediaErrors(t *testing.T) {
	p, _ := fakeOpenAI(t, fakeupstream.OpenAIConfig{Fail: fakeupstream.OpenAIErrorFor(429)})
	_, err := p.Embeddings(context.Background(), target, &providers.EmbeddingRequest{Input: providers.EmbeddingInput{Texts: []string{"a"}}})
	if asError(t, err).Kind != providers.KindRateLimited {
		t.Errorf("embeddings: %v", err)
	}
	_, err = p.Images(context.Background(), target, &providers.ImageRequest{Prompt: "x"})
	if asError(t, err).Kind != providers.KindRateLimited {
		t.Errorf("images: %v", err)
	}
	_, err = p.Images(context.Background(), target, &providers.ImageRequest{Raw: []byte(`not json`)})
	if asError(t, err).Kind != providers.KindInvalidRequest {
		t.Errorf("bad raw: %v", err)
	}
}

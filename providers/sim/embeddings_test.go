package sim

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func embed(t *testing.T, p *Provider, req *providers.EmbeddingRequest) *providers.EmbeddingResponse {
	t.Helper()
	resp, err := p.Embeddings(context.Background(), target, req)
	if err != nil {
		t.Fatalf("Embeddings: %v", err)
	}
	return resp
}

func floats(t *testing.T, e providers.Embedding) []float32 {
	t.Helper()
	var v []float32
	if err := json.Unmarshal(e.Embedding, &v); err != nil {
		t.Fatalf("embedding %s: %v", e.Embedding, err)
	}
	return v
}

func cosine(a, b []float32) float64 {
	var dot float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
	}
	return dot
}

func TestEmbeddings(t *testing.T) {
	p, _ := newSim(t, nil)
	texts := []string{"the cat sat on the mat", "The cat sat on the mat!", "quarterly revenue grew", "", "the cat sat on the mat"}
	resp := embed(t, p, &providers.EmbeddingRequest{Input: providers.EmbeddingInput{Texts: texts}})
	if resp.Object != "list" || resp.Model != "sim-small" || len(resp.Data) != len(texts) {
		t.Fatalf("response %+v", resp)
	}
	wantTokens := 6 + 6 + 6 + 1 + 6
	if resp.Usage.PromptTokens != wantTokens || resp.Usage.TotalTokens != wantTokens {
		t.Errorf("usage %+v, want %d", resp.Usage, wantTokens)
	}
	vecs := make([][]float32, len(texts))
	for i, d := range resp.Data {
		if d.Object != "embedding" || d.Index != i {
			t.Errorf("item %d: %+v", i, d)
		}
		vecs[i] = floats(t, d)
		if len(vecs[i]) != 256 {
			t.Errorf("item %d: %d dimensions, want 256", i, len(vecs[i]))
		}
		if n := math.Sqrt(cosine(vecs[i], vecs[i])); math.Abs(n-1) > 1e-5 {
			t.Errorf("item %d: length %v", i, n)
		}
	}
	if cosine(vecs[0], vecs[4]) < 1-1e-6 {
		t.Error("equal inputs must get equal vectors")
	}
	similar, unrelated := cosine(vecs[0], vecs[1]), cosine(vecs[0], vecs[2])
	if similar < 0.8 || similar >= 1-1e-6 || unrelated > 0.5 {
		t.Errorf("cosine(similar) = %.3f, cosine(unrelated) = %.3f", similar, unrelated)
	}
	again := embed(t, p, &providers.EmbeddingRequest{Input: providers.EmbeddingInput{Texts: texts[:1]}})
	if string(again.Data[0].Embedding) != string(resp.Data[0].Embedding) {
		t.Error("embeddings are not deterministic")
	}
}

func TestEmbeddingsDimensionsAndBase64(t *testing.T) {
	p, _ := newSim(t, func(p *Provider) { p.EmbeddingDimensions = 48 })
	in := providers.EmbeddingInput{Texts: []string{"hello world"}}
	if n := len(floats(t, embed(t, p, &providers.EmbeddingRequest{Input: in}).Data[0])); n != 48 {
		t.Errorf("configured dimensions: %d", n)
	}
	plain := floats(t, embed(t, p, &providers.EmbeddingRequest{Input: in, Dimensions: intPtr(8), EncodingFormat: "float"}).Data[0])
	if len(plain) != 8 {
		t.Fatalf("requested dimensions: %d", len(plain))
	}
	var b64 string
	if err := json.Unmarshal(embed(t, p, &providers.EmbeddingRequest{Input: in, Dimensions: intPtr(8), EncodingFormat: "base64"}).Data[0].Embedding, &b64); err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != 4*8 {
		t.Fatalf("base64 %q: %v", b64, err)
	}
	for i := range plain {
		if f := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])); f != plain[i] {
			t.Errorf("component %d: base64 %v, float %v", i, f, plain[i])
		}
	}
}

func TestEmbeddingsTokenInput(t *testing.T) {
	p, _ := newSim(t, nil)
	resp := embed(t, p, &providers.EmbeddingRequest{Input: providers.EmbeddingInput{Tokens: [][]int{{1, 2, 3}, {1, 2, 4}, {1, 2, 3}}}})
	a, b, c := floats(t, resp.Data[0]), floats(t, resp.Data[1]), floats(t, resp.Data[2])
	if resp.Usage.PromptTokens != 9 || cosine(a, c) < 1-1e-6 || cosine(a, b) > 0.99 || cosine(a, b) < 0.3 {
		t.Errorf("usage %+v, cos(a,c) %.3f, cos(a,b) %.3f", resp.Usage, cosine(a, c), cosine(a, b))
	}
}

func TestEmbeddingsInvalid(t *testing.T) {
	p, _ := newSim(t, nil)
	one := providers.EmbeddingInput{Texts: []string{"x"}}
	for name, req := range map[string]*providers.EmbeddingRequest{
		"empty":           {},
		"zero dimensions": {Input: one, Dimensions: intPtr(0)},
		"huge dimensions": {Input: one, Dimensions: intPtr(maxDimensions + 1)},
		"bad format":      {Input: one, EncodingFormat: "int8"},
		"too many":        {Input: providers.EmbeddingInput{Texts: make([]string, maxEmbedInputs+1)}},
	} {
		_, err := p.Embeddings(context.Background(), target, req)
		if e := asError(t, err); e.Kind != providers.KindInvalidRequest || e.HTTPStatus() != 400 {
			t.Errorf("%s: %+v", name, e)
		}
	}
}

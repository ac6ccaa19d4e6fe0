package sim

import (
	"context"
	"math"
	"strconv"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Limits of embedding requests, near OpenAI's own.
const (
	maxDimensions     = 16384
	maxEmbedInputs    = 2048
	maxWordsPerVector = 1024 // words past it do not move the vector
	docWeight         = 0.5  // share of the whole-text component
)

// Embeddings returns one deterministic unit vector per input. A vector is
// the normalised sum of one pseudo-random direction per word (hash-seeded,
// case-folded) plus a smaller one for the whole text, so equal inputs get
// equal vectors and inputs sharing words point in similar directions, which
// keeps semantic-cache and retrieval demos meaningful.
func (p *Provider) Embeddings(ctx context.Context, t providers.Target, req *providers.EmbeddingRequest) (*providers.EmbeddingResponse, error) {
	n := req.Input.Len()
	if n == 0 {
		return nil, p.invalid("input", "input must not be empty")
	}
	if n > maxEmbedInputs {
		return nil, p.invalid("input", "input must have at most "+strconv.Itoa(maxEmbedInputs)+" items")
	}
	switch req.EncodingFormat {
	case "", "float", "base64":
	default:
		return nil, p.invalid("encoding_format", "encoding_format must be float or base64")
	}
	dims := p.EmbeddingDimensions
	if req.Dimensions != nil {
		dims = *req.Dimensions
		if dims < 1 || dims > maxDimensions {
			return nil, p.invalid("dimensions", "dimensions must be between 1 and "+strconv.Itoa(maxDimensions))
		}
	}
	if err := p.begin(ctx); err != nil {
		return nil, err
	}
	data := make([]providers.Embedding, 0, n)
	vec := make([]float32, dims)
	tokens := 0
	for _, text := range req.Input.Texts {
		embedText(vec, t.Model, text)
		data = append(data, embedding(len(data), vec, req.EncodingFormat))
		tokens += max(textTokens(len(text)), 1)
	}
	for _, ids := range req.Input.Tokens {
		embedTokens(vec, t.Model, ids)
		data = append(data, embedding(len(data), vec, req.EncodingFormat))
		tokens += len(ids)
	}
	return &providers.EmbeddingResponse{
		Object: "list",
		Data:   data,
		Model:  t.Model,
		Usage:  providers.EmbeddingUsage{PromptTokens: tokens, TotalTokens: tokens},
	}, nil
}

func embedding(index int, vec []float32, format string) providers.Embedding {
	return providers.Embedding{Object: "embedding", Index: index, Embedding: providers.EncodeVector(vec, format)}
}

// embedText fills v with the unit vector of text: words are runs of ASCII
// letters and digits or of non-ASCII bytes, compared case-insensitively.
func embedText(v []float32, model, text string) {
	clear(v)
	whole := newHasher()
	whole.str(model)
	whole.str(text)
	addDirection(v, whole.sum(), docWeight)
	words := 0
	for i := 0; i < len(text) && words < maxWordsPerVector; {
		if !wordByte(text[i]) {
			i++
			continue
		}
		h := newHasher()
		h.str(model)
		for ; i < len(text) && wordByte(text[i]); i++ {
			c := text[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			h.u64(uint64(c))
		}
		addDirection(v, h.sum(), 1)
		words++
	}
	normalize(v)
}

// embedTokens is embedText for token-id input: each id is a word.
func embedTokens(v []float32, model string, ids []int) {
	clear(v)
	whole := newHasher()
	whole.str(model)
	for _, id := range ids {
		whole.u64(uint64(id))
	}
	addDirection(v, whole.sum(), docWeight)
	for i, id := range ids {
		if i == maxWordsPerVector {
			break
		}
		h := newHasher()
		h.str(model)
		h.u64(uint64(id) ^ 0x70c)
		addDirection(v, h.sum(), 1)
	}
	normalize(v)
}

func wordByte(c byte) bool {
	return c >= 0x80 || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || ('0' <= c && c <= '9')
}

// addDirection adds weight times a pseudo-random vector (components uniform
// in [-1, 1)) seeded by seed.
func addDirection(v []float32, seed uint64, weight float64) {
	seq := sequence(seed)
	scale := weight / (1 << 63)
	for i := range v {
		v[i] += float32(float64(int64(seq.next())) * scale)
	}
}

// normalize scales v to unit length.
func normalize(v []float32) {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		v[0] = 1
		return
	}
	inv := 1 / math.Sqrt(sum)
	for i, x := range v {
		v[i] = float32(float64(x) * inv)
	}
}

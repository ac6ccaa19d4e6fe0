package vertex

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/providers/google"
)

// Vertex AI's embedding models (text-embedding-005,
// text-multilingual-embedding-002, gemini-embedding-001) answer :predict:
//
//	{"instances":[{"content":"…"}],"parameters":{"outputDimensionality":256}}
//	→ {"predictions":[{"embeddings":{"values":[…],"statistics":{"token_count":6,"truncated":false}}}]}

type predictRequest struct {
	Instances  []predictInstance  `json:"instances"`
	Parameters *predictParameters `json:"parameters,omitempty"`
}

type predictInstance struct {
	Content string `json:"content"`
}

type predictParameters struct {
	OutputDimensionality *int `json:"outputDimensionality,omitempty"`
}

type predictResponse struct {
	Predictions []struct {
		Embeddings struct {
			Values     []float32 `json:"values"`
			Statistics struct {
				TokenCount float64 `json:"token_count"`
			} `json:"statistics"`
		} `json:"embeddings"`
	} `json:"predictions"`
}

// maxEmbeddingResponse bounds a :predict answer.
const maxEmbeddingResponse = 64 << 20

// Embeddings sends every input in one :predict call of a Google embedding
// model. Token arrays are refused (Vertex embeds text); usage is the sum of
// the token counts Vertex reports.
func (v *Vertex) Embeddings(ctx context.Context, t providers.Target, req *providers.EmbeddingRequest) (*providers.EmbeddingResponse, error) {
	body, err := predictBody(req)
	if err != nil {
		return nil, v.Scrub(err)
	}
	if v.publisherOf(t.Model) != PublisherGoogle {
		return nil, providers.Unsupported(v.Name, "vertex", "embeddings with "+v.publisherOf(t.Model)+" models")
	}
	_, t, err = v.publisher(ctx, t)
	if err != nil {
		return nil, err
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return nil, &providers.Error{Kind: providers.KindInternal, Provider: v.Name, Message: "could not encode the upstream request", Err: err}
	}
	u := v.root + "/publishers/google/models/" + url.PathEscape(t.Model) + ":predict"
	resp, err := v.Post(ctx, u, payload, func(h http.Header) {
		h.Set("Content-Type", "application/json")
		h.Set("Authorization", "Bearer "+t.APIKey)
		for name, values := range v.ExtraHeaders() {
			h[name] = values
		}
	}, func(status int, h http.Header, b []byte) error { return google.UpstreamError(v.Name, status, h, b) })
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxEmbeddingResponse+1))
	if err != nil {
		return nil, v.TransportError(err)
	}
	out, err := fromPredict(raw, t.Model, req)
	if err != nil {
		return nil, &providers.Error{Kind: providers.KindUpstream, Provider: v.Name, Message: "upstream answered with an invalid body", Err: err}
	}
	return out, nil
}

func invalid(format string, args ...any) *providers.Error {
	return &providers.Error{Kind: providers.KindInvalidRequest, Param: "input", Message: fmt.Sprintf(format, args...)}
}

func predictBody(req *providers.EmbeddingRequest) (*predictRequest, error) {
	if req.Input.Tokens != nil {
		return nil, invalid("input: Vertex AI embeds text; token arrays are not supported")
	}
	if len(req.Input.Texts) == 0 {
		return nil, invalid("input must not be empty")
	}
	switch req.EncodingFormat {
	case "", "float", "base64":
	default:
		e := invalid("encoding_format %q is not one of float, base64", req.EncodingFormat)
		e.Param = "encoding_format"
		return nil, e
	}
	body := &predictRequest{Instances: make([]predictInstance, len(req.Input.Texts))}
	for i, text := range req.Input.Texts {
		body.Instances[i] = predictInstance{Content: text}
	}
	if req.Dimensions != nil {
		if *req.Dimensions < 1 {
			e := invalid("dimensions must be at least 1")
			e.Param = "dimensions"
			return nil, e
		}
		body.Parameters = &predictParameters{OutputDimensionality: req.Dimensions}
	}
	return body, nil
}

// fromPredict translates the answer into OpenAI's list, in input order.
func fromPredict(raw []byte, model string, req *providers.EmbeddingRequest) (*providers.EmbeddingResponse, error) {
	var p predictResponse
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	if len(p.Predictions) != len(req.Input.Texts) {
		return nil, fmt.Errorf("upstream returned %d embeddings for %d inputs", len(p.Predictions), len(req.Input.Texts))
	}
	out := &providers.EmbeddingResponse{Object: "list", Data: make([]providers.Embedding, len(p.Predictions)), Model: model}
	tokens := 0
	for i, pr := range p.Predictions {
		out.Data[i] = providers.Embedding{Object: "embedding", Index: i,
			Embedding: providers.EncodeVector(pr.Embeddings.Values, req.EncodingFormat)}
		tokens = addTokens(tokens, pr.Embeddings.Statistics.TokenCount)
	}
	out.Usage = providers.EmbeddingUsageOf(tokens, req.Input.Texts)
	return out, nil
}

// addTokens adds a reported count, saturating; a negative or non-finite
// count adds nothing.
func addTokens(sum int, n float64) int {
	if !(n > 0) || math.IsInf(n, 0) {
		return sum
	}
	if n >= float64(math.MaxInt-sum) {
		return math.MaxInt
	}
	return sum + int(n)
}

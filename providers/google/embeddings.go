package google

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Embeddings sends one input to :embedContent and several to
// :batchEmbedContents (one upstream call either way; Gemini limits how many
// a batch may hold and says so in its 400). dimensions becomes
// outputDimensionality. Vectors come back in input order, rendered as the
// client's encoding_format asks.
//
// Gemini embeds text only: token-array inputs are an invalid request. When
// the answer carries no usageMetadata, prompt_tokens is estimated at four
// characters per token, Google's own rule of thumb for Gemini tokenizers.
func (p *Provider) Embeddings(ctx context.Context, t providers.Target, req *providers.EmbeddingRequest) (*providers.EmbeddingResponse, error) {
	body, method, err := embeddingBody(t.Model, req)
	if err != nil {
		return nil, p.withProvider(err)
	}
	u, err := p.methodURL(t.Model, method)
	if err != nil {
		return nil, err
	}
	raw, err := p.call(ctx, t, u, body)
	if err != nil {
		return nil, err
	}
	resp, err := fromGeminiEmbeddings(raw, t.Model, req)
	if err != nil {
		return nil, p.badUpstream(err)
	}
	return resp, nil
}

// embeddingBody builds the request body and names the method to call.
func embeddingBody(model string, req *providers.EmbeddingRequest) (any, string, error) {
	if req.Original.Is(providers.FormatGemini) {
		return relayedEmbedding(model, req.Original.Body)
	}
	if req.Input.Tokens != nil {
		return nil, "", invalid("input: Gemini embeds text; token arrays are not supported")
	}
	if len(req.Input.Texts) == 0 {
		return nil, "", invalid("input must not be empty")
	}
	switch req.EncodingFormat {
	case "", "float", "base64":
	default:
		return nil, "", invalid("encoding_format %q is not one of float, base64", req.EncodingFormat)
	}
	if req.Dimensions != nil && *req.Dimensions < 1 {
		return nil, "", invalid("dimensions must be at least 1")
	}
	name := resourceName(model)
	one := func(i int) embedRequest {
		r := embedRequest{
			Model:                name,
			Content:              content{Parts: []part{{Text: req.Input.Texts[i]}}},
			OutputDimensionality: req.Dimensions,
		}
		if i < len(req.Hints) { // a Gemini client's taskType and title
			r.TaskType, r.Title = req.Hints[i].TaskType, req.Hints[i].Title
		}
		return r
	}
	if len(req.Input.Texts) == 1 {
		return one(0), "embedContent", nil
	}
	batch := batchEmbedRequest{Requests: make([]embedRequest, len(req.Input.Texts))}
	for i := range req.Input.Texts {
		batch.Requests[i] = one(i)
	}
	return batch, "batchEmbedContents", nil
}

// relayedEmbedding is a Gemini client's own embedContent or
// batchEmbedContents body (one with media parts, see
// providers.EmbeddingRequest.Original), sent on with every model field set
// to the upstream model: the client named the gateway's model, and Gemini
// wants a batch's requests to name the model of the URL.
func relayedEmbedding(model string, body []byte) (any, string, error) {
	name, _ := json.Marshal(resourceName(model))
	reqs := providers.GetTopLevel(body, "requests") // only batchEmbedContents has requests
	if reqs == nil || string(reqs) == "null" {
		out, err := setModel(body, name)
		if err != nil {
			return nil, "", invalid("the request body must be a JSON object")
		}
		return json.RawMessage(out), "embedContent", nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(reqs, &list); err != nil {
		return nil, "", invalid("requests must be an array of objects")
	}
	for i, r := range list {
		patched, err := setModel(r, name)
		if err != nil {
			return nil, "", invalid("requests.%d must be a JSON object", i)
		}
		list[i] = patched
	}
	joined, _ := json.Marshal(list)
	out, err := providers.SetTopLevel(body, "requests", joined)
	if err != nil {
		return nil, "", invalid("the request body must be a JSON object")
	}
	return json.RawMessage(out), "batchEmbedContents", nil
}

// setModel sets obj's model member to name, dropping any repeat of it (a
// JSON reader may take the last one).
func setModel(obj, name []byte) ([]byte, error) {
	for providers.GetTopLevel(obj, "model") != nil {
		var err error
		if obj, err = providers.DeleteTopLevel(obj, "model"); err != nil {
			return nil, err
		}
	}
	return providers.SetTopLevel(obj, "model", name)
}

// fromGeminiEmbeddings translates either answer into OpenAI's list.
func fromGeminiEmbeddings(body []byte, model string, req *providers.EmbeddingRequest) (*providers.EmbeddingResponse, error) {
	var g embedResponse
	if err := json.Unmarshal(body, &g); err != nil {
		return nil, err
	}
	vectors := g.Embeddings
	if g.Embedding != nil {
		vectors = []contentEmbedding{*g.Embedding}
	}
	if len(vectors) != len(req.Input.Texts) {
		return nil, fmt.Errorf("upstream returned %d embeddings for %d inputs", len(vectors), len(req.Input.Texts))
	}
	resp := &providers.EmbeddingResponse{
		Object: "list",
		Data:   make([]providers.Embedding, len(vectors)),
		Model:  model,
	}
	for i, v := range vectors {
		resp.Data[i] = providers.Embedding{Object: "embedding", Index: i, Embedding: providers.EncodeVector(v.Values, req.EncodingFormat)}
	}
	tokens := 0
	if g.UsageMetadata != nil {
		tokens = g.UsageMetadata.PromptTokenCount
	}
	resp.Usage = providers.EmbeddingUsageOf(tokens, req.Input.Texts)
	return resp, nil
}

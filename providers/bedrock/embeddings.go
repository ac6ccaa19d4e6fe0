package bedrock

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/internal/sat"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// cohereBatch is the most texts Cohere's embed models take in one call.
const cohereBatch = 96

// Embeddings creates embeddings through InvokeModel: Amazon Titan text
// models (amazon.titan-embed-*) take one text per call, Cohere models
// (cohere.embed-*) up to 96.
func (b *Bedrock) Embeddings(ctx context.Context, t providers.Target, req *providers.EmbeddingRequest) (*providers.EmbeddingResponse, error) {
	if len(req.Input.Tokens) > 0 {
		return nil, b.Scrub(invalid("input", "input: provider type bedrock embeds text only, not token arrays"))
	}
	if len(req.Input.Texts) == 0 {
		return nil, b.Scrub(invalid("input", "input: must not be empty"))
	}
	family := embeddingFamily(t.Model)
	if family == "" {
		return nil, b.Scrub(&providers.Error{Kind: providers.KindUnsupported, Code: "unsupported_operation", Param: "model",
			Message: "model " + strconv.Quote(t.Model) + ": provider type bedrock embeds with Amazon Titan (amazon.titan-embed-*) and Cohere (cohere.embed-*) models"})
	}
	out := &providers.EmbeddingResponse{Object: "list", Model: t.Model, Data: make([]providers.Embedding, 0, len(req.Input.Texts))}
	var err error
	if family == "titan" {
		err = b.titan(ctx, t, req, out)
	} else {
		err = b.cohere(ctx, t, req, out)
	}
	if err != nil {
		return nil, err
	}
	out.Usage.TotalTokens = out.Usage.PromptTokens
	return out, nil
}

func embeddingFamily(model string) string {
	m := strings.ToLower(model)
	switch {
	case strings.Contains(m, "amazon.titan-embed-text") || strings.Contains(m, "amazon.titan-embed-g1-text"):
		return "titan"
	case strings.Contains(m, "cohere.embed"):
		return "cohere"
	}
	return ""
}

// titan embeds the texts one call each.
func (b *Bedrock) titan(ctx context.Context, t providers.Target, req *providers.EmbeddingRequest, out *providers.EmbeddingResponse) error {
	type titanRequest struct {
		InputText  string `json:"inputText"`
		Dimensions *int   `json:"dimensions,omitempty"`
	}
	for i, text := range req.Input.Texts {
		body, _ := json.Marshal(titanRequest{InputText: text, Dimensions: req.Dimensions})
		var w struct {
			Embedding           []float32 `json:"embedding"`
			InputTextTokenCount int       `json:"inputTextTokenCount"`
		}
		if _, err := b.invokeJSON(ctx, t.Model, body, &w); err != nil {
			return err
		}
		out.Data = append(out.Data, providers.Embedding{Object: "embedding", Index: i, Embedding: providers.EncodeVector(w.Embedding, req.EncodingFormat)})
		out.Usage.PromptTokens = sat.Add(out.Usage.PromptTokens, sat.Count(w.InputTextTokenCount))
	}
	return nil
}

// cohere embeds the texts in batches. input_type defaults to
// search_document; a client may set Cohere's input_type (search_query,
// classification, clustering) beside the OpenAI fields.
func (b *Bedrock) cohere(ctx context.Context, t providers.Target, req *providers.EmbeddingRequest, out *providers.EmbeddingResponse) error {
	inputType := "search_document"
	if raw := providers.GetTopLevel(req.Raw, "input_type"); len(raw) > 0 {
		if err := json.Unmarshal(raw, &inputType); err != nil || inputType == "" {
			return b.Scrub(invalid("input_type", "input_type: want a string such as search_document or search_query"))
		}
	}
	type cohereRequest struct {
		Texts           []string `json:"texts"`
		InputType       string   `json:"input_type"`
		OutputDimension *int     `json:"output_dimension,omitempty"`
	}
	texts := req.Input.Texts
	for start := 0; start < len(texts); start += cohereBatch {
		batch := texts[start:min(start+cohereBatch, len(texts))]
		body, _ := json.Marshal(cohereRequest{Texts: batch, InputType: inputType, OutputDimension: req.Dimensions})
		var w struct {
			Embeddings [][]float32 `json:"embeddings"`
		}
		h, err := b.invokeJSON(ctx, t.Model, body, &w)
		if err != nil {
			return err
		}
		if len(w.Embeddings) != len(batch) {
			return b.Scrub(providers.Errorf(providers.KindUpstream, "upstream returned %d embeddings for %d texts", len(w.Embeddings), len(batch)))
		}
		for i, v := range w.Embeddings {
			out.Data = append(out.Data, providers.Embedding{Object: "embedding", Index: start + i, Embedding: providers.EncodeVector(v, req.EncodingFormat)})
		}
		n, _ := strconv.Atoi(h.Get("X-Amzn-Bedrock-Input-Token-Count"))
		out.Usage.PromptTokens = sat.Add(out.Usage.PromptTokens, sat.Count(n))
	}
	return nil
}

// invokeJSON makes one InvokeModel call and decodes its JSON answer.
func (b *Bedrock) invokeJSON(ctx context.Context, model string, body []byte, dst any) (http.Header, error) {
	a := b.newAttempt(ctx)
	defer a.end()
	resp, err := b.post(a.ctx, model, opInvoke, body, "application/json")
	if err != nil {
		return nil, b.attemptError(a, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseSize))
	if err != nil {
		return nil, b.attemptError(a, err)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return nil, b.Scrub(&providers.Error{Kind: providers.KindUpstream, Message: "upstream sent a malformed embeddings response", Err: err})
	}
	return resp.Header, nil
}

package fakeupstream

import (
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
)

// embed answers embedContent and batchEmbedContents with GeminiVector values.
func (g *gemini) embed(w http.ResponseWriter, resource, method string, req map[string]any) {
	requests := []any{req}
	if method == "batchEmbedContents" {
		list, _ := req["requests"].([]any)
		if len(list) == 0 {
			geminiInvalid(w, "* BatchEmbedContentsRequest.requests: requests is not specified")
			return
		}
		requests = list
	}
	var vectors []any
	for i, item := range requests {
		r, _ := item.(map[string]any)
		if m, ok := r["model"].(string); method == "batchEmbedContents" && (!ok || m != resource) {
			geminiInvalid(w, fmt.Sprintf("* BatchEmbedContentsRequest.requests[%d].model: the model in the request (%v) must match the model in the URL (%s)", i, r["model"], resource))
			return
		}
		c, _ := r["content"].(map[string]any)
		parts, _ := c["parts"].([]any)
		var text strings.Builder
		for _, p := range parts {
			pm, _ := p.(map[string]any)
			s, _ := pm["text"].(string)
			text.WriteString(s)
		}
		if len(parts) == 0 {
			geminiInvalid(w, "* EmbedContentRequest.content.parts: contents.parts must not be empty.")
			return
		}
		dims := orDefault(g.opts.EmbeddingDims, 8)
		if d, ok := r["outputDimensionality"].(float64); ok {
			dims = int(d)
		}
		vectors = append(vectors, map[string]any{"values": GeminiVector(text.String(), dims)})
	}
	out := map[string]any{}
	if method == "embedContent" {
		out["embedding"] = vectors[0]
	} else {
		out["embeddings"] = vectors
	}
	if g.opts.EmbeddingUsage > 0 {
		out["usageMetadata"] = map[string]any{"promptTokenCount": g.opts.EmbeddingUsage, "totalTokenCount": g.opts.EmbeddingUsage}
	}
	writeJSON(w, out)
}

// GeminiVector is the vector the fake returns for text: deterministic,
// values in [-1, 1).
func GeminiVector(text string, dims int) []float32 {
	v := make([]float32, dims)
	for i := range v {
		h := fnv.New32a()
		fmt.Fprintf(h, "%d:%s", i, text)
		v[i] = float32(h.Sum32()%2000)/1000 - 1
	}
	return v
}

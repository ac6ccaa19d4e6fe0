package gemini

import (
	"encoding/json"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// TestParseEmbed: one request and a batch map to the unified request,
// texts joined, dimensions kept, hints only when the client sent some.
func TestParseEmbed(t *testing.T) {
	req, e := ParseEmbed([]byte(`{"model":"models/other","content":{"parts":[{"text":"a"},{"text":"b"}]},"outputDimensionality":5}`), "m", false)
	if e != nil || req.Model != "m" || len(req.Input.Texts) != 1 || req.Input.Texts[0] != "a\nb" ||
		req.Dimensions == nil || *req.Dimensions != 5 || req.EncodingFormat != "float" || req.Hints != nil {
		t.Fatalf("embedContent: %+v %v", req, e)
	}
	req, e = ParseEmbed([]byte(`{"requests":[{"content":{"parts":[{"text":"q"}]},"taskType":"TASK_TYPE_UNSPECIFIED"},
		{"content":{"parts":[{"text":"d"}]},"taskType":"RETRIEVAL_DOCUMENT","title":"T"}]}`), "m", true)
	if e != nil || len(req.Input.Texts) != 2 || req.Dimensions != nil || len(req.Hints) != 2 ||
		req.Hints[0] != (providers.EmbeddingHint{}) || req.Hints[1] != (providers.EmbeddingHint{TaskType: "RETRIEVAL_DOCUMENT", Title: "T"}) {
		t.Fatalf("batch: %+v %v", req, e)
	}
	if title, task := Hinted(req); !title || !task {
		t.Errorf("Hinted = %v %v", title, task)
	}
	for _, c := range []struct {
		body  string
		batch bool
		param string
	}{
		{`{"content":{}}`, false, "content.parts"},
		{`{"content":{"parts":[{"text":"a"},{"functionCall":{"name":"f"}}]}}`, false, "content.parts.1"},
		{`{"content":{"parts":[{"text":"a"},{}]}}`, false, "content.parts.1"},
		{`{"content":{"parts":[{"text":"a"}]},"taskType":"NOPE"}`, false, "taskType"},
		{`{"requests":[{"content":{"parts":[{"text":"a"}]}},{"content":{"parts":[{"text":"a"}]},"outputDimensionality":-1}]}`, true, "requests.1.outputDimensionality"},
		{`{"requests":[{"content":{"parts":[{"text":"a"}]},"outputDimensionality":2},{"content":{"parts":[{"text":"a"}]},"outputDimensionality":3}]}`, true, "requests.1.outputDimensionality"},
		{`{"requests":[]}`, true, "requests"},
	} {
		if _, e := ParseEmbed([]byte(c.body), "m", c.batch); e == nil || e.Param != c.param || e.Kind != providers.KindInvalidRequest {
			t.Errorf("%s: %+v", c.body, e)
		}
	}
	if _, e := ParseEmbed([]byte(`{"content":{"parts":[{"text":"a"}]}}`), "", false); e == nil || e.Param != "model" {
		t.Errorf("no model: %+v", e)
	}
}

// TestParseEmbedMedia: inlineData and fileData parts (a multimodal
// model's input) are named in Media and keep the client's body in
// Original, for a Gemini upstream; the texts hold the text parts alone. A
// text-only request has neither.
func TestParseEmbedMedia(t *testing.T) {
	body := `{"content":{"parts":[{"text":"a cat"},{"inlineData":{"mimeType":"image/png","data":"AA=="}},{"text":"on a mat"}]}}`
	req, e := ParseEmbed([]byte(body), "m", false)
	if e != nil || len(req.Media) != 1 || req.Media[0] != "content.parts.1.inlineData" ||
		!req.Original.Is(providers.FormatGemini) || string(req.Original.Body) != body ||
		len(req.Input.Texts) != 1 || req.Input.Texts[0] != "a cat\non a mat" {
		t.Fatalf("embedContent: %+v %v", req, e)
	}
	batch := `{"requests":[{"content":{"parts":[{"text":"q"}]}},
		{"content":{"parts":[{"fileData":{"mimeType":"application/pdf","fileUri":"files/abc"}}]}}]}`
	req, e = ParseEmbed([]byte(batch), "m", true)
	if e != nil || len(req.Media) != 1 || req.Media[0] != "requests.1.content.parts.0.fileData" ||
		!req.Original.Is(providers.FormatGemini) || len(req.Input.Texts) != 2 || req.Input.Texts[1] != "" {
		t.Fatalf("batch: %+v %v", req, e)
	}
	req, e = ParseEmbed([]byte(`{"content":{"parts":[{"text":"a"},{"text":"b"}]}}`), "m", false)
	if e != nil || req.Media != nil || req.Original.Body != nil {
		t.Fatalf("text only: %+v %v", req, e)
	}
}

// TestEncodeEmbed: float vectors are copied as they came; a base64 vector
// is decoded to floats.
func TestEncodeEmbed(t *testing.T) {
	resp := &providers.EmbeddingResponse{Data: []providers.Embedding{
		{Index: 0, Embedding: json.RawMessage(`[0.5,-1]`)},
		{Index: 1, Embedding: providers.EncodeVector([]float32{0.25, 2}, "base64")},
	}}
	if got := string(EncodeEmbed(resp, true)); got != `{"embeddings":[{"values":[0.5,-1]},{"values":[0.25,2]}]}` {
		t.Errorf("batch = %s", got)
	}
	if got := string(EncodeEmbed(resp, false)); got != `{"embedding":{"values":[0.5,-1]}}` {
		t.Errorf("one = %s", got)
	}
	swapped := &providers.EmbeddingResponse{Data: []providers.Embedding{
		{Index: 1, Embedding: json.RawMessage(`[2]`)}, {Index: 0, Embedding: json.RawMessage(`[1]`)}}}
	if got := string(EncodeEmbed(swapped, true)); got != `{"embeddings":[{"values":[1]},{"values":[2]}]}` {
		t.Errorf("out of order = %s", got)
	}
}

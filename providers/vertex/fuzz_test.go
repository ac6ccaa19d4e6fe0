package vertex

import (
	"net/http"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// FuzzFromPredict: any :predict answer either fails or yields one vector
// per input, in order, with a usage that is never negative.
func FuzzFromPredict(f *testing.F) {
	f.Add([]byte(`{"predictions":[{"embeddings":{"values":[0.1,-0.2],"statistics":{"token_count":3,"truncated":false}}}]}`), "float")
	f.Add([]byte(`{"predictions":[{"embeddings":{"values":[],"statistics":{"token_count":1e308}}}]}`), "base64")
	f.Add([]byte(`{"predictions":null}`), "")
	f.Fuzz(func(t *testing.T, raw []byte, format string) {
		req := &providers.EmbeddingRequest{Input: providers.EmbeddingInput{Texts: []string{"one two"}}, EncodingFormat: format}
		out, err := fromPredict(raw, "text-embedding-005", req)
		if err != nil {
			return
		}
		if len(out.Data) != 1 || out.Data[0].Index != 0 || out.Usage.PromptTokens < 0 || out.Usage.TotalTokens != out.Usage.PromptTokens {
			t.Fatalf("%s: %+v", raw, out)
		}
	})
}

// FuzzGoogleShapedError: any error body is classified without a panic;
// what Vertex says in Google's shape keeps its status, anything else is
// left to Anthropic's classification.
func FuzzGoogleShapedError(f *testing.F) {
	f.Add(429, []byte(`{"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}}`))
	f.Add(529, []byte(`{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`))
	f.Add(401, []byte(`[{"error":{"code":401,"status":"UNAUTHENTICATED"}}]`))
	f.Add(500, []byte(`not json`))
	v := &Vertex{}
	v.Name = "vx"
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := v.googleShapedError(status, http.Header{}, body)
		if e != nil && e.Provider != "vx" {
			t.Fatalf("%+v", e)
		}
	})
}

func TestAddTokensSaturates(t *testing.T) {
	if got := addTokens(10, 1e300); got <= 10 || got != int(^uint(0)>>1) {
		t.Errorf("addTokens(10, 1e300) = %d", got)
	}
	if got := addTokens(5, -3); got != 5 {
		t.Errorf("negative: %d", got)
	}
}

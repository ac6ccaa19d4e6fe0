package aibackends

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

type geminiEmbedAnswer struct {
	Embedding *struct {
		Values []float64 `json:"values"`
	} `json:"embedding"`
	Embeddings []struct {
		Values []float64 `json:"values"`
	} `json:"embeddings"`
}

type geminiErrorAnswer struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Status  string `json:"status"`
	} `json:"error"`
}

const (
	geminiEmbedOne   = `{"content":{"parts":[{"text":"the cat sat"}]},"outputDimensionality":3}`
	geminiEmbedBatch = `{"requests":[{"model":"models/x","content":{"parts":[{"text":"one"}]},"outputDimensionality":3},
		{"model":"models/x","content":{"parts":[{"text":"two"},{"text":"and more"}]},"outputDimensionality":3}]}`
)

// TestGeminiEmbedContent: embedContent and batchEmbedContents answer in
// Google's shape from a Gemini, an OpenAI and the sim provider, with
// outputDimensionality honoured and the cost reported like /v1/embeddings.
func TestGeminiEmbedContent(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	for _, m := range []string{"gem", "gpt", "sim"} {
		w := pipeDo(t, g.h, "POST", "/v1beta/models/"+m+":embedContent", geminiEmbedOne, geminiAuth...)
		var one geminiEmbedAnswer
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &one) != nil || one.Embedding == nil ||
			len(one.Embedding.Values) != 3 {
			t.Fatalf("%s embedContent: %d %s", m, w.Code, w.Body)
		}
		if w.Header().Get("X-Ai-Cost-Usd") == "" || w.Header().Get(droppedFieldsHeader) != "" {
			t.Errorf("%s embedContent headers: %v", m, w.Header())
		}
		w = pipeDo(t, g.h, "POST", "/v1/models/"+m+":batchEmbedContents", geminiEmbedBatch, geminiAuth...)
		var batch geminiEmbedAnswer
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &batch) != nil || len(batch.Embeddings) != 2 ||
			len(batch.Embeddings[1].Values) != 3 || batch.Embedding != nil {
			t.Fatalf("%s batchEmbedContents: %d %s", m, w.Code, w.Body)
		}
	}
	var up struct {
		Input      []string `json:"input"`
		Dimensions int      `json:"dimensions"`
	}
	if err := json.Unmarshal(g.oaiRec.Last().Body, &up); err != nil || len(up.Input) != 2 ||
		up.Input[1] != "two\nand more" || up.Dimensions != 3 {
		t.Errorf("OpenAI upstream body: %s", g.oaiRec.Last().Body)
	}
	if !strings.HasSuffix(g.gemRec.Last().Path, "/models/gemini-2.5-flash:batchEmbedContents") {
		t.Errorf("Gemini upstream path %s", g.gemRec.Last().Path)
	}
}

// TestGeminiEmbedHints: taskType and title reach a Gemini upstream; to an
// OpenAI upstream taskType is dropped with X-AI-Dropped-Fields and a title
// is refused with a 400 naming it, since it would change the vector.
func TestGeminiEmbedHints(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	task := `{"content":{"parts":[{"text":"q"}]},"taskType":"RETRIEVAL_QUERY"}`
	titled := `{"content":{"parts":[{"text":"doc"}]},"taskType":"RETRIEVAL_DOCUMENT","title":"Cats"}`

	for _, body := range []string{task, titled} {
		w := pipeDo(t, g.h, "POST", "/v1beta/models/gem:embedContent", body, geminiAuth...)
		if w.Code != 200 || w.Header().Get(droppedFieldsHeader) != "" {
			t.Fatalf("gem: %d %v %s", w.Code, w.Header(), w.Body)
		}
		var up map[string]any
		_ = json.Unmarshal(g.gemRec.Last().Body, &up)
		if up["taskType"] == nil || (body == titled && up["title"] != "Cats") {
			t.Errorf("Gemini upstream body: %s", g.gemRec.Last().Body)
		}
	}

	w := pipeDo(t, g.h, "POST", "/v1beta/models/gpt:embedContent", task, geminiAuth...)
	if w.Code != 200 || w.Header().Get(droppedFieldsHeader) != "taskType" {
		t.Fatalf("gpt taskType: %d %v %s", w.Code, w.Header(), w.Body)
	}
	if strings.Contains(string(g.oaiRec.Last().Body), "RETRIEVAL") {
		t.Errorf("taskType reached OpenAI: %s", g.oaiRec.Last().Body)
	}

	before := g.oaiRec.Count()
	w = pipeDo(t, g.h, "POST", "/v1beta/models/gpt:embedContent", titled, geminiAuth...)
	var e geminiErrorAnswer
	if w.Code != 400 || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error.Status != "INVALID_ARGUMENT" ||
		!strings.HasPrefix(e.Error.Message, "title:") || g.oaiRec.Count() != before {
		t.Errorf("gpt title: %d %s", w.Code, w.Body)
	}
}

// TestGeminiEmbedRefused: bad requests get a 400 naming the field, a
// provider without embeddings and a model the key may not use get Google's
// error shape, and nothing reaches an upstream.
func TestGeminiEmbedRefused(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	cases := []struct {
		path, body, key string
		status          int
		want            string
	}{
		{"/v1beta/models/sim:embedContent", `{"content":{"parts":[]}}`, "gk-1", 400, "content.parts"},
		{"/v1beta/models/sim:embedContent", `{"content":{"parts":[{"inlineData":{"mimeType":"image/png","data":"AA=="}}]}}`, "gk-1", 400, "content.parts.0.inlineData: not supported"},
		{"/v1beta/models/sim:embedContent", `{"content":{"parts":[{"text":"x"},{"functionCall":{"name":"f"}}]}}`, "gk-1", 400, "only text, inlineData and fileData"},
		{"/v1beta/models/sim:embedContent", `{"content":{"parts":[{"text":"x"}]},"taskType":"SUMMARY"}`, "gk-1", 400, "taskType"},
		{"/v1beta/models/sim:embedContent", `{"content":{"parts":[{"text":"x"}]},"outputDimensionality":0}`, "gk-1", 400, "outputDimensionality"},
		{"/v1beta/models/sim:batchEmbedContents", `{"requests":[]}`, "gk-1", 400, "requests must not be empty"},
		{"/v1beta/models/sim:batchEmbedContents", `{"requests":[{"content":{"parts":[{"text":"a"}]},"outputDimensionality":3},
			{"content":{"parts":[{"text":"b"}]}}]}`, "gk-1", 400, "same outputDimensionality"},
		{"/v1beta/models/claude:embedContent", geminiEmbedOne, "gk-1", 0, "not supported"},
		{"/v1beta/models/gpt:embedContent", geminiEmbedOne, "gk-sim", 0, ""},
		{"/v1beta/models/nope:embedContent", geminiEmbedOne, "gk-1", 404, "nope"},
	}
	for _, c := range cases {
		w := pipeDo(t, g.h, "POST", c.path, c.body, "x-goog-api-key", c.key)
		var e geminiErrorAnswer
		if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code != w.Code || e.Error.Status == "" ||
			w.Code < 400 || (c.status != 0 && w.Code != c.status) || !strings.Contains(e.Error.Message, c.want) {
			t.Errorf("%s %s: %d %s", c.path, c.body, w.Code, w.Body)
		}
	}
	if n := g.oaiRec.Count() + g.gemRec.Count() + g.antRec.Count(); n != 0 {
		t.Errorf("%d upstream requests", n)
	}
}

// TestGeminiEmbedLimits: the embedding methods reserve their input against
// the key's tokens_per_minute like /v1/embeddings, and a refusal is in
// Google's shape.
func TestGeminiEmbedLimits(t *testing.T) {
	h := pipeHandler(t, `{"providers":[{"type":"sim","name":"sim","models":["emb"]}],
		"client_keys":[{"key":"k","tokens_per_minute":20}]}`)
	long := `{"content":{"parts":[{"text":"` + strings.Repeat("word ", 40) + `"}]}}`
	for _, path := range []string{"/v1/embeddings", "/v1beta/models/emb:embedContent"} {
		body := long
		if path == "/v1/embeddings" {
			body = `{"model":"emb","input":"` + strings.Repeat("word ", 40) + `"}`
		}
		w := pipeDo(t, h, "POST", path, body, "x-goog-api-key", "k", "Authorization", "Bearer k")
		if w.Code != http.StatusRequestEntityTooLarge && w.Code != http.StatusTooManyRequests {
			t.Errorf("%s: %d %s", path, w.Code, w.Body)
		}
		if strings.Contains(path, "embedContent") {
			var e geminiErrorAnswer
			if json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error.Status == "" || e.Error.Code != w.Code {
				t.Errorf("%s: not Google's error shape: %s", path, w.Body)
			}
		}
	}
	w := pipeDo(t, h, "POST", "/v1beta/models/emb:embedContent", `{"content":{"parts":[{"text":"short"}]}}`, "x-goog-api-key", "k")
	if w.Code != http.StatusOK {
		t.Errorf("short: %d %s", w.Code, w.Body)
	}
}

// TestGeminiEmbedMedia: a multimodal request (an image, a document by URI)
// reaches a Gemini upstream as the client's body, its model fields set to
// the upstream model; an OpenAI deployment, whose embeddings are text
// only, answers a 400 naming the first media part, and nothing goes
// upstream.
func TestGeminiEmbedMedia(t *testing.T) {
	g := newGeminiGateway(t, fakeupstream.OpenAIConfig{})
	image := `{"content":{"parts":[{"text":"a cat"},{"inlineData":{"mimeType":"image/png","data":"iVBORw0KGgo="}}]},"outputDimensionality":3}`
	w := pipeDo(t, g.h, "POST", "/v1beta/models/gem:embedContent", image, geminiAuth...)
	var one geminiEmbedAnswer
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &one) != nil || one.Embedding == nil || len(one.Embedding.Values) != 3 {
		t.Fatalf("gem embedContent: %d %s", w.Code, w.Body)
	}
	var up struct {
		Model   string `json:"model"`
		Content struct {
			Parts []map[string]json.RawMessage `json:"parts"`
		} `json:"content"`
	}
	if err := json.Unmarshal(g.gemRec.Last().Body, &up); err != nil || up.Model != "models/gemini-2.5-flash" ||
		len(up.Content.Parts) != 2 || string(up.Content.Parts[1]["inlineData"]) != `{"mimeType":"image/png","data":"iVBORw0KGgo="}` ||
		!strings.HasSuffix(g.gemRec.Last().Path, "/models/gemini-2.5-flash:embedContent") {
		t.Errorf("Gemini upstream: %s %s", g.gemRec.Last().Path, g.gemRec.Last().Body)
	}

	batch := `{"requests":[{"model":"models/gem","content":{"parts":[{"text":"q"}]}},
		{"model":"models/gem","content":{"parts":[{"fileData":{"mimeType":"application/pdf","fileUri":"files/doc"}}]}}]}`
	w = pipeDo(t, g.h, "POST", "/v1beta/models/gem:batchEmbedContents", batch, geminiAuth...)
	var two geminiEmbedAnswer
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &two) != nil || len(two.Embeddings) != 2 {
		t.Fatalf("gem batchEmbedContents: %d %s", w.Code, w.Body)
	}
	if body := string(g.gemRec.Last().Body); !strings.Contains(body, `"fileUri":"files/doc"`) || strings.Contains(body, "models/gem\"") {
		t.Errorf("Gemini upstream batch: %s", body)
	}

	for _, c := range []struct{ path, body, param string }{
		{"/v1beta/models/gpt:embedContent", image, "content.parts.1.inlineData"},
		{"/v1beta/models/gpt:batchEmbedContents", batch, "requests.1.content.parts.0.fileData"},
	} {
		before := g.oaiRec.Count()
		w = pipeDo(t, g.h, "POST", c.path, c.body, geminiAuth...)
		var e geminiErrorAnswer
		if w.Code != http.StatusBadRequest || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Error.Status != "INVALID_ARGUMENT" ||
			!strings.HasPrefix(e.Error.Message, c.param+": not supported") || g.oaiRec.Count() != before {
			t.Errorf("%s: %d %s", c.path, w.Code, w.Body)
		}
	}
}

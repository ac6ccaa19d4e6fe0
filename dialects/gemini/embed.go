package gemini

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// The EmbedContentRequest and BatchEmbedContentsRequest as Google's clients
// send them (https://ai.google.dev/api/embeddings).
type inEmbedRequest struct {
	Model                string    `json:"model"`
	Content              inContent `json:"content"`
	TaskType             string    `json:"taskType"`
	Title                string    `json:"title"`
	OutputDimensionality *int      `json:"outputDimensionality"`
}

type inBatchEmbedRequest struct {
	Requests []inEmbedRequest `json:"requests"`
}

// taskTypes are the TaskType values Gemini's embedding models accept.
var taskTypes = map[string]bool{
	"": true, "TASK_TYPE_UNSPECIFIED": true, "RETRIEVAL_QUERY": true, "RETRIEVAL_DOCUMENT": true,
	"SEMANTIC_SIMILARITY": true, "CLASSIFICATION": true, "CLUSTERING": true, "QUESTION_ANSWERING": true,
	"FACT_VERIFICATION": true, "CODE_RETRIEVAL_QUERY": true,
}

// ParseEmbed translates an embedContent body (batch false) or a
// batchEmbedContents body (batch true) into the unified embeddings
// request, for the model in the path:
//
//	content.parts[].text        → one input (several text parts joined by a newline)
//	outputDimensionality        → dimensions (a batch must ask for one size throughout)
//	taskType, title             → Hints, for a Gemini upstream
//
// Vectors are asked for as floats, the form Google's answer carries.
// inlineData and fileData parts (a multimodal model's images, audio, video,
// documents) are named in Media and the body kept in Original: only a
// Gemini upstream can take them, and it is sent this body. Other parts are
// refused with a 400 naming them.
// A request's own model field is not read: the path names the model.
func ParseEmbed(body []byte, model string, batch bool) (*providers.EmbeddingRequest, *providers.Error) {
	if model == "" {
		return nil, dialects.Invalid("model", "the model is missing from the path: use models/{model}:embedContent")
	}
	var reqs []inEmbedRequest
	prefix := ""
	if batch {
		var in inBatchEmbedRequest
		if e := dialects.DecodeJSON(body, &in); e != nil {
			return nil, e
		}
		if len(in.Requests) == 0 {
			return nil, dialects.Invalid("requests", "requests must not be empty")
		}
		reqs, prefix = in.Requests, "requests."
	} else {
		var in inEmbedRequest
		if e := dialects.DecodeJSON(body, &in); e != nil {
			return nil, e
		}
		reqs = []inEmbedRequest{in}
	}
	out := &providers.EmbeddingRequest{Model: model, EncodingFormat: "float",
		Input: providers.EmbeddingInput{Texts: make([]string, len(reqs))}}
	hinted := false
	for i := range reqs {
		r := &reqs[i]
		at := ""
		if batch {
			at = prefix + strconv.Itoa(i) + "."
		}
		text, media, e := embedText(&r.Content, at+"content")
		if e != nil {
			return nil, e
		}
		out.Input.Texts[i] = text
		out.Media = append(out.Media, media...)
		if !taskTypes[r.TaskType] {
			return nil, dialects.Invalid(at+"taskType", "taskType %q is not a known TaskType", r.TaskType)
		}
		hinted = hinted || (r.TaskType != "" && r.TaskType != "TASK_TYPE_UNSPECIFIED") || r.Title != ""
		if d := r.OutputDimensionality; d != nil {
			if *d < 1 {
				return nil, dialects.Invalid(at+"outputDimensionality", "outputDimensionality must be at least 1")
			}
		}
		if i == 0 {
			out.Dimensions = r.OutputDimensionality
		} else if !sameDims(out.Dimensions, r.OutputDimensionality) {
			return nil, dialects.Invalid(at+"outputDimensionality",
				"every request of a batch must ask for the same outputDimensionality through this gateway")
		}
	}
	if len(out.Media) > 0 {
		out.Original = providers.Original{Format: providers.FormatGemini, Body: body}
	}
	if hinted {
		out.Hints = make([]providers.EmbeddingHint, len(reqs))
		for i := range reqs {
			tt := reqs[i].TaskType
			if tt == "TASK_TYPE_UNSPECIFIED" {
				tt = ""
			}
			out.Hints[i] = providers.EmbeddingHint{TaskType: tt, Title: reqs[i].Title}
		}
	}
	return out, nil
}

func sameDims(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// embedText is the text of one content to embed (its text parts joined by
// a newline) and the paths of its media parts: inlineData and fileData,
// which a multimodal Gemini embedding model (gemini-embedding-2) embeds
// with the text into one vector and which only a Gemini upstream takes.
func embedText(c *inContent, at string) (string, []string, *providers.Error) {
	if len(c.Parts) == 0 {
		return "", nil, dialects.Invalid(at+".parts", "content.parts must not be empty")
	}
	if len(c.Parts) == 1 && c.Parts[0].Text != nil {
		return *c.Parts[0].Text, nil, nil
	}
	var b strings.Builder
	var media []string
	texts := 0
	for j := range c.Parts {
		p := &c.Parts[j]
		pat := at + ".parts." + strconv.Itoa(j)
		switch {
		case p.Text != nil:
			if texts > 0 {
				b.WriteByte('\n')
			}
			texts++
			b.WriteString(*p.Text)
		case p.InlineData != nil:
			media = append(media, pat+".inlineData")
		case len(p.FileData) > 0 && string(p.FileData) != "null":
			media = append(media, pat+".fileData")
		default:
			return "", nil, dialects.Invalid(pat,
				"only text, inlineData and fileData parts can be embedded")
		}
	}
	return b.String(), media, nil
}

// Hinted reports what of req's hints a provider that does not speak
// Gemini's API would lose: titles (part of what a document's vector
// encodes, so a request with one is refused there) and task types (an
// optimisation hint the other providers' general-purpose vectors do not
// need, so it is dropped with a note).
func Hinted(req *providers.EmbeddingRequest) (title, taskType bool) {
	for _, h := range req.Hints {
		title = title || h.Title != ""
		taskType = taskType || h.TaskType != ""
	}
	return title, taskType
}

// EncodeEmbed renders the unified answer in Google's shape:
// {"embedding":{"values":[…]}} for embedContent, {"embeddings":[…]} for
// batchEmbedContents. The vectors are copied as the provider rendered them
// (float arrays: ParseEmbed asks for floats), not decoded; a base64 vector
// from a provider that ignored the asked format is decoded. The caller
// checks there is one vector per input.
func EncodeEmbed(resp *providers.EmbeddingResponse, batch bool) []byte {
	n := 0
	for i := range resp.Data {
		n += len(resp.Data[i].Embedding) + len(`{"values":},`)
	}
	b := make([]byte, 0, n+len(`{"embeddings":[]}`))
	if batch {
		b = append(b, `{"embeddings":[`...)
	} else {
		b = append(b, `{"embedding":`...)
	}
	for i := range resp.Data {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"values":`...)
		b = append(b, vectorJSON(resp.Data[inputOrder(resp.Data, i)].Embedding)...)
		b = append(b, '}')
		if !batch {
			break
		}
	}
	if batch {
		b = append(b, ']')
	}
	return append(b, '}')
}

// inputOrder is the position in data of the vector of input i: OpenAI's
// list carries each vector's input index, and an upstream may list them
// out of order. Indexes that are not a permutation are taken as listed.
func inputOrder(data []providers.Embedding, i int) int {
	if data[i].Index == i {
		return i
	}
	for j := range data {
		if data[j].Index == i {
			return j
		}
	}
	return i
}

// vectorJSON is a float array as it came, or the floats of a base64
// vector (little-endian float32s, OpenAI's encoding).
func vectorJSON(v json.RawMessage) []byte {
	if len(v) > 0 && v[0] == '[' {
		return v
	}
	var s string
	raw, err := []byte(nil), json.Unmarshal(v, &s)
	if err == nil {
		raw, err = base64.StdEncoding.DecodeString(s)
	}
	if err != nil || len(raw)%4 != 0 {
		return []byte("[]")
	}
	f := make([]float32, len(raw)/4)
	for i := range f {
		f[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	out, _ := json.Marshal(f)
	return out
}

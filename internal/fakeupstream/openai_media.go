package fakeupstream

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// OpenAITinyPNG is the image every fake image generation returns: a valid
// 1×1 PNG, base64-encoded.
const OpenAITinyPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

// OpenAIEmbeddingDims is the vector length when the request sets no dimensions.
const OpenAIEmbeddingDims = 8

type oaiEmbeddingRequest struct {
	Model          string          `json:"model"`
	Input          json.RawMessage `json:"input"`
	EncodingFormat string          `json:"encoding_format"`
	Dimensions     int             `json:"dimensions"`
}

// oaiDecode unmarshals a request body into v, or answers OpenAI's 400 for
// a body that is not JSON and reports false.
func oaiDecode(w http.ResponseWriter, body []byte, v any) bool {
	if err := json.Unmarshal(body, v); err != nil {
		oaiWriteError(w, oaiInvalidRequest("", "", "We could not parse the JSON body of your request."))
		return false
	}
	return true
}

// serveEmbeddings answers with deterministic vectors derived from each input.
func (f *fakeOpenAI) serveEmbeddings(w http.ResponseWriter, body []byte) {
	var req oaiEmbeddingRequest
	if !oaiDecode(w, body, &req) {
		return
	}
	inputs, ok := oaiEmbeddingInputs(req.Input)
	switch {
	case req.Model == "":
		oaiWriteError(w, oaiInvalidRequest("", "", "you must provide a model parameter"))
		return
	case !ok:
		oaiWriteError(w, oaiInvalidRequest("input", "", "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."))
		return
	case req.EncodingFormat != "" && req.EncodingFormat != "float" && req.EncodingFormat != "base64":
		oaiWriteError(w, oaiInvalidRequest("encoding_format", "", "Invalid value for 'encoding_format' = "+req.EncodingFormat+". Supported values are: 'float' and 'base64'."))
		return
	}
	dims := req.Dimensions
	if dims <= 0 {
		dims = OpenAIEmbeddingDims
	}
	type item struct {
		Object    string `json:"object"`
		Index     int    `json:"index"`
		Embedding any    `json:"embedding"`
	}
	data := make([]item, len(inputs))
	tokens := 0
	for i, in := range inputs {
		vec := OpenAIVector(in, dims)
		data[i] = item{Object: "embedding", Index: i, Embedding: vec}
		if req.EncodingFormat == "base64" {
			data[i].Embedding = oaiBase64Vector(vec)
		}
		tokens += max(len(strings.Fields(in)), 1)
	}
	type usage struct {
		PromptTokens int `json:"prompt_tokens"`
		TotalTokens  int `json:"total_tokens"`
	}
	oaiWriteJSON(w, struct {
		Object string `json:"object"`
		Data   []item `json:"data"`
		Model  string `json:"model"`
		Usage  usage  `json:"usage"`
	}{"list", data, req.Model, usage{tokens, tokens}})
}

// oaiEmbeddingInputs accepts a string, strings, a token array or token
// arrays; token arrays are keyed by their JSON text.
func oaiEmbeddingInputs(raw json.RawMessage) ([]string, bool) {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, true
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil && len(many) > 0 {
		return many, true
	}
	var tokens []int
	if json.Unmarshal(raw, &tokens) == nil && len(tokens) > 0 {
		return []string{string(raw)}, true
	}
	var batches []json.RawMessage
	if json.Unmarshal(raw, &batches) != nil || len(batches) == 0 {
		return nil, false
	}
	out := make([]string, len(batches))
	for i, b := range batches {
		if json.Unmarshal(b, &tokens) != nil {
			return nil, false
		}
		out[i] = string(b)
	}
	return out, true
}

// OpenAIVector is the fake's embedding of input: dims values in [-1, 1]
// derived from a hash of the input, so tests can compute what to expect.
func OpenAIVector(input string, dims int) []float32 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(input))
	state := h.Sum64() | 1
	vec := make([]float32, dims)
	for i := range vec {
		state ^= state << 13 // xorshift64
		state ^= state >> 7
		state ^= state << 17
		vec[i] = float32(state>>40)/float32(1<<23) - 1
	}
	return vec
}

// oaiBase64Vector encodes a vector as OpenAI's base64 format: little-endian
// float32s.
func oaiBase64Vector(v []float32) string {
	buf := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(buf)
}

type oaiImageRequest struct {
	Model          string `json:"model"`
	Prompt         string `json:"prompt"`
	N              *int   `json:"n"`
	ResponseFormat string `json:"response_format"`
}

// serveImages answers with OpenAITinyPNG as base64 or as a URL.
func (f *fakeOpenAI) serveImages(w http.ResponseWriter, body []byte) {
	var req oaiImageRequest
	if !oaiDecode(w, body, &req) {
		return
	}
	if req.Prompt == "" {
		oaiWriteError(w, oaiInvalidRequest("prompt", "", "Missing required parameter: 'prompt'."))
		return
	}
	if req.ResponseFormat != "" && req.ResponseFormat != "url" && req.ResponseFormat != "b64_json" {
		oaiWriteError(w, oaiInvalidRequest("response_format", "", "Invalid value: '"+req.ResponseFormat+"'. Supported values are: 'url' and 'b64_json'."))
		return
	}
	model := req.Model
	if model == "" {
		model = "dall-e-2"
	}
	n := 1
	if req.N != nil && *req.N > 0 {
		n = *req.N
	}
	type image struct {
		URL           string `json:"url,omitempty"`
		B64JSON       string `json:"b64_json,omitempty"`
		RevisedPrompt string `json:"revised_prompt,omitempty"`
	}
	data := make([]image, n)
	for i := range data {
		switch {
		case req.ResponseFormat == "b64_json" || strings.HasPrefix(model, "gpt-image"):
			data[i].B64JSON = OpenAITinyPNG
		default:
			data[i].URL = "https://fake-openai.invalid/images/img-" + strconv.Itoa(i) + ".png"
		}
		if model == "dall-e-3" {
			data[i].RevisedPrompt = req.Prompt
		}
	}
	oaiWriteJSON(w, struct {
		Created int64   `json:"created"`
		Data    []image `json:"data"`
	}{oaiCreated, data})
}

// serveModels lists the configured models.
func (f *fakeOpenAI) serveModels(w http.ResponseWriter) {
	ids := f.cfg.Models
	if len(ids) == 0 {
		ids = []string{"gpt-4o", "gpt-4o-mini", "o3-mini", "text-embedding-3-small", "dall-e-3"}
	}
	type model struct {
		ID      string `json:"id"`
		Object  string `json:"object"`
		Created int64  `json:"created"`
		OwnedBy string `json:"owned_by"`
	}
	data := make([]model, len(ids))
	for i, id := range ids {
		data[i] = model{ID: id, Object: "model", Created: oaiCreated, OwnedBy: "system"}
	}
	oaiWriteJSON(w, struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{"list", data})
}

package providers

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
)

// EmbeddingRequest is OpenAI's embeddings request.
type EmbeddingRequest struct {
	Model          string         `json:"model"`
	Input          EmbeddingInput `json:"input"`
	EncodingFormat string         `json:"encoding_format,omitempty"` // float (default) or base64
	Dimensions     *int           `json:"dimensions,omitempty"`
	User           string         `json:"user,omitempty"`

	// Raw is the client's body, for pass-through (see ChatRequest.Raw).
	Raw []byte `json:"-"`
	// Hints are Gemini's per-input options (taskType, title), index-aligned
	// with Input.Texts; nil when the client sent none. Only a provider that
	// speaks Gemini's API takes them (see RelaysOriginal(FormatGemini)).
	Hints []EmbeddingHint `json:"-"`
	// Original is a Gemini client's own body when its content holds parts
	// other than text (images, audio, video, documents), which Media names
	// (e.g. "content.parts.1.inlineData"). Only a provider that speaks
	// Gemini's API can embed them: it sends this body on, its model names
	// patched, instead of one built from Input (whose texts are then the
	// text parts alone, for estimates). Unset for text-only requests.
	Original Original `json:"-"`
	Media    []string `json:"-"`
}

// EmbeddingHint is what a Gemini embedContent request says about its text
// besides the text: the task the vector serves and a document's title.
type EmbeddingHint struct {
	TaskType string
	Title    string
}

// EmbeddingInput is a string, an array of strings, or token arrays.
type EmbeddingInput struct {
	Texts  []string
	Tokens [][]int
}

// Len returns the number of inputs.
func (in EmbeddingInput) Len() int { return len(in.Texts) + len(in.Tokens) }

// MarshalJSON writes texts as an array of strings, tokens as arrays of ints.
func (in EmbeddingInput) MarshalJSON() ([]byte, error) {
	if in.Tokens != nil {
		return json.Marshal(in.Tokens)
	}
	return json.Marshal(in.Texts)
}

// UnmarshalJSON accepts every input form OpenAI accepts.
func (in *EmbeddingInput) UnmarshalJSON(b []byte) error {
	*in = EmbeddingInput{}
	if len(b) == 0 {
		return errors.New("input is empty")
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		in.Texts = []string{s}
		return nil
	case '[':
		var raw []json.RawMessage
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		if len(raw) == 0 {
			return errors.New("input must not be an empty array")
		}
		switch raw[0][0] {
		case '"':
			return json.Unmarshal(b, &in.Texts)
		case '[':
			return json.Unmarshal(b, &in.Tokens)
		default: // one token array
			var one []int
			if err := json.Unmarshal(b, &one); err != nil {
				return err
			}
			in.Tokens = [][]int{one}
			return nil
		}
	}
	return errors.New("input must be a string, an array of strings, or token arrays")
}

// EmbeddingResponse is OpenAI's embeddings list.
type EmbeddingResponse struct {
	Object string         `json:"object"`
	Data   []Embedding    `json:"data"`
	Model  string         `json:"model"`
	Usage  EmbeddingUsage `json:"usage"`

	// Raw is the upstream body when it already was OpenAI's format.
	Raw []byte `json:"-"`
}

// Embedding is one vector; Embedding holds a JSON float array or a base64
// string, as the request's encoding_format asked (see EncodeVector).
type Embedding struct {
	Object    string          `json:"object"`
	Index     int             `json:"index"`
	Embedding json.RawMessage `json:"embedding"`
}

// EmbeddingUsage counts input tokens.
type EmbeddingUsage struct {
	PromptTokens int `json:"prompt_tokens"`
	TotalTokens  int `json:"total_tokens"`
}

// EncodeVector renders a vector the way OpenAI does for the given
// encoding_format: a float array, or base64 of little-endian float32s.
func EncodeVector(v []float32, format string) json.RawMessage {
	if format == "base64" {
		buf := make([]byte, 4*len(v))
		for i, f := range v {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(f))
		}
		out, _ := json.Marshal(base64.StdEncoding.EncodeToString(buf))
		return out
	}
	out, _ := json.Marshal(v)
	return out
}

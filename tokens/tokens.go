// Package tokens counts a chat request's input tokens locally, with a real
// BPE tokenizer (tiktoken's vocabularies, embedded in the binary: nothing is
// downloaded at run time). It serves the token-counting endpoints when the
// serving provider has no counting API of its own.
//
// The count is OpenAI's documented chat framing (a few tokens per message
// and for the reply's priming) over the model family's encoding: o200k_base
// for gpt-4o, gpt-4.1, gpt-5 and the o-series, cl100k_base for older OpenAI
// models. Other families (Claude, Gemini, Llama, ...) have tokenizers that
// are not public or not embedded here, so they get the o200k_base count as
// an estimate: close for English prose, off by some percent elsewhere.
// Images and tool schemas are estimated too (OpenAI does not document how
// tools are rendered into the prompt).
package tokens

import (
	"strings"
	"sync"

	"github.com/tiktoken-go/tokenizer"

	"github.com/sira-ai/caddy-ai-backends/internal/sat"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Framing costs of OpenAI's chat format (the cookbook's rule for gpt-4o and
// later): every message costs perMessage tokens around its content, and the
// reply is primed with replyPriming tokens.
const (
	perMessage   = 3
	perName      = 1
	replyPriming = 3
	// perTool is the framing around one function definition.
	perTool = 8
	// Image costs without decoding the image: OpenAI's low-detail price and
	// its usual high-detail price (a 1024×1024 image: 4 tiles and the base).
	lowDetailImage  = 85
	highDetailImage = 765
)

// Encoding names a tokenizer vocabulary.
type Encoding string

// The vocabularies the package embeds.
const (
	O200k  Encoding = "o200k_base"
	Cl100k Encoding = "cl100k_base"
)

// ForModel picks the encoding of an upstream model name and reports whether
// it is that model's own tokenizer (an OpenAI model) rather than a stand-in.
func ForModel(model string) (enc Encoding, own bool) {
	m := strings.ToLower(model)
	if i := strings.LastIndexByte(m, '/'); i >= 0 {
		m = m[i+1:] // "openai/gpt-4o", "models/x"
	}
	switch {
	case strings.HasPrefix(m, "gpt-4o"), strings.HasPrefix(m, "gpt-4.1"), strings.HasPrefix(m, "gpt-4.5"),
		strings.HasPrefix(m, "gpt-5"), strings.HasPrefix(m, "chatgpt-4o"), strings.HasPrefix(m, "gpt-oss"),
		isOSeries(m):
		return O200k, true
	case strings.HasPrefix(m, "gpt-4"), strings.HasPrefix(m, "gpt-3.5"), strings.HasPrefix(m, "gpt-35"),
		strings.HasPrefix(m, "text-embedding-"):
		return Cl100k, true
	}
	return O200k, false
}

// isOSeries reports o1, o3, o4-mini and the like.
func isOSeries(m string) bool {
	return len(m) >= 2 && m[0] == 'o' && m[1] >= '1' && m[1] <= '9'
}

var codecs sync.Map // Encoding → *lazyCodec

type lazyCodec struct {
	once  sync.Once
	codec tokenizer.Codec
	err   error
}

// codec loads an encoding once (parsing the vocabulary takes a while) and
// shares it: tiktoken-go codecs are safe for concurrent use.
func codec(enc Encoding) (tokenizer.Codec, error) {
	v, _ := codecs.LoadOrStore(enc, &lazyCodec{})
	lc := v.(*lazyCodec)
	lc.once.Do(func() { lc.codec, lc.err = tokenizer.Get(tokenizer.Encoding(enc)) })
	return lc.codec, lc.err
}

// Text counts the tokens of s in enc.
func Text(enc Encoding, s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	c, err := codec(enc)
	if err != nil {
		return 0, err
	}
	return c.Count(s)
}

// Chat counts the input tokens of a chat request in enc: the messages with
// their framing, images at a fixed price, and the function tools.
func Chat(enc Encoding, req *providers.ChatRequest) (int, error) {
	c, err := codec(enc)
	if err != nil {
		return 0, err
	}
	n := replyPriming
	add := func(s string) error {
		if s == "" {
			return nil
		}
		k, err := c.Count(s)
		n = sat.Add(n, k)
		return err
	}
	for i := range req.Messages {
		m := &req.Messages[i]
		n = sat.Add(n, perMessage)
		if m.Name != "" {
			n = sat.Add(n, perName)
		}
		if err := add(m.Role); err != nil {
			return 0, err
		}
		if err := add(m.Content.Text); err != nil {
			return 0, err
		}
		for _, p := range m.Content.Parts {
			if err := add(p.Text); err != nil {
				return 0, err
			}
			if p.ImageURL != nil {
				n = sat.Add(n, imageTokens(p.ImageURL.Detail))
			}
		}
		for _, tc := range m.ToolCalls {
			if err := add(tc.Function.Name); err != nil {
				return 0, err
			}
			if err := add(tc.Function.Arguments); err != nil {
				return 0, err
			}
		}
		if err := add(m.Name); err != nil {
			return 0, err
		}
	}
	for _, t := range req.Tools {
		n = sat.Add(n, perTool)
		if err := add(t.Function.Name); err != nil {
			return 0, err
		}
		if err := add(t.Function.Description); err != nil {
			return 0, err
		}
		if err := add(string(t.Function.Parameters)); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func imageTokens(detail string) int {
	if detail == "low" {
		return lowDetailImage
	}
	return highDetailImage
}

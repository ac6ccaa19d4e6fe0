package gemini

import (
	"encoding/json"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/dialects"
	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// decodeRequest decodes a GenerateContentRequest into in. The turns
// (contents and systemInstruction with text, thought and thoughtSignature
// parts) are read without reflection; the other members the translation
// reads (tools, toolConfig, generationConfig, safetySettings,
// cachedContent) each go to encoding/json on their own. Anything else (a
// part of another kind, a repeated member, a key that matches a field only
// regardless of case or has escapes, a type error, invalid JSON) is left
// to encoding/json for the whole body, so results and errors are exactly
// DecodeJSON's; FuzzRequestDecoder holds the two to the same result.
//
// Measured with BenchmarkGatewayCPU/gemini/pass (a system instruction and
// one user turn), before and after test binaries alternated on a shared
// 2-core machine: see the commit that brought it for the figures.
func decodeRequest(body []byte, in *inRequest) *providers.Error {
	if fastRequest(body, in) {
		return nil
	}
	*in = inRequest{}
	return dialects.DecodeJSON(body, in)
}

// requestFields are inRequest's JSON names: a key equal to one of them
// regardless of case is left to encoding/json, which would match it.
var requestFields = []string{"contents", "systemInstruction", "tools", "toolConfig", "generationConfig",
	"safetySettings", "cachedContent"}

var (
	contentFields = []string{"role", "parts"}
	partFields    = []string{"text", "thought", "inlineData", "fileData", "functionCall", "functionResponse",
		"executableCode", "codeExecutionResult", "thoughtSignature"}
)

// requestReader is the state of one fast decode.
type requestReader struct {
	r       jsonscan.Reader
	scratch []byte
}

func fastRequest(body []byte, in *inRequest) bool {
	rr := requestReader{r: jsonscan.Reader{Data: body}}
	seen := 0
	ok := rr.r.Object(func(key []byte) bool {
		i := fieldIndex(key, requestFields)
		if i < 0 {
			return rr.skip(key, requestFields)
		}
		if seen&(1<<i) != 0 {
			return false // repeated: encoding/json's merge rules
		}
		seen |= 1 << i
		switch i {
		case 0:
			return rr.contents(&in.Contents)
		case 1:
			return rr.systemInstruction(&in.SystemInstruction)
		case 2:
			return rr.member(&in.Tools)
		case 3:
			return rr.member(&in.ToolConfig)
		case 4:
			return rr.member(&in.GenerationConfig)
		case 5:
			return rr.member(&in.SafetySettings)
		default:
			return rr.member(&in.CachedContent)
		}
	})
	return ok && rr.r.AtEnd()
}

// fieldIndex is key's index in fields (an exact match), -1 if none.
func fieldIndex(key []byte, fields []string) int {
	for i, f := range fields {
		if string(key) == f {
			return i
		}
	}
	return -1
}

// skip passes over a member no field takes: not one whose key encoding/json
// could match to a field regardless of case (or by folding a non-ASCII
// letter onto an ASCII one).
func (rr *requestReader) skip(key []byte, fields []string) bool {
	for _, c := range key {
		if c >= 0x80 {
			return false
		}
	}
	for _, f := range fields {
		if strings.EqualFold(string(key), f) {
			return false
		}
	}
	return rr.r.Skip(0)
}

// member decodes one member's value on its own with encoding/json: into a
// zero field, that is what decoding the whole body puts there.
func (rr *requestReader) member(dst any) bool {
	v, ok := rr.r.Value()
	return ok && json.Unmarshal(v, dst) == nil
}

func (rr *requestReader) contents(dst *[]inContent) bool {
	if rr.r.Null() {
		*dst = nil
		return true
	}
	out := make([]inContent, 0, 4)
	ok := rr.r.Array(func() bool {
		out = append(out, inContent{})
		if rr.r.Null() {
			return true // a null element stays zero
		}
		return rr.content(&out[len(out)-1])
	})
	*dst = out
	return ok
}

func (rr *requestReader) systemInstruction(dst **inContent) bool {
	if rr.r.Null() {
		*dst = nil
		return true
	}
	c := &inContent{}
	*dst = c
	return rr.content(c)
}

func (rr *requestReader) content(c *inContent) bool {
	seen := 0
	return rr.r.Object(func(key []byte) bool {
		i := fieldIndex(key, contentFields)
		if i < 0 {
			return rr.skip(key, contentFields)
		}
		if seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		if i == 0 {
			return rr.known(&c.Role, "user", "model")
		}
		return rr.parts(&c.Parts)
	})
}

func (rr *requestReader) parts(dst *[]inPart) bool {
	if rr.r.Null() {
		*dst = nil
		return true
	}
	out := make([]inPart, 0, 1)
	ok := rr.r.Array(func() bool {
		out = append(out, inPart{})
		if rr.r.Null() {
			return true
		}
		return rr.part(&out[len(out)-1])
	})
	*dst = out
	return ok
}

// part reads a text part (thought and thoughtSignature included); the
// other kinds are left to encoding/json.
func (rr *requestReader) part(p *inPart) bool {
	seen := 0
	return rr.r.Object(func(key []byte) bool {
		i := fieldIndex(key, partFields)
		if i < 0 {
			return rr.skip(key, partFields)
		}
		if seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
		switch i {
		case 0:
			if rr.r.Null() {
				p.Text = nil
				return true
			}
			s := new(string)
			p.Text = s
			return rr.str(s)
		case 1:
			return rr.boolean(&p.Thought)
		case 8:
			return rr.str(&p.ThoughtSignature)
		}
		return false
	})
}

// str stores a string; null leaves dst alone, as encoding/json does.
func (rr *requestReader) str(dst *string) bool {
	if rr.r.Null() {
		return true
	}
	raw, escaped, ok := rr.r.Quoted()
	if ok {
		*dst = jsonscan.Unquote(raw, escaped, &rr.scratch)
	}
	return ok
}

// known stores a string without allocating for the values listed.
func (rr *requestReader) known(dst *string, values ...string) bool {
	if rr.r.Null() {
		return true
	}
	raw, escaped, ok := rr.r.Quoted()
	if !ok {
		return false
	}
	if !escaped {
		for _, v := range values {
			if string(raw) == v {
				*dst = v
				return true
			}
		}
	}
	*dst = jsonscan.Unquote(raw, escaped, &rr.scratch)
	return true
}

func (rr *requestReader) boolean(dst *bool) bool {
	switch {
	case rr.r.Literal("true"):
		*dst = true
	case rr.r.Literal("false"):
		*dst = false
	case !rr.r.Null():
		return false
	}
	return true
}

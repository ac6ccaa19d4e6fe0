package anthropic

import "github.com/sira-ai/caddy-ai-backends/internal/jsonscan"

// responseDecoder decodes a Messages API response body into a wireResponse
// without encoding/json, for the shape Anthropic sends: the message fields,
// content blocks with type, text, id, name and input, and the usage counts.
// It reports false for anything else (an escaped or case-varied key, a
// repeated key, a value of the wrong kind, a null where encoding/json would
// do something other than the obvious, a float or huge number for a count,
// a block member the gateway reads but this file does not, such as a
// tool_result's content) and the caller falls back to json.Unmarshal. So
// the result, whenever it reports true, is exactly what json.Unmarshal gives
// into a zero wireResponse; response_decode_test.go compares the two.
//
// Members the wire structs do not have (citations,
// cache_creation, service_tier, …) are checked and skipped, as
// encoding/json skips them, so every block type decodes here, not only
// text and tool_use.
//
// The decoded response, its first blocks and its usage counts are
// allocated together (responseBox), so a typical answer costs one
// allocation besides its strings. Input aliases body: FromAnthropic copies
// it into the arguments string, and the wireResponse does not outlive that.
type responseDecoder struct {
	r       jsonscan.Reader
	scratch []byte // jsonscan.Unquote's buffer for strings with escapes
	box     *responseBox
}

type responseBox struct {
	w       wireResponse
	blocks  [4]Block
	usage   wireUsage
	counts  [4]int
	details struct {
		ThinkingTokens int `json:"thinking_tokens"`
	}
}

// decodeResponse decodes body, or reports false: then body is for
// json.Unmarshal.
func decodeResponse(body []byte) (*wireResponse, bool) {
	d := responseDecoder{r: jsonscan.Reader{Data: body}, box: new(responseBox)}
	w := &d.box.w
	ok := d.object(responseFields, func(i int) bool {
		switch i {
		case 0:
			return d.string(&w.ID, false)
		case 1:
			return d.string(&w.Type, true)
		case 2:
			return d.string(&w.Role, true)
		case 3:
			return d.string(&w.Model, false)
		case 4:
			return d.content(&w.Content)
		case 5:
			return d.string(&w.StopReason, true)
		case 6:
			return d.stringPointer(&w.StopSequence)
		case 7:
			return d.usageObject(&w.Usage)
		}
		return false
	})
	return w, ok && d.r.AtEnd()
}

// The JSON names of the wire structs' fields, in the order the member
// functions number them. A key that matches none of them case-insensitively
// is skipped, as encoding/json skips it; TestResponseFieldLists keeps these
// lists in step with the struct tags.
var (
	responseFields = []string{"id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage"}
	blockFields    = []string{"type", "text", "id", "name", "input", "source", "tool_use_id", "content", "is_error", "thinking", "signature", "data"}
	usageFields    = []string{"input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens", "output_tokens", "output_tokens_details"}
	detailsFields  = []string{"thinking_tokens"}
)

// object reads an object whose known members are fields (by index);
// member decodes the value of field i, or reports false for a field it
// does not take. A key repeated, spelt in another case (encoding/json
// matches those too) or holding non-ASCII bytes (which Unicode case
// folding might match to a field) is refused.
func (d *responseDecoder) object(fields []string, member func(i int) bool) bool {
	return d.r.Members(func(key []byte) (int, bool) {
		for i, f := range fields {
			if string(key) == f {
				return 1 << i, member(i)
			}
		}
		return 0, d.r.SkipUnmatched(key, fields...)
	})
}

// content reads the blocks array; null leaves it nil and [] makes it
// empty but not nil, as encoding/json does.
func (d *responseDecoder) content(dst *[]Block) bool {
	if d.r.Literal("null") {
		return true
	}
	if !d.r.Consume('[') {
		return false
	}
	*dst = d.box.blocks[:0]
	if d.r.Consume(']') {
		return true
	}
	for {
		*dst = append(*dst, Block{})
		if !d.block(&(*dst)[len(*dst)-1]) {
			return false
		}
		if more, ok := d.r.Next(']'); !ok || !more {
			return ok
		}
	}
}

func (d *responseDecoder) block(b *Block) bool {
	return d.object(blockFields, func(i int) bool {
		switch i {
		case 0:
			return d.string(&b.Type, true)
		case 1:
			return d.string(&b.Text, false)
		case 2:
			return d.string(&b.ID, false)
		case 3:
			return d.string(&b.Name, false)
		case 4:
			// Any value, null included, is kept as its bytes: RawMessage's
			// UnmarshalJSON sees them all.
			raw, ok := d.r.Value()
			b.Input = raw
			return ok
		case 9:
			return d.string(&b.Thinking, false)
		case 10:
			return d.string(&b.Signature, false)
		case 11:
			return d.string(&b.Data, false)
		}
		return false // source, tool_use_id, content, is_error
	})
}

func (d *responseDecoder) usageObject(dst **wireUsage) bool {
	if d.r.Literal("null") {
		return true
	}
	u := &d.box.usage
	ok := d.object(usageFields, func(i int) bool {
		switch i {
		case 0:
			return d.count(&u.InputTokens, 0)
		case 1:
			return d.count(&u.CacheCreationInputTokens, 1)
		case 2:
			return d.count(&u.CacheReadInputTokens, 2)
		case 3:
			return d.count(&u.OutputTokens, 3)
		case 4:
			if d.r.Literal("null") {
				return true
			}
			u.OutputTokensDetails = &d.box.details
			return d.object(detailsFields, func(int) bool {
				if d.r.Literal("null") {
					return true // a null leaves an int alone
				}
				n, ok := d.r.Int()
				d.box.details.ThinkingTokens = n
				return ok
			})
		}
		return false
	})
	*dst = u
	return ok
}

// count reads a token count; null leaves the pointer nil.
func (d *responseDecoder) count(dst **int, slot int) bool {
	if d.r.Literal("null") {
		return true
	}
	n, ok := d.r.Int()
	d.box.counts[slot] = n
	*dst = &d.box.counts[slot]
	return ok
}

// string reads a string member; null leaves it empty, as encoding/json
// leaves a string alone. word marks fields holding one of Anthropic's
// fixed words, which are returned without allocating.
func (d *responseDecoder) string(dst *string, word bool) bool {
	if d.r.Literal("null") {
		return true
	}
	raw, escaped, ok := d.r.Quoted()
	if !ok {
		return false
	}
	if word && !escaped {
		if s, known := knownWord(raw); known {
			*dst = s
			return true
		}
	}
	*dst = jsonscan.Unquote(raw, escaped, &d.scratch)
	return true
}

func (d *responseDecoder) stringPointer(dst **string) bool {
	if d.r.Literal("null") {
		return true
	}
	var s string
	if !d.string(&s, true) {
		return false
	}
	*dst = &s
	return true
}

// knownWord returns the constant equal to raw for the block types, role
// and stop reasons every answer carries.
func knownWord(raw []byte) (string, bool) {
	switch string(raw) {
	case "message":
		return "message", true
	case "assistant":
		return "assistant", true
	case "text":
		return "text", true
	case "tool_use":
		return "tool_use", true
	case "thinking":
		return "thinking", true
	case "end_turn":
		return "end_turn", true
	case "max_tokens":
		return "max_tokens", true
	case "stop_sequence":
		return "stop_sequence", true
	}
	return "", false
}

package openai

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// chunkParser decodes the chunk shapes OpenAI sends for text (id, object,
// created, model, system_fingerprint, choices with role/content/refusal
// deltas, the usage of the last chunk) without reflection, several times
// faster than encoding/json. Anything else (tool calls, an error,
// escapes it does not handle, unknown members, invalid JSON) makes it give
// up, and the caller decodes with encoding/json instead; a differential
// fuzz test holds the two to the same result.
type chunkParser struct {
	b    []byte
	i    int
	last [4]string // id, object, model, system_fingerprint of the previous chunk, reused to save allocations
	// The chunk parse returns and its choices are reused by the next
	// parse (a stream has one chunk in flight): two allocations fewer per
	// token. Usage and strings are fresh each time, so callers may keep them.
	chunk     providers.ChatChunk
	choiceBuf []providers.ChunkChoice
}

// jsonNull is the value encoding/json stores in a RawMessage for null.
var jsonNull = json.RawMessage("null")

// Bits marking members already seen: a repeated member falls back.
const (
	seenID = 1 << iota
	seenObject
	seenCreated
	seenModel
	seenFingerprint
	seenChoices
	seenUsage
	seenTier
	seenObfuscation
)

// parse returns the chunk, valid until the next parse, or false to fall
// back to encoding/json.
func (p *chunkParser) parse(data []byte) (c *providers.ChatChunk, ok bool) {
	p.b, p.i = data, 0
	p.chunk = providers.ChatChunk{}
	c = &p.chunk
	seen := 0
	ok = p.object(func(key []byte) bool {
		bit, handled := 0, false
		switch string(key) {
		case "id":
			bit, handled = seenID, p.internedString(0, &c.ID)
		case "object":
			bit, handled = seenObject, p.internedString(1, &c.Object)
		case "created":
			bit, handled = seenCreated, p.integer(&c.Created)
		case "model":
			bit, handled = seenModel, p.internedString(2, &c.Model)
		case "system_fingerprint":
			bit, handled = seenFingerprint, p.internedString(3, &c.SystemFingerprint)
		case "choices":
			bit, handled = seenChoices, p.choices(&c.Choices)
		case "usage":
			bit, handled = seenUsage, p.usage(&c.Usage)
		case "service_tier":
			bit, handled = seenTier, p.skipString()
		case "obfuscation":
			bit, handled = seenObfuscation, p.skipString()
		}
		if !handled || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
	return c, ok && p.end()
}

// usage decodes the usage object of a stream's last chunk (null leaves it
// nil), without the reflection of encoding/json for its usual shape.
func (p *chunkParser) usage(dst **providers.Usage) bool {
	if p.null() {
		return true
	}
	p.space()
	end, ok := providers.ValueEnd(p.b, p.i)
	if !ok || providers.DecodeUsage(p.b[p.i:end], dst) != nil {
		return false
	}
	p.i = end
	return true
}

func (p *chunkParser) choices(dst *[]providers.ChunkChoice) bool {
	if p.null() {
		return true
	}
	if p.choiceBuf == nil {
		p.choiceBuf = make([]providers.ChunkChoice, 0, 1) // never nil: [] decodes to an empty slice
	}
	out := p.choiceBuf[:0]
	ok := p.array(func() bool {
		out = append(out, providers.ChunkChoice{})
		return p.choice(&out[len(out)-1])
	})
	p.choiceBuf = out
	*dst = out
	return ok
}

func (p *chunkParser) choice(ch *providers.ChunkChoice) bool {
	seen := 0
	return p.object(func(key []byte) bool {
		var bit int
		var ok bool
		switch string(key) {
		case "index":
			var n int64
			bit, ok = 1, p.integer(&n)
			ch.Index = int(n)
			ok = ok && int64(ch.Index) == n
		case "delta":
			bit, ok = 2, p.delta(&ch.Delta)
		case "finish_reason":
			bit, ok = 4, p.optionalString(&ch.FinishReason)
		case "logprobs":
			bit, ok = 8, p.null()
			ch.Logprobs = jsonNull
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
}

func (p *chunkParser) delta(d *providers.Delta) bool {
	seen := 0
	return p.object(func(key []byte) bool {
		var bit int
		var ok bool
		switch string(key) {
		case "role":
			bit, ok = 1, p.internedString(-1, &d.Role)
		case "content":
			bit, ok = 2, p.optionalString(&d.Content)
		case "refusal":
			bit, ok = 4, p.optionalString(&d.Refusal)
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
}

// object parses {"key": value, ...}, calling member with the parser on
// each value; member reports whether it parsed the value.
func (p *chunkParser) object(member func(key []byte) bool) bool {
	if !p.consume('{') {
		return false
	}
	if p.consume('}') {
		return true
	}
	for {
		key, ok := p.rawString()
		if !ok || !p.consume(':') || !member(key) {
			return false
		}
		if p.consume('}') {
			return true
		}
		if !p.consume(',') {
			return false
		}
	}
}

// array parses [elem, ...].
func (p *chunkParser) array(elem func() bool) bool {
	if !p.consume('[') {
		return false
	}
	if p.consume(']') {
		return true
	}
	for {
		if !elem() {
			return false
		}
		if p.consume(']') {
			return true
		}
		if !p.consume(',') {
			return false
		}
	}
}

// internedString stores a string (null leaves dst alone, as encoding/json
// does), reusing the previous chunk's value for the same slot when equal.
func (p *chunkParser) internedString(slot int, dst *string) bool {
	if p.null() {
		return true
	}
	b, ok := p.rawString()
	if !ok {
		return false
	}
	switch {
	case slot >= 0 && string(b) == p.last[slot]:
		*dst = p.last[slot]
	case string(b) == "assistant":
		*dst = "assistant"
	default:
		*dst = string(b)
		if slot >= 0 {
			p.last[slot] = *dst
		}
	}
	return true
}

// optionalString stores a string pointer; null stores nil.
func (p *chunkParser) optionalString(dst **string) bool {
	if p.null() {
		*dst = nil
		return true
	}
	b, ok := p.rawString()
	if !ok {
		return false
	}
	s := string(b)
	*dst = &s
	return true
}

func (p *chunkParser) skipString() bool {
	if p.null() {
		return true
	}
	_, ok := p.rawString()
	return ok
}

// rawString returns a string's bytes. It gives up on escapes and on bytes
// encoding/json would alter or reject (control characters, invalid UTF-8).
func (p *chunkParser) rawString() ([]byte, bool) {
	if !p.consume('"') {
		return nil, false
	}
	start := p.i
	ascii := true
	for ; p.i < len(p.b); p.i++ {
		switch c := p.b[p.i]; {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			return s, ascii || utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// integer parses a JSON integer: -?(0|[1-9][0-9]*), without overflow.
func (p *chunkParser) integer(dst *int64) bool {
	p.space()
	neg := p.i < len(p.b) && p.b[p.i] == '-'
	if neg {
		p.i++
	}
	start := p.i
	var n int64
	for ; p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9'; p.i++ {
		if n > (1<<63-1-9)/10 {
			return false
		}
		n = n*10 + int64(p.b[p.i]-'0')
	}
	digits := p.i - start
	if digits == 0 || (digits > 1 && p.b[start] == '0') {
		return false
	}
	if p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		return false
	}
	if neg {
		n = -n
	}
	*dst = n
	return true
}

// null consumes a null literal if one comes next.
func (p *chunkParser) null() bool {
	p.space()
	if len(p.b)-p.i >= 4 && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	return false
}

// consume skips white space and then c, if c comes next.
func (p *chunkParser) consume(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *chunkParser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

// end reports whether only white space is left.
func (p *chunkParser) end() bool {
	p.space()
	return p.i == len(p.b)
}

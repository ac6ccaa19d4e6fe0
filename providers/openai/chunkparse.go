package openai

import (
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// chunkParser decodes the chunk shapes OpenAI sends for text (id, object,
// created, model, system_fingerprint, choices with role/content/refusal
// deltas, the usage of the last chunk) without reflection, several times
// faster than encoding/json. Anything else (tool calls, an error, unknown
// members, invalid JSON) makes it give up, and the caller decodes with
// encoding/json instead; a differential fuzz test holds the two to the same
// result.
type chunkParser struct {
	r       jsonscan.Reader
	scratch []byte    // jsonscan.Unquote's buffer for strings with escapes
	last    [4]string // id, object, model, system_fingerprint of the previous chunk, reused to save allocations
	// The chunk parse returns, its choices and what their string pointers
	// point to are reused by the next parse (a stream has one chunk in
	// flight): three allocations fewer per token. Usage and the strings
	// themselves are fresh each time, so callers may keep them.
	chunk     providers.ChatChunk
	choiceBuf []providers.ChunkChoice
	slotBuf   []choiceStrings
}

// choiceStrings holds what a choice's *string fields point to.
type choiceStrings struct{ content, refusal, finish string }

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
	p.r = jsonscan.Reader{Data: data}
	p.chunk = providers.ChatChunk{}
	c = &p.chunk
	seen := 0
	ok = p.r.Object(func(key []byte) bool {
		bit, handled := 0, false
		switch string(key) {
		case "id":
			bit, handled = seenID, p.r.Interned(&c.ID, &p.last[0], &p.scratch)
		case "object":
			bit, handled = seenObject, p.r.Interned(&c.Object, &p.last[1], &p.scratch)
		case "created":
			var n int
			n, handled = p.r.Int()
			bit, c.Created = seenCreated, int64(n)
		case "model":
			bit, handled = seenModel, p.r.Interned(&c.Model, &p.last[2], &p.scratch)
		case "system_fingerprint":
			bit, handled = seenFingerprint, p.r.Interned(&c.SystemFingerprint, &p.last[3], &p.scratch)
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
	return c, ok && p.r.AtEnd()
}

// usage decodes the usage object of a stream's last chunk (null leaves it
// nil), without the reflection of encoding/json for its usual shape.
func (p *chunkParser) usage(dst **providers.Usage) bool {
	if p.r.Null() {
		return true
	}
	v, ok := p.r.Value()
	return ok && providers.DecodeUsage(v, dst) == nil
}

func (p *chunkParser) choices(dst *[]providers.ChunkChoice) bool {
	if p.r.Null() {
		return true
	}
	if p.choiceBuf == nil {
		p.choiceBuf = make([]providers.ChunkChoice, 0, 1) // never nil: [] decodes to an empty slice
	}
	out := p.choiceBuf[:0]
	ok := p.r.Array(func() bool {
		out = append(out, providers.ChunkChoice{})
		i := len(out) - 1
		if i == len(p.slotBuf) {
			p.slotBuf = append(p.slotBuf, choiceStrings{})
		}
		return p.choice(&out[i], &p.slotBuf[i])
	})
	p.choiceBuf = out
	*dst = out
	return ok
}

func (p *chunkParser) choice(ch *providers.ChunkChoice, slots *choiceStrings) bool {
	seen := 0
	return p.r.Object(func(key []byte) bool {
		var bit int
		var ok bool
		switch string(key) {
		case "index":
			bit = 1
			ch.Index, ok = p.r.Int()
		case "delta":
			bit, ok = 2, p.delta(&ch.Delta, slots)
		case "finish_reason":
			bit, ok = 4, p.optionalString(&ch.FinishReason, &slots.finish)
		case "logprobs":
			bit, ok = 8, p.r.Null()
			ch.Logprobs = jsonNull
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
}

func (p *chunkParser) delta(d *providers.Delta, slots *choiceStrings) bool {
	seen := 0
	return p.r.Object(func(key []byte) bool {
		var bit int
		var ok bool
		switch string(key) {
		case "role":
			bit, ok = 1, p.r.KnownString(&d.Role, &p.scratch, "assistant")
		case "content":
			bit, ok = 2, p.optionalString(&d.Content, &slots.content)
		case "refusal":
			bit, ok = 4, p.optionalString(&d.Refusal, &slots.refusal)
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
}

// optionalString stores a string in slot and points dst at it; null
// stores nil.
func (p *chunkParser) optionalString(dst **string, slot *string) bool {
	if p.r.Null() {
		*dst = nil
		return true
	}
	raw, escaped, ok := p.r.Quoted()
	if !ok {
		return false
	}
	*slot = jsonscan.Unquote(raw, escaped, &p.scratch)
	*dst = slot
	return true
}

func (p *chunkParser) skipString() bool {
	if p.r.Null() {
		return true
	}
	_, _, ok := p.r.Quoted()
	return ok
}

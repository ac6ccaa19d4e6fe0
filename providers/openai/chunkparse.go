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
	ok = p.r.Members(func(key []byte) (int, bool) {
		switch string(key) {
		case "id":
			return seenID, p.r.Interned(&c.ID, &p.last[0], &p.scratch)
		case "object":
			return seenObject, p.r.Interned(&c.Object, &p.last[1], &p.scratch)
		case "created":
			n, ok := p.r.Int()
			c.Created = int64(n)
			return seenCreated, ok
		case "model":
			return seenModel, p.r.Interned(&c.Model, &p.last[2], &p.scratch)
		case "system_fingerprint":
			return seenFingerprint, p.r.Interned(&c.SystemFingerprint, &p.last[3], &p.scratch)
		case "choices":
			return seenChoices, p.choices(&c.Choices)
		case "usage":
			return seenUsage, p.usage(&c.Usage)
		case "service_tier":
			return seenTier, p.skipString()
		case "obfuscation":
			return seenObfuscation, p.skipString()
		}
		return 0, false
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
	return p.r.Members(func(key []byte) (int, bool) {
		switch string(key) {
		case "index":
			var ok bool
			ch.Index, ok = p.r.Int()
			return 1, ok
		case "delta":
			return 2, p.delta(&ch.Delta, slots)
		case "finish_reason":
			return 4, p.optionalString(&ch.FinishReason, &slots.finish)
		case "logprobs":
			ch.Logprobs = jsonNull
			return 8, p.r.Null()
		}
		return 0, false
	})
}

func (p *chunkParser) delta(d *providers.Delta, slots *choiceStrings) bool {
	return p.r.Members(func(key []byte) (int, bool) {
		switch string(key) {
		case "role":
			return 1, p.r.KnownString(&d.Role, &p.scratch, "assistant")
		case "content":
			return 2, p.optionalString(&d.Content, &slots.content)
		case "refusal":
			return 4, p.optionalString(&d.Refusal, &slots.refusal)
		}
		return 0, false
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

package google

import (
	"github.com/sira-ai/caddy-ai-backends/internal/jsonscan"
)

// eventParser decodes the stream events Gemini sends (candidates with text,
// thought and functionCall parts, thoughtSignature, finishReason, index;
// usageMetadata, promptFeedback, modelVersion, responseId) into the wire
// types without reflection. Members the gateway does not read
// (safetyRatings, citationMetadata, groundingMetadata, token details, …)
// are checked and skipped, as encoding/json ignores them. Anything else
// (an error event, inlineData and the other part kinds the wire types
// hold, a repeated member, a key that only matches a field regardless of
// case, invalid JSON) makes it give up, and the caller decodes with
// encoding/json instead; FuzzEventParser holds the two to the same result.
//
// Measured in process on a shared 2-core machine, with the chunk reuse and
// the relay's splice that came with it. BenchmarkGatewayCPU, before and
// after binaries alternated 8 times, 1 s each: gemini/pass/stream20 went
// from 786 to 250 allocations a request and from 285 to 135 µs (minimum;
// median 383 to 197); chat/pass/stream20 stayed at 181 allocations, 111 to
// 120 µs. Timings of separate runs there differ by more than the 10 %
// sought, so main's BenchmarkPassOverheadLabelled (which runs the scenarios
// and their fakes interleaved under pprof labels) was also run with the
// Gemini scenarios added, 17,000 iterations: the Gemini stream took 99 µs
// of CPU a request against chat's 93 (before: 189 against 92), 1.07 times
// chat's; less the fake's share (23–31 µs Gemini, 20–27 µs chat) 1.05 to
// 1.2 times, from about 2.3.
type eventParser struct {
	r       jsonscan.Reader
	scratch []byte    // jsonscan.Unquote's buffer for strings with escapes
	last    [2]string // modelVersion and responseId of the previous event, reused when equal
	// modelAt is where modelVersion's string lies in the event (end 0:
	// absent or null), for the relay (providers.StreamEvent.ModelAt).
	modelAt [2]int
	// The response parse returns and everything it points to (candidates,
	// contents, parts, usage) are reused by the next parse: the converter
	// is done with an event before it reads the next. Strings are fresh.
	resp     generateResponse
	cands    []candidate
	contents []content
	parts    [][]part
	indexes  []int
	usage    usageMetadata
	feedback promptFeedback
	// headOnly skips candidates (checked for syntax only): a relayed
	// answer's candidates are decoded only when something reads them.
	headOnly bool
}

// Members already seen, per object: a repeated one falls back.
const (
	seenCandidates = 1 << iota
	seenFeedback
	seenUsage
	seenModelVersion
	seenResponseID
)

// parse returns the event, valid until the next parse, or false to fall
// back to encoding/json.
func (p *eventParser) parse(data []byte) (*generateResponse, bool) {
	p.r = jsonscan.Reader{Data: data}
	p.resp = generateResponse{}
	p.modelAt = [2]int{}
	g := &p.resp
	seen := 0
	ok := p.r.Object(func(key []byte) bool {
		bit, handled := 0, false
		switch string(key) {
		case "candidates":
			if p.headOnly {
				bit, handled = seenCandidates, p.r.Skip(0)
				break
			}
			bit, handled = seenCandidates, p.candidates(&g.Candidates)
		case "usageMetadata":
			bit, handled = seenUsage, p.usageMetadata(&g.UsageMetadata)
		case "modelVersion":
			quoted, start := p.r.Peek() == '"', p.r.Pos
			bit, handled = seenModelVersion, p.r.Interned(&g.ModelVersion, &p.last[0], &p.scratch)
			if handled && quoted {
				p.modelAt = [2]int{start, p.r.Pos}
			}
		case "responseId":
			bit, handled = seenResponseID, p.r.Interned(&g.ResponseID, &p.last[1], &p.scratch)
		case "promptFeedback":
			bit, handled = seenFeedback, p.promptFeedback(&g.PromptFeedback)
		default:
			return p.skip(key, "error", "candidates", "usageMetadata", "modelVersion", "responseId", "promptFeedback")
		}
		if !handled || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
	return g, ok && p.r.AtEnd()
}

// skip passes over a member the gateway does not read. encoding/json
// matches keys to fields regardless of case (and folds a few non-ASCII
// letters onto ASCII ones), so a key that might match one of fields is
// left to it, as is any key with a byte outside ASCII.
func (p *eventParser) skip(key []byte, fields ...string) bool {
	return p.r.SkipUnmatched(key, fields...)
}

func (p *eventParser) candidates(dst *[]candidate) bool {
	if p.r.Null() {
		*dst = nil
		return true
	}
	if p.cands == nil {
		p.cands = make([]candidate, 0, 1) // never nil: [] decodes to an empty slice
	}
	out := p.cands[:0]
	ok := p.r.Array(func() bool {
		i := len(out)
		out = append(out, candidate{})
		for len(p.contents) <= i {
			p.contents = append(p.contents, content{})
			p.parts = append(p.parts, nil)
			p.indexes = append(p.indexes, 0)
		}
		return p.candidate(&out[i], i)
	})
	p.cands = out
	if !ok {
		return false
	}
	// Pointers into the buffers are taken once they stopped growing.
	for i := range out {
		if out[i].Content != nil {
			out[i].Content = &p.contents[i]
		}
		if out[i].Index != nil {
			out[i].Index = &p.indexes[i]
		}
	}
	*dst = out
	return true
}

// placeholder marks a pointer field candidates sets once the array is read.
var (
	placeholderContent content
	placeholderIndex   int
)

func (p *eventParser) candidate(c *candidate, i int) bool {
	seen := 0
	return p.r.Object(func(key []byte) bool {
		var bit int
		var ok bool
		switch string(key) {
		case "content":
			bit = 1
			if ok = p.r.Null(); ok {
				c.Content = nil
			} else if ok = p.content(&p.contents[i], i); ok {
				c.Content = &placeholderContent
			}
		case "finishReason":
			bit, ok = 2, p.known(&c.FinishReason, "STOP", "MAX_TOKENS")
		case "index":
			bit = 4
			if ok = p.r.Null(); ok {
				c.Index = nil
			} else {
				p.indexes[i], ok = p.r.Int()
				c.Index = &placeholderIndex
			}
		default:
			return p.skip(key, "content", "finishReason", "index")
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
}

func (p *eventParser) content(c *content, i int) bool {
	*c = content{}
	seen := 0
	return p.r.Object(func(key []byte) bool {
		var bit int
		var ok bool
		switch string(key) {
		case "role":
			bit, ok = 1, p.known(&c.Role, "model")
		case "parts":
			bit, ok = 2, p.partList(&c.Parts, i)
		default:
			return p.skip(key, "role", "parts")
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
}

func (p *eventParser) partList(dst *[]part, i int) bool {
	if p.r.Null() {
		*dst = nil
		return true
	}
	if p.parts[i] == nil {
		p.parts[i] = make([]part, 0, 1)
	}
	out := p.parts[i][:0]
	ok := p.r.Array(func() bool {
		out = append(out, part{})
		return p.part(&out[len(out)-1])
	})
	p.parts[i] = out
	*dst = out
	return ok
}

func (p *eventParser) part(pt *part) bool {
	seen := 0
	return p.r.Object(func(key []byte) bool {
		var bit int
		var ok bool
		switch string(key) {
		case "text":
			bit, ok = 1, p.str(&pt.Text)
		case "thought":
			bit, ok = 2, p.boolean(&pt.Thought)
		case "thoughtSignature":
			bit, ok = 4, p.str(&pt.ThoughtSignature)
		case "functionCall":
			bit, ok = 8, p.functionCall(&pt.FunctionCall)
		default:
			// inlineData, fileData and functionResponse are decoded by
			// encoding/json; a model's stream seldom holds them.
			return p.skip(key, "text", "thought", "thoughtSignature", "functionCall",
				"inlineData", "fileData", "functionResponse")
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
}

func (p *eventParser) functionCall(dst **functionCall) bool {
	if p.r.Null() {
		*dst = nil
		return true
	}
	fc := &functionCall{}
	seen := 0
	ok := p.r.Object(func(key []byte) bool {
		var bit int
		var ok bool
		switch string(key) {
		case "id":
			bit, ok = 1, p.str(&fc.ID)
		case "name":
			bit, ok = 2, p.str(&fc.Name)
		case "args":
			bit = 4
			var v []byte
			if v, ok = p.r.Value(); ok {
				fc.Args = append([]byte(nil), v...) // the event's bytes are the reader's
			}
		default:
			return p.skip(key, "id", "name", "args")
		}
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		return true
	})
	*dst = fc
	return ok
}

func (p *eventParser) usageMetadata(dst **usageMetadata) bool {
	if p.r.Null() {
		*dst = nil
		return true
	}
	u := &p.usage
	*u = usageMetadata{}
	seen := 0
	ok := p.r.Object(func(key []byte) bool {
		var bit int
		var field *int
		switch string(key) {
		case "promptTokenCount":
			bit, field = 1, &u.PromptTokenCount
		case "cachedContentTokenCount":
			bit, field = 2, &u.CachedContentTokenCount
		case "candidatesTokenCount":
			bit, field = 4, &u.CandidatesTokenCount
		case "toolUsePromptTokenCount":
			bit, field = 8, &u.ToolUsePromptTokenCount
		case "thoughtsTokenCount":
			bit, field = 16, &u.ThoughtsTokenCount
		case "totalTokenCount":
			bit, field = 32, &u.TotalTokenCount
		default:
			return p.skip(key, "promptTokenCount", "cachedContentTokenCount", "candidatesTokenCount",
				"toolUsePromptTokenCount", "thoughtsTokenCount", "totalTokenCount")
		}
		if seen&bit != 0 {
			return false
		}
		seen |= bit
		if p.r.Null() {
			return true
		}
		n, ok := p.r.Int()
		*field = n
		return ok
	})
	*dst = u
	return ok
}

func (p *eventParser) promptFeedback(dst **promptFeedback) bool {
	if p.r.Null() {
		*dst = nil
		return true
	}
	f := &p.feedback
	*f = promptFeedback{}
	seen := false
	ok := p.r.Object(func(key []byte) bool {
		if string(key) != "blockReason" {
			return p.skip(key, "blockReason")
		}
		if seen {
			return false
		}
		seen = true
		return p.str(&f.BlockReason)
	})
	*dst = f
	return ok
}

// str stores a string; null leaves dst alone, as encoding/json does.
func (p *eventParser) str(dst *string) bool { return p.r.String(dst, &p.scratch) }

// known stores a string, without allocating for the values listed (a
// turn's role, the usual finish reasons).
func (p *eventParser) known(dst *string, values ...string) bool {
	return p.r.KnownString(dst, &p.scratch, values...)
}

func (p *eventParser) boolean(dst *bool) bool { return p.r.Bool(dst) }

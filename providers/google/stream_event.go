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
	ok := p.r.Members(func(key []byte) (int, bool) {
		switch string(key) {
		case "candidates":
			if p.headOnly {
				return seenCandidates, p.r.Skip(0)
			}
			return seenCandidates, p.candidates(&g.Candidates)
		case "usageMetadata":
			return seenUsage, p.usageMetadata(&g.UsageMetadata)
		case "modelVersion":
			quoted, start := p.r.Peek() == '"', p.r.Pos
			ok := p.r.Interned(&g.ModelVersion, &p.last[0], &p.scratch)
			if ok && quoted {
				p.modelAt = [2]int{start, p.r.Pos}
			}
			return seenModelVersion, ok
		case "responseId":
			return seenResponseID, p.r.Interned(&g.ResponseID, &p.last[1], &p.scratch)
		case "promptFeedback":
			return seenFeedback, p.promptFeedback(&g.PromptFeedback)
		}
		return 0, p.skip(key, "error", "candidates", "usageMetadata", "modelVersion", "responseId", "promptFeedback")
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
	return p.r.Members(func(key []byte) (int, bool) {
		switch string(key) {
		case "content":
			var ok bool
			if ok = p.r.Null(); ok {
				c.Content = nil
			} else if ok = p.content(&p.contents[i], i); ok {
				c.Content = &placeholderContent
			}
			return 1, ok
		case "finishReason":
			return 2, p.known(&c.FinishReason, "STOP", "MAX_TOKENS")
		case "index":
			var ok bool
			if ok = p.r.Null(); ok {
				c.Index = nil
			} else {
				p.indexes[i], ok = p.r.Int()
				c.Index = &placeholderIndex
			}
			return 4, ok
		}
		return 0, p.skip(key, "content", "finishReason", "index")
	})
}

func (p *eventParser) content(c *content, i int) bool {
	*c = content{}
	return p.r.Members(func(key []byte) (int, bool) {
		switch string(key) {
		case "role":
			return 1, p.known(&c.Role, "model")
		case "parts":
			return 2, p.partList(&c.Parts, i)
		}
		return 0, p.skip(key, "role", "parts")
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
	return p.r.Members(func(key []byte) (int, bool) {
		switch string(key) {
		case "text":
			return 1, p.str(&pt.Text)
		case "thought":
			return 2, p.boolean(&pt.Thought)
		case "thoughtSignature":
			return 4, p.str(&pt.ThoughtSignature)
		case "functionCall":
			return 8, p.functionCall(&pt.FunctionCall)
		}
		// inlineData, fileData and functionResponse are decoded by
		// encoding/json; a model's stream seldom holds them.
		return 0, p.skip(key, "text", "thought", "thoughtSignature", "functionCall",
			"inlineData", "fileData", "functionResponse")
	})
}

func (p *eventParser) functionCall(dst **functionCall) bool {
	if p.r.Null() {
		*dst = nil
		return true
	}
	fc := &functionCall{}
	ok := p.r.Members(func(key []byte) (int, bool) {
		switch string(key) {
		case "id":
			return 1, p.str(&fc.ID)
		case "name":
			return 2, p.str(&fc.Name)
		case "args":
			v, ok := p.r.Value()
			if ok {
				fc.Args = append([]byte(nil), v...) // the event's bytes are the reader's
			}
			return 4, ok
		}
		return 0, p.skip(key, "id", "name", "args")
	})
	*dst = fc
	return ok
}

// usageFields are the counts of usageMetadata, in the order usageMetadata
// lists their fields.
var usageFields = [...]string{"promptTokenCount", "cachedContentTokenCount", "candidatesTokenCount",
	"toolUsePromptTokenCount", "thoughtsTokenCount", "totalTokenCount"}

func (p *eventParser) usageMetadata(dst **usageMetadata) bool {
	u := &p.usage
	counts := [len(usageFields)]*int{&u.PromptTokenCount, &u.CachedContentTokenCount, &u.CandidatesTokenCount,
		&u.ToolUsePromptTokenCount, &u.ThoughtsTokenCount, &u.TotalTokenCount}
	return reused(p, dst, u, func(key []byte) (int, bool) {
		for i, name := range usageFields {
			if string(key) == name {
				return 1 << i, p.count(counts[i])
			}
		}
		return 0, p.skip(key, usageFields[:]...)
	})
}

func (p *eventParser) promptFeedback(dst **promptFeedback) bool {
	f := &p.feedback
	return reused(p, dst, f, func(key []byte) (int, bool) {
		if string(key) != "blockReason" {
			return 0, p.skip(key, "blockReason")
		}
		return 1, p.str(&f.BlockReason)
	})
}

// reused reads an object member into the parser's own buffer buf, cleared
// first, and points *dst at it; null stores nil. member reads each of its
// members, as for Reader.Members.
func reused[T any](p *eventParser, dst **T, buf *T, member func(key []byte) (int, bool)) bool {
	if p.r.Null() {
		*dst = nil
		return true
	}
	var zero T
	*buf = zero
	ok := p.r.Members(member)
	*dst = buf
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

// count stores a token count; null leaves dst alone, as encoding/json
// leaves an int.
func (p *eventParser) count(dst *int) bool {
	if p.r.Null() {
		return true
	}
	n, ok := p.r.Int()
	*dst = n
	return ok
}

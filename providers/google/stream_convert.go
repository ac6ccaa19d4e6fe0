package google

import (
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// streamConverter turns streamGenerateContent events into OpenAI chunks.
// Every event is a whole GenerateContentResponse holding only what is new;
// there is no end marker. Per candidate the chunks are:
//
//	{role:"assistant", content:""}                       once, first
//	{content:"<text>"}                                    per event with answer text
//	{tool_calls:[{index, id, type, function{name, arguments}}]}
//	                                                      per functionCall part: Gemini
//	                                                      sends each call whole, so the
//	                                                      arguments come in one fragment
//	{} + finish_reason                                    at the candidate's finishReason
//
// finish_reason is tool_calls when the candidate called any function in the
// stream, even when its STOP comes in a later event without one. Usage is
// taken from the last usageMetadata seen (Gemini repeats cumulative counts;
// summing would overcount) and sent by end() in a final chunk with no
// choices. A stream that ends before any finishReason was cut short.
type streamConverter struct {
	model   string // used until an event names its modelVersion
	created int64

	id       string
	started  indexSet
	calls    map[int]int // tool calls emitted so far, per candidate; made by the first call
	finished indexSet
	anyEnd   bool
	// usage is the last usageMetadata seen (a copy: the parser reuses its
	// own), turned into the unified usage only at the end: Gemini repeats
	// it in every event.
	usage    usageMetadata
	parser   eventParser
	parsed   bool                   // the parser read the last event (else encoding/json did)
	out      []*providers.ChatChunk // feed's result, reused by the next feed
	slots    []*chunkSlot           // each allocated once, so growing the list moves none
	nextSlot int
}

// chunkSlot is a chunk feed returns with what it points to, reused by the
// next feed (see providers.ChatStream.Next: a chunk may be reused by the
// next call, and the converter is fed only once every chunk of the
// previous event went out).
type chunkSlot struct {
	chunk   providers.ChatChunk
	choices [1]providers.ChunkChoice
	text    string
	finish  string
}

func newStreamConverter(model string, created int64) *streamConverter {
	return &streamConverter{
		model:   model,
		created: created,
	}
}

// feed converts one event's JSON into zero or more chunks. An error event
// ({"error":{...}}) is returned as a classified error; so is an event that
// is not JSON.
func (c *streamConverter) feed(data []byte) ([]*providers.ChatChunk, error) {
	g, ok := c.parser.parse(data)
	c.parsed = ok
	if !ok {
		g = &generateResponse{}
		if err := json.Unmarshal(data, g); err != nil {
			return nil, &providers.Error{Kind: providers.KindUpstream, Message: "upstream sent an invalid stream event", Err: err}
		}
	}
	if g.Error != nil {
		return nil, statusError("", 0, nil, g.Error)
	}
	if c.id == "" {
		c.id = responseID(g.ResponseID, data)
	}
	if g.ModelVersion != "" {
		c.model = g.ModelVersion
	}
	if g.UsageMetadata != nil {
		c.usage = *g.UsageMetadata
	}
	c.nextSlot = 0
	out := c.out[:0]
	for i, cand := range g.Candidates {
		idx := candidateIndex(cand, i)
		out = c.start(out, idx)
		text, thought, calls := candidateParts(g.ResponseID, idx, cand.Content, c.calls[idx])
		if thought != "" {
			ch := c.chunk(idx)
			ch.text = thought
			ch.choices[0].Delta.ReasoningContent = &ch.text
			out = append(out, &ch.chunk)
		}
		if text != "" {
			ch := c.chunk(idx)
			ch.text = text
			ch.choices[0].Delta.Content = &ch.text
			out = append(out, &ch.chunk)
		}
		for _, call := range calls {
			n := c.calls[idx]
			call.Index = &n
			if c.calls == nil {
				c.calls = map[int]int{}
			}
			c.calls[idx]++
			ch := c.chunk(idx)
			ch.choices[0].Delta.ToolCalls = []providers.ToolCall{call}
			out = append(out, &ch.chunk)
		}
		if cand.FinishReason != "" {
			out = c.finish(out, idx, finishReason(cand.FinishReason, c.calls[idx] > 0))
		}
	}
	if len(g.Candidates) == 0 && g.PromptFeedback != nil && g.PromptFeedback.BlockReason != "" {
		out = c.start(out, 0)
		out = c.finish(out, 0, providers.FinishContentFilter)
	}
	c.out = out
	return out, nil
}

// end is called at the end of the body: it returns the usage chunk, or the
// error for a stream that never finished.
func (c *streamConverter) end() (*providers.ChatChunk, error) {
	if !c.anyEnd {
		return nil, &providers.Error{Kind: providers.KindNetwork, Message: "stream ended early: upstream closed it before a finishReason"}
	}
	usage := usageFrom(&c.usage)
	return &providers.ChatChunk{
		ID:      c.id,
		Object:  "chat.completion.chunk",
		Created: c.created,
		Model:   c.model,
		Choices: []providers.ChunkChoice{},
		Usage:   usage,
	}, nil
}

func (c *streamConverter) start(out []*providers.ChatChunk, idx int) []*providers.ChatChunk {
	if c.started.has(idx) {
		return out
	}
	c.started.add(idx)
	ch := c.chunk(idx)
	ch.choices[0].Delta = providers.Delta{Role: "assistant", Content: &ch.text}
	return append(out, &ch.chunk)
}

func (c *streamConverter) finish(out []*providers.ChatChunk, idx int, reason string) []*providers.ChatChunk {
	if c.finished.has(idx) {
		return out
	}
	c.finished.add(idx)
	c.anyEnd = true
	ch := c.chunk(idx)
	ch.finish = reason
	ch.choices[0].FinishReason = &ch.finish
	return append(out, &ch.chunk)
}

// modelAt is where the last event's modelVersion lies in it, when the
// parser read it (see providers.StreamEvent.ModelAt).
func (c *streamConverter) modelAt() [2]int {
	if !c.parsed {
		return [2]int{}
	}
	return c.parser.modelAt
}

// emptyChunk is a chunk with no choices, in a slot of its own.
func (c *streamConverter) emptyChunk() *providers.ChatChunk {
	ch := c.chunk(0)
	ch.chunk.Choices = ch.choices[:0]
	return &ch.chunk
}

// chunk returns the next free slot holding an empty chunk for candidate
// idx.
func (c *streamConverter) chunk(idx int) *chunkSlot {
	if c.nextSlot == len(c.slots) {
		c.slots = append(c.slots, &chunkSlot{})
	}
	ch := c.slots[c.nextSlot]
	c.nextSlot++
	*ch = chunkSlot{}
	ch.choices[0].Index = idx
	ch.chunk = providers.ChatChunk{ID: c.id, Object: "chat.completion.chunk", Created: c.created,
		Model: c.model, Choices: ch.choices[:]}
	return ch
}

// indexSet is a set of candidate indexes: a bit each below 64 (a stream
// has one candidate, or a few), a map for any other.
type indexSet struct {
	low  uint64
	high map[int]bool
}

func (s *indexSet) has(i int) bool {
	if i >= 0 && i < 64 {
		return s.low&(1<<i) != 0
	}
	return s.high[i]
}

func (s *indexSet) add(i int) {
	if i >= 0 && i < 64 {
		s.low |= 1 << i
		return
	}
	if s.high == nil {
		s.high = map[int]bool{}
	}
	s.high[i] = true
}

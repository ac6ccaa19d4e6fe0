package bedrock

import (
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// streamTranslator turns ConverseStream events into unified chunks, one
// event at a time. It is pure (no I/O), so a recorded stream tests it.
//
//	messageStart       → the first chunk: role assistant, content ""
//	contentBlockStart  → toolUse: a tool-call delta with index (counting tool blocks from 0), id, type, name, arguments ""
//	contentBlockDelta  → text: content; toolUse.input: an argument fragment;
//	                     reasoningContent.text: reasoning_content (signature and redactedContent are collected)
//	contentBlockStop   → a reasoning block: the whole thinking block, as Anthropic's stream gives it;
//	                     a tool block that streamed no input: arguments "{}"; else nothing
//	messageStop        → the finish chunk (finish_reason from stopReason)
//	metadata           → the usage chunk (choices [] and usage); then the stream is done
//	other events       → nothing
type streamTranslator struct {
	id, model string
	created   int64
	done      bool
	stopped   bool // messageStop was seen
	tools     int
	blocks    map[int]*blockState // open tool and reasoning blocks by contentBlockIndex
	usage     *providers.Usage
}

// blockState is an open tool block (its tool call index) or reasoning
// block (thinking, collected until it ends).
type blockState struct {
	index    int
	sentArgs bool
	thinking *providers.ThinkingBlock
}

func newStreamTranslator(id, model string, created int64) *streamTranslator {
	return &streamTranslator{id: "chatcmpl-" + id, model: model, created: created}
}

// streamEvent is the union of the ConverseStream event payloads.
type streamEvent struct {
	Role              string `json:"role"`
	ContentBlockIndex int    `json:"contentBlockIndex"`
	Start             *struct {
		ToolUse *struct {
			ToolUseID string `json:"toolUseId"`
			Name      string `json:"name"`
		} `json:"toolUse"`
	} `json:"start"`
	Delta *struct {
		Text    *string `json:"text"`
		ToolUse *struct {
			Input string `json:"input"`
		} `json:"toolUse"`
		ReasoningContent *reasoningDelta `json:"reasoningContent"`
	} `json:"delta"`
	StopReason string     `json:"stopReason"`
	Usage      *wireUsage `json:"usage"`
}

// translate consumes one event: its :event-type and JSON payload.
func (s *streamTranslator) translate(eventType string, payload []byte) ([]*providers.ChatChunk, error) {
	if s.done {
		return nil, nil
	}
	switch eventType {
	case "messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata":
	default:
		return nil, nil // an event type added after this was written
	}
	var ev streamEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, &providers.Error{Kind: providers.KindUpstream, Message: "upstream sent a malformed stream event", Err: err}
	}
	switch eventType {
	case "messageStart":
		empty := ""
		c := s.chunk()
		c.Choices = []providers.ChunkChoice{{Delta: providers.Delta{Role: "assistant", Content: &empty}}}
		return []*providers.ChatChunk{c}, nil
	case "contentBlockStart":
		if ev.Start == nil || ev.Start.ToolUse == nil {
			return nil, nil
		}
		st := &blockState{index: s.tools}
		s.tools++
		s.open(ev.ContentBlockIndex, st)
		idx := st.index
		return s.toolChunk(providers.ToolCall{Index: &idx, ID: ev.Start.ToolUse.ToolUseID, Type: "function",
			Function: providers.FunctionCall{Name: ev.Start.ToolUse.Name, Arguments: ""}}), nil
	case "contentBlockDelta":
		if ev.Delta == nil {
			return nil, nil
		}
		switch {
		case ev.Delta.Text != nil:
			if *ev.Delta.Text == "" {
				return nil, nil
			}
			c := s.chunk()
			c.Choices = []providers.ChunkChoice{{Delta: providers.Delta{Content: ev.Delta.Text}}}
			return []*providers.ChatChunk{c}, nil
		case ev.Delta.ToolUse != nil:
			st := s.blocks[ev.ContentBlockIndex]
			if st == nil || st.thinking != nil || ev.Delta.ToolUse.Input == "" {
				return nil, nil
			}
			st.sentArgs = true
			return s.args(st, ev.Delta.ToolUse.Input), nil
		case ev.Delta.ReasoningContent != nil:
			return s.reasoning(ev.ContentBlockIndex, ev.Delta.ReasoningContent), nil
		}
		return nil, nil
	case "contentBlockStop":
		st := s.blocks[ev.ContentBlockIndex]
		if st == nil {
			return nil, nil
		}
		delete(s.blocks, ev.ContentBlockIndex)
		if st.thinking != nil {
			c := s.chunk()
			c.Choices = []providers.ChunkChoice{{Delta: providers.Delta{ThinkingBlocks: []providers.ThinkingBlock{*st.thinking}}}}
			return []*providers.ChatChunk{c}, nil
		}
		if !st.sentArgs {
			return s.args(st, "{}"), nil
		}
		return nil, nil
	case "messageStop":
		s.stopped = true
		reason := finishReason(ev.StopReason)
		c := s.chunk()
		c.Choices = []providers.ChunkChoice{{Delta: providers.Delta{}, FinishReason: &reason}}
		return []*providers.ChatChunk{c}, nil
	default: // metadata
		s.done = true
		s.usage = ev.Usage.unified()
		if s.usage == nil {
			return nil, nil
		}
		c := s.chunk()
		c.Choices = []providers.ChunkChoice{}
		c.Usage = s.usage
		return []*providers.ChatChunk{c}, nil
	}
}

func (s *streamTranslator) open(index int, st *blockState) {
	if s.blocks == nil {
		s.blocks = map[int]*blockState{}
	}
	s.blocks[index] = st
}

func (s *streamTranslator) args(st *blockState, fragment string) []*providers.ChatChunk {
	idx := st.index
	return s.toolChunk(providers.ToolCall{Index: &idx, Function: providers.FunctionCall{Arguments: fragment}})
}

func (s *streamTranslator) toolChunk(call providers.ToolCall) []*providers.ChatChunk {
	c := s.chunk()
	c.Choices = []providers.ChunkChoice{{Delta: providers.Delta{ToolCalls: []providers.ToolCall{call}}}}
	return []*providers.ChatChunk{c}
}

func (s *streamTranslator) chunk() *providers.ChatChunk {
	return &providers.ChatChunk{ID: s.id, Object: "chat.completion.chunk", Created: s.created, Model: s.model}
}

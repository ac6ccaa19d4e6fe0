package anthropic

import "github.com/sira-ai/caddy-ai-backends/providers"

// A one-choice chunk and everything its pointers and slices refer to (the
// choice, the content or finish reason, the tool call and its index, the
// one-element result of Translate) are allocated together: one allocation
// per streamed token instead of four to six. Each chunk still owns its
// memory, so callers may keep chunks as long as they like, as before.
type chunkBox struct {
	chunk  providers.ChatChunk
	list   [1]*providers.ChatChunk
	choice [1]providers.ChunkChoice
	text   string // what Delta.Content or FinishReason points to
}

// toolChunkBox is a chunkBox with room for one tool-call delta.
type toolChunkBox struct {
	chunkBox
	call  [1]providers.ToolCall
	index int // what call.Index points to
}

// textChunk is a content delta.
func (s *StreamTranslator) textChunk(text string) []*providers.ChatChunk {
	b := &chunkBox{text: text}
	b.choice[0].Delta.Content = &b.text
	return s.send(b)
}

// toolChunk is a tool-call delta for the OpenAI tool index.
func (s *StreamTranslator) toolChunk(call providers.ToolCall, index int) []*providers.ChatChunk {
	b := &toolChunkBox{call: [1]providers.ToolCall{call}, index: index}
	b.call[0].Index = &b.index
	b.choice[0].Delta.ToolCalls = b.call[:]
	return s.send(&b.chunkBox)
}

// finishChunk is the empty delta with a finish_reason.
func (s *StreamTranslator) finishChunk(reason string) []*providers.ChatChunk {
	b := &chunkBox{text: reason}
	b.choice[0].FinishReason = &b.text
	return s.send(b)
}

// send completes b as the next chunk; the first one carries the role. The
// returned slice has capacity 1, so appending to it never writes into b.
func (s *StreamTranslator) send(b *chunkBox) []*providers.ChatChunk {
	if !s.roleSent {
		b.choice[0].Delta.Role = "assistant"
		s.roleSent = true
	}
	b.chunk = providers.ChatChunk{ID: s.id, Object: "chat.completion.chunk", Created: s.created, Model: s.model,
		Choices: b.choice[:]}
	b.list[0] = &b.chunk
	return b.list[:]
}

// reasoningChunk is a reasoning_content delta.
func (s *StreamTranslator) reasoningChunk(text string) []*providers.ChatChunk {
	b := &chunkBox{text: text}
	b.choice[0].Delta.ReasoningContent = &b.text
	return s.send(b)
}

// thinkingBlockChunk carries one complete thinking block, sent when the
// block ends, so a client collecting thinking_blocks gets it whole.
func (s *StreamTranslator) thinkingBlockChunk(tb providers.ThinkingBlock) []*providers.ChatChunk {
	b := &chunkBox{}
	b.choice[0].Delta.ThinkingBlocks = []providers.ThinkingBlock{tb}
	return s.send(b)
}

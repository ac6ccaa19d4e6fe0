package cache

import (
	"bytes"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// chunkObject is the object type of every streamed chunk.
const chunkObject = "chat.completion.chunk"

// ReplayChunks turns a complete chat completion into the chunk sequence a
// streaming client expects, so a cached answer can be served to a client
// that asked for a stream. For each choice, in order:
//
//  1. a role chunk: role "assistant", content "" (no content when the
//     message only calls tools, which keeps content null in accumulators);
//  2. the content, whole, in one chunk (with the choice's logprobs), when
//     there is any;
//  3. one chunk per tool call with its index, id, type, name and the full
//     arguments;
//  4. the refusal in one chunk, when there is one;
//  5. a finish chunk with an empty delta and the finish reason ("stop"
//     when the response had none).
//
// When includeUsage is set, a last chunk with no choices carries the
// usage (zeros when the response had none: a client that asked for it
// waits for it). Every chunk has the response's id, created, model and
// system fingerprint, and object "chat.completion.chunk".
func ReplayChunks(resp *providers.ChatResponse, includeUsage bool) []*providers.ChatChunk {
	if resp == nil {
		return nil
	}
	chunks := make([]*providers.ChatChunk, 0, 4*len(resp.Choices)+1)
	newChunk := func(choices []providers.ChunkChoice) *providers.ChatChunk {
		return &providers.ChatChunk{
			ID:                resp.ID,
			Object:            chunkObject,
			Created:           resp.Created,
			Model:             resp.Model,
			SystemFingerprint: resp.SystemFingerprint,
			Choices:           choices,
		}
	}
	for i := range resp.Choices {
		for _, ch := range replayChoice(&resp.Choices[i]) {
			chunks = append(chunks, newChunk([]providers.ChunkChoice{ch}))
		}
	}
	if includeUsage {
		last := newChunk([]providers.ChunkChoice{})
		last.Usage = &providers.Usage{}
		if resp.Usage != nil {
			usage := *resp.Usage
			last.Usage = &usage
		}
		chunks = append(chunks, last)
	}
	return chunks
}

// replayChoice returns the deltas of one choice, in stream order.
func replayChoice(c *providers.Choice) []providers.ChunkChoice {
	msg := &c.Message
	text := msg.Content.String()
	out := make([]providers.ChunkChoice, 0, 4+len(msg.ToolCalls))

	role := providers.ChunkChoice{Index: c.Index, Delta: providers.Delta{Role: roleOrAssistant(msg.Role)}}
	if text != "" || len(msg.ToolCalls) == 0 {
		role.Delta.Content = new(string)
	}
	out = append(out, role)

	if text != "" {
		out = append(out, providers.ChunkChoice{
			Index:    c.Index,
			Delta:    providers.Delta{Content: &text},
			Logprobs: presentJSON(c.Logprobs),
		})
	}
	for i, tc := range msg.ToolCalls {
		index := i
		call := providers.ToolCall{Index: &index, ID: tc.ID, Type: tc.Type, Function: tc.Function}
		if call.Type == "" {
			call.Type = "function"
		}
		out = append(out, providers.ChunkChoice{Index: c.Index, Delta: providers.Delta{ToolCalls: []providers.ToolCall{call}}})
	}
	if msg.Refusal != "" {
		refusal := msg.Refusal
		out = append(out, providers.ChunkChoice{Index: c.Index, Delta: providers.Delta{Refusal: &refusal}})
	}

	reason := c.FinishReason
	if reason == "" {
		reason = providers.FinishStop
	}
	return append(out, providers.ChunkChoice{Index: c.Index, FinishReason: &reason})
}

func roleOrAssistant(role string) string {
	if role == "" {
		return "assistant"
	}
	return role
}

// presentJSON returns raw unless it is empty or null, which chunks omit.
func presentJSON(raw []byte) []byte {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	return raw
}

package anthropic

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// convertMessages turns OpenAI's message list into Anthropic's system prompt
// and turns:
//   - system and developer messages are hoisted into system, in order;
//   - tool messages become tool_result blocks in a user turn;
//   - consecutive turns of one role are merged (the API would merge them too,
//     but tool results must sit in the one user turn after the tool calls);
//   - in a user turn, tool_result blocks come first, as the API requires;
//   - empty and whitespace-only text is never sent (the API rejects it), and
//     a turn left without blocks disappears;
//   - a final assistant turn (prefill) loses its trailing whitespace, which
//     the API rejects.
//
// The first turn may be an assistant turn: Anthropic's own API accepts that
// (Bedrock does not), so no placeholder user turn is invented.
func convertMessages(msgs []providers.Message) (system []Block, turns []wireMessage, err error) {
	turns = make([]wireMessage, 0, len(msgs)) // at most one turn per message
	for i, m := range msgs {
		switch m.Role {
		case "system", "developer":
			system = appendTextBlocks(system, m.Content)
		case "user":
			blocks, err := userBlocks(m.Content, i)
			if err != nil {
				return nil, nil, err
			}
			turns = appendTurn(turns, "user", blocks)
		case "assistant":
			turns = appendTurn(turns, "assistant", assistantBlocks(m))
		case "tool":
			block, err := toolResultBlock(m, i)
			if err != nil {
				return nil, nil, err
			}
			turns = appendTurnBlock(turns, "user", block)
		default:
			return nil, nil, invalid(param(i, "role"), "messages[%d].role: unsupported role %q", i, m.Role)
		}
	}
	for i := range turns {
		if turns[i].Role == "user" {
			toolResultsFirst(turns[i].Content)
		}
	}
	return system, trimPrefill(turns), nil
}

func param(i int, field string) string {
	return "messages[" + strconv.Itoa(i) + "]." + field
}

// appendTurn adds blocks as a turn, merging into the previous turn of the same role.
func appendTurn(turns []wireMessage, role string, blocks []Block) []wireMessage {
	if len(blocks) == 0 {
		return turns
	}
	if n := len(turns); n > 0 && turns[n-1].Role == role {
		turns[n-1].Content = append(turns[n-1].Content, blocks...)
		return turns
	}
	return append(turns, wireMessage{Role: role, Content: blocks})
}

// appendTurnBlock is appendTurn for one block, without a slice to carry it
// when it joins the previous turn (consecutive tool results do).
func appendTurnBlock(turns []wireMessage, role string, block Block) []wireMessage {
	if n := len(turns); n > 0 && turns[n-1].Role == role {
		turns[n-1].Content = append(turns[n-1].Content, block)
		return turns
	}
	return append(turns, wireMessage{Role: role, Content: []Block{block}})
}

// appendTextBlocks adds the text of c (images are dropped: system prompts
// are text only) as text blocks.
func appendTextBlocks(dst []Block, c providers.Content) []Block {
	if c.Parts == nil {
		return appendText(dst, c.Text)
	}
	for _, p := range c.Parts {
		if p.Type == "text" {
			dst = appendText(dst, p.Text)
		}
	}
	return dst
}

func appendText(dst []Block, text string) []Block {
	if strings.TrimSpace(text) == "" {
		return dst
	}
	return append(dst, Block{Type: "text", Text: text})
}

func userBlocks(c providers.Content, i int) ([]Block, error) {
	if c.Parts == nil {
		return appendText(nil, c.Text), nil
	}
	blocks := make([]Block, 0, len(c.Parts))
	for j, p := range c.Parts {
		switch p.Type {
		case "text":
			blocks = appendText(blocks, p.Text)
		case "image_url":
			if p.ImageURL == nil {
				return nil, invalid(param(i, "content"), "messages[%d].content[%d]: image_url part without image_url", i, j)
			}
			b, err := imageBlock(p.ImageURL.URL)
			if err != nil {
				err.Param = param(i, "content")
				return nil, err
			}
			blocks = append(blocks, b)
		default:
			return nil, &providers.Error{Kind: providers.KindUnsupported, Param: param(i, "content"), Code: "unsupported_content",
				Message: "content part type " + p.Type + " is not supported by provider type anthropic"}
		}
	}
	return blocks, nil
}

// assistantBlocks turns an assistant message into thinking, text and
// tool_use blocks. The thinking blocks an earlier answer returned
// (thinking_blocks) come first, exactly as they were: Anthropic checks
// their signatures and requires them before the tool_use blocks.
func assistantBlocks(m providers.Message) []Block {
	text := m.Content.String()
	if strings.TrimSpace(text) == "" {
		text = m.Refusal // a refusal is the assistant's visible answer
	}
	blocks := make([]Block, 0, len(m.ThinkingBlocks)+1+len(m.ToolCalls))
	for _, tb := range m.ThinkingBlocks {
		switch tb.Type {
		case "thinking", "redacted_thinking":
			blocks = append(blocks, Block{Type: tb.Type, Thinking: tb.Thinking, Signature: tb.Signature, Data: tb.Data})
		}
	}
	blocks = appendText(blocks, text)
	for _, tc := range m.ToolCalls {
		input := ToolInput(tc.Function.Arguments) // always valid JSON
		blocks = append(blocks, Block{
			Type:    "tool_use",
			ID:      toolID(tc.ID),
			Name:    tc.Function.Name,
			Input:   input,
			compact: isCompact(input),
		})
	}
	return blocks
}

// toolResultBlock turns a tool message into a tool_result block. Text and
// image parts become content blocks; empty content is left out.
func toolResultBlock(m providers.Message, i int) (Block, error) {
	b := Block{Type: "tool_result", ToolUseID: toolID(m.ToolCallID), compact: true}
	if m.Content.Parts == nil {
		if strings.TrimSpace(m.Content.Text) != "" {
			b.Content = appendString(make([]byte, 0, len(m.Content.Text)+2), m.Content.Text)
		}
		return b, nil
	}
	blocks, err := userBlocks(m.Content, i)
	if err != nil {
		return b, err
	}
	if len(blocks) > 0 {
		var ok bool
		if b.Content, ok = appendBlocks(nil, blocks); !ok {
			b.Content, _ = Marshal(blocks) // cannot happen: text and image blocks hold no raw JSON
		}
	}
	return b, nil
}

// toolID makes a tool call id acceptable to Anthropic, whose ids match
// ^[a-zA-Z0-9_-]+$. OpenAI ids (call_…) pass unchanged; other characters
// become '_'. The mapping is a pure function, so a tool_use id and the
// tool_result referring to it always agree.
func toolID(id string) string {
	ok := true
	for i := 0; i < len(id); i++ {
		if !idByte(id[i]) {
			ok = false
			break
		}
	}
	if ok {
		return id
	}
	b := []byte(id)
	for i := range b {
		if !idByte(b[i]) {
			b[i] = '_'
		}
	}
	return string(b)
}

func idByte(c byte) bool {
	return c == '_' || c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// ToolInput parses a tool call's JSON-string arguments into the input object
// Anthropic requires. Empty arguments become {}. Arguments that are not a
// JSON object (broken JSON a model produced, or a bare value) are kept, not
// dropped: they are sent as {"_raw_arguments": "<the string>"} so the model
// still sees what it wrote and the request does not fail.
func ToolInput(args string) json.RawMessage {
	s := strings.TrimSpace(args)
	if s == "" {
		return emptyObject
	}
	if s[0] == '{' && json.Valid([]byte(s)) {
		return json.RawMessage(s)
	}
	out := append(make([]byte, 0, len(args)+22), `{"_raw_arguments":`...)
	return append(appendString(out, args), '}') // what marshal writes for the one-key map
}

// emptyObject is the input of a tool call without arguments. It is shared,
// not copied per call: the encoders only read it.
var emptyObject = json.RawMessage(`{}`)

// toolResultsFirst moves tool_result blocks to the front of a user turn,
// keeping the order within each group: the API rejects text before them.
func toolResultsFirst(blocks []Block) {
	n := 0
	for _, b := range blocks {
		if b.Type == "tool_result" {
			n++
		}
	}
	if n == 0 || n == len(blocks) {
		return
	}
	sorted := make([]Block, 0, len(blocks))
	for _, b := range blocks {
		if b.Type == "tool_result" {
			sorted = append(sorted, b)
		}
	}
	for _, b := range blocks {
		if b.Type != "tool_result" {
			sorted = append(sorted, b)
		}
	}
	copy(blocks, sorted)
}

// trimPrefill removes trailing whitespace from a final assistant turn.
func trimPrefill(turns []wireMessage) []wireMessage {
	n := len(turns)
	if n == 0 || turns[n-1].Role != "assistant" {
		return turns
	}
	blocks := turns[n-1].Content
	last := &blocks[len(blocks)-1]
	if last.Type == "text" {
		last.Text = strings.TrimRightFunc(last.Text, unicode.IsSpace)
	}
	return turns
}

package responses

import "github.com/sira-ai/caddy-ai-backends/providers"

// The reasoning item of a stream (see StreamEncoder and reasoning.go). It
// opens with the first reasoning in the answer and closes when text, a
// tool call or the finish comes; reasoning after that opens a new item
// (Anthropic's interleaved thinking).

// summaryPart is a summary_text part in summary part events.
type summaryPart struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// summaryEvent is every response.reasoning_summary_* event; the fields a
// type does not have are left out.
type summaryEvent struct {
	Type         string       `json:"type"`
	ItemID       string       `json:"item_id"`
	OutputIndex  int          `json:"output_index"`
	SummaryIndex int          `json:"summary_index"`
	Part         *summaryPart `json:"part,omitempty"`
	Delta        *string      `json:"delta,omitempty"`
	Text         *string      `json:"text,omitempty"`
}

// reasoning streams a delta's reasoning text as summary events (when the
// client asked for summaries) and keeps its thinking blocks for the item's
// encrypted_content.
func (e *StreamEncoder) reasoning(d *providers.Delta) {
	if e.rs < 0 {
		e.closeMessage()
		e.closeCalls()
		e.rs = len(e.resp.Output)
		e.resp.Output = append(e.resp.Output, OutputItem{Type: "reasoning", ID: e.meta.newID("rs"), Status: "in_progress"})
		e.write(itemEvent{Type: "response.output_item.added", OutputIndex: e.rs, Item: e.resp.Output[e.rs]})
	}
	item := &e.resp.Output[e.rs]
	item.thinking = append(item.thinking, d.ThinkingBlocks...)
	if !e.summary || d.ReasoningContent == nil || *d.ReasoningContent == "" {
		return
	}
	if !e.rsPart {
		e.rsPart = true
		e.write(summaryEvent{Type: "response.reasoning_summary_part.added", ItemID: item.ID, OutputIndex: e.rs,
			Part: &summaryPart{Type: "summary_text"}})
	}
	s := *d.ReasoningContent
	e.rsText.WriteString(s)
	e.write(summaryEvent{Type: "response.reasoning_summary_text.delta", ItemID: item.ID, OutputIndex: e.rs, Delta: &s})
}

// closeReasoning ends the open reasoning item: its summary part, then the
// item with the summary and, when included, encrypted_content.
func (e *StreamEncoder) closeReasoning() {
	if e.rs < 0 {
		return
	}
	item := &e.resp.Output[e.rs]
	if e.rsPart {
		text := e.rsText.String()
		item.Summary = []string{text}
		e.write(summaryEvent{Type: "response.reasoning_summary_text.done", ItemID: item.ID, OutputIndex: e.rs, Text: &text})
		e.write(summaryEvent{Type: "response.reasoning_summary_part.done", ItemID: item.ID, OutputIndex: e.rs,
			Part: &summaryPart{Type: "summary_text", Text: text}})
	}
	if e.encrypted {
		item.EncryptedContent = encodeThinking(item.thinking)
	}
	item.Status = "completed"
	e.write(itemEvent{Type: "response.output_item.done", OutputIndex: e.rs, Item: *item})
	e.rs, e.rsPart = -1, false
	e.rsText.Reset()
}

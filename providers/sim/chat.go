package sim

import (
	"context"
	"encoding/hex"
	"encoding/json"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// reply is a composed answer, shared by Chat and ChatStream so both say
// exactly the same thing for the same request.
type reply struct {
	content  string // the text, or the tool call's arguments
	cuts     []int  // end offset of each token in content (streams only)
	tokens   int    // completion tokens: generated words or argument fragments
	finish   string
	toolName string // set when the reply is a tool call
	toolID   string
	prompt   int // estimated prompt tokens
}

// Leads of the quote that opens an answer.
var (
	userLead = [2]string{"you", "said"}
	toolLead = [2]string{"tool", "returned"}
)

// compose decides the answer to req, without waiting or failing: a tool
// call when the client offers tools and the user just spoke, JSON in JSON
// mode, prose otherwise. keepCuts records token boundaries for a stream.
func (p *Provider) compose(t providers.Target, req *providers.ChatRequest, keepCuts bool) (reply, error) {
	if len(req.Messages) == 0 {
		return reply{}, p.invalid("messages", "messages must not be empty")
	}
	tool, err := p.pickTool(req)
	if err != nil {
		return reply{}, err
	}
	seed := requestSeed(t.Model, req.Messages)
	seq := sequence(seed)
	b := answerBuilder{keepCuts: keepCuts}
	r := reply{finish: providers.FinishStop, prompt: EstimateTokens(req.Messages)}

	var schema json.RawMessage
	if req.ResponseFormat != nil && req.ResponseFormat.Type == "json_schema" {
		schema = schemaOf(req.ResponseFormat)
	}
	switch {
	case tool != nil:
		b.reserve(8)
		b.arguments(tool.Function.Parameters, &seq)
		r.finish = providers.FinishToolCalls
		r.toolName = tool.Function.Name
		r.toolID = toolCallID(seed)
	case schema != nil:
		b.reserve(32)
		b.instance(schema, &seq, 0)
	default:
		r.finish = p.prose(&b, req, &seq)
	}
	r.content = b.text()
	r.cuts, r.tokens = b.cuts, b.tokens
	return r, nil
}

// prose writes a text answer (a JSON object holding it in JSON mode) of
// max_output words, or fewer when the client's limit cuts it, and returns
// the finish reason. It quotes the last user message, or the tool result
// the conversation ends with.
func (p *Provider) prose(b *answerBuilder, req *providers.ChatRequest, seq *sequence) (finish string) {
	n, complete := p.MaxOutput, true
	if limit := req.OutputLimit(); limit > 0 && limit < n {
		n, complete = limit, false
	}
	b.reserve(n)
	var echo [maxEchoWords]string
	last := &req.Messages[len(req.Messages)-1]
	lead, count, more := userLead, 0, false
	if last.Role == "tool" {
		lead = toolLead
		count, more = echoWords(&last.Content, &echo)
	} else if u := lastUser(req.Messages); u != nil {
		count, more = echoWords(&u.Content, &echo)
	}
	jsonMode := req.ResponseFormat.WantsJSON()
	if jsonMode {
		b.raw(`{"answer":"`)
		b.escape = true
	}
	b.prose(seq, lead, echo[:count], more, n, complete)
	if jsonMode {
		b.escape = false
		b.raw(`"}`)
	}
	if !complete {
		return providers.FinishLength
	}
	return providers.FinishStop
}

// pickTool returns the tool the answer calls, or nil for a text answer. A
// forced function that is not among the tools is refused, as OpenAI does.
func (p *Provider) pickTool(req *providers.ChatRequest) (*providers.Tool, error) {
	choice := req.ToolChoice
	if len(req.Tools) == 0 || (choice != nil && choice.Mode == "none") ||
		req.Messages[len(req.Messages)-1].Role != "user" {
		return nil, nil
	}
	for i := range req.Tools {
		tool := &req.Tools[i]
		if tool.Type != "" && tool.Type != "function" {
			continue
		}
		if choice == nil || choice.Function == "" || choice.Function == tool.Function.Name {
			return tool, nil
		}
	}
	if choice != nil && choice.Function != "" {
		return nil, p.invalid("tool_choice", "tool_choice names function "+choice.Function+", which is not in tools")
	}
	return nil, nil
}

func lastUser(msgs []providers.Message) *providers.Message {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == "user" {
			return &msgs[i]
		}
	}
	return nil
}

// schemaOf returns the JSON Schema of a json_schema response format.
func schemaOf(f *providers.ResponseFormat) json.RawMessage {
	var js struct {
		Schema json.RawMessage `json:"schema"`
	}
	if len(f.JSONSchema) == 0 || json.Unmarshal(f.JSONSchema, &js) != nil || len(js.Schema) == 0 {
		return nil
	}
	return js.Schema
}

// toolCallID is a stable id in OpenAI's shape ("call_" and 24 characters).
func toolCallID(seed uint64) string {
	var buf [5 + 24]byte
	copy(buf[:], "call_")
	var raw [16]byte
	putUint64(raw[:8], mix64(seed^0x7c))
	putUint64(raw[8:], mix64(seed^0x7d))
	hex.Encode(buf[5:], raw[:12])
	return string(buf[:])
}

// completionID is a unique response id: "chatcmpl-sim-" and 16 hex digits.
func (p *Provider) completionID() string {
	const prefix = "chatcmpl-sim-"
	var buf [len(prefix) + 16]byte
	copy(buf[:], prefix)
	var raw [8]byte
	putUint64(raw[:], mix64(p.draws.idSalt+p.draws.idSeq.Add(1)*golden))
	hex.Encode(buf[len(prefix):], raw[:])
	return string(buf[:])
}

func putUint64(b []byte, v uint64) {
	for i := range 8 {
		b[i] = byte(v >> (56 - 8*i))
	}
}

// chatBox holds a whole response in one allocation.
type chatBox struct {
	resp   providers.ChatResponse
	choice [1]providers.Choice
	call   [1]providers.ToolCall
	usage  providers.Usage
}

// Chat answers after the configured latency, or fails as configured.
func (p *Provider) Chat(ctx context.Context, t providers.Target, req *providers.ChatRequest) (*providers.ChatResponse, error) {
	r, err := p.compose(t, req, false)
	if err != nil {
		return nil, err
	}
	if err := p.begin(ctx); err != nil {
		return nil, err
	}
	box := &chatBox{}
	box.usage = usage(&r)
	msg := &box.choice[0].Message
	msg.Role = "assistant"
	if r.toolName != "" {
		box.call[0] = providers.ToolCall{
			ID:       r.toolID,
			Type:     "function",
			Function: providers.FunctionCall{Name: r.toolName, Arguments: r.content},
		}
		msg.ToolCalls = box.call[:]
	} else {
		msg.Content = providers.TextContent(r.content)
	}
	box.choice[0].FinishReason = r.finish
	box.resp = providers.ChatResponse{
		ID:      p.completionID(),
		Object:  "chat.completion",
		Created: p.now().Unix(),
		Model:   t.Model,
		Choices: box.choice[:],
		Usage:   &box.usage,
	}
	return &box.resp, nil
}

func usage(r *reply) providers.Usage {
	return providers.Usage{
		PromptTokens:     r.prompt,
		CompletionTokens: r.tokens,
		TotalTokens:      r.prompt + r.tokens,
	}
}

package responses

import (
	"encoding/json"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// Response is the Response object, fields in the order OpenAI sends them.
// The request's settings are echoed with OpenAI's defaults for what the
// client left out.
type Response struct {
	ID                 string             `json:"id"`
	Object             string             `json:"object"`
	CreatedAt          int64              `json:"created_at"`
	Status             string             `json:"status"`
	Background         bool               `json:"background"`
	CompletedAt        *int64             `json:"completed_at"`
	Error              *ResponseError     `json:"error"`
	IncompleteDetails  *IncompleteDetails `json:"incomplete_details"`
	Instructions       *string            `json:"instructions"`
	MaxOutputTokens    *int               `json:"max_output_tokens"`
	MaxToolCalls       *int               `json:"max_tool_calls"`
	Model              string             `json:"model"`
	Output             []OutputItem       `json:"output"`
	ParallelToolCalls  bool               `json:"parallel_tool_calls"`
	PreviousResponseID *string            `json:"previous_response_id"`
	Reasoning          reasoningEcho      `json:"reasoning"`
	SafetyIdentifier   *string            `json:"safety_identifier"`
	ServiceTier        string             `json:"service_tier"`
	Store              bool               `json:"store"`
	Temperature        float64            `json:"temperature"`
	Text               textEcho           `json:"text"`
	ToolChoice         any                `json:"tool_choice"`
	Tools              []toolEcho         `json:"tools"`
	TopLogprobs        int                `json:"top_logprobs"`
	TopP               float64            `json:"top_p"`
	Truncation         string             `json:"truncation"`
	Usage              *Usage             `json:"usage"`
	User               *string            `json:"user"`
	Metadata           map[string]string  `json:"metadata"`
}

// ResponseError is a failed response's error.
type ResponseError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// IncompleteDetails says why a response is incomplete.
type IncompleteDetails struct {
	Reason string `json:"reason"` // max_output_tokens or content_filter
}

// Usage is the Responses usage object.
type Usage struct {
	InputTokens        int `json:"input_tokens"`
	InputTokensDetails struct {
		CachedTokens int `json:"cached_tokens"`
	} `json:"input_tokens_details"`
	OutputTokens        int `json:"output_tokens"`
	OutputTokensDetails struct {
		ReasoningTokens int `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
	TotalTokens int `json:"total_tokens"`
}

type reasoningEcho struct {
	Effort  *string `json:"effort"`
	Summary *string `json:"summary"`
}

type textEcho struct {
	Format    formatEcho `json:"format"`
	Verbosity string     `json:"verbosity"`
}

type formatEcho struct {
	Type        string          `json:"type"`
	Description string          `json:"description,omitempty"`
	Name        string          `json:"name,omitempty"`
	Schema      json.RawMessage `json:"schema,omitempty"`
	Strict      *bool           `json:"strict,omitempty"`
}

type toolEcho struct {
	Type        string          `json:"type"`
	Name        string          `json:"name"`
	Description *string         `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
	Strict      bool            `json:"strict"`
}

// Meta is what the gateway decides about one response.
type Meta struct {
	ID        string    // resp_…; a new one when empty
	CreatedAt time.Time // when the request arrived
	Now       time.Time // when the answer finished (completed_at); CreatedAt when zero
	Model     string    // the model to report; the request's when empty
	// NewID makes item ids (msg_…, fc_…); NewID itself when nil.
	NewID func(prefix string) string
}

func (m *Meta) newID(prefix string) string {
	if m.NewID != nil {
		return m.NewID(prefix)
	}
	return NewID(prefix)
}

// NewResponse returns the in-progress Response for req: the request's
// settings echoed, no output, no usage.
func NewResponse(req *Request, m Meta) *Response {
	if m.ID == "" {
		m.ID = m.newID("resp")
	}
	model := m.Model
	if model == "" {
		model = req.Model
	}
	r := &Response{
		ID: m.ID, Object: "response", CreatedAt: m.CreatedAt.Unix(), Status: "in_progress",
		Background: req.Background, Instructions: req.Instructions, MaxOutputTokens: req.MaxOutputTokens,
		Model: model, Output: []OutputItem{}, ParallelToolCalls: true, ServiceTier: "default",
		Store: req.Store, Temperature: 1, TopP: 1, Truncation: "disabled", ToolChoice: "auto",
		Tools: make([]toolEcho, 0, len(req.Tools)), Metadata: req.Metadata,
		Text: textEcho{Format: formatEcho{Type: "text"}, Verbosity: "medium"},
	}
	if r.Metadata == nil {
		r.Metadata = map[string]string{}
	}
	if req.ParallelToolCalls != nil {
		r.ParallelToolCalls = *req.ParallelToolCalls
	}
	if req.PreviousResponseID != "" {
		r.PreviousResponseID = &req.PreviousResponseID
	}
	if req.Temperature != nil {
		r.Temperature = *req.Temperature
	}
	if req.TopP != nil {
		r.TopP = *req.TopP
	}
	if req.Truncation != "" {
		r.Truncation = req.Truncation
	}
	if req.User != "" {
		r.User = &req.User
	}
	if req.SafetyIdentifier != "" {
		r.SafetyIdentifier = &req.SafetyIdentifier
	}
	if req.Reasoning != nil {
		r.Reasoning = reasoningEcho{Effort: nonEmpty(req.Reasoning.Effort), Summary: nonEmpty(req.Reasoning.Summary)}
	}
	if t := req.Text; t != nil {
		if t.Format != "" {
			r.Text.Format = formatEcho{Type: t.Format, Name: t.Name, Schema: t.Schema, Strict: t.Strict, Description: t.Desc}
		}
		if t.Verbosity != "" {
			r.Text.Verbosity = t.Verbosity
		}
	}
	if tc := req.ToolChoice; tc != nil {
		if tc.Function != "" {
			r.ToolChoice = map[string]string{"type": "function", "name": tc.Function}
		} else {
			r.ToolChoice = tc.Mode
		}
	}
	for _, t := range req.Tools {
		strict := t.Strict == nil || *t.Strict // OpenAI's default is strict
		params := t.Parameters
		if params == nil {
			params = json.RawMessage("null")
		}
		r.Tools = append(r.Tools, toolEcho{Type: "function", Name: t.Name, Description: nonEmpty(t.Description),
			Parameters: params, Strict: strict})
	}
	return r
}

// EncodeResponse builds the finished Response for a unified chat answer:
// the first choice's text as a message item, its tool calls as
// function_call items, the finish reason as status, and usage.
func EncodeResponse(req *Request, resp *providers.ChatResponse, m Meta) (*Response, error) {
	if err := resp.LoadChoices(); err != nil {
		return nil, &providers.Error{Kind: providers.KindUpstream, Message: "upstream answered with invalid JSON", Err: err}
	}
	if m.Model == "" {
		m.Model = req.Model
	}
	r := NewResponse(req, m)
	finish := ""
	for _, c := range resp.Choices {
		if c.Index != 0 {
			continue // one answer per response
		}
		finish = c.FinishReason
		if item, ok := reasoningItem(req, &c.Message, &m); ok {
			r.Output = append(r.Output, item)
		}
		text, refusal := c.Message.Content.String(), c.Message.Refusal
		if text != "" || refusal != "" {
			item := OutputItem{Type: "message", ID: m.newID("msg"), Status: "completed", Role: "assistant"}
			if text != "" {
				item.Content = append(item.Content, OutputContent{Type: "output_text", Text: text})
			}
			if refusal != "" {
				item.Content = append(item.Content, OutputContent{Type: "refusal", Text: refusal})
			}
			r.Output = append(r.Output, item)
		}
		for _, tc := range c.Message.ToolCalls {
			r.Output = append(r.Output, OutputItem{Type: "function_call", ID: m.newID("fc"), Status: "completed",
				CallID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments})
		}
	}
	r.finish(finish, resp.Usage, m)
	return r, nil
}

// finish sets status, incomplete_details, completed_at and usage from the
// finish reason and the upstream usage.
func (r *Response) finish(reason string, u *providers.Usage, m Meta) {
	r.Status = "completed"
	switch reason {
	case providers.FinishLength:
		r.Status, r.IncompleteDetails = "incomplete", &IncompleteDetails{Reason: "max_output_tokens"}
	case providers.FinishContentFilter:
		r.Status, r.IncompleteDetails = "incomplete", &IncompleteDetails{Reason: "content_filter"}
	}
	if r.Status == "incomplete" {
		for i := range r.Output {
			if r.Output[i].Type == "message" {
				r.Output[i].Status = "incomplete"
			}
		}
	} else {
		done := m.Now
		if done.IsZero() {
			done = m.CreatedAt
		}
		at := done.Unix()
		r.CompletedAt = &at
	}
	r.Usage = usageOf(u)
}

// fail marks the response failed with e.
func (r *Response) fail(e *providers.Error) {
	r.Status = "failed"
	code := "server_error"
	switch e.Kind {
	case providers.KindRateLimited, providers.KindQuota:
		code = "rate_limit_exceeded"
	case providers.KindInvalidRequest, providers.KindPolicy: // a prompt the content filter refused
		code = "invalid_prompt"
	}
	r.Error = &ResponseError{Code: code, Message: e.Error()}
}

// usageOf converts unified usage; the total saturates rather than wraps.
func usageOf(u *providers.Usage) *Usage {
	out := &Usage{}
	if u == nil {
		return out
	}
	out.InputTokens, out.OutputTokens = u.PromptTokens, u.CompletionTokens
	out.InputTokensDetails.CachedTokens = u.CachedTokens()
	out.OutputTokensDetails.ReasoningTokens = u.ReasoningTokens()
	out.TotalTokens = u.TotalTokens
	if out.TotalTokens == 0 {
		out.TotalTokens = saturatingAdd(u.PromptTokens, u.CompletionTokens)
	}
	return out
}

func saturatingAdd(a, b int) int {
	const maxInt = int(^uint(0) >> 1)
	s := a + b
	switch {
	case b > 0 && s < a:
		return maxInt
	case b < 0 && s > a:
		return -maxInt - 1
	}
	return s
}

// JSON returns the object's JSON.
func (r *Response) JSON() []byte {
	out, err := json.Marshal(r)
	if err != nil { // only raw schema bytes could fail, and those were checked as JSON on decode
		return []byte(`{"error":{"message":"response could not be encoded","type":"server_error","param":null,"code":"internal"}}`)
	}
	return out
}

// OutputMessages are the response's output as unified messages: one
// assistant message with its text and tool calls (none when the output is
// empty), which a stored conversation appends after the turn's input.
func (r *Response) OutputMessages() []providers.Message {
	m := providers.Message{Role: "assistant"}
	for _, it := range r.Output {
		switch it.Type {
		case "message":
			text := ""
			for _, c := range it.Content {
				if c.Type == "output_text" {
					text += c.Text
				} else if c.Type == "refusal" {
					m.Refusal += c.Text
				}
			}
			m.Content = providers.TextContent(m.Content.Text + text)
		case "function_call":
			m.ToolCalls = append(m.ToolCalls, providers.ToolCall{ID: it.CallID, Type: "function",
				Function: providers.FunctionCall{Name: it.Name, Arguments: it.Arguments}})
		case "reasoning":
			m.ThinkingBlocks = append(m.ThinkingBlocks, it.thinking...)
		}
	}
	if m.Content.IsEmpty() && m.Refusal == "" && len(m.ToolCalls) == 0 {
		return nil
	}
	return []providers.Message{m}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

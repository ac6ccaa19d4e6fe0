package fakeupstream

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// oaiChatRequest holds the request fields the fake acts on.
type oaiChatRequest struct {
	Model               string          `json:"model"`
	Messages            []oaiMessage    `json:"messages"`
	Stream              bool            `json:"stream"`
	StreamOptions       *oaiStreamOpts  `json:"stream_options"`
	Tools               []oaiTool       `json:"tools"`
	ToolChoice          json.RawMessage `json:"tool_choice"`
	N                   *int            `json:"n"`
	MaxTokens           *int            `json:"max_tokens"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	ReasoningEffort     *string         `json:"reasoning_effort"`
	Temperature         *float64        `json:"temperature"`
}

type oaiStreamOpts struct {
	IncludeUsage bool `json:"include_usage"`
}

type oaiMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

type oaiTool struct {
	Type     string `json:"type"`
	Function struct {
		Name string `json:"name"`
	} `json:"function"`
}

// oaiAnswer is what the fake model decided to say, shared by the JSON and
// the streamed forms.
type oaiAnswer struct {
	id, model    string
	pieces       []string // text deltas; joined, the whole text
	toolName     string   // set when the model calls a tool
	toolArgs     string
	toolCallID   string
	finish       string
	choices      int
	usage        oaiUsage
	includeUsage bool
}

type oaiUsage struct {
	PromptTokens        int `json:"prompt_tokens"`
	CompletionTokens    int `json:"completion_tokens"`
	TotalTokens         int `json:"total_tokens"`
	PromptTokensDetails struct {
		CachedTokens int `json:"cached_tokens"`
		AudioTokens  int `json:"audio_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails struct {
		ReasoningTokens          int `json:"reasoning_tokens"`
		AudioTokens              int `json:"audio_tokens"`
		AcceptedPredictionTokens int `json:"accepted_prediction_tokens"`
		RejectedPredictionTokens int `json:"rejected_prediction_tokens"`
	} `json:"completion_tokens_details"`
}

// oaiReasoningModel reports whether OpenAI refuses max_tokens for model.
func oaiReasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

func (f *fakeOpenAI) serveChat(w http.ResponseWriter, r *http.Request, body []byte) {
	var req oaiChatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		oaiWriteError(w, oaiInvalidRequest("", "", "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)"))
		return
	}
	if e := oaiValidateChat(&req); e != nil {
		oaiWriteError(w, e)
		return
	}
	plan, e := f.reasoningPlan(req.Model, req.ReasoningEffort, "reasoning_effort")
	if e == nil {
		e = oaiCheckTemperature(plan, req.Temperature, false)
	}
	if e != nil {
		oaiWriteError(w, e)
		return
	}
	a := f.answer(&req, plan)
	if req.Stream {
		f.streamChat(w, r, a)
		return
	}
	if !f.hold(r) {
		return
	}
	oaiWriteJSON(w, a.completion())
}

// oaiValidateChat rejects what OpenAI rejects and a gateway might get wrong.
func oaiValidateChat(req *oaiChatRequest) *OpenAIError {
	switch {
	case req.Model == "":
		return oaiInvalidRequest("", "", "you must provide a model parameter")
	case len(req.Messages) == 0:
		return oaiInvalidRequest("messages", "empty_array", "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.")
	case req.StreamOptions != nil && !req.Stream:
		return oaiInvalidRequest("stream_options", "", "The 'stream_options' parameter is only allowed when 'stream' is enabled.")
	case req.MaxTokens != nil && oaiReasoningModel(req.Model):
		return oaiInvalidRequest("max_tokens", "unsupported_parameter", "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.")
	}
	return nil
}

// answer derives the whole answer deterministically from the request.
// A reasoning model spends its reasoning tokens first, inside the limit.
func (f *fakeOpenAI) answer(req *oaiChatRequest, plan oaiReasoningPlan) *oaiAnswer {
	n := f.ids.Add(1)
	a := &oaiAnswer{
		id:           fmt.Sprintf("chatcmpl-fake%016d", n),
		model:        req.Model,
		finish:       "stop",
		choices:      1,
		includeUsage: req.StreamOptions != nil && req.StreamOptions.IncludeUsage,
	}
	if f.cfg.Model != "" {
		a.model = f.cfg.Model
	}
	if req.N != nil && *req.N > 1 {
		a.choices = *req.N
	}
	last := oaiLastUserText(req.Messages, "text")
	limit := req.MaxCompletionTokens
	if limit == nil {
		limit = req.MaxTokens
	}
	reasoning, visible := oaiSpend(plan.tokens, limit)
	if name := f.toolToCall(req); name != "" {
		args, _ := json.Marshal(map[string]string{"input": last})
		a.toolName, a.toolArgs, a.finish = name, string(args), "tool_calls"
		a.toolCallID = fmt.Sprintf("call_fake%020d", n)
		a.pieces = oaiSplit(a.toolArgs, 4)
	} else {
		text := f.cfg.Reply
		if text == "" {
			text = "Echo: " + last
		}
		a.pieces = oaiWords(text)
		if visible >= 0 && visible < len(a.pieces) {
			a.pieces, a.finish = a.pieces[:visible], "length"
		}
	}
	prompt := 0
	for _, m := range req.Messages {
		prompt += 4 + len(strings.Fields(oaiText(m.Content, "text")))
	}
	u := &a.usage
	u.PromptTokens = prompt
	u.PromptTokensDetails.CachedTokens = min(f.cfg.CachedTokens, prompt)
	u.CompletionTokensDetails.ReasoningTokens = reasoning
	u.CompletionTokens = a.choices*len(a.pieces) + reasoning
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	return a
}

// toolToCall names the tool the model calls, or "" to answer with text.
func (f *fakeOpenAI) toolToCall(req *oaiChatRequest) string {
	if !f.cfg.ToolCalls || len(req.Tools) == 0 || f.toolTurnsDone(oaiCountRole(req.Messages, "tool")) {
		return ""
	}
	var mode string
	if json.Unmarshal(req.ToolChoice, &mode) == nil && mode == "none" {
		return ""
	}
	var named struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	}
	if json.Unmarshal(req.ToolChoice, &named) == nil && named.Function.Name != "" {
		return named.Function.Name
	}
	return req.Tools[0].Function.Name
}

// toolTurnsDone reports whether a conversation holding results tool
// results has had all the tool turns ToolTurns allows.
func (f *fakeOpenAI) toolTurnsDone(results int) bool {
	return f.cfg.ToolTurns > 0 && results >= f.cfg.ToolTurns
}

func oaiCountRole(msgs []oaiMessage, role string) int {
	n := 0
	for _, m := range msgs {
		if m.Role == role {
			n++
		}
	}
	return n
}

// oaiLastUserText is the text of the last user message, whose text parts
// are of type partType ("text" in chat, "input_text" in Responses input).
func oaiLastUserText(msgs []oaiMessage, partType string) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == "user" {
			return oaiText(msgs[i].Content, partType)
		}
	}
	return ""
}

// oaiText is a message content's text: the string, or its parts of type
// partType joined by spaces.
func oaiText(content json.RawMessage, partType string) string {
	var s string
	if json.Unmarshal(content, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	_ = json.Unmarshal(content, &parts)
	texts := make([]string, 0, len(parts))
	for _, p := range parts {
		if p.Type == partType {
			texts = append(texts, p.Text)
		}
	}
	return strings.Join(texts, " ")
}

// oaiWords splits text into deltas of one word each, the space before a
// word going with it, the way streamed tokens look.
func oaiWords(text string) []string {
	var out []string
	start := 0
	for i := 1; i < len(text); i++ {
		if text[i] == ' ' && text[i-1] != ' ' {
			out = append(out, text[start:i])
			start = i
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

// oaiSplit cuts s into about n fragments of about equal length, never
// inside a UTF-8 sequence.
func oaiSplit(s string, n int) []string {
	size := max((len(s)+n-1)/n, 1)
	var out []string
	for len(s) > size {
		cut := size
		for cut < len(s) && !utf8.RuneStart(s[cut]) {
			cut++
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	if s != "" || len(out) == 0 {
		out = append(out, s)
	}
	return out
}

// completion renders the answer as a chat.completion object.
func (a *oaiAnswer) completion() any {
	type toolCall struct {
		ID       string `json:"id"`
		Type     string `json:"type"`
		Function struct {
			Name      string `json:"name"`
			Arguments string `json:"arguments"`
		} `json:"function"`
	}
	type message struct {
		Role        string     `json:"role"`
		Content     *string    `json:"content"`
		ToolCalls   []toolCall `json:"tool_calls,omitempty"`
		Refusal     *string    `json:"refusal"`
		Annotations []any      `json:"annotations"`
	}
	type choice struct {
		Index        int     `json:"index"`
		Message      message `json:"message"`
		Logprobs     any     `json:"logprobs"`
		FinishReason string  `json:"finish_reason"`
	}
	msg := message{Role: "assistant", Annotations: []any{}}
	if a.toolName != "" {
		tc := toolCall{ID: a.toolCallID, Type: "function"}
		tc.Function.Name, tc.Function.Arguments = a.toolName, a.toolArgs
		msg.ToolCalls = []toolCall{tc}
	} else {
		text := strings.Join(a.pieces, "")
		msg.Content = &text
	}
	choices := make([]choice, a.choices)
	for i := range choices {
		choices[i] = choice{Index: i, Message: msg, FinishReason: a.finish}
	}
	return struct {
		ID                string    `json:"id"`
		Object            string    `json:"object"`
		Created           int64     `json:"created"`
		Model             string    `json:"model"`
		Choices           []choice  `json:"choices"`
		Usage             *oaiUsage `json:"usage"`
		ServiceTier       string    `json:"service_tier"`
		SystemFingerprint string    `json:"system_fingerprint"`
	}{a.id, "chat.completion", oaiCreated, a.model, choices, &a.usage, "default", oaiFingerprint}
}

// oaiFingerprint is the system_fingerprint of every answer.
const oaiFingerprint = "fp_fake0001"

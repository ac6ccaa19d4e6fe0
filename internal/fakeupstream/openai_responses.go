package fakeupstream

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// oaiResponsesState is what the fake's Responses API remembers: the ids of
// responses created with store on, so previous_response_id can be checked
// as OpenAI checks it.
type oaiResponsesState struct {
	mu     sync.Mutex
	stored map[string]string // id → the last user text of its conversation
	// reasoning: reasoning item id → whether it was stored; pairedWith:
	// the id of the message or function call after it → its id.
	reasoning  map[string]bool
	pairedWith map[string]string
}

// oaiResponsesKnown are the create parameters OpenAI accepts; any other
// top-level field is "Unknown parameter", as at OpenAI.
var oaiResponsesKnown = map[string]bool{
	"background": true, "conversation": true, "include": true, "input": true, "instructions": true,
	"max_output_tokens": true, "max_tool_calls": true, "metadata": true, "model": true,
	"parallel_tool_calls": true, "previous_response_id": true, "prompt": true, "prompt_cache_key": true,
	"prompt_cache_retention": true, "reasoning": true, "safety_identifier": true, "service_tier": true,
	"store": true, "stream": true, "stream_options": true, "temperature": true, "text": true,
	"tool_choice": true, "tools": true, "top_logprobs": true, "top_p": true, "truncation": true, "user": true,
}

// oaiResponsesRequest holds the fields the fake acts on.
type oaiResponsesRequest struct {
	Model              string            `json:"model"`
	Input              json.RawMessage   `json:"input"`
	Instructions       *string           `json:"instructions"`
	Tools              []json.RawMessage `json:"tools"`
	ToolChoice         json.RawMessage   `json:"tool_choice"`
	MaxOutputTokens    *int              `json:"max_output_tokens"`
	Stream             bool              `json:"stream"`
	Store              *bool             `json:"store"`
	PreviousResponseID *string           `json:"previous_response_id"`
	Temperature        *float64          `json:"temperature"`
	TopP               *float64          `json:"top_p"`
	Metadata           map[string]string `json:"metadata"`
	Include            []string          `json:"include"`
	Reasoning          *struct {
		Effort  *string `json:"effort"`
		Summary *string `json:"summary"`
	} `json:"reasoning"`
}

// serveResponses answers POST /v1/responses as OpenAI does: the text
// "Echo: <last user text>" (or Reply, or a function call with ToolCalls),
// as a Response object or as the typed event stream; with store (the
// default) the response is remembered for previous_response_id.
func (f *fakeOpenAI) serveResponses(w http.ResponseWriter, r *http.Request, body []byte) {
	req, e := f.parseResponses(body)
	if e != nil {
		oaiWriteError(w, e)
		return
	}
	var effort *string
	if req.Reasoning != nil {
		effort = req.Reasoning.Effort
	}
	plan, e := f.reasoningPlan(req.Model, effort, "reasoning.effort")
	if e == nil {
		e = oaiCheckTemperature(plan, req.Temperature, true)
	}
	if e == nil {
		e = f.checkReasoningItems(req)
	}
	if e != nil {
		oaiWriteError(w, e)
		return
	}
	last := oaiInputText(req.Input)
	if req.PreviousResponseID != nil {
		f.stored.mu.Lock()
		prev, ok := f.stored.stored[*req.PreviousResponseID]
		f.stored.mu.Unlock()
		if !ok {
			oaiWriteError(w, &OpenAIError{Status: http.StatusNotFound, Type: "invalid_request_error",
				Param: "previous_response_id", Code: "previous_response_not_found",
				Message: "Previous response with id '" + *req.PreviousResponseID + "' not found."})
			return
		}
		if last == "" {
			last = prev
		}
	}
	resp := f.responsesAnswer(req, last, plan)
	if req.Store == nil || *req.Store {
		f.stored.mu.Lock()
		if f.stored.stored == nil {
			f.stored.stored = map[string]string{}
		}
		f.stored.stored[resp.ID] = last
		f.stored.mu.Unlock()
	}
	if req.Stream {
		f.streamResponses(w, r, resp)
		return
	}
	if !f.hold(r) {
		return
	}
	resp.Status = resp.finalStatus
	oaiWriteJSON(w, resp)
}

func (f *fakeOpenAI) parseResponses(body []byte) (*oaiResponsesRequest, *OpenAIError) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, oaiInvalidRequest("", "", "We could not parse the JSON body of your request.")
	}
	for k := range top {
		if !oaiResponsesKnown[k] {
			return nil, oaiInvalidRequest(k, "unknown_parameter", "Unknown parameter: '"+k+"'.")
		}
	}
	var req oaiResponsesRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, oaiInvalidRequest("", "", "We could not parse the JSON body of your request.")
	}
	switch {
	case req.Model == "":
		return nil, oaiInvalidRequest("model", "missing_required_parameter", "Missing required parameter: 'model'.")
	case req.MaxOutputTokens != nil && *req.MaxOutputTokens < 16:
		return nil, oaiInvalidRequest("max_output_tokens", "integer_below_min_value",
			"Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got "+strconv.Itoa(*req.MaxOutputTokens)+" instead.")
	}
	return &req, nil
}

// oaiCountItems counts the input items of type typ.
func oaiCountItems(input json.RawMessage, typ string) int {
	var items []struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(input, &items)
	n := 0
	for _, it := range items {
		if it.Type == typ {
			n++
		}
	}
	return n
}

// oaiInputText is the text of the last user message of input (a string or
// a list of items).
func oaiInputText(input json.RawMessage) string {
	var s string
	if json.Unmarshal(input, &s) == nil {
		return s
	}
	var items []oaiMessage
	_ = json.Unmarshal(input, &items)
	return oaiLastUserText(items, "input_text")
}

// oaiResponse is the Response object, fields in OpenAI's order.
type oaiResponse struct {
	ID                 string            `json:"id"`
	Object             string            `json:"object"`
	CreatedAt          int64             `json:"created_at"`
	Status             string            `json:"status"`
	Background         bool              `json:"background"`
	Error              any               `json:"error"`
	IncompleteDetails  any               `json:"incomplete_details"`
	Instructions       *string           `json:"instructions"`
	MaxOutputTokens    *int              `json:"max_output_tokens"`
	Model              string            `json:"model"`
	Output             []oaiOutputItem   `json:"output"`
	ParallelToolCalls  bool              `json:"parallel_tool_calls"`
	PreviousResponseID *string           `json:"previous_response_id"`
	Reasoning          map[string]any    `json:"reasoning"`
	ServiceTier        string            `json:"service_tier"`
	Store              bool              `json:"store"`
	Temperature        float64           `json:"temperature"`
	Text               map[string]any    `json:"text"`
	ToolChoice         json.RawMessage   `json:"tool_choice"`
	Tools              []json.RawMessage `json:"tools"`
	TopP               float64           `json:"top_p"`
	Truncation         string            `json:"truncation"`
	Usage              *oaiResponseUsage `json:"usage"`
	User               *string           `json:"user"`
	Metadata           map[string]string `json:"metadata"`

	finalStatus string
	pieces      []string // text deltas or argument fragments
}

type oaiOutputItem struct {
	ID        string           `json:"id"`
	Type      string           `json:"type"`
	Status    string           `json:"status,omitempty"`
	Content   *[]oaiOutputText `json:"content,omitempty"`
	Role      string           `json:"role,omitempty"`
	Arguments *string          `json:"arguments,omitempty"`
	CallID    string           `json:"call_id,omitempty"`
	Name      string           `json:"name,omitempty"`
	// Summary and EncryptedContent belong to reasoning items.
	Summary          *[]oaiSummaryText `json:"summary,omitempty"`
	EncryptedContent string            `json:"encrypted_content,omitempty"`
}

type oaiSummaryText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type oaiOutputText struct {
	Type        string `json:"type"`
	Annotations []any  `json:"annotations"`
	Logprobs    []any  `json:"logprobs"`
	Text        string `json:"text"`
}

type oaiResponseUsage struct {
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

// responsesAnswer derives the whole answer deterministically.
// A reasoning model's answer starts with its reasoning item, and its
// reasoning tokens count in max_output_tokens first.
func (f *fakeOpenAI) responsesAnswer(req *oaiResponsesRequest, last string, plan oaiReasoningPlan) *oaiResponse {
	n := f.ids.Add(1)
	reasoning, visible := oaiSpend(plan.tokens, req.MaxOutputTokens)
	resp := &oaiResponse{
		ID: fmt.Sprintf("resp_fake%016d", n), Object: "response", CreatedAt: oaiCreated, Status: "in_progress",
		Instructions: req.Instructions, MaxOutputTokens: req.MaxOutputTokens, Model: req.Model,
		ParallelToolCalls: true, PreviousResponseID: req.PreviousResponseID,
		Reasoning: oaiReasoningSettings(req, plan), ServiceTier: "default", Store: req.Store == nil || *req.Store,
		Temperature: 1, TopP: 1, Text: map[string]any{"format": map[string]string{"type": "text"}, "verbosity": "medium"},
		ToolChoice: json.RawMessage(`"auto"`), Tools: req.Tools, Truncation: "disabled", Metadata: req.Metadata,
		finalStatus: "completed",
	}
	if f.cfg.Model != "" {
		resp.Model = f.cfg.Model
	}
	if resp.Tools == nil {
		resp.Tools = []json.RawMessage{}
	}
	if resp.Metadata == nil {
		resp.Metadata = map[string]string{}
	}
	if req.ToolChoice != nil {
		resp.ToolChoice = req.ToolChoice
	}
	if req.Temperature != nil {
		resp.Temperature = *req.Temperature
	}
	if req.TopP != nil {
		resp.TopP = *req.TopP
	}
	if name := f.responsesTool(req); name != "" {
		args, _ := json.Marshal(map[string]string{"input": last})
		a := string(args)
		resp.Output = []oaiOutputItem{{ID: fmt.Sprintf("fc_fake%016d", n), Type: "function_call", Status: "completed",
			Arguments: &a, CallID: fmt.Sprintf("call_fake%020d", n), Name: name}}
		resp.pieces = oaiSplit(a, 4)
	} else {
		text := f.cfg.Reply
		if text == "" {
			text = "Echo: " + last
		}
		resp.pieces = oaiWords(text)
		item := oaiOutputItem{ID: fmt.Sprintf("msg_fake%016d", n), Type: "message", Status: "completed", Role: "assistant"}
		if visible >= 0 && visible < len(resp.pieces) {
			resp.pieces = resp.pieces[:visible]
			resp.finalStatus, item.Status = "incomplete", "incomplete"
			resp.IncompleteDetails = map[string]string{"reason": "max_output_tokens"}
		}
		content := []oaiOutputText{{Type: "output_text", Annotations: []any{}, Logprobs: []any{}, Text: strings.Join(resp.pieces, "")}}
		item.Content = &content
		resp.Output = []oaiOutputItem{item}
	}
	if plan.effort != "" && plan.effort != "none" {
		rs := f.oaiReasoningItem(req, n, last, resp.Store, resp.Output[0].ID)
		resp.Output = append([]oaiOutputItem{rs}, resp.Output...)
	}
	u := &oaiResponseUsage{InputTokens: 4 + len(strings.Fields(last)), OutputTokens: len(resp.pieces) + reasoning}
	u.InputTokensDetails.CachedTokens = min(f.cfg.CachedTokens, u.InputTokens)
	u.OutputTokensDetails.ReasoningTokens = reasoning
	u.TotalTokens = u.InputTokens + u.OutputTokens
	resp.Usage = u
	return resp
}

// responsesTool names the function the model calls, or "" to answer with text.
func (f *fakeOpenAI) responsesTool(req *oaiResponsesRequest) string {
	if !f.cfg.ToolCalls || f.toolTurnsDone(oaiCountItems(req.Input, "function_call_output")) {
		return ""
	}
	var mode string
	if json.Unmarshal(req.ToolChoice, &mode) == nil && mode == "none" {
		return ""
	}
	var named struct {
		Type, Name string
	}
	if json.Unmarshal(req.ToolChoice, &named) == nil && named.Type == "function" && named.Name != "" {
		return named.Name
	}
	for _, raw := range req.Tools {
		var t struct{ Type, Name string }
		if json.Unmarshal(raw, &t) == nil && t.Type == "function" {
			return t.Name
		}
	}
	return ""
}

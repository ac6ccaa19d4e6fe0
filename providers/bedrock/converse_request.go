package bedrock

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/providers/anthropic"
)

// converseOptions are what the translation needs besides the request.
type converseOptions struct {
	Model            string // the Bedrock model or inference profile id
	Budgets          providers.ReasoningBudgets
	DefaultMaxTokens int // 0: the model's output limit
}

// toConverse translates a unified chat request into a Converse body.
// Errors are KindInvalidRequest naming the field.
func toConverse(req *providers.ChatRequest, o converseOptions) ([]byte, error) {
	if req.N != nil && *req.N > 1 {
		return nil, invalid("n", "n: provider type bedrock returns one choice; n must be 1")
	}
	w := &converseRequest{}
	marks := cacheMarks(req)
	claude := isClaude(o.Model)
	var err error
	if w.System, w.Messages, err = convertMessages(req.Messages, marks, claude); err != nil {
		return nil, err
	}
	if req.ResponseFormat.WantsJSON() {
		text := req.ResponseFormat.Instruction()
		w.System = append(w.System, block{Text: &text})
	}
	ic := &inferenceConfig{Temperature: req.Temperature, TopP: req.TopP}
	if n := req.OutputLimit(); n > 0 {
		ic.MaxTokens = &n
	}
	for _, s := range req.Stop {
		if s != "" {
			ic.StopSequences = append(ic.StopSequences, s)
		}
	}
	w.InferenceConfig = ic
	if req.TopK != nil && claude {
		w.additional("top_k", *req.TopK)
	}
	if w.ToolConfig, err = convertTools(req, w.Messages); err != nil {
		return nil, err
	}
	if err := applyThinking(w, req, o, claude); err != nil {
		return nil, err
	}
	if ic.MaxTokens == nil && ic.Temperature == nil && ic.TopP == nil && len(ic.StopSequences) == 0 {
		w.InferenceConfig = nil
	}
	return json.Marshal(w)
}

func (w *converseRequest) additional(key string, v any) {
	if w.AdditionalModelRequestFields == nil {
		w.AdditionalModelRequestFields = map[string]any{}
	}
	w.AdditionalModelRequestFields[key] = v
}

// isClaude reports whether a Bedrock id (or inference profile id, such as
// us.anthropic.claude-sonnet-4-5-20250929-v1:0) names an Anthropic model.
func isClaude(model string) bool {
	return strings.Contains(strings.ToLower(model), "anthropic.claude")
}

// applyThinking turns reasoning_effort into Anthropic's thinking in
// additionalModelRequestFields, for Claude models: the budget from the
// provider's reasoning_budgets, maxTokens raised to hold it, temperature
// and top_k dropped and top_p kept at 0.95 or above, as Claude requires.
// Other models take no effort switch through Converse; the level is still
// checked.
func applyThinking(w *converseRequest, req *providers.ChatRequest, o converseOptions, claude bool) error {
	budget, known := o.Budgets.Budget(req.ReasoningEffort)
	if !known {
		return invalid("reasoning_effort", "reasoning_effort: unknown value %q (want none, minimal, low, medium, high or xhigh)", req.ReasoningEffort)
	}
	if budget == 0 || !claude || toolTurnWithoutThinking(w.Messages) {
		return nil
	}
	if tc := req.ToolChoice; tc != nil && (tc.Mode == "required" || tc.Function != "") {
		return invalid("tool_choice", "tool_choice: a forced tool choice cannot be combined with reasoning_effort on Claude; use auto or none, or turn reasoning off")
	}
	budget = max(budget, providers.MinThinkingBudget)
	limit := o.DefaultMaxTokens
	if limit <= 0 {
		limit = anthropic.DefaultMaxTokens(o.Model)
	}
	maxTokens := limit
	if visible := req.OutputLimit(); visible > 0 {
		maxTokens = providers.AddTokens(visible, budget)
	} else if budget >= limit {
		budget = max(limit/2, providers.MinThinkingBudget)
		maxTokens = max(limit, budget+1)
	}
	if w.InferenceConfig == nil {
		w.InferenceConfig = &inferenceConfig{}
	}
	ic := w.InferenceConfig
	ic.MaxTokens = &maxTokens
	ic.Temperature = nil
	if ic.TopP != nil && *ic.TopP < 0.95 {
		p := 0.95
		ic.TopP = &p
	}
	delete(w.AdditionalModelRequestFields, "top_k")
	w.additional("thinking", map[string]any{"type": "enabled", "budget_tokens": budget})
	return nil
}

// toolTurnWithoutThinking is anthropic.ToolTurnLacksThinking for a Converse
// request to Claude.
func toolTurnWithoutThinking(turns []message) bool {
	return anthropic.ToolTurnLacksThinking(turns, func(m *message) (string, []block) { return m.Role, m.Content },
		(*block).kind)
}

// kind is a block's Messages API type, as far as Claude's thinking rule
// tells them apart.
func (b *block) kind() string {
	switch {
	case b.ToolUse != nil:
		return "tool_use"
	case b.ReasoningContent != nil && b.ReasoningContent.RedactedContent != "":
		return "redacted_thinking"
	case b.ReasoningContent != nil:
		return "thinking"
	}
	return ""
}

// convertMessages splits off the system prompt and builds alternating
// turns: consecutive messages of one role (a tool result after another,
// say) share a turn, as Converse requires.
func convertMessages(msgs []providers.Message, marks map[int]bool, claude bool) (system []block, turns []message, err error) {
	docs := 0
	for i, m := range msgs {
		var role string
		var blocks []block
		switch m.Role {
		case "system", "developer":
			if t := m.Content.String(); t != "" {
				system = append(system, block{Text: &t})
			}
			if marks[i] {
				system = append(system, cachePointBlock())
			}
			continue
		case "user":
			role = "user"
			if blocks, err = userBlocks(m.Content, i, &docs); err != nil {
				return nil, nil, err
			}
		case "assistant":
			role = "assistant"
			blocks = assistantBlocks(m, claude)
		case "tool", "function":
			role = "user"
			if m.ToolCallID == "" {
				return nil, nil, invalid(param(i, "tool_call_id"), "%s: a tool message needs tool_call_id", param(i, "tool_call_id"))
			}
			text := m.Content.String()
			blocks = []block{{ToolResult: &toolResult{ToolUseID: toolID(m.ToolCallID), Content: []block{{Text: &text}}}}}
		default:
			return nil, nil, invalid(param(i, "role"), "%s: unknown role %q", param(i, "role"), m.Role)
		}
		if len(blocks) == 0 {
			continue // Converse refuses empty content
		}
		if marks[i] {
			blocks = append(blocks, cachePointBlock())
		}
		if n := len(turns); n > 0 && turns[n-1].Role == role {
			turns[n-1].Content = append(turns[n-1].Content, blocks...)
			continue
		}
		turns = append(turns, message{Role: role, Content: blocks})
	}
	return system, turns, nil
}

func cachePointBlock() block { return block{CachePoint: &cachePoint{Type: "default"}} }

func param(i int, field string) string { return "messages." + strconv.Itoa(i) + "." + field }

// userBlocks translates user content: text, and images and documents as
// inline bytes from base64 data URLs (Converse takes no http URL).
func userBlocks(c providers.Content, i int, docs *int) ([]block, error) {
	if c.Parts == nil {
		if c.Text == "" {
			return nil, nil
		}
		t := c.Text
		return []block{{Text: &t}}, nil
	}
	out := make([]block, 0, len(c.Parts))
	for j, p := range c.Parts {
		field := param(i, "content."+strconv.Itoa(j))
		switch p.Type {
		case "text":
			if p.Text != "" {
				t := p.Text
				out = append(out, block{Text: &t})
			}
		case "image_url":
			if p.ImageURL == nil {
				return nil, invalid(field+".image_url", "%s.image_url: missing", field)
			}
			b, err := mediaFromURL(p.ImageURL.URL, field+".image_url", docs)
			if err != nil {
				return nil, err
			}
			out = append(out, b)
		default:
			return nil, &providers.Error{Kind: providers.KindUnsupported, Code: "unsupported_content", Param: field + ".type",
				Message: field + ".type: content part type " + strconv.Quote(p.Type) + " is not supported by provider type bedrock"}
		}
	}
	return out, nil
}

// Image and document formats Converse takes, by media type.
var (
	imageFormats = map[string]string{
		"image/png": "png", "image/jpeg": "jpeg", "image/jpg": "jpeg", "image/gif": "gif", "image/webp": "webp",
	}
	documentFormats = map[string]string{
		"application/pdf": "pdf", "text/csv": "csv", "application/msword": "doc",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
		"application/vnd.ms-excel": "xls",
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
		"text/html": "html", "text/plain": "txt", "text/markdown": "md",
	}
)

// mediaFromURL turns a data URL into an image or a document block.
// Documents are named document-1, document-2, ... (Converse requires a
// name, unique in the request).
func mediaFromURL(u, field string, docs *int) (block, error) {
	rest, ok := cutPrefixFold(u, "data:")
	if !ok {
		return block{}, invalid(field, "%s: provider type bedrock needs images and documents inline, as a base64 data: URL", field)
	}
	meta, data, ok := strings.Cut(rest, ",")
	if !ok || data == "" {
		return block{}, invalid(field, "%s: the data URL has no data", field)
	}
	mediaType, enc, _ := strings.Cut(meta, ";")
	if !strings.EqualFold(enc, "base64") && !strings.HasSuffix(strings.ToLower(enc), ";base64") {
		return block{}, invalid(field, "%s: the data URL must be base64-encoded", field)
	}
	mediaType = strings.ToLower(strings.TrimSpace(mediaType))
	if f, ok := imageFormats[mediaType]; ok {
		return block{Image: &mediaBlock{Format: f, Source: mediaSource{Bytes: data}}}, nil
	}
	if f, ok := documentFormats[mediaType]; ok {
		*docs++
		return block{Document: &mediaBlock{Format: f, Name: "document-" + strconv.Itoa(*docs), Source: mediaSource{Bytes: data}}}, nil
	}
	return block{}, &providers.Error{Kind: providers.KindUnsupported, Code: "unsupported_content", Param: field,
		Message: field + ": media type " + strconv.Quote(mediaType) + " is not supported by provider type bedrock (images: png, jpeg, gif, webp; documents: pdf, csv, doc, docx, xls, xlsx, html, txt, md)"}
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// assistantBlocks translates an assistant turn: the reasoning blocks an
// earlier answer returned (thinking_blocks), exactly and first, as Claude
// checks their signatures and requires them before the toolUse blocks;
// then its text and its tool calls as toolUse blocks. Only Claude takes
// reasoning back: the signatures are Anthropic's.
func assistantBlocks(m providers.Message, claude bool) []block {
	var out []block
	if claude {
		out = reasoningBlocks(m.ThinkingBlocks)
	}
	if t := m.Content.String(); t != "" {
		out = append(out, block{Text: &t})
	}
	for _, tc := range m.ToolCalls {
		out = append(out, block{ToolUse: &toolUse{
			ToolUseID: toolID(tc.ID), Name: tc.Function.Name, Input: anthropic.ToolInput(tc.Function.Arguments),
		}})
	}
	return out
}

// toolID makes a tool call id fit Converse's toolUseId ([a-zA-Z0-9_-]+, at
// most 64 characters) the same way for the call and its result.
func toolID(id string) string {
	ok := id != "" && len(id) <= 64
	for i := 0; ok && i < len(id); i++ {
		ok = idByte(id[i])
	}
	if ok {
		return id
	}
	b := make([]byte, 0, min(len(id), 64))
	for i := 0; i < len(id) && len(b) < 64; i++ {
		if idByte(id[i]) {
			b = append(b, id[i])
		} else {
			b = append(b, '_')
		}
	}
	if len(b) == 0 {
		return "call"
	}
	return string(b)
}

func idByte(c byte) bool {
	return c == '_' || c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// emptySchema is the input schema of a function declared without one.
var emptySchema = json.RawMessage(`{"type":"object","properties":{}}`)

// convertTools builds toolConfig. tool_choice "none" has no Converse
// equivalent: the tools are left out, unless the history holds tool calls
// (Converse then requires toolConfig) and the choice is left to the model.
func convertTools(req *providers.ChatRequest, turns []message) (*toolConfig, error) {
	if len(req.Tools) == 0 {
		return nil, nil
	}
	tc := req.ToolChoice
	if tc != nil && tc.Mode == "none" && !usesTools(turns) {
		return nil, nil
	}
	cfg := &toolConfig{Tools: make([]tool, 0, len(req.Tools))}
	for i, t := range req.Tools {
		if t.Type != "" && t.Type != "function" {
			return nil, invalid("tools."+strconv.Itoa(i)+".type", "tools.%d.type: provider type bedrock supports function tools only", i)
		}
		if t.Function.Name == "" {
			return nil, invalid("tools."+strconv.Itoa(i)+".function.name", "tools.%d.function.name: required", i)
		}
		schema := t.Function.Parameters
		if len(schema) == 0 || string(schema) == "null" {
			schema = emptySchema
		}
		cfg.Tools = append(cfg.Tools, tool{ToolSpec: toolSpec{Name: t.Function.Name, Description: t.Function.Description, InputSchema: inputSchema{JSON: schema}}})
	}
	switch {
	case tc == nil || tc.Mode == "auto" || tc.Mode == "none" || tc.Mode == "":
		if tc != nil && tc.Function != "" {
			name, _ := json.Marshal(tc.Function)
			cfg.ToolChoice = json.RawMessage(`{"tool":{"name":` + string(name) + `}}`)
		}
	case tc.Mode == "required":
		cfg.ToolChoice = json.RawMessage(`{"any":{}}`)
	default:
		return nil, invalid("tool_choice", "tool_choice: unknown value %q", tc.Mode)
	}
	return cfg, nil
}

func usesTools(turns []message) bool {
	for _, t := range turns {
		for _, b := range t.Content {
			if b.ToolUse != nil || b.ToolResult != nil {
				return true
			}
		}
	}
	return false
}

func invalid(param, format string, args ...any) *providers.Error {
	e := providers.Errorf(providers.KindInvalidRequest, format, args...)
	e.Param = param
	return e
}

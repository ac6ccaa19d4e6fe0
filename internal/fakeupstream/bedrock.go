package fakeupstream

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// BedrockConfig sets up a fake Amazon Bedrock runtime. Every request must
// carry a valid SigV4 signature for AccessKeyID/SecretAccessKey (and
// SessionToken, when set) in Region, dated within five minutes of Now.
type BedrockConfig struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	// Rotated are further credentials the account accepts (the next ones
	// a refreshing credential source hands out).
	Rotated []BedrockCredentials
	Region  string           // default us-east-1
	Now     func() time.Time // the service's clock; default time.Now

	// Text is the answer; default DefaultBedrockText.
	Text string
	// ToolInput is the JSON input of the tool call the fake makes when
	// the request offers tools and the conversation has no tool result
	// yet (it calls the first tool); default {}.
	ToolInput string
	// ToolTurns, when set, makes the fake call the tool again until the
	// conversation holds that many tool results (default: until the first).
	ToolTurns int
	// Thinking is the reasoning text the fake answers with first, signed
	// with BedrockSignature, when the request turns Claude's thinking on
	// (additionalModelRequestFields.thinking); default
	// DefaultBedrockThinking. Its words count in outputTokens.
	Thinking string
	// Throttle answers every call with 429 ThrottlingException.
	Throttle bool
	// StreamException, when set (e.g. "throttlingException"), ends every
	// stream after its first text delta with an exception frame.
	StreamException string
	// InputTokens, OutputTokens and the cache counts are reported as usage
	// (defaults 11 and 7); cache writes are reported only for requests
	// with a cachePoint.
	InputTokens, OutputTokens, CacheRead, CacheWrite int
}

// BedrockCredentials is one AWS access key (with its session token, for
// temporary credentials).
type BedrockCredentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
}

// DefaultBedrockText is what the Bedrock fake answers by default.
const DefaultBedrockText = "Hello from Bedrock!"

// Bedrock's error bodies, as the service returns them.
const (
	BedrockThrottled   = `{"message":"Too many requests, please wait before trying again."}`
	bedrockNoUserFirst = `{"message":"A conversation must start with a user message. Try again with a conversation that starts with a user message."}`
	bedrockExtraModel  = `{"message":"Malformed input request: #: extraneous key [model] is not permitted, please reformat your input and try again."}`
	bedrockNoVersion   = `{"message":"Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again."}`
	bedrockUnknownOp   = `{"message":"Unable to determine service/operation name to be authorized"}`
)

type fakeBedrock struct {
	cfg BedrockConfig
	rec *Recorder
	n   atomic.Int64
}

// NewBedrock starts a fake Bedrock runtime on loopback; its URL is the
// provider's base_url. It serves POST /model/{modelId}/converse,
// /converse-stream, /invoke (Claude Messages bodies, Titan and Cohere
// embeddings) and /invoke-with-response-stream (Claude), streams as AWS
// event-stream frames. The server is closed when the test ends.
func NewBedrock(t testing.TB, cfg BedrockConfig) (*httptest.Server, *Recorder) {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	f := &fakeBedrock{cfg: cfg, rec: new(Recorder)}
	srv := httptest.NewServer(http.HandlerFunc(f.serveHTTP))
	t.Cleanup(srv.Close)
	return srv, f.rec
}

func (f *fakeBedrock) now() time.Time {
	if f.cfg.Now != nil {
		return f.cfg.Now()
	}
	return time.Now()
}

func (f *fakeBedrock) serveHTTP(w http.ResponseWriter, r *http.Request) {
	body := f.rec.Record(r)
	w.Header().Set("X-Amzn-Requestid", fmt.Sprintf("fake-%08d-0000-4000-8000-000000000000", f.n.Add(1)))
	if status, typ, msg := f.verifySigV4(r, body); status != 0 {
		bedrockError(w, status, typ, msg)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/model/")
	i := strings.LastIndexByte(rest, '/')
	if !ok || r.Method != http.MethodPost || i <= 0 {
		bedrockError(w, http.StatusForbidden, "UnknownOperationException", bedrockUnknownOp)
		return
	}
	model, op := rest[:i], rest[i+1:]
	if f.cfg.Throttle {
		bedrockError(w, http.StatusTooManyRequests, "ThrottlingException", BedrockThrottled)
		return
	}
	switch op {
	case "converse", "converse-stream":
		f.converse(w, body, model, op == "converse-stream")
	case "invoke", "invoke-with-response-stream":
		f.invoke(w, body, model, op == "invoke-with-response-stream")
	default:
		bedrockError(w, http.StatusForbidden, "UnknownOperationException", bedrockUnknownOp)
	}
}

// bedrockError writes an error the way Bedrock does.
func bedrockError(w http.ResponseWriter, status int, typ, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", typ+":http://internal.amazon.com/coral/com.amazon.bedrock/")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func bedrockValidation(w http.ResponseWriter, msg string) {
	bedrockError(w, http.StatusBadRequest, "ValidationException", msg)
}

// converseRequest is what the fake reads of a Converse body.
type bedrockConverseRequest struct {
	Messages []struct {
		Role    string           `json:"role"`
		Content []map[string]any `json:"content"`
	} `json:"messages"`
	ToolConfig *struct {
		Tools []struct {
			ToolSpec struct {
				Name string `json:"name"`
			} `json:"toolSpec"`
		} `json:"tools"`
	} `json:"toolConfig"`
}

func (f *fakeBedrock) converse(w http.ResponseWriter, body []byte, model string, stream bool) {
	var req bedrockConverseRequest
	if err := json.Unmarshal(body, &req); err != nil {
		bedrockValidation(w, `{"message":"Malformed input request, please reformat your input and try again."}`)
		return
	}
	if len(req.Messages) == 0 || req.Messages[0].Role != "user" {
		bedrockValidation(w, bedrockNoUserFirst)
		return
	}
	for i, m := range req.Messages {
		if i > 0 && m.Role == req.Messages[i-1].Role {
			bedrockValidation(w, `{"message":"A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again."}`)
			return
		}
		for _, b := range m.Content {
			if t, ok := b["text"].(string); ok && strings.TrimSpace(t) == "" {
				bedrockValidation(w, `{"message":"The text field in the ContentBlock object is blank. Add text to the text field, and try again."}`)
				return
			}
			if (b["toolUse"] != nil || b["toolResult"] != nil) && req.ToolConfig == nil {
				bedrockValidation(w, `{"message":"The toolConfig field must be defined when using toolUse and toolResult content blocks."}`)
				return
			}
		}
	}
	thinking, refusal := f.checkThinking(body)
	if refusal != "" {
		bedrockValidation(w, refusal)
		return
	}
	ans := f.answer(&req, bytes.Contains(body, []byte(`"cachePoint"`)), thinking)
	if stream {
		f.converseStream(w, ans)
		return
	}
	content := []map[string]any{}
	if ans.thinking != "" {
		content = append(content, map[string]any{"reasoningContent": map[string]any{
			"reasoningText": map[string]any{"text": ans.thinking, "signature": BedrockSignature}}})
	}
	if ans.tool != "" {
		content = append(content, map[string]any{"toolUse": map[string]any{"toolUseId": ans.toolID, "name": ans.tool, "input": json.RawMessage(ans.input)}})
	} else {
		content = append(content, map[string]any{"text": ans.text})
	}
	bedrockJSON(w, map[string]any{
		"output":     map[string]any{"message": map[string]any{"role": "assistant", "content": content}},
		"stopReason": ans.stop,
		"usage":      ans.usage,
		"metrics":    map[string]any{"latencyMs": 123},
	})
}

// bedrockAnswer is what the fake answers a Converse request with.
type bedrockAnswer struct {
	thinking            string // "" when thinking is off
	text, stop          string
	tool, toolID, input string
	usage               map[string]int
}

// answer calls the first tool when tools are offered and no tool result
// came back yet (or fewer than ToolTurns); after a tool result it repeats
// the result's text.
func (f *fakeBedrock) answer(req *bedrockConverseRequest, cached, thinking bool) bedrockAnswer {
	a := bedrockAnswer{text: f.cfg.Text, stop: "end_turn"}
	if a.text == "" {
		a.text = DefaultBedrockText
	}
	if thinking {
		a.thinking = f.cfg.thinkingText()
	}
	last := req.Messages[len(req.Messages)-1]
	var result string
	results := 0
	for _, m := range req.Messages {
		for _, b := range m.Content {
			if b["toolResult"] != nil {
				results++
			}
		}
	}
	for _, b := range last.Content {
		if tr, ok := b["toolResult"].(map[string]any); ok {
			if parts, ok := tr["content"].([]any); ok && len(parts) > 0 {
				if p, ok := parts[0].(map[string]any); ok {
					result, _ = p["text"].(string)
				}
			}
		}
	}
	offered := req.ToolConfig != nil && len(req.ToolConfig.Tools) > 0
	switch {
	case offered && results < f.cfg.ToolTurns:
		a.tool, a.toolID, a.stop = req.ToolConfig.Tools[0].ToolSpec.Name, fmt.Sprintf("tooluse_fake%02d", results+1), "tool_use"
		a.input = f.cfg.ToolInput
		if a.input == "" {
			a.input = "{}"
		}
	case result != "":
		a.text = "The tool said: " + result
	case offered:
		a.tool, a.toolID, a.stop = req.ToolConfig.Tools[0].ToolSpec.Name, "tooluse_fake01", "tool_use"
		a.input = f.cfg.ToolInput
		if a.input == "" {
			a.input = "{}"
		}
	}
	in, out := bedrockOr(f.cfg.InputTokens, 11), bedrockOr(f.cfg.OutputTokens, 7)+reasoningTokens(a.thinking)
	a.usage = map[string]int{"inputTokens": in, "outputTokens": out, "totalTokens": in + out}
	if cached {
		a.usage["cacheReadInputTokens"] = f.cfg.CacheRead
		a.usage["cacheWriteInputTokens"] = f.cfg.CacheWrite
		a.usage["totalTokens"] += f.cfg.CacheRead + f.cfg.CacheWrite
	}
	return a
}

func bedrockOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func bedrockJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

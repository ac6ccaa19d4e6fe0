package routing

import "github.com/sira-ai/caddy-ai-backends/catalog"

// capReason says why a deployment cannot serve a request.
type capReason uint8

const (
	capOK capReason = iota
	capVision
	capTools
	capJSON
	capStream
	capContext
	capMaxOutput
)

var capReasonText = [...]string{
	capOK:        "",
	capVision:    "no vision",
	capTools:     "no tools",
	capJSON:      "no JSON mode",
	capStream:    "no streaming",
	capContext:   "prompt + max_tokens exceed the context window",
	capMaxOutput: "max_tokens above the model's output limit",
}

// Capable reports whether a deployment with spec can serve req, and if not,
// why (a short phrase such as "no vision").
//
// It checks, in this order: images need Vision, tools need Tools, a JSON
// response format needs JSONMode, streaming needs Streaming, the estimated
// prompt plus max_tokens must fit the context window, and max_tokens must
// not exceed the model's output limit. A zero window or output limit means
// unknown and is not checked. The prompt size is an estimate, so a request
// within a few percent of a window may still be refused upstream. An
// embedding model's window limits each input, not the batch the prompt
// estimate counts, so it is not checked either.
func Capable(req *Request, spec catalog.Spec) (ok bool, why string) {
	if req == nil {
		return true, ""
	}
	r := check(req, &spec)
	return r == capOK, capReasonText[r]
}

func check(req *Request, s *catalog.Spec) capReason {
	switch {
	case req.NeedsVision && !s.Vision:
		return capVision
	case req.NeedsTools && !s.Tools:
		return capTools
	case req.NeedsJSON && !s.JSONMode:
		return capJSON
	case req.Stream && !s.Streaming:
		return capStream
	case s.ContextWindow > 0 && !s.Embeddings && promptTokens(req)+maxTokens(req) > s.ContextWindow:
		return capContext
	case s.MaxOutput > 0 && maxTokens(req) > s.MaxOutput:
		return capMaxOutput
	}
	return capOK
}

func promptTokens(req *Request) int { return max(req.PromptTokens, 0) }
func maxTokens(req *Request) int    { return max(req.MaxTokens, 0) }

// noteWhy writes the reason for an exclusion, with the numbers for the
// size checks.
func noteWhy(n *notes, why capReason, req *Request, s *catalog.Spec) {
	switch why {
	case capContext:
		n.add("~").int(promptTokens(req)).add(" prompt")
		if req.MaxTokens > 0 {
			n.add(" + ").int(req.MaxTokens).add(" max_tokens")
		}
		n.add(" > window ").int(s.ContextWindow)
	case capMaxOutput:
		n.add("max_tokens ").int(req.MaxTokens).add(" > limit ").int(s.MaxOutput)
	default:
		n.add(capReasonText[why])
	}
}

// noteNeeds writes what the request needs, e.g. "vision, tools, ~1200
// prompt tokens".
func noteNeeds(n *notes, req *Request) {
	sep := ""
	for _, need := range [...]struct {
		on   bool
		text string
	}{
		{req.NeedsVision, "vision"},
		{req.NeedsTools, "tools"},
		{req.NeedsJSON, "JSON mode"},
		{req.Stream, "streaming"},
	} {
		if need.on {
			n.add(sep).add(need.text)
			sep = ", "
		}
	}
	n.add(sep).add("~").int(promptTokens(req)).add(" prompt tokens")
	if req.MaxTokens > 0 {
		n.add(" + ").int(req.MaxTokens).add(" max_tokens")
	}
}

// special reports whether the request needs anything beyond plain text
// chat, i.e. whether a capability filter had real work to do.
func special(req *Request) bool {
	return req.NeedsVision || req.NeedsTools || req.NeedsJSON || req.Stream
}

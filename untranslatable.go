package aibackends

import (
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// keepRelaying narrows a plan for a request carrying fields no translation
// can express (req.Untranslatable: an Anthropic mcp_servers, a document
// block, a field the gateway does not know, …) to the deployments that send
// the client's own body on, so those fields are honoured and never dropped.
// When none is left the request is refused with a 400 naming the first
// field. This is the one place the decision is made, because it depends on
// the deployment the plan picks, not on the request alone.
func keepRelaying(p *plan, req *providers.ChatRequest) *providers.Error {
	if len(req.Untranslatable) == 0 {
		return nil
	}
	if len(p.order) == 0 {
		return nil // no capable deployment: chatUpstream says so
	}
	kept := p.order[:0:0]
	for _, d := range p.order {
		if providers.CanRelayOriginal(d.up.provider, req) {
			kept = append(kept, d)
		}
	}
	if len(kept) > 0 {
		p.order = kept
		return nil
	}
	field := req.Untranslatable[0]
	param := field // "messages.1.content.0 (document)": the path without the note
	if i := strings.Index(field, " ("); i > 0 {
		param = field[:i]
	}
	msg := field + ": not supported when " + req.Model + " is served by a provider of another API format " +
		"(only an upstream that speaks the client's API itself can take it; remove it to use this model)"
	if n := len(req.Untranslatable); n > 1 {
		msg += "; also: " + strings.Join(req.Untranslatable[1:min(n, 6)], ", ")
	}
	return &providers.Error{Kind: providers.KindInvalidRequest, Param: param, Code: "untranslatable_field", Message: msg}
}

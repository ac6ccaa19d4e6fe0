package aibackends

import (
	"strings"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// failures collects why each attempt of one request failed, to answer with
// one error when every deployment did.
type failures struct {
	reasons []string
	kind    providers.Kind // the kind every failure shares, while same holds
	same    bool
}

// add records that deployment id failed with e.
func (f *failures) add(id string, e *providers.Error) {
	if len(f.reasons) == 0 {
		f.kind, f.same = e.Kind, true
	} else if e.Kind != f.kind {
		f.same = false
	}
	f.reasons = append(f.reasons, id+": "+e.Message)
}

// permanentKind reports whether a failure of this kind says the request
// will fail the same way when repeated: the credentials, the permission or
// the request itself is wrong, or the model does not exist upstream.
func permanentKind(k providers.Kind) bool {
	switch k {
	case providers.KindAuth, providers.KindPermission, providers.KindInvalidRequest, providers.KindNotFound:
		return true
	}
	return false
}

// err is the answer when every deployment failed. When all of them failed
// with the same permanent class, the client gets that class's status (401,
// 403, 400, 404): a 503 would make the official SDKs retry a request that
// cannot succeed, and would call a credentials problem an outage. When
// anything transient failed, it is a 503. Either way the message lists
// each deployment's reason.
func (f *failures) err(last *providers.Error) *providers.Error {
	e := &providers.Error{
		Kind: providers.KindUnavailable, Code: "all_providers_failed",
		Message: "no provider could serve the request: " + strings.Join(f.reasons, "; "),
	}
	if len(f.reasons) > 0 && f.same && permanentKind(f.kind) {
		e.Kind = f.kind
		return e
	}
	if last != nil {
		e.RetryAfter = last.RetryAfter
	}
	return e
}

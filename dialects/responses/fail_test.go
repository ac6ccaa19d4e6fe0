package responses

import (
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// A prompt the upstream's content policy refused fails the response with
// invalid_prompt, as a bad prompt does, not as a server error.
func TestFailCodeForPolicyRefusal(t *testing.T) {
	for kind, want := range map[providers.Kind]string{
		providers.KindPolicy:         "invalid_prompt",
		providers.KindInvalidRequest: "invalid_prompt",
		providers.KindRateLimited:    "rate_limit_exceeded",
		providers.KindUpstream:       "server_error",
	} {
		r := &Response{}
		r.fail(&providers.Error{Kind: kind, Message: "m"})
		if r.Status != "failed" || r.Error == nil || r.Error.Code != want {
			t.Errorf("%s: %+v", kind, r.Error)
		}
	}
}

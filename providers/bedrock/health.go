package bedrock

import (
	"context"
	"errors"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// healthProbe is a Converse body Bedrock refuses as invalid (no
// messages): the answer proves the endpoint is up and the credentials sign
// valid requests, at no token cost. Bedrock checks the signature and the
// permission before the body.
var healthProbe = []byte(`{"messages":[]}`)

// HealthCheck gets credentials and sends healthProbe to the model: a
// ValidationException is healthy; an auth, permission, throttling or
// server error is not.
func (b *Bedrock) HealthCheck(ctx context.Context, t providers.Target) error {
	a := b.newAttempt(ctx)
	defer a.end()
	resp, err := b.post(a.ctx, t.Model, opConverse, healthProbe, "application/json")
	if err == nil {
		resp.Body.Close()
		return nil
	}
	var e *providers.Error
	if errors.As(err, &e) && e.Kind == providers.KindInvalidRequest && e.Code == "ValidationException" {
		return nil
	}
	return b.attemptError(a, err)
}

package aibackends

import (
	"context"
	"net/http"

	"github.com/sira-ai/caddy-ai-backends/providers"
	"github.com/sira-ai/caddy-ai-backends/routing"
)

// operation is one call of a non-chat endpoint, described for runOperation.
type operation struct {
	model  string
	tokens int // prompt estimate, for routing
	// admission is what the caller's limits and budget reserve, given the
	// candidate deployments.
	admission func(ds []*deployment) admission
	// call performs the operation on one attempt's deployment.
	call func(a *attempt) error
	// answered, when set, runs after admission and before any plan: it
	// reports true when the answer is known without an upstream call (a
	// cached token count), or a failure to answer the client with.
	answered func() (bool, *providers.Error)
	// narrow, when set, keeps the plan's deployments that can serve this
	// request as asked (see keepRelaying), or refuses it when none can.
	narrow func(p *plan) *providers.Error
}

// runOperation is the pipeline of the non-chat endpoints: resolve the
// model, admit the caller, plan, and run the attempts under the request's
// deadline. It reports false after it answered the client with a failure.
func (h *Handler) runOperation(w http.ResponseWriter, r *http.Request, rec *record, op operation) bool {
	rec.model = op.model
	ds := h.catalog.resolve(op.model)
	if len(ds) == 0 {
		h.fail(w, rec, errNoDeployment(op.model))
		return false
	}
	if !h.admit(w, r, rec, op.model, op.admission(ds)) {
		return false
	}
	if op.answered != nil {
		done, e := op.answered()
		if e != nil {
			h.fail(w, rec, e)
			return false
		}
		if done {
			return true
		}
	}
	p := h.makePlan(r, ds, routing.Request{Model: op.model, PromptTokens: op.tokens})
	if op.narrow != nil {
		if e := op.narrow(&p); e != nil {
			h.fail(w, rec, e)
			return false
		}
	}
	rec.plan(p)
	ctx, cancel := context.WithTimeout(r.Context(), timeDuration(h.Retry.Deadline))
	defer cancel()
	if err := h.run(ctx, rec, p, func(a *attempt) (bool, error) { return false, op.call(a) }); err != nil {
		h.fail(w, rec, err)
		return false
	}
	h.decisionHeaders(w, r, rec, p)
	return true
}

// unsupported is the error for a deployment whose provider lacks op.
func unsupported(a *attempt, op string) *providers.Error {
	return providers.Unsupported(a.d.up.name, a.d.up.cfg.Type(), op)
}

package aibackends

import "github.com/sira-ai/caddy-ai-backends/security"

// modelAllowed decides a client key's model permission on what the name
// resolves to, never on the raw string alone: a public model name or alias
// is matched against the key's allow-list (wildcards included), while
// anything else is a "provider/model" address, which only an entry naming
// that provider admits ("provider/*" or the exact address). Otherwise a
// list like "sim*" would also admit "simp/<anything>" on a provider whose
// name happens to start with "sim".
func (mr *modelRoutes) modelAllowed(k *security.ClientKey, model string) bool {
	if k == nil {
		return true
	}
	if _, public := mr.catalog.byModel[model]; public {
		return k.ModelAllowed(model)
	}
	return k.AddressAllowed(model)
}

// callerMayUse applies the caller's key's allow-list and, for a managed
// key in a team, the team's too: both must admit the model.
func (mr *modelRoutes) callerMayUse(rec *record, model string) bool {
	return mr.modelAllowed(rec.clientKey, model) && (rec.team == nil || mr.modelAllowed(rec.team, model))
}

// modelVisible tells whether GET /v1/models and /v1/models/{id} show model
// to the caller of rec: it must resolve and the caller's key must be
// allowed to use it, so a listing never reveals a model (or, through a
// "provider/…" id, a provider name) the key cannot reach.
func (mr *modelRoutes) modelVisible(rec *record, model string) bool {
	return len(mr.catalog.resolve(model)) > 0 && mr.callerMayUse(rec, model)
}

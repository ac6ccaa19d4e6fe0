package providers

// OriginalRelayer is implemented by a provider that sends a client's own
// body on (with only the model and limits patched) when the body is in
// format f, so fields the gateway cannot translate still reach an upstream
// that understands them. The gateway sends a request carrying
// ChatRequest.Untranslatable fields only to such a provider.
type OriginalRelayer interface {
	RelaysOriginal(f Format) bool
}

// CanRelayOriginal reports whether p sends req's original body on as is.
func CanRelayOriginal(p Provider, req *ChatRequest) bool {
	r, ok := p.(OriginalRelayer)
	return ok && req.Original.Body != nil && r.RelaysOriginal(req.Original.Format)
}

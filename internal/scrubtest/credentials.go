package scrubtest

// Credentials the echo tests configure besides the provider's own key: a
// proxy's token in a header of its own and a gateway's bearer token. An
// echo upstream quotes them back; none may reach the client.
const (
	ProxyToken  = "proxy-token-8f3a9c2d"
	BearerToken = "gateway-secret-77aa66bb"
)

// ProxyHeaders are the headers in front of a provider whose key travels
// in a header of its own: the proxy's token and the gateway's bearer token
// in Authorization.
func ProxyHeaders() map[string]string {
	return map[string]string{"X-Proxy-Token": ProxyToken, "Authorization": "Bearer " + BearerToken}
}

// Secrets is every credential an echo test configures with key.
func Secrets(key string) []string { return []string{key, ProxyToken, BearerToken} }

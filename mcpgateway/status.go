package mcpgateway

// ServerStatus is one upstream server in the admin status API. It holds no
// header values.
type ServerStatus struct {
	Name      string `json:"name"`
	URL       string `json:"url"`
	Transport string `json:"transport"`
	Breaker   string `json:"breaker"`
	// OpenSessions is the number of upstream sessions open now.
	OpenSessions int64 `json:"open_sessions"`
	// Reached reports whether any session has initialized with it yet.
	Reached bool `json:"reached"`
}

// Status describes every server, in configuration order. url turns a
// server's URL into the form shown (the caller strips credentials).
func (g *Gateway) Status(url func(string) string) []ServerStatus {
	out := make([]ServerStatus, len(g.servers))
	for i, s := range g.servers {
		out[i] = ServerStatus{
			Name: s.cfg.Name, URL: url(s.cfg.URL), Transport: s.cfg.Transport,
			Breaker: s.brk.State().String(), OpenSessions: s.open.Load(), Reached: s.caps.Load() != nil,
		}
	}
	return out
}

package providers

import (
	"crypto/tls"
	"net/http"
	"net/url"
	"strings"
)

// RoundTrip sends req straight to the provider's transport, as
// reverse_proxy does: http.Client.Do would clone the headers on every call
// for its redirect handling, and an API POST must not follow a redirect
// anyway; a 3xx is answered like any other non-2xx.
//
// What Client.Do did besides redirects is kept, so that the request on the
// wire and the errors stay as they were: credentials in base_url are sent as
// Basic auth, and a transport error is wrapped in *url.Error
// (`Post "…": …`, password hidden), which Classify reads as a network
// error ("could not reach upstream") whatever the error inside.
func (c *Config) RoundTrip(req *http.Request) (*http.Response, error) {
	rt := http.DefaultTransport // an unprovisioned provider, in tests
	if c.client != nil && c.client.Transport != nil {
		rt = c.client.Transport
	}
	if u := req.URL.User; u != nil && req.Header.Get("Authorization") == "" {
		password, _ := u.Password()
		req.SetBasicAuth(u.Username(), password)
	}
	c.injectTraceContext(req)
	resp, err := rt.RoundTrip(req)
	if err != nil {
		// Client.Do's clearer error for an http:// server behind https://.
		if tlsErr, ok := err.(tls.RecordHeaderError); ok && string(tlsErr.RecordHeader[:]) == "HTTP/" {
			err = http.ErrSchemeMismatch
		}
		return nil, &url.Error{Op: req.Method[:1] + strings.ToLower(req.Method[1:]), URL: redactedURL(req.URL), Err: err}
	}
	return resp, nil
}

// redactedURL hides a password in u, as Client.Do does in its errors.
func redactedURL(u *url.URL) string {
	if _, ok := u.User.Password(); ok {
		return strings.Replace(u.String(), u.User.String()+"@", u.User.Username()+":***@", 1)
	}
	return u.String()
}

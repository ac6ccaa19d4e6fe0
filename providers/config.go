package providers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

// Config holds the settings every provider type shares. Provider modules
// embed it, so in JSON these fields sit beside the provider's own.
type Config struct {
	// Name identifies the provider in model addresses ("name/model"),
	// metrics and logs. Default: the provider type.
	Name string `json:"name,omitempty"`
	// BaseURL of the upstream API. Default: the provider type's public API.
	BaseURL string `json:"base_url,omitempty"`
	// APIKeys are the upstream credentials; several are spread by the
	// balancer. Values should be {env.*} or {file.*} placeholders.
	APIKeys []APIKey `json:"api_keys,omitempty"`
	// Organization is sent as OpenAI-Organization (OpenAI only).
	Organization string `json:"organization,omitempty"`
	// Models are the public model names this provider serves.
	Models []string `json:"models,omitempty"`
	// ModelMap maps a public model name to the upstream's name for it.
	ModelMap map[string]string `json:"model_map,omitempty"`
	// Timeout for one attempt: until the response headers and, for a
	// stream, between events. Default: 60s.
	Timeout caddy.Duration `json:"timeout,omitempty"`
	// MaxRetries of the same deployment on retryable errors. Default: 2.
	MaxRetries *int `json:"max_retries,omitempty"`
	// Headers are extra request headers (values may be placeholders).
	Headers map[string]string `json:"headers,omitempty"`
	// Weight for weighted balancing. Default: 1.
	Weight int `json:"weight,omitempty"`
	// Region of the deployments, for geographic routing (e.g. us-east).
	Region string `json:"region,omitempty"`
	// ModelOverrides replace built-in capabilities and prices per model.
	ModelOverrides map[string]catalog.Override `json:"model_overrides,omitempty"`
	// Versions of HTTP to speak to the upstream, as in reverse_proxy's
	// http transport: "1.1", "2", "h2c". Default (empty): HTTP/1.1, and
	// HTTP/2 when TLS negotiates it; "2" means the same. ["1.1"] alone is
	// HTTP/1.1 only. "h2c" makes an http:// base_url speak HTTP/2 with
	// prior knowledge (no HTTP/1.1); over https:// it is ignored and TLS
	// negotiates HTTP/2 as by default, like reverse_proxy does.
	Versions []string `json:"versions,omitempty"`
	// TraceContext sends the W3C trace context (traceparent, tracestate)
	// of the upstream attempt's span when the request is traced. Turn it
	// off for upstreams that reject unknown headers. Default: on.
	TraceContext *bool `json:"trace_context,omitempty"`
	// ReasoningBudgets override DefaultReasoningBudgets: the thinking
	// budget (tokens) each reasoning effort level becomes for upstreams
	// that take a budget (Anthropic, Gemini 2.5).
	ReasoningBudgets ReasoningBudgets `json:"reasoning_budgets,omitempty"`

	providerType string
	keys         []Key
	headers      http.Header
	client       *http.Client
	scrub        *Scrubber
}

// APIKey is one upstream credential as configured.
type APIKey struct {
	// Value is the key, normally a placeholder such as {env.OPENAI_API_KEY}.
	Value string `json:"value,omitempty"`
	// Encrypted is the key encrypted with one of the handler's master_keys
	// (see `caddy ai-backends encrypt-key`); it replaces Value.
	Encrypted string `json:"encrypted,omitempty"`
	// NotAfter retires the key after this time (RFC 3339 or 2006-01-02).
	NotAfter string `json:"not_after,omitempty"`
}

// Key is a resolved credential. Secret never leaves the process: logs,
// metrics and the admin API see only Fingerprint.
type Key struct {
	Secret      string
	Fingerprint string
	NotAfter    time.Time // zero: no expiry
}

// KeyFingerprint is a short, non-reversible identifier of a secret.
func KeyFingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return "kfp_" + hex.EncodeToString(sum[:8])
}

// Defaults describe a provider type for Provision.
type Defaults struct {
	Type       string // module name, e.g. "openai"
	BaseURL    string // "" = base_url is required
	KeyNeeded  bool   // at least one api key is required
	NoUpstream bool   // no HTTP upstream at all (the simulator)
}

// Provision resolves placeholders, applies defaults and builds the HTTP
// client. Provider modules call it from their own Provision.
func (c *Config) Provision(d Defaults) error {
	c.providerType = d.Type
	c.scrub = NewScrubber()
	if c.Name == "" {
		c.Name = d.Type
	}
	if strings.ContainsAny(c.Name, "/ \t") {
		return fmt.Errorf("provider name %q must not contain '/' or spaces", c.Name)
	}
	if c.Timeout <= 0 {
		c.Timeout = caddy.Duration(60 * time.Second)
	}
	if c.MaxRetries == nil {
		two := 2
		c.MaxRetries = &two
	}
	if c.Weight <= 0 {
		c.Weight = 1
	}
	if err := c.ReasoningBudgets.Check(); err != nil {
		return fmt.Errorf("provider %s: %w", c.Name, err)
	}
	for _, v := range c.Versions {
		if !slices.Contains(httpVersions, v) {
			return fmt.Errorf("provider %s: versions: unsupported HTTP version %q (want %s)",
				c.Name, v, strings.Join(httpVersions, ", "))
		}
	}
	if d.NoUpstream {
		return nil
	}
	if c.BaseURL == "" {
		c.BaseURL = d.BaseURL
	}
	if c.BaseURL == "" {
		return fmt.Errorf("provider %s: base_url is required", c.Name)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if u, err := url.Parse(c.BaseURL); err == nil {
		c.scrub.AddBasicAuth(u) // RoundTrip sends it as Basic auth
	}
	repl := caddy.NewReplacer()
	c.keys = c.keys[:0]
	encrypted := 0
	for i, k := range c.APIKeys {
		if k.Encrypted != "" {
			encrypted++ // decrypted by DecryptKeys once the master keys are known
			continue
		}
		secret, err := repl.ReplaceOrErr(k.Value, true, true)
		if err != nil {
			return fmt.Errorf("provider %s: api key %d: %v", c.Name, i+1, err)
		}
		if secret == "" {
			return fmt.Errorf("provider %s: api key %d is empty", c.Name, i+1)
		}
		key, err := c.newKey(i, secret, k.NotAfter)
		if err != nil {
			return err
		}
		c.keys = append(c.keys, key)
	}
	if d.KeyNeeded && len(c.keys)+encrypted == 0 {
		return fmt.Errorf("provider %s: api_key is required", c.Name)
	}
	c.headers = make(http.Header, len(c.Headers))
	for name, v := range c.Headers {
		val, err := repl.ReplaceOrErr(v, true, true)
		if err != nil {
			return fmt.Errorf("provider %s: header %s: %v", c.Name, name, err)
		}
		c.headers.Set(name, val)
		c.scrub.Add(val) // proxy tokens, "Bearer {env.K}": as secret as an api key
	}
	tr := NewTransport()
	tr.Protocols = upstreamProtocols(c.Versions, strings.HasPrefix(strings.ToLower(c.BaseURL), "https://"))
	c.client = &http.Client{Transport: tr}
	return nil
}

// httpVersions are the accepted values of Config.Versions. reverse_proxy's
// "3" is not among them: HTTP/3 would need a QUIC transport.
var httpVersions = []string{"1.1", "2", "h2c"}

// upstreamProtocols maps validated versions onto Transport.Protocols the
// way reverse_proxy's http transport does. nil keeps NewTransport's default
// (HTTP/1.1, plus HTTP/2 where TLS offers it), so existing configs are
// untouched.
func upstreamProtocols(versions []string, tls bool) *http.Protocols {
	var p http.Protocols
	switch {
	case slices.Contains(versions, "h2c") && !tls:
		// Prior knowledge: the transport speaks HTTP/2 on a cleartext
		// connection only when HTTP/1 is off.
		p.SetUnencryptedHTTP2(true)
	case len(versions) > 0 && !slices.Contains(versions, "2") && !slices.Contains(versions, "h2c"):
		p.SetHTTP1(true) // only "1.1"
	default:
		return nil
	}
	return &p
}

func (c *Config) newKey(i int, secret, notAfter string) (Key, error) {
	key := Key{Secret: secret, Fingerprint: KeyFingerprint(secret)}
	if c.scrub == nil {
		c.scrub = NewScrubber()
	}
	c.scrub.Add(secret) // whatever state the key is in later: expired, resting, disabled
	if notAfter != "" {
		t, err := parseNotAfter(notAfter)
		if err != nil {
			return Key{}, fmt.Errorf("provider %s: api key %d: not_after: %v", c.Name, i+1, err)
		}
		key.NotAfter = t
	}
	return key, nil
}

// HasEncryptedKeys reports whether DecryptKeys has work to do.
func (c *Config) HasEncryptedKeys() bool {
	for _, k := range c.APIKeys {
		if k.Encrypted != "" {
			return true
		}
	}
	return false
}

// DecryptKeys adds the encrypted keys, decrypted in memory. decrypt's
// errors must not contain key material; they are wrapped into config errors.
func (c *Config) DecryptKeys(decrypt func(ciphertext string) (string, error)) error {
	for i, k := range c.APIKeys {
		if k.Encrypted == "" {
			continue
		}
		secret, err := decrypt(k.Encrypted)
		if err != nil {
			return fmt.Errorf("provider %s: api key %d: %v", c.Name, i+1, err)
		}
		key, err := c.newKey(i, secret, k.NotAfter)
		if err != nil {
			return err
		}
		c.keys = append(c.keys, key)
	}
	return nil
}

func parseNotAfter(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Parse(time.DateOnly, s)
}

// Type returns the provider module's type name.
func (c *Config) Type() string { return c.providerType }

// Keys returns the resolved credentials (possibly none).
func (c *Config) Keys() []Key { return c.keys }

// Client returns the provider's HTTP client (one tuned transport per upstream).
func (c *Config) Client() *http.Client { return c.client }

// ExtraHeaders returns the resolved extra headers.
func (c *Config) ExtraHeaders() http.Header { return c.headers }

// Scrubber returns the provider's scrubber: every error built from what the
// upstream said passes through it (see Scrub). Provider types register
// further values they send (e.g. query parameters) with its Add.
func (c *Config) Scrubber() *Scrubber {
	if c.scrub == nil {
		c.scrub = NewScrubber() // an unprovisioned provider, in tests
	}
	return c.scrub
}

// Scrub classifies err, names this provider in it and replaces every
// credential-bearing value the provider sends with its fingerprint in
// everything the error shows (message, code, param, cause). Every error a
// provider returns that may hold upstream text goes through it.
func (c *Config) Scrub(err error) *Error {
	e := Classify(err)
	if e == nil || c == nil {
		return e
	}
	if e.Provider == "" {
		e.Provider = c.Name
	}
	return c.scrub.ScrubError(e)
}

// Retries returns the configured retry count.
func (c *Config) Retries() int {
	if c.MaxRetries == nil {
		return 2
	}
	return *c.MaxRetries
}

// UpstreamModel maps a public model name through ModelMap.
func (c *Config) UpstreamModel(public string) string {
	if m, ok := c.ModelMap[public]; ok {
		return m
	}
	return public
}

// Base returns c: a provider type that embeds Config has the Base its
// Provider interface asks for.
func (c *Config) Base() *Config { return c }

// Cleanup closes idle upstream connections. A provider type that embeds
// Config is a caddy.CleanerUpper through it; one holding more resources
// defines its own Cleanup and calls this one.
func (c *Config) Cleanup() error {
	if c.client != nil {
		c.client.CloseIdleConnections()
	}
	return nil
}

// NewTransport returns the transport for one upstream: kept-alive
// connections sized for many concurrent AI calls, HTTP/2 where offered.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// MaxErrorBodySize bounds how much of an upstream error body is read.
const MaxErrorBodySize = 1 << 20

// Post sends one JSON request to url and returns the response when the
// upstream answered 2xx. A transport failure is classified (TransportError);
// any other answer goes to upstreamError with at most MaxErrorBodySize bytes
// of its body, which is then closed. setHeaders writes the provider's
// headers (auth, version, extra headers).
func (c *Config) Post(ctx context.Context, url string, body []byte, setHeaders func(http.Header),
	upstreamError func(status int, h http.Header, body []byte) error) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, &Error{Kind: KindInternal, Provider: c.Name, Message: "could not build the upstream request", Err: err}
	}
	setHeaders(req.Header)
	resp, err := c.RoundTrip(req)
	if err != nil {
		return nil, c.TransportError(err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		errBody, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBodySize))
		return nil, c.Scrub(upstreamError(resp.StatusCode, resp.Header, errBody))
	}
	return resp, nil
}

// TransportError classifies a failure to talk to the upstream, naming the
// provider. The cause's text (e.g. the URL with its query) is scrubbed.
func (c *Config) TransportError(err error) *Error {
	return c.Scrub(err)
}

package bedrock

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// signingService is the SigV4 service name of the Bedrock runtime.
const signingService = "bedrock"

// newSigner returns a provider's signer. Each provider has its own: a
// signer caches derived signing keys by access key id, region and day, not
// by secret, so two providers sharing one could sign with each other's key.
func newSigner() *v4.Signer { return v4.NewSigner() }

// The runtime operations, appended to /model/{modelId}.
const (
	opConverse       = "/converse"
	opConverseStream = "/converse-stream"
	opInvoke         = "/invoke"
	opInvokeStream   = "/invoke-with-response-stream"
)

// modelURL is the URL of an operation on a model or inference profile.
// The id is checked as one path segment (no "/", ".." or "%"); ":" is
// escaped as the AWS SDKs do (amazon.titan-embed-text-v2%3A0).
func (b *Bedrock) modelURL(model, op string) (string, *providers.Error) {
	if e := providers.CheckPathModel(model, false); e != nil {
		e.Provider = b.Name
		return "", e
	}
	return b.BaseURL + "/model/" + strings.ReplaceAll(url.PathEscape(model), ":", "%3A") + op, nil
}

// post signs and sends one request; a non-2xx answer is classified from
// Bedrock's error body (errors.go). accept is the Accept header.
func (b *Bedrock) post(ctx context.Context, model, op string, body []byte, accept string) (*http.Response, error) {
	u, e := b.modelURL(model, op)
	if e != nil {
		return nil, e
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, b.Scrub(&providers.Error{Kind: providers.KindInternal, Message: "could not build the upstream request", Err: err})
	}
	for name, vals := range b.ExtraHeaders() {
		req.Header[name] = vals
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", accept)
	if err := b.sign(ctx, req, body); err != nil {
		return nil, err
	}
	resp, err := b.RoundTrip(req)
	if err != nil {
		return nil, b.transportError(ctx, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		errBody, _ := io.ReadAll(io.LimitReader(resp.Body, providers.MaxErrorBodySize))
		return nil, b.Scrub(upstreamError(resp.StatusCode, resp.Header, errBody))
	}
	return resp, nil
}

// sign adds the SigV4 Authorization (and X-Amz-Date, and the session
// token) to req for body.
func (b *Bedrock) sign(ctx context.Context, req *http.Request, body []byte) error {
	creds, err := b.creds.get(ctx)
	if err != nil {
		return b.Scrub(err)
	}
	sum := sha256.Sum256(body)
	if err := b.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), signingService, b.Region, b.now()); err != nil {
		return b.Scrub(&providers.Error{Kind: providers.KindInternal, Message: "could not sign the upstream request", Err: err})
	}
	return nil
}

// transportError classifies a failure to reach Bedrock or to read its
// answer, the caller's cancellation and deadline first.
func (b *Bedrock) transportError(ctx context.Context, err error) *providers.Error {
	if ctx.Err() != nil {
		return b.Scrub(providers.Classify(ctx.Err()))
	}
	return b.Scrub(err)
}

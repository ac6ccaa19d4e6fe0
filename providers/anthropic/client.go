package anthropic

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

// maxResponseSize bounds a non-streaming answer (the API's own request limit
// is 32 MB; answers are far smaller).
const maxResponseSize = 32 << 20

// Chat sends one non-streaming Messages request.
func (p *Provider) Chat(ctx context.Context, t providers.Target, req *providers.ChatRequest) (*providers.ChatResponse, error) {
	body, err := p.requestBody(t, req, false)
	if err != nil {
		return nil, p.tag(err)
	}
	a := p.newAttempt(ctx)
	defer a.end()
	resp, err := p.post(a, t, body, clientBeta(req))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseSize+1))
	if err != nil {
		return nil, p.transportError(a, err)
	}
	if len(raw) > maxResponseSize {
		return nil, p.tag(providers.Errorf(providers.KindUpstream, "upstream response larger than %d bytes", maxResponseSize))
	}
	out, err := FromAnthropic(raw, time.Now().Unix())
	if err != nil {
		return nil, p.tag(err)
	}
	if relaying(req) {
		// A /v1/messages client gets Anthropic's own answer, every block
		// (thinking and its signature included) as the upstream sent it.
		out.Original = providers.Original{Format: providers.FormatAnthropicMessages, Body: raw}
	}
	return out, nil
}

// RelaysOriginal is true for Anthropic Messages bodies: requestBody sends
// them on with only the model, max_tokens and stream patched.
func (p *Provider) RelaysOriginal(f providers.Format) bool {
	return f == providers.FormatAnthropicMessages
}

// relaying reports whether the request goes upstream as the client's own
// Messages body, so the answer can go back to that client as is.
func relaying(req *providers.ChatRequest) bool {
	return req.Original.Is(providers.FormatAnthropicMessages)
}

// ChatStream sends one streaming Messages request. A non-2xx answer is
// returned here, before any chunk; the stream reads one event per Next.
func (p *Provider) ChatStream(ctx context.Context, t providers.Target, req *providers.ChatRequest) (providers.ChatStream, error) {
	body, err := p.requestBody(t, req, true)
	if err != nil {
		return nil, p.tag(err)
	}
	a := p.newAttempt(ctx)
	resp, err := p.post(a, t, body, clientBeta(req))
	if err != nil {
		a.end()
		return nil, err
	}
	events, e := p.OpenEventStream(resp)
	if e != nil {
		resp.Body.Close()
		a.end()
		return nil, e
	}
	a.pause() // from here the timeout applies between events
	return &chatStream{p: p, a: a, body: resp.Body, sse: events,
		tr: NewStreamTranslator(time.Now().Unix()), relay: relaying(req)}, nil
}

// requestBody is the translated request, or the client's own Anthropic body
// (a /v1/messages request, req.Original) with model, stream and a lowered
// max_tokens set, so cache_control, thinking, documents, server tools and
// fields the gateway does not know reach Anthropic untouched.
func (p *Provider) requestBody(t providers.Target, req *providers.ChatRequest, stream bool) ([]byte, error) {
	if !relaying(req) {
		return ToAnthropic(req, Options{Model: t.Model, DefaultMaxTokens: p.DefaultMaxTokens, Stream: stream, Budgets: p.ReasoningBudgets})
	}
	body := req.Original.Body
	var err error
	if t.Model != "" {
		if body, err = providers.SetTopLevel(body, "model", appendString(nil, t.Model)); err != nil {
			return nil, invalid("", "request body must be a JSON object")
		}
	}
	// The handler may lower max_tokens (a configured cap): keep that.
	if req.MaxTokens != nil {
		limit := []byte(strconv.Itoa(*req.MaxTokens))
		if !bytes.Equal(providers.GetTopLevel(body, "max_tokens"), limit) {
			if body, err = providers.SetTopLevel(body, "max_tokens", limit); err != nil {
				return nil, invalid("", "request body must be a JSON object")
			}
		}
	}
	switch current := string(providers.GetTopLevel(body, "stream")); {
	case stream && current != "true":
		body, err = providers.SetTopLevel(body, "stream", []byte("true"))
	case !stream && current != "" && current != "false":
		body, err = providers.DeleteTopLevel(body, "stream")
	}
	if err != nil {
		return nil, invalid("", "request body must be a JSON object")
	}
	return body, nil
}

// post makes the one upstream attempt and classifies a non-2xx answer
// (a redirect included: RoundTrip does not follow it).
func (p *Provider) post(a *attempt, t providers.Target, body []byte, beta []string) (*http.Response, error) {
	return p.postTo(a, p.messagesURL(), t, body, beta)
}

// postTo is post to another endpoint of the API (count_tokens).
func (p *Provider) postTo(a *attempt, url string, t providers.Target, body []byte, beta []string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(a.ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, p.tag(&providers.Error{Kind: providers.KindInternal, Message: "building upstream request failed", Err: err})
	}
	p.setHeaders(req.Header, t, beta)
	resp, err := p.RoundTrip(req)
	if err != nil {
		return nil, p.transportError(a, err)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	errBody, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return nil, p.tag(upstreamError(p.Name, resp.StatusCode, resp.Header, errBody))
}

func (p *Provider) messagesURL() string {
	if p.endpoint != "" {
		return p.endpoint
	}
	base := p.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	return MessagesURL(base)
}

// transportError classifies a failure to reach the upstream or to read its
// answer; a timeout of this provider's own timer is KindTimeout.
func (p *Provider) transportError(a *attempt, err error) *providers.Error {
	var e *providers.Error
	switch {
	case a.timedOut():
		e = &providers.Error{Kind: providers.KindTimeout, Message: "upstream did not answer within " + a.timeout.String(), Err: err}
	case a.parent.Err() != nil:
		e = providers.Classify(a.parent.Err())
	default:
		e = providers.Classify(err)
	}
	return p.tag(e)
}

// clientBeta is the anthropic-beta values of a client that spoke
// Anthropic's format; other clients' requests carry none.
func clientBeta(req *providers.ChatRequest) []string {
	if req.Original.Format != providers.FormatAnthropicMessages {
		return nil
	}
	return req.Original.Beta
}

// tag names this provider in a classified error and scrubs every
// credential the provider sends from it: each error this provider returns
// passes through here (upstream messages and stream error events included).
func (p *Provider) tag(err error) *providers.Error { return p.Config.Scrub(err) }

// errAttemptTimeout is the cancel cause when Config.Timeout expires.
var errAttemptTimeout = errors.New("upstream attempt timed out")

// attempt is the context of one upstream call with the provider's timeout:
// it runs until the response headers (and the body, for a non-streaming
// call) and, for a stream, between two events.
type attempt struct {
	parent  context.Context
	ctx     context.Context
	cancel  context.CancelCauseFunc
	timeout time.Duration
	timer   *time.Timer
}

func (p *Provider) newAttempt(parent context.Context) *attempt {
	ctx, cancel := context.WithCancelCause(parent)
	a := &attempt{parent: parent, ctx: ctx, cancel: cancel, timeout: time.Duration(p.Timeout)}
	if a.timeout > 0 {
		a.timer = time.AfterFunc(a.timeout, func() { cancel(errAttemptTimeout) })
	}
	return a
}

func (a *attempt) pause() {
	if a.timer != nil {
		a.timer.Stop()
	}
}

func (a *attempt) resume() {
	if a.timer != nil {
		a.timer.Reset(a.timeout)
	}
}

func (a *attempt) timedOut() bool {
	return errors.Is(context.Cause(a.ctx), errAttemptTimeout)
}

// end releases the attempt; it aborts the upstream request if still running.
func (a *attempt) end() {
	a.pause()
	a.cancel(context.Canceled)
}

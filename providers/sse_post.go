package providers

import (
	"context"
	"net/http"
)

// PostEventStream sends a stream request with post, under a context of its
// own, and opens the answer's events (OpenEventStream). The stream's Close
// calls cancel, which ends the upstream request and bounds a drain; on an
// error the answer is released and the context cancelled here.
func (c *Config) PostEventStream(ctx context.Context, post func(context.Context) (*http.Response, error)) (*http.Response, *SSEReader, context.CancelFunc, error) {
	ctx, cancel := context.WithCancel(ctx)
	resp, err := post(ctx)
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	events, e := c.OpenEventStream(resp)
	if e != nil {
		resp.Body.Close()
		cancel()
		return nil, nil, nil, e
	}
	return resp, events, cancel, nil
}

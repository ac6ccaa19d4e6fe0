package bedrock

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sira-ai/caddy-ai-backends/internal/fakeupstream"
)

// rotatingSource hands out the next key pair on every retrieval, each
// already expired, as a short-lived STS session would be by the next call.
type rotatingSource struct {
	keys []fakeupstream.BedrockCredentials
	n    atomic.Int64
}

func (r *rotatingSource) Retrieve(context.Context) (aws.Credentials, error) {
	k := r.keys[int(r.n.Add(1)-1)%len(r.keys)]
	return aws.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, SessionToken: k.SessionToken,
		CanExpire: true, Expires: time.Now().Add(-time.Second)}, nil
}

// TestCredentialsRefreshed: credentials that expire during a run are
// fetched again, each request signs with the current ones, and every
// secret and token handed out is scrubbed.
func TestCredentialsRefreshed(t *testing.T) {
	next := []fakeupstream.BedrockCredentials{
		{AccessKeyID: "ASIAROTATED0000001", SecretAccessKey: "rotated-secret-one-0123456789abcdef", SessionToken: "rotated-token-one-0123456789abcdef"},
		{AccessKeyID: "ASIAROTATED0000002", SecretAccessKey: "rotated-secret-two-0123456789abcdef", SessionToken: "rotated-token-two-0123456789abcdef"},
	}
	srv, rec := fakeBedrock(t, func(c *fakeupstream.BedrockConfig) { c.Rotated = next })
	b := newBedrock(t, srv, nil)
	src := &rotatingSource{keys: next}
	b.creds = &credentials{cache: aws.NewCredentialsCache(src), scrub: b.Scrubber()}
	for i := range 3 {
		if _, err := b.Chat(context.Background(), target(testNova), chatRequest(t, `{"model":"x","messages":[{"role":"user","content":"Hi"}]}`)); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		want := next[i%2].AccessKeyID
		if auth := rec.Last().Header.Get("Authorization"); !strings.Contains(auth, "Credential="+want+"/") {
			t.Errorf("request %d signed with %s, want %s", i, auth, want)
		}
	}
	if src.n.Load() != 3 {
		t.Errorf("%d retrievals, want 3", src.n.Load())
	}
	for _, k := range next {
		if got := b.Scrubber().Scrub(k.SecretAccessKey + " " + k.SessionToken); strings.Contains(got, "rotated-") {
			t.Errorf("not scrubbed: %s", got)
		}
	}
}

package bedrock

import (
	"net/http"
	"testing"

	"github.com/sira-ai/caddy-ai-backends/providers"
)

func TestUpstreamErrorClassified(t *testing.T) {
	for _, tc := range []struct {
		status int
		typ    string
		kind   providers.Kind
		client int
	}{
		{429, "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/", providers.KindRateLimited, 429},
		{503, "ServiceUnavailableException", providers.KindOverloaded, 503},
		{429, "ModelNotReadyException", providers.KindOverloaded, 503},
		{400, "ValidationException", providers.KindInvalidRequest, 400},
		{403, "AccessDeniedException", providers.KindPermission, 403},
		{403, "UnrecognizedClientException", providers.KindAuth, 401},
		{403, "InvalidSignatureException", providers.KindAuth, 401},
		{403, "ExpiredTokenException", providers.KindAuth, 401},
		{408, "ModelTimeoutException", providers.KindTimeout, 504},
		{404, "ResourceNotFoundException", providers.KindNotFound, 404},
		{400, "ServiceQuotaExceededException", providers.KindQuota, 429},
		{500, "InternalServerException", providers.KindUpstream, 502},
		{424, "ModelErrorException", providers.KindUpstream, 502},
		{502, "", providers.KindUpstream, 502},
	} {
		h := http.Header{}
		if tc.typ != "" {
			h.Set("X-Amzn-ErrorType", tc.typ)
		}
		e := upstreamError(tc.status, h, []byte(`{"message":"why"}`))
		if e.Kind != tc.kind || e.HTTPStatus() != tc.client || e.Message != "why" {
			t.Errorf("%d %s: kind %v status %d message %q", tc.status, tc.typ, e.Kind, e.HTTPStatus(), e.Message)
		}
	}
	// Retryable and fallback follow the kind.
	h := http.Header{"X-Amzn-Errortype": {"ServiceUnavailableException"}}
	if e := upstreamError(503, h, nil); !e.Retryable() || !e.Fallback() {
		t.Errorf("service unavailable: %+v", e)
	}
	if e := upstreamError(400, http.Header{"X-Amzn-Errortype": {"ValidationException"}}, []byte(`{"Message":"bad"}`)); e.Retryable() || e.Fallback() || e.Message != "bad" {
		t.Errorf("validation: %+v", e)
	}
}

func TestStreamExceptionClassified(t *testing.T) {
	for typ, kind := range map[string]providers.Kind{
		"throttlingException":         providers.KindRateLimited,
		"modelStreamErrorException":   providers.KindUpstream,
		"validationException":         providers.KindInvalidRequest,
		"internalServerException":     providers.KindUpstream,
		"serviceUnavailableException": providers.KindOverloaded,
		"modelTimeoutException":       providers.KindTimeout,
		"somethingNewException":       providers.KindUpstream,
	} {
		e := streamException(typ, []byte(`{"message":"m"}`))
		if e.Kind != kind || e.Message != typ+": m" {
			t.Errorf("%s: %+v", typ, e)
		}
	}
}

func TestModelURL(t *testing.T) {
	b := &Bedrock{}
	b.BaseURL = "https://bedrock-runtime.us-east-1.amazonaws.com"
	for model, want := range map[string]string{
		"amazon.titan-embed-text-v2:0":                 "/model/amazon.titan-embed-text-v2%3A0/invoke",
		"us.anthropic.claude-sonnet-4-5-20250929-v1:0": "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke",
		"cohere.embed-english-v3":                      "/model/cohere.embed-english-v3/invoke",
	} {
		u, e := b.modelURL(model, opInvoke)
		if e != nil || u != b.BaseURL+want {
			t.Errorf("%s: %s %v", model, u, e)
		}
	}
	if _, e := b.modelURL("arn:aws:bedrock:us-east-1:1:inference-profile/us.x", opInvoke); e == nil || e.Param != "model" {
		t.Errorf("an ARN with '/': %v", e)
	}
}

package fakeupstream

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Bedrock's authentication failures, as the service answers them: status,
// x-amzn-ErrorType and body.
const (
	BedrockSignatureMismatch = `{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}`
	bedrockUnknownKey        = `{"message":"The security token included in the request is invalid."}`
	bedrockMissingAuth       = `{"message":"Missing Authentication Token"}`
	bedrockIncomplete        = `{"message":"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter."}`
)

// bedrockMaxSkew is how far a request's X-Amz-Date may be from the
// service's clock.
const bedrockMaxSkew = 5 * time.Minute

// verifySigV4 checks r's SigV4 signature the way AWS does: it recomputes
// it with the same algorithm (the SDK's signer) from the headers the
// client signed, the secret of the access key, and the body. It returns
// status 0 when the request is authentic.
func (f *fakeBedrock) verifySigV4(r *http.Request, body []byte) (status int, errType, msg string) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return http.StatusForbidden, "MissingAuthenticationTokenException", bedrockMissingAuth
	}
	algo, rest, _ := strings.Cut(auth, " ")
	fields := map[string]string{}
	for part := range strings.SplitSeq(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		fields[k] = v
	}
	cred, signed, sig := fields["Credential"], fields["SignedHeaders"], fields["Signature"]
	scope := strings.Split(cred, "/")
	if algo != "AWS4-HMAC-SHA256" || len(scope) != 5 || signed == "" || sig == "" {
		return http.StatusForbidden, "IncompleteSignatureException", bedrockIncomplete
	}
	keyID, day, region, service := scope[0], scope[1], scope[2], scope[3]
	key, known := f.key(keyID)
	token := r.Header.Get("X-Amz-Security-Token")
	if !known || token != key.SessionToken {
		return http.StatusForbidden, "UnrecognizedClientException", bedrockUnknownKey
	}
	stamp := r.Header.Get("X-Amz-Date")
	at, err := time.Parse("20060102T150405Z", stamp)
	if err != nil {
		return http.StatusForbidden, "IncompleteSignatureException", `{"message":"Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."}`
	}
	now := f.now().UTC()
	if skew := now.Sub(at); skew > bedrockMaxSkew || skew < -bedrockMaxSkew {
		const layout = "20060102T150405Z"
		m := fmt.Sprintf(`{"message":"Signature expired: %s is now earlier than %s (%s - 5 min.)"}`,
			stamp, now.Add(-bedrockMaxSkew).Format(layout), now.Format(layout))
		if skew < 0 {
			m = fmt.Sprintf(`{"message":"Signature not yet current: %s is still later than %s (%s + 5 min.)"}`,
				stamp, now.Add(bedrockMaxSkew).Format(layout), now.Format(layout))
		}
		return http.StatusForbidden, "InvalidSignatureException", m
	}
	if day != at.Format("20060102") || region != f.cfg.Region || service != "bedrock" {
		return http.StatusForbidden, "InvalidSignatureException", BedrockSignatureMismatch
	}
	// Rebuild the request from what was signed, and sign it again.
	u := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawPath: r.URL.RawPath, RawQuery: r.URL.RawQuery}
	again := &http.Request{Method: r.Method, URL: u, Host: r.Host, Header: http.Header{}, ContentLength: int64(len(body))}
	for name := range strings.SplitSeq(signed, ";") {
		if name == "host" || name == "content-length" {
			continue
		}
		again.Header[http.CanonicalHeaderKey(name)] = r.Header.Values(name)
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: keyID, SecretAccessKey: key.SecretAccessKey, SessionToken: token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, again, hex.EncodeToString(sum[:]), service, region, at); err != nil {
		return http.StatusInternalServerError, "InternalServerException", `{"message":"signing failed"}`
	}
	want := again.Header.Get("Authorization")
	_, wantSig, _ := strings.Cut(want, "Signature=")
	if !strings.Contains(want, "SignedHeaders="+signed+",") || !hmac.Equal([]byte(wantSig), []byte(sig)) {
		return http.StatusForbidden, "InvalidSignatureException", BedrockSignatureMismatch
	}
	return 0, "", ""
}

// key finds the credentials of an access key id.
func (f *fakeBedrock) key(id string) (BedrockCredentials, bool) {
	if id == f.cfg.AccessKeyID {
		return BedrockCredentials{f.cfg.AccessKeyID, f.cfg.SecretAccessKey, f.cfg.SessionToken}, true
	}
	for _, k := range f.cfg.Rotated {
		if k.AccessKeyID == id {
			return k, true
		}
	}
	return BedrockCredentials{}, false
}

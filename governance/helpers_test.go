package governance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/certmagic"

	"github.com/sira-ai/caddy-ai-backends/internal/testclock"
)

// newTestGov opens a Governance on dir (a fresh one when dir is "") with
// a test clock.
func newTestGov(t *testing.T, dir string, clock *testclock.Clock) *Governance {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	g, err := New(context.Background(), &certmagic.FileStorage{Path: dir}, Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func ptr[T any](v T) *T { return &v }

// mustCreate creates a key and returns it with its secret.
func mustCreate(t *testing.T, g *Governance, in KeyInput) (Key, string) {
	t.Helper()
	k, secret, err := g.CreateKey(context.Background(), "test", in)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return k, secret
}

// adminDo sends one request to ServeAdmin and returns the status (the
// APIError's when it fails) and the body.
func adminDo(t *testing.T, g *Governance, method, path, body string) (int, []byte) {
	t.Helper()
	r := httptest.NewRequest(method, path, bytes.NewReader([]byte(body)))
	w := httptest.NewRecorder()
	err := g.ServeAdmin(w, r)
	if err != nil {
		var ae caddy.APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%s %s: error %v is not a caddy.APIError", method, path, err)
		}
		msg, _ := json.Marshal(map[string]string{"error": ae.Err.Error()})
		return ae.HTTPStatus, msg
	}
	return w.Code, w.Body.Bytes()
}

func decodeInto(t *testing.T, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decoding %s: %v", raw, err)
	}
}

// epoch is a fixed test time well inside a budget period.
var epoch = time.Date(2030, 3, 10, 12, 0, 0, 0, time.UTC)

// tempStorage is a file storage in a fresh test directory.
func tempStorage(tb testing.TB) certmagic.Storage {
	return &certmagic.FileStorage{Path: tb.TempDir()}
}

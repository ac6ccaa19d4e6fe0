package aibackends

import (
	"strings"
	"testing"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
)

// Every block refuses what it does not know in the same words, and every
// flag refuses an argument.
func TestCaddyfileBlockErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"ai_backends {\n bogus\n}", `unrecognized ai_backends subdirective "bogus"`},
		{"ai_backends {\n cache {\n colour red\n }\n}", `unrecognized cache option "colour"`},
		{"ai_backends {\n security {\n anomaly {\n x 1\n }\n }\n}", `unrecognized anomaly option "x"`},
		{"ai_backends {\n mcp {\n server a http://x {\n zz\n }\n }\n}", `unrecognized mcp server option "zz"`},
		{"ai_backends {\n cache {\n all_requests yes\n }\n}", "wrong argument count"},
		{"ai_backends {\n audit_prompts yes\n}", "wrong argument count"},
		{"ai_backends {\n cache\n cache\n}", "cache is configured twice"},
		{"ai_backends {\n catalog a.json\n catalog b.json\n}", "catalog is configured twice"},
		{"ai_backends {\n retry {\n deadline soon\n }\n}", `deadline: time: invalid duration "soon"`},
	} {
		var h Handler
		err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want it to contain %q", tc.src, err, tc.want)
		}
	}
}

// The table readers fill what they name and leave the rest alone.
func TestCaddyfileBlockReaders(t *testing.T) {
	var h Handler
	err := h.UnmarshalCaddyfile(caddyfile.NewTestDispenser(`ai_backends {
		audit_prompts
		key_expiry_warning_days 3
		master_key {env.A} {env.B}
		master_key {env.C}
		storage redis {
			address localhost:6379
			db 2
			fail_closed
		}
		mcp /tools {
			server a http://x {
				pass_client_token
				tools t1 t2
				tools t3
			}
		}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	r := h.Storage.Redis
	s := h.MCP.Servers[0]
	if !h.AuditPrompts || h.ManagedKeys || h.KeyExpiryWarningDays != 3 || strings.Join(h.MasterKeys, ",") != "{env.A},{env.B},{env.C}" ||
		r.Address != "localhost:6379" || r.DB != 2 || !r.FailClosed || r.Password != "" ||
		h.MCP.Path != "/tools" || !s.PassClientToken || strings.Join(s.Tools, ",") != "t1,t2,t3" || s.Prompts != nil {
		t.Fatalf("parsed %+v, storage %+v, mcp %+v", h, *r, *h.MCP)
	}
}

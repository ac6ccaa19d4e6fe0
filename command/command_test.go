package command

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/sira-ai/caddy-ai-backends/keystore"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// runAsCaddy makes the test binary act as the caddy command: the tests
// start it again as a child process with this variable set, which runs
// the subcommands exactly as a caddy binary with this package would.
const runAsCaddy = "AIBK_COMMAND_TEST_RUN_CADDY"

func TestMain(m *testing.M) {
	if os.Getenv(runAsCaddy) == "1" {
		caddycmd.Main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const apiKey = "sk-proj-TOP-SECRET-api-key-0123456789"

type result struct {
	stdout, stderr string
	code           int
}

// runCaddy runs "caddy args..." as a process with stdin and extra env.
func runCaddy(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), runAsCaddy+"=1", "HOME="+t.TempDir()), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			t.Fatalf("running caddy %v: %v", args, err)
		}
		code = exit.ExitCode()
	}
	return result{out.String(), errOut.String(), code}
}

func (r result) ok(t *testing.T) string {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}

// fails checks a failed run: non-zero exit, nothing on stdout, the
// expected words on stderr, and none of the secrets anywhere.
func (r result) fails(t *testing.T, want string, secrets ...string) {
	t.Helper()
	if r.code == 0 {
		t.Fatalf("exit 0, want failure\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout on failure: %q", r.stdout)
	}
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not say %q", r.stderr, want)
	}
	for _, s := range append(secrets, apiKey) {
		if s != "" && (strings.Contains(r.stderr, s) || strings.Contains(r.stdout, s)) {
			t.Fatalf("output holds a secret %.8s...: %s", s, r.stderr)
		}
	}
}

func newMasterKey(t *testing.T) (string, keystore.MasterKey) {
	t.Helper()
	text, err := keystore.GenerateMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	k, err := keystore.ParseMasterKey(text)
	if err != nil {
		t.Fatal(err)
	}
	return text, k
}

func TestEncryptKey(t *testing.T) {
	t.Parallel()
	masterText, master := newMasterKey(t)
	env := []string{"AI_MASTER=" + masterText}
	for _, stdin := range []string{apiKey, apiKey + "\n", apiKey + "\r\n"} {
		out := runCaddy(t, stdin, env, "ai-backends", "encrypt-key", "--master-key-env", "AI_MASTER").ok(t)
		if !strings.HasPrefix(out, "aibk1:"+master.ID()+":") || strings.Contains(out, apiKey) {
			t.Fatalf("ciphertext %q", out)
		}
		got, err := keystore.NewKeyring(master).Decrypt(out)
		if err != nil || got != apiKey {
			t.Fatalf("decrypts to %q, %v", got, err)
		}
	}
	// Only one line ending is dropped: the rest is part of the key.
	out := runCaddy(t, apiKey+"\n\n", env, "ai-backends", "encrypt-key", "--master-key-env", "AI_MASTER").ok(t)
	if got, _ := keystore.NewKeyring(master).Decrypt(out); got != apiKey+"\n" {
		t.Fatalf("decrypts to %q", got)
	}
	// From a file.
	path := filepath.Join(t.TempDir(), "master.key")
	if err := os.WriteFile(path, []byte(masterText+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out = runCaddy(t, apiKey, nil, "ai-backends", "encrypt-key", "--master-key-file", path).ok(t)
	if got, err := keystore.NewKeyring(master).Decrypt(out); err != nil || got != apiKey {
		t.Fatalf("file key: %q %v", got, err)
	}
}

// TestEncryptKeyFailsAsProcess checks a failure's exit code and stderr.
func TestEncryptKeyFailsAsProcess(t *testing.T) {
	t.Parallel()
	masterText, _ := newMasterKey(t)
	runCaddy(t, apiKey, []string{"BAD_MASTER=not-a-key-" + apiKey}, "ai-backends", "encrypt-key", "--master-key-env", "BAD_MASTER").
		fails(t, "invalid master key", masterText, "not-a-key")
	runCaddy(t, "", nil, "ai-backends", "encrypt-key", "--master-key-env", masterText).fails(t, "not shown", masterText)
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	want := providers.KeyFingerprint(apiKey)
	if got := runCaddy(t, apiKey+"\n", nil, "ai-backends", "fingerprint").ok(t); got != want {
		t.Fatalf("fingerprint = %q, want %q", got, want)
	}
	masterText, master := newMasterKey(t)
	encrypted, err := keystore.NewKeyring(master).Encrypt(apiKey)
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"AI_MASTER=" + masterText}
	if got := runCaddy(t, encrypted, env, "ai-backends", "fingerprint", "--master-key-env", "AI_MASTER").ok(t); got != want {
		t.Fatalf("fingerprint of the encrypted key = %q, want %q", got, want)
	}
	runCaddy(t, encrypted, nil, "ai-backends", "fingerprint").fails(t, "the key is encrypted", masterText)
	otherText, _ := newMasterKey(t)
	runCaddy(t, encrypted, []string{"OTHER=" + otherText}, "ai-backends", "fingerprint", "--master-key-env", "OTHER").
		fails(t, "cannot decrypt key", masterText, otherText)
	runCaddy(t, "", nil, "ai-backends", "fingerprint").fails(t, "no API key")
}

func TestReencrypt(t *testing.T) {
	t.Parallel()
	oldText, oldKey := newMasterKey(t)
	newText, newKey := newMasterKey(t)
	env := []string{"OLD=" + oldText, "NEW=" + newText}
	underOld := runCaddy(t, apiKey, env, "ai-backends", "encrypt-key", "--master-key-env", "OLD").ok(t)

	for _, args := range [][]string{
		{"--master-key-env", "NEW,OLD"},
		{"--master-key-env", "NEW", "--master-key-env", "OLD"},
	} {
		out := runCaddy(t, underOld+"\n", env, append([]string{"ai-backends", "reencrypt"}, args...)...).ok(t)
		if !strings.HasPrefix(out, "aibk1:"+newKey.ID()+":") {
			t.Fatalf("%v: re-encrypted to %q", args, out)
		}
		if got, err := keystore.NewKeyring(newKey).Decrypt(out); err != nil || got != apiKey {
			t.Fatalf("%v: %q %v", args, got, err)
		}
	}
	dir := t.TempDir()
	newPath, oldPath := filepath.Join(dir, "new.key"), filepath.Join(dir, "old.key")
	os.WriteFile(newPath, []byte(newText), 0o600)
	os.WriteFile(oldPath, []byte(oldText), 0o600)
	out := runCaddy(t, underOld, nil, "ai-backends", "reencrypt", "--master-key-file", newPath, "--master-key-file", oldPath).ok(t)
	if !strings.HasPrefix(out, "aibk1:"+newKey.ID()+":") {
		t.Fatalf("files: re-encrypted to %q", out)
	}

	secrets := []string{oldText, newText}
	runCaddy(t, underOld, env, "ai-backends", "reencrypt", "--master-key-env", "NEW").
		fails(t, "not configured", secrets...)
	tampered := underOld[:len(underOld)-3] + "AAA"
	if tampered == underOld {
		tampered = underOld[:len(underOld)-3] + "BBB"
	}
	runCaddy(t, tampered, env, "ai-backends", "reencrypt", "--master-key-env", "NEW,OLD").
		fails(t, "cannot decrypt", secrets...)
	runCaddy(t, apiKey, env, "ai-backends", "reencrypt", "--master-key-env", "NEW,OLD").
		fails(t, "not an encrypted key", secrets...)
	_ = oldKey
}

func TestReport(t *testing.T) {
	t.Parallel()
	lines := []string{
		`{"level":"info","ts":1740823200.5,"logger":"http.handlers.ai_backends.audit","msg":"request","client_key":"kfp_a","client_label":"team-a","model":"gpt-4o","provider":"openai","deployment":"openai/gpt-4o","status":200,"error_type":"","prompt_tokens":10,"completion_tokens":5,"cached_tokens":0,"cost_usd":0.5,"latency":1.2,"cache":"miss","degraded":""}`,
		`{"level":"info","ts":1740909600,"logger":"http.handlers.ai_backends.audit","msg":"request","client_key":"kfp_b","model":"gpt-4o","provider":"none","deployment":"","status":401,"error_type":"auth"}`,
		`{"level":"warn","ts":1740909601,"logger":"http.handlers.ai_backends","msg":"upstream key disabled after an authentication failure","provider":"openai","key":"kfp_up","status":401}`,
		`not json at all`,
		`{"level":"info","ts":1740909602,"logger":"http.log.access","msg":"handled request"}`,
	}
	path := filepath.Join(t.TempDir(), "audit.log")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := runCaddy(t, "", nil, "ai-backends", "report", "--audit-log", path, "--format", "json")
	var r struct {
		Lines struct {
			Read, Audit, Security, Other, Malformed int
		}
		Totals struct {
			Requests, Errors int
			CostUSD          float64 `json:"cost_usd"`
		}
		Denials  []struct{ Name string }
		Security struct {
			KeyDisables int `json:"key_disables"`
		}
		Coverage struct{ Days int }
	}
	if err := json.Unmarshal([]byte(res.ok(t)), &r); err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	if r.Lines.Read != 5 || r.Lines.Audit != 2 || r.Lines.Security != 1 || r.Lines.Malformed != 1 ||
		r.Totals.Requests != 2 || r.Totals.Errors != 1 || r.Totals.CostUSD != 0.5 ||
		len(r.Denials) != 1 || r.Security.KeyDisables != 1 || r.Coverage.Days != 2 {
		t.Fatalf("report: %+v", r)
	}
	if !strings.Contains(res.stderr, "1 malformed line(s) skipped") {
		t.Errorf("stderr: %q", res.stderr)
	}

	// The window, other formats, standard input.
	text := runCaddy(t, "", nil, "ai-backends", "report", "--audit-log", path, "--until", "2025-03-01").ok(t)
	if !strings.Contains(text, "5 read: 1 audit, 0 security events, 1 other, 1 malformed, 2 outside the window") {
		t.Errorf("text report:\n%s", text)
	}
	csv := runCaddy(t, strings.Join(lines, "\n"), nil, "ai-backends", "report", "--audit-log", "-", "--format", "csv", "--since", "2025-03-02").ok(t)
	if !strings.HasPrefix(csv, "section,key,label,metric,value\n") || !strings.Contains(csv, "totals,,,requests,1\n") {
		t.Errorf("csv report:\n%s", csv)
	}

	runCaddy(t, "", nil, "ai-backends", "report", "--audit-log", path+".missing").fails(t, "no such file")
}

func TestParentCommand(t *testing.T) {
	t.Parallel()
	help := runCaddy(t, "", nil, "ai-backends").ok(t)
	for _, sub := range []string{"encrypt-key", "reencrypt", "fingerprint", "generate-master-key", "report"} {
		if !strings.Contains(help, sub) {
			t.Errorf("help does not list %s:\n%s", sub, help)
		}
	}
	runCaddy(t, "", nil, "ai-backends", apiKey).fails(t, "unexpected argument")
	text := runCaddy(t, "", nil, "ai-backends", "generate-master-key").ok(t)
	if raw, err := base64.StdEncoding.DecodeString(text); err != nil || len(raw) != keystore.MasterKeySize {
		t.Fatalf("generated master key %q: %v", text, err)
	}
}

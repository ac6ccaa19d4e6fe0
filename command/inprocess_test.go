package command

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/sira-ai/caddy-ai-backends/keystore"
)

// inProcess runs "caddy ai-backends args..." in this process: quicker
// than a child process, for the long list of failure cases. The error
// returned is the message Caddy would log on stderr.
func inProcess(stdin string, args ...string) (string, error) {
	root := &cobra.Command{Use: "ai-backends", SilenceUsage: true, SilenceErrors: true}
	configure(root)
	var out, errOut bytes.Buffer
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&out)
	root.SetErr(&errOut)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestEncryptKeyErrors(t *testing.T) {
	masterKey, err := keystore.GenerateMasterKey()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AI_MASTER", masterKey)
	t.Setenv("BAD_MASTER", "not-a-key-"+apiKey)
	t.Setenv("EMPTY_MASTER", "")
	// A variable whose name happens to parse as a key is still a name.
	const keyLikeName = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	t.Setenv(keyLikeName, "not-a-key")
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte("garbage "+apiKey), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, stdin, want string
		args              []string
	}{
		{"no master key", apiKey, "master key is required", nil},
		{"unset variable", apiKey, "UNSET_VARIABLE_X is not set", []string{"--master-key-env", "UNSET_VARIABLE_X"}},
		{"empty variable", apiKey, "EMPTY_MASTER is not set or empty", []string{"--master-key-env", "EMPTY_MASTER"}},
		{"bad master key", apiKey, "invalid master key", []string{"--master-key-env", "BAD_MASTER"}},
		{"bad key file", apiKey, "invalid master key", []string{"--master-key-file", keyFile}},
		{"key as env name", apiKey, "not shown", []string{"--master-key-env", masterKey}},
		{"invalid env name", apiKey, "not shown", []string{"--master-key-env", "sk-" + apiKey}},
		{"key as file path", apiKey, "not shown", []string{"--master-key-file", masterKey}},
		{"key-like but set variable", apiKey, "invalid master key", []string{"--master-key-env", keyLikeName}},
		{"missing file", apiKey, "no such file", []string{"--master-key-file", filepath.Join(t.TempDir(), "missing")}},
		{"env and file", apiKey, "not both", []string{"--master-key-env", "AI_MASTER", "--master-key-file", keyFile}},
		{"empty stdin", "", "no API key on standard input", []string{"--master-key-env", "AI_MASTER"}},
		{"only a newline", "\n", "no API key", []string{"--master-key-env", "AI_MASTER"}},
		{"huge stdin", strings.Repeat("k", maxSecretInput+1), "longer than", []string{"--master-key-env", "AI_MASTER"}},
		{"key as argument", "", "unexpected argument", []string{"--master-key-env", "AI_MASTER", apiKey}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, err := inProcess(c.stdin, append([]string{"encrypt-key"}, c.args...)...)
			if err == nil || out != "" {
				t.Fatalf("succeeded: %q", out)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) {
				t.Errorf("error %q does not say %q", msg, c.want)
			}
			if strings.Contains(msg, apiKey) || strings.Contains(msg, masterKey) || strings.Contains(msg, "not-a-key") {
				t.Fatalf("error holds a secret: %q", msg)
			}
		})
	}
	// There is no flag that takes a master key's value.
	if _, err := inProcess(apiKey, "encrypt-key", "--master-key", masterKey); err == nil ||
		!strings.Contains(err.Error(), "unknown flag") {
		t.Fatalf("--master-key: %v", err)
	}
}

func TestInProcessRoundTrip(t *testing.T) {
	masterKey, _ := keystore.GenerateMasterKey()
	t.Setenv("AI_MASTER", masterKey)
	ct, err := inProcess(apiKey+"\n", "encrypt-key", "--master-key-env", "AI_MASTER")
	if err != nil {
		t.Fatal(err)
	}
	again, err := inProcess(ct, "reencrypt", "--master-key-env", "AI_MASTER")
	if err != nil || again == ct || !keystore.IsEncrypted(again) {
		t.Fatalf("reencrypt: %q %v", again, err)
	}
	fp1, _ := inProcess(apiKey, "fingerprint")
	fp2, err := inProcess(again, "fingerprint", "--master-key-env", "AI_MASTER")
	if err != nil || fp1 != fp2 || !strings.HasPrefix(fp1, "kfp_") {
		t.Fatalf("fingerprints %q %q %v", fp1, fp2, err)
	}
}

func TestReportErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	os.WriteFile(path, nil, 0o600)
	for _, c := range []struct {
		want string
		args []string
	}{
		{"--audit-log FILE is required", nil},
		{"no such file", []string{"--audit-log", path + ".missing"}},
		{"--format must be", []string{"--audit-log", path, "--format", "xml"}},
		{"--since", []string{"--audit-log", path, "--since", "last week"}},
		{"--until", []string{"--audit-log", path, "--until", "2025-02-30"}},
		{"before --until", []string{"--audit-log", path, "--since", "2025-03-02", "--until", "2025-03-01"}},
		{"--top", []string{"--audit-log", path, "--top", "0"}},
	} {
		if _, err := inProcess("", append([]string{"report"}, c.args...)...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
}

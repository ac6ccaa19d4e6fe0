package command

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/sira-ai/caddy-ai-backends/keystore"
)

const (
	flagMasterKeyEnv  = "master-key-env"
	flagMasterKeyFile = "master-key-file"
	// maxSecretInput bounds what is read from stdin or a key file.
	maxSecretInput = 64 << 10
)

// addMasterKeyFlags declares the master key sources. Both take several
// values (repeated or comma-separated), newest first.
func addMasterKeyFlags(c *cobra.Command, purpose string) {
	c.Flags().StringSlice(flagMasterKeyEnv, nil, "name of an environment variable holding a master key "+purpose)
	c.Flags().StringSlice(flagMasterKeyFile, nil, "path of a file holding a master key "+purpose)
}

// loadKeyring reads the master keys named by the flags. required: fail
// when none is given.
func loadKeyring(fl caddycmd.Flags, required bool) (*keystore.Keyring, error) {
	envs, err := fl.GetStringSlice(flagMasterKeyEnv)
	if err != nil {
		return nil, err
	}
	files, err := fl.GetStringSlice(flagMasterKeyFile)
	if err != nil {
		return nil, err
	}
	if len(envs) > 0 && len(files) > 0 {
		return nil, errors.New("give master keys with --master-key-env or with --master-key-file, not both " +
			"(their order, newest first, would be ambiguous)")
	}
	if len(envs) == 0 && len(files) == 0 {
		if required {
			return nil, errors.New("a master key is required: --master-key-env NAME or --master-key-file PATH " +
				"(generate one with 'caddy ai-backends generate-master-key')")
		}
		return keystore.NewKeyring(), nil
	}
	var keys []keystore.MasterKey
	fail := func(err error) (*keystore.Keyring, error) {
		keystore.NewKeyring(keys...).Wipe()
		return nil, err
	}
	for _, name := range envs {
		value, set := os.LookupEnv(name)
		if !validEnvName(name) || !set && looksLikeKey(name) {
			return fail(errors.New("--master-key-env takes the NAME of an environment variable; " +
				"the value given is not one (not shown, in case it is the key itself)"))
		}
		if value == "" {
			return fail(fmt.Errorf("environment variable %s is not set or empty", name))
		}
		k, err := keystore.ParseMasterKey(value)
		if err != nil {
			return fail(fmt.Errorf("master key in $%s: %w", name, err))
		}
		keys = append(keys, k)
	}
	for _, path := range files {
		if _, err := os.Stat(path); err != nil && looksLikeKey(path) {
			return fail(errors.New("--master-key-file takes the PATH of a file; the value given looks like " +
				"a master key itself (not shown)"))
		}
		k, err := readMasterKeyFile(path)
		if err != nil {
			return fail(err)
		}
		keys = append(keys, k)
	}
	return keystore.NewKeyring(keys...), nil
}

func validEnvName(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for _, c := range name {
		if c != '_' && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// looksLikeKey catches a master key typed where its name or path belongs
// (no such variable or file exists), so the error that follows does not
// print it.
func looksLikeKey(s string) bool {
	k, err := keystore.ParseMasterKey(s)
	k.Wipe()
	return err == nil
}

func readMasterKeyFile(path string) (keystore.MasterKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return keystore.MasterKey{}, fmt.Errorf("master key file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSecretInput))
	defer clear(data)
	if err != nil {
		return keystore.MasterKey{}, fmt.Errorf("master key file %s: %w", path, err)
	}
	k, err := keystore.ParseMasterKey(string(data))
	if err != nil {
		return keystore.MasterKey{}, fmt.Errorf("master key file %s: %w", path, err)
	}
	return k, nil
}

// readSecret reads one secret from r: everything up to EOF, minus one
// trailing line ending (what echo or a heredoc adds). The caller should
// clear the result when done.
func readSecret(r io.Reader, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSecretInput+1))
	if err != nil {
		clear(data)
		return nil, fmt.Errorf("reading the %s from standard input: %w", what, err)
	}
	if len(data) > maxSecretInput {
		clear(data)
		return nil, fmt.Errorf("the %s on standard input is longer than %d bytes", what, maxSecretInput)
	}
	if trimmed, ok := bytes.CutSuffix(data, []byte("\n")); ok {
		data = bytes.TrimSuffix(trimmed, []byte("\r"))
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("no %s on standard input (pipe it in, e.g. printf %%s \"$KEY\" | caddy ai-backends ...)", what)
	}
	return data, nil
}

// hintIfTerminal tells an interactive user where input is expected, on
// stderr so stdout stays clean for the result.
func hintIfTerminal(c *cobra.Command, what string) {
	if f, ok := c.InOrStdin().(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprintf(c.ErrOrStderr(), "Reading the %s from standard input (it will be echoed; end with Ctrl-D). "+
				"Prefer piping it from a file or a secret manager.\n", what)
		}
	}
}

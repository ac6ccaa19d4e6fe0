package command

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/caddyserver/caddy/v2"
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/sira-ai/caddy-ai-backends/keystore"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

func encryptKeyCommand() *cobra.Command {
	return secretCommand(&cobra.Command{
		Use:   "encrypt-key --master-key-env NAME | --master-key-file PATH",
		Short: "Encrypts an upstream API key read from standard input",
		Long: `
Reads an API key from standard input (one trailing newline is dropped),
encrypts it with AES-256-GCM under the master key and prints the result,
for the api_key_encrypted option:

  printf %s "$OPENAI_API_KEY" | caddy ai-backends encrypt-key --master-key-env AI_MASTER_KEY

With several master keys (newest first), the newest is used.`,
	}, "(newest first)", "API key", true, (*keystore.Keyring).Encrypt)
}

func reencryptCommand() *cobra.Command {
	return secretCommand(&cobra.Command{
		Use:   "reencrypt --master-key-env NEW,OLD... | --master-key-file NEW --master-key-file OLD...",
		Short: "Re-encrypts an encrypted key to the newest master key",
		Long: `
Reads an encrypted key (from encrypt-key) on standard input, decrypts it
with whichever of the master keys sealed it and prints it encrypted with
the first (newest) one. Use it to rotate master keys: put the new key
first, re-encrypt every api_key_encrypted value, then retire the old key.

  caddy ai-backends reencrypt --master-key-env AI_MASTER_KEY_2025,AI_MASTER_KEY_2024 < old.txt`,
	}, "(repeatable or comma-separated, newest first)", "encrypted key", true, (*keystore.Keyring).Reencrypt)
}

func fingerprintCommand() *cobra.Command {
	return secretCommand(&cobra.Command{
		Use:   "fingerprint [--master-key-env NAME | --master-key-file PATH]",
		Short: "Prints the fingerprint of an API key read from standard input",
		Long: `
Reads an API key from standard input (one trailing newline is dropped)
and prints its fingerprint: the kfp_... identifier that metrics, the
audit log and the admin API show instead of the key.

An encrypted key (from encrypt-key) is decrypted first, which needs its
master key; the fingerprint is that of the plaintext key.`,
	}, "to decrypt an encrypted key", "API key", false, func(kr *keystore.Keyring, key string) (string, error) {
		if keystore.IsEncrypted(key) {
			if kr.Len() == 0 {
				return "", fmt.Errorf("the key is encrypted: give its master key with --%s or --%s",
					flagMasterKeyEnv, flagMasterKeyFile)
			}
			var err error
			if key, err = kr.Decrypt(key); err != nil {
				return "", err
			}
		}
		return providers.KeyFingerprint(key), nil
	})
}

func generateMasterKeyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "generate-master-key",
		Short: "Prints a new random master key (base64)",
		Long: `
Prints 32 random bytes as base64: a master key for encrypt-key. Store it
in a secret manager or a file only its owner can read, and give it to
Caddy as {env.NAME} or {file.PATH}.

  caddy ai-backends generate-master-key > /etc/caddy/ai-master.key`,
		Args: noArgs,
	}
	c.RunE = run(func(c *cobra.Command, _ caddycmd.Flags) (int, error) {
		key, err := keystore.GenerateMasterKey()
		if err != nil {
			return caddy.ExitCodeFailedStartup, err
		}
		fmt.Fprintln(c.OutOrStdout(), key)
		return caddy.ExitCodeSuccess, nil
	})
	return c
}

// secretCommand completes c as a command that reads one secret (what)
// from standard input and prints what convert makes of it, with the master
// keys from its flags (purpose says what they are for; at least one is
// needed when needMaster).
func secretCommand(c *cobra.Command, purpose, what string, needMaster bool,
	convert func(kr *keystore.Keyring, secret string) (string, error)) *cobra.Command {
	c.Args = noArgs
	addMasterKeyFlags(c, purpose)
	c.RunE = runOnSecret(what, needMaster, convert)
	return c
}

// runOnSecret runs a command that reads one secret (what) from standard
// input and prints what convert makes of it, with the master keys from the
// flags (at least one when needMaster). The keyring and the input are
// wiped when it is done.
func runOnSecret(what string, needMaster bool, convert func(kr *keystore.Keyring, secret string) (string, error)) func(*cobra.Command, []string) error {
	return run(func(c *cobra.Command, fl caddycmd.Flags) (int, error) {
		kr, err := loadKeyring(fl, needMaster)
		if err != nil {
			return caddy.ExitCodeFailedStartup, err
		}
		defer kr.Wipe()
		hintIfTerminal(c, what)
		in, err := readSecret(c.InOrStdin(), what)
		if err != nil {
			return caddy.ExitCodeFailedStartup, err
		}
		defer clear(in)
		out, err := convert(kr, string(in))
		if err != nil {
			return caddy.ExitCodeFailedStartup, err
		}
		fmt.Fprintln(c.OutOrStdout(), out)
		return caddy.ExitCodeSuccess, nil
	})
}

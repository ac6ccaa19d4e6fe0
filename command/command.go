// Package command adds the "caddy ai-backends" subcommands: encrypt and
// re-encrypt upstream API keys, print key fingerprints, generate master
// keys and write compliance reports from the audit log. Import it for its
// side effect, as Caddy's own modules register hash-password.
//
// Secrets only ever come from standard input, environment variables or
// files, never from flag values, which would land in shell history and
// process listings; and no error message repeats one.
package command

import (
	"errors"

	"github.com/spf13/cobra"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"
)

func init() {
	caddycmd.RegisterCommand(caddycmd.Command{
		Name:  "ai-backends",
		Usage: "<subcommand>",
		Short: "Manages ai_backends API keys and writes compliance reports",
		Long: `
Tools for the ai_backends handler:

  encrypt-key          encrypt an upstream API key read from stdin
  reencrypt            re-encrypt an encrypted key to the newest master key
  fingerprint          print the fingerprint of a key read from stdin
  generate-master-key  print a new random master key
  report               summarize an audit log for compliance
  keys                 create, list and revoke managed client keys
                       through a running Caddy's admin API

Master keys are given by environment variable name (--master-key-env)
or file path (--master-key-file), never as a flag value. Run
'caddy ai-backends <subcommand> --help' for details.
`,
		CobraFunc: configure,
	})
}

// configure turns the registered "ai-backends" command into the parent of
// the subcommands.
func configure(cmd *cobra.Command) {
	cmd.Args = noArgs
	cmd.RunE = func(c *cobra.Command, args []string) error { return c.Help() }
	cmd.AddCommand(encryptKeyCommand(), reencryptCommand(), fingerprintCommand(),
		generateMasterKeyCommand(), reportCommand(), managedKeysCommand())
}

// noArgs rejects positional arguments without repeating them: a user who
// passes a key as an argument must not see it echoed into a log.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return errors.New("unexpected argument (not shown); this command reads secrets from standard input, " +
			"see 'caddy ai-backends --help'")
	}
	return nil
}

// run adapts a subcommand to cobra the way caddycmd.WrapCommandFuncForCobra
// does (Caddy's error logging and exit codes), giving it the command's
// standard streams so tests can drive it in process too.
func run(f func(c *cobra.Command, fl caddycmd.Flags) (int, error)) func(*cobra.Command, []string) error {
	return func(c *cobra.Command, args []string) error {
		return caddycmd.WrapCommandFuncForCobra(func(fl caddycmd.Flags) (int, error) {
			return f(c, fl)
		})(c, args)
	}
}

package command

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/caddyserver/caddy/v2"
	caddycmd "github.com/caddyserver/caddy/v2/cmd"
)

// defaultAdmin is Caddy's default admin endpoint.
const defaultAdmin = "localhost:2019"

// managedKeysCommand is "keys": create, list and revoke managed client
// keys through the admin API of a running Caddy.
func managedKeysCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "keys create|list|revoke",
		Short: "Manages the client keys of managed_keys through the admin API",
		Long: `
Drives the admin API's /ai_backends/client_keys of a running Caddy (see
the README's governance section). The admin address is --admin, else
$CADDY_ADMIN, else ` + defaultAdmin + `.

  keys create [--label L] [--team T] [--model M]... [limits]   prints the key and its secret, once
  keys list [--limit N] [--after ID] [--all] [--json]
  keys revoke ID...`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	c.PersistentFlags().String("admin", "", "admin endpoint address (default $CADDY_ADMIN or "+defaultAdmin+")")
	c.AddCommand(createKeyCommand(), listKeysCommand(), revokeKeyCommand())
	return c
}

func createKeyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "create [flags]",
		Short: "Creates a managed client key; its secret is printed this once",
		Args:  noArgs,
	}
	f := c.Flags()
	f.String("label", "", "name of the key in logs and metrics")
	f.String("owner", "", "who the key belongs to")
	f.String("team", "", "team whose limits also apply")
	f.StringSlice("model", nil, "allowed model (repeat or comma-separate; '*' suffix matches a prefix); default all")
	f.StringArray("metadata", nil, "free-form name=value (repeatable)")
	f.Int("requests-per-minute", 0, "request rate limit (0: none)")
	f.Int("tokens-per-minute", 0, "token rate limit (0: none)")
	f.Float64("budget-usd", 0, "budget per period in USD (0: none)")
	f.String("budget-period", "", "budget period as a Go duration, e.g. 720h (empty: never resets)")
	f.Int("max-tokens", 0, "highest max_tokens a request may ask for (0: none)")
	f.String("expires-at", "", "expiry, RFC 3339")
	c.RunE = run(runCreateKey)
	return c
}

func runCreateKey(c *cobra.Command, fl caddycmd.Flags) (int, error) {
	body := map[string]any{}
	f := c.Flags()
	for flag, field := range map[string]string{"label": "label", "owner": "owner", "team": "team",
		"budget-period": "budget_period", "expires-at": "expires_at"} {
		if f.Changed(flag) {
			body[field] = fl.String(flag)
		}
	}
	for flag, field := range map[string]string{"requests-per-minute": "requests_per_minute",
		"tokens-per-minute": "tokens_per_minute", "max-tokens": "max_tokens"} {
		if f.Changed(flag) {
			body[field] = fl.Int(flag)
		}
	}
	if f.Changed("budget-usd") {
		body["budget_usd"] = fl.Float64("budget-usd")
	}
	if f.Changed("model") {
		models, _ := f.GetStringSlice("model")
		body["models"] = models
	}
	if f.Changed("metadata") {
		pairs, _ := f.GetStringArray("metadata")
		md := map[string]string{}
		for _, p := range pairs {
			name, value, ok := strings.Cut(p, "=")
			if !ok || name == "" {
				return caddy.ExitCodeFailedStartup, fmt.Errorf("--metadata %q: use name=value", p)
			}
			md[name] = value
		}
		body["metadata"] = md
	}
	raw, _ := json.Marshal(body)
	out, err := adminCall(c, http.MethodPost, "/ai_backends/client_keys", raw)
	if err != nil {
		return caddy.ExitCodeFailedStartup, err
	}
	fmt.Fprintln(c.ErrOrStderr(), "The secret below is shown once: store it now.")
	return printJSON(c.OutOrStdout(), out)
}

func listKeysCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "list [--limit N] [--after ID] [--all] [--json]",
		Short: "Lists managed client keys, a page at a time",
		Args:  noArgs,
	}
	c.Flags().Int("limit", 100, "keys per page")
	c.Flags().String("after", "", "list keys after this id (the previous page's next)")
	c.Flags().Bool("all", false, "follow every page")
	c.Flags().Bool("json", false, "print the API's JSON instead of a table")
	c.RunE = run(runListKeys)
	return c
}

// keyRow is what the list table shows of a key.
type keyRow struct {
	ID          string   `json:"id"`
	Fingerprint string   `json:"fingerprint"`
	Label       string   `json:"label"`
	Team        string   `json:"team"`
	SpendUSD    float64  `json:"spend_usd"`
	BudgetUSD   float64  `json:"budget_usd"`
	LastUsedAt  *string  `json:"last_used_at"`
	RevokedAt   *string  `json:"revoked_at"`
	ExpiresAt   *string  `json:"expires_at"`
	Models      []string `json:"models"`
}

func runListKeys(c *cobra.Command, fl caddycmd.Flags) (int, error) {
	var rows []json.RawMessage
	after := fl.String("after")
	for {
		q := url.Values{"limit": {strconv.Itoa(fl.Int("limit"))}}
		if after != "" {
			q.Set("after", after)
		}
		out, err := adminCall(c, http.MethodGet, "/ai_backends/client_keys?"+q.Encode(), nil)
		if err != nil {
			return caddy.ExitCodeFailedStartup, err
		}
		var page struct {
			Keys []json.RawMessage `json:"keys"`
			Next string            `json:"next"`
		}
		if err := json.Unmarshal(out, &page); err != nil {
			return caddy.ExitCodeFailedStartup, fmt.Errorf("admin API answered %v", err)
		}
		rows = append(rows, page.Keys...)
		if !fl.Bool("all") || page.Next == "" {
			if fl.Bool("json") {
				raw, _ := json.Marshal(map[string]any{"keys": rows, "next": page.Next})
				return printJSON(c.OutOrStdout(), raw)
			}
			return writeKeyTable(c.OutOrStdout(), rows, page.Next)
		}
		after = page.Next
	}
}

func writeKeyTable(w io.Writer, rows []json.RawMessage, next string) (int, error) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFINGERPRINT\tLABEL\tTEAM\tSPEND USD\tBUDGET USD\tLAST USED\tSTATE")
	for _, raw := range rows {
		var k keyRow
		if err := json.Unmarshal(raw, &k); err != nil {
			return caddy.ExitCodeFailedStartup, err
		}
		state := "active"
		switch {
		case k.RevokedAt != nil:
			state = "revoked " + *k.RevokedAt
		case k.ExpiresAt != nil:
			state = "expires " + *k.ExpiresAt
		}
		budget := "-"
		if k.BudgetUSD > 0 {
			budget = strconv.FormatFloat(k.BudgetUSD, 'f', 2, 64)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.4f\t%s\t%s\t%s\n", k.ID, k.Fingerprint, dash(k.Label), dash(k.Team),
			k.SpendUSD, budget, dash(deref(k.LastUsedAt)), state)
	}
	if err := tw.Flush(); err != nil {
		return caddy.ExitCodeFailedStartup, err
	}
	if next != "" {
		fmt.Fprintf(w, "more: --after %s (or --all)\n", next)
	}
	return caddy.ExitCodeSuccess, nil
}

func revokeKeyCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "revoke ID...",
		Short: "Revokes managed client keys by id; the records stay",
		Args:  cobra.MinimumNArgs(1),
	}
	c.RunE = func(c *cobra.Command, args []string) error {
		return caddycmd.WrapCommandFuncForCobra(func(fl caddycmd.Flags) (int, error) {
			for _, id := range args {
				if !strings.HasPrefix(id, "key_") || strings.ContainsAny(id, "/?#") {
					// Not echoed: it may be a secret pasted by mistake.
					return caddy.ExitCodeFailedStartup, errors.New("a key id starts with key_ (see 'keys list'); argument not shown")
				}
				out, err := adminCall(c, http.MethodDelete, "/ai_backends/client_keys/"+id, nil)
				if err != nil {
					return caddy.ExitCodeFailedStartup, fmt.Errorf("%s: %w", id, err)
				}
				var k keyRow
				_ = json.Unmarshal(out, &k)
				fmt.Fprintf(c.OutOrStdout(), "revoked %s (%s)\n", k.ID, k.Fingerprint)
			}
			return caddy.ExitCodeSuccess, nil
		})(c, args)
	}
	return c
}

// adminCall sends one request to the admin API and returns the body of a
// 2xx answer, or the API's error message.
func adminCall(c *cobra.Command, method, uri string, body []byte) ([]byte, error) {
	addr, _ := c.Flags().GetString("admin")
	if addr == "" {
		addr = os.Getenv("CADDY_ADMIN")
	}
	if addr == "" {
		addr = defaultAdmin
	}
	var r io.Reader
	var h http.Header
	if body != nil {
		r, h = bytes.NewReader(body), http.Header{"Content-Type": {"application/json"}}
	}
	resp, err := caddycmd.AdminAPIRequest(addr, method, uri, h, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	return out, nil
}

func printJSON(w io.Writer, raw []byte) (int, error) {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		return caddy.ExitCodeFailedStartup, err
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return caddy.ExitCodeSuccess, err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

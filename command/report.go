package command

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/caddyserver/caddy/v2"
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/sira-ai/caddy-ai-backends/report"
)

func reportCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "report --audit-log FILE [--since T] [--until T] [--format text|json|csv]",
		Short: "Writes a compliance report from the audit log",
		Long: `
Reads the ai_backends audit log (Caddy's JSON log lines; other loggers'
lines may be mixed in) and prints requests, tokens and cost per client
key, model and provider; errors and denials by type; security events;
cache and degraded-mode counts; top clients; and the days covered.

The log is streamed, so its size does not matter. Malformed lines are
counted and skipped; their number is also printed on stderr.

--audit-log  the log file, or - for standard input
--since      first moment included: RFC 3339 or a date (2006-01-02, UTC)
--until      end, excluded; a date alone includes that whole day
--format     text (default), json or csv (one long table:
             section,key,label,metric,value)`,
		Args: noArgs,
	}
	c.Flags().String("audit-log", "", "audit log file (- for standard input)")
	c.Flags().String("since", "", "include entries from this time (RFC 3339 or 2006-01-02)")
	c.Flags().String("until", "", "include entries before this time (RFC 3339, or 2006-01-02 for the whole day)")
	c.Flags().String("format", "text", "output format: "+strings.Join(report.Formats, ", "))
	c.Flags().Int("top", 10, "length of the top-client lists")
	c.RunE = run(runReport)
	return c
}

func runReport(c *cobra.Command, fl caddycmd.Flags) (int, error) {
	path := fl.String("audit-log")
	if path == "" {
		return caddy.ExitCodeFailedStartup, errors.New("--audit-log FILE is required")
	}
	format := fl.String("format")
	if !isFormat(format) {
		return caddy.ExitCodeFailedStartup, fmt.Errorf("--format must be one of %s", strings.Join(report.Formats, ", "))
	}
	var opts report.Options
	var err error
	if opts.Since, err = report.ParseSince(fl.String("since")); err != nil {
		return caddy.ExitCodeFailedStartup, fmt.Errorf("--since: %w", err)
	}
	if opts.Until, err = report.ParseUntil(fl.String("until")); err != nil {
		return caddy.ExitCodeFailedStartup, fmt.Errorf("--until: %w", err)
	}
	if !opts.Since.IsZero() && !opts.Until.IsZero() && !opts.Since.Before(opts.Until) {
		return caddy.ExitCodeFailedStartup, errors.New("--since must be before --until")
	}
	if opts.TopN = fl.Int("top"); opts.TopN < 1 {
		return caddy.ExitCodeFailedStartup, errors.New("--top must be at least 1")
	}
	var in io.Reader = c.InOrStdin()
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return caddy.ExitCodeFailedStartup, err
		}
		defer f.Close()
		in = f
	}
	r, err := report.Generate(in, opts)
	if err != nil {
		return caddy.ExitCodeFailedStartup, fmt.Errorf("reading %s: %w", path, err)
	}
	if err := r.Write(c.OutOrStdout(), format); err != nil {
		return caddy.ExitCodeFailedStartup, err
	}
	if n := r.Lines.Malformed; n > 0 {
		fmt.Fprintf(c.ErrOrStderr(), "%d malformed line(s) skipped\n", n)
	}
	return caddy.ExitCodeSuccess, nil
}

func isFormat(f string) bool {
	for _, known := range report.Formats {
		if f == known {
			return true
		}
	}
	return false
}

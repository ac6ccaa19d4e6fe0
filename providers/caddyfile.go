package providers

import (
	"strconv"

	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"

	"github.com/sira-ai/caddy-ai-backends/catalog"

	"github.com/sira-ai/caddy-ai-backends/internal/caddyargs"
)

// UnmarshalBlock parses a provider block:
//
//	provider <name> [<type>] {
//	    base_url     <url>
//	    api_key      <value> [not_after <time>]   # repeatable
//	    api_key_encrypted <ciphertext> [not_after <time>]
//	    organization <id>
//	    models       <name>...                    # repeatable
//	    model_map    <public> <upstream>
//	    timeout      <duration>
//	    max_retries  <n>
//	    header       <name> <value>
//	    weight       <n>
//	    region       <region>
//	    versions     1.1|2|h2c...                 # HTTP versions to the upstream
//	    model_override <model> { context_window <n> max_output <n> vision|tools|json_mode|streaming|reasoning [true|false]
//	                             input|cached_input|cache_write|output|reasoning_rate|per_image|per_second <usd> }
//	}
//
// The dispenser stands on "provider"; the handler reads name and type.
// extra handles the provider type's own subdirectives and reports whether it
// knew the current one.
func (c *Config) UnmarshalBlock(d *caddyfile.Dispenser, extra func(*caddyfile.Dispenser) (bool, error)) error {
	d.Next()
	d.RemainingArgs()
	return caddyargs.EachOption(d, func(name string) error {
		known, err := c.parseOption(d)
		if err == nil && !known && extra != nil {
			known, err = extra(d)
		}
		if err == nil && !known {
			err = caddyargs.Unrecognized(d, "provider", name)
		}
		return err
	})
}

func (c *Config) parseOption(d *caddyfile.Dispenser) (bool, error) {
	if known, err := caddyargs.StringField(d, map[string]*string{
		"base_url":     &c.BaseURL,
		"organization": &c.Organization,
		"region":       &c.Region,
	}); known {
		return true, err
	}
	switch d.Val() {
	case "versions":
		args := d.RemainingArgs()
		if len(args) == 0 {
			return true, d.ArgErr()
		}
		c.Versions = args // Provision checks the values, as for JSON configs
	case "api_key", "api_key_encrypted":
		return true, c.parseAPIKey(d)
	case "models":
		return true, caddyargs.Append(d, &c.Models)
	case "model_map":
		return true, caddyargs.MapEntry(d, &c.ModelMap, "<public> <upstream>")
	case "header":
		return true, caddyargs.MapEntry(d, &c.Headers, "<name> <value>")
	case "timeout":
		return true, caddyargs.Duration(d, &c.Timeout)
	case "max_retries":
		n, err := caddyargs.Int(d)
		if err != nil {
			return true, err
		}
		c.MaxRetries = &n
	case "trace_context":
		return true, c.parseTraceContext(d)
	case "weight":
		n, err := caddyargs.Int(d)
		if err != nil {
			return true, err
		}
		c.Weight = n
	case "model_override":
		return true, c.parseOverride(d)
	case "reasoning_budgets":
		return true, c.parseReasoningBudgets(d)
	default:
		return false, nil
	}
	return true, nil
}

// parseAPIKey reads `api_key <value> [not_after <time>]` or its encrypted
// twin, `api_key_encrypted <ciphertext> [not_after <time>]`.
func (c *Config) parseAPIKey(d *caddyfile.Dispenser) error {
	name := d.Val()
	var k APIKey
	secret, what := &k.Value, "<value>"
	if name == "api_key_encrypted" {
		secret, what = &k.Encrypted, "<ciphertext>"
	}
	args := d.RemainingArgs()
	switch {
	case len(args) == 3 && args[1] == "not_after":
		k.NotAfter = args[2]
	case len(args) != 1:
		return d.Errf("usage: %s %s [not_after <time>]", name, what)
	}
	*secret = args[0]
	c.APIKeys = append(c.APIKeys, k)
	return nil
}

func (c *Config) parseOverride(d *caddyfile.Dispenser) error {
	var model string
	if err := caddyargs.String(d, &model); err != nil {
		return err
	}
	var o catalog.Override
	ints := map[string]**int{"context_window": &o.ContextWindow, "max_output": &o.MaxOutput}
	bools := map[string]**bool{"vision": &o.Vision, "tools": &o.Tools, "json_mode": &o.JSONMode,
		"streaming": &o.Streaming, "reasoning": &o.Reasoning}
	floats := map[string]**float64{"input": &o.Input, "cached_input": &o.CachedInput, "cache_write": &o.CacheWrite,
		"output": &o.Output, "reasoning_rate": &o.ReasoningRate, "per_image": &o.PerImage, "per_second": &o.PerSecond}
	err := caddyargs.EachOption(d, func(name string) error {
		if p := ints[name]; p != nil {
			n, err := caddyargs.Int(d)
			*p = &n
			return err
		}
		if p := bools[name]; p != nil {
			v := true
			if d.NextArg() {
				b, err := strconv.ParseBool(d.Val())
				if err != nil {
					return d.Errf("%s: %v", name, err)
				}
				v = b
			}
			*p = &v
			return nil
		}
		if p := floats[name]; p != nil {
			f, err := caddyargs.Float(d) // USD
			*p = &f
			return err
		}
		return caddyargs.Unrecognized(d, "model_override", name)
	})
	if err != nil {
		return err
	}
	if c.ModelOverrides == nil {
		c.ModelOverrides = map[string]catalog.Override{}
	}
	c.ModelOverrides[model] = o
	return nil
}

// parseReasoningBudgets reads `reasoning_budgets <effort> <tokens>...`;
// Provision checks the levels and values, as for JSON configs.
func (c *Config) parseReasoningBudgets(d *caddyfile.Dispenser) error {
	args := d.RemainingArgs()
	if len(args) == 0 || len(args)%2 != 0 {
		return d.Errf("usage: reasoning_budgets <effort> <tokens> [<effort> <tokens>...]")
	}
	if c.ReasoningBudgets == nil {
		c.ReasoningBudgets = ReasoningBudgets{}
	}
	for i := 0; i < len(args); i += 2 {
		n, err := strconv.Atoi(args[i+1])
		if err != nil {
			return d.Errf("reasoning_budgets %s: want a number of tokens, got %q", args[i], args[i+1])
		}
		c.ReasoningBudgets[args[i]] = n
	}
	return nil
}

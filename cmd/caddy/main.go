// Command caddy runs Caddy with its standard modules and ai_backends, for
// development: go run ./cmd/caddy run --config examples/Caddyfile
package main

import (
	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	_ "github.com/caddyserver/caddy/v2/modules/standard"

	_ "github.com/sira-ai/caddy-ai-backends"
	_ "github.com/sira-ai/caddy-ai-backends/examples/router"
)

func main() {
	caddycmd.Main()
}

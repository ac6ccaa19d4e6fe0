package aibackends

// The built-in provider modules and the `caddy ai-backends` subcommands
// register themselves when this package is
// imported, so `xcaddy build --with github.com/sira-ai/caddy-ai-backends`
// brings all of them.
import (
	_ "github.com/sira-ai/caddy-ai-backends/command"
	_ "github.com/sira-ai/caddy-ai-backends/providers/anthropic"
	_ "github.com/sira-ai/caddy-ai-backends/providers/azure"
	_ "github.com/sira-ai/caddy-ai-backends/providers/bedrock"
	_ "github.com/sira-ai/caddy-ai-backends/providers/google"
	_ "github.com/sira-ai/caddy-ai-backends/providers/openai"
	_ "github.com/sira-ai/caddy-ai-backends/providers/sim"
)

// Package aibackends is the ai_backends Caddy HTTP handler: one
// OpenAI-compatible (and Anthropic-compatible) endpoint in front of many AI
// providers, with routing, balancing, breakers, retries, metrics, a response
// cache and client keys.
package aibackends

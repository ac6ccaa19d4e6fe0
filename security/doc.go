// Package security decides who may call the gateway, how much they may use,
// and what data may pass through it.
//
// It is deliberately free of Caddy (and of any dependency beyond the standard
// library) so that every rule can be unit-tested with an injected clock and
// reused by whatever HTTP wiring sits in front of it. The pieces are:
//
//   - client keys (Keyring, ClientKey): authentication with constant-time
//     comparison of SHA-256 hashes, per-key model allow-lists, request and
//     token rate limits, and spending budgets;
//   - anomaly blocking (AnomalyDetector): temporarily blocks a client whose
//     short-term request rate jumps far above its own long-term baseline;
//   - input validation (CheckJSONDepth, CheckUTF8): cheap pre-decode checks
//     that stop hostile bodies before a JSON decoder sees them;
//   - sensitive data (Filter): finds e-mail addresses, phone numbers, card
//     numbers and credentials in prompts (and credentials in responses) and
//     redacts them or reports them so the caller can refuse the request.
//
// Nothing in this package ever stores or logs a client secret: keys are kept
// as SHA-256 hashes and identified by Fingerprint, and findings carry only
// offsets, never the matched text.
package security

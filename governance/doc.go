// Package governance manages client keys and teams at run time: records
// kept in Caddy's storage (only a SHA-256 of each secret), an admin API to
// create, list, update and revoke them, and an index the request path
// reads without locks.
//
// Every gateway instance on the same storage shares the records: a change
// rewrites the state document and bumps a change marker, which every
// instance polls (Governance.Run) and reloads from. Spend is kept by each
// instance's limiters and, without Redis, added into a spend document at
// a short interval and on shutdown, so restarts keep budgets and
// instances see each other's spend.
package governance

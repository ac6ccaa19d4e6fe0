//go:build race

package aibackends

// raceEnabled: the race detector makes sync.Pool drop items at random, so
// allocation counts taken under it are not meaningful.
const raceEnabled = true

package aibackends

import (
	"fmt"
	"net/http"
	"sync"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/certmagic"

	"github.com/sira-ai/caddy-ai-backends/governance"
)

// adminGovernance opens the storage's Governance on the first management
// request, not at provisioning: the admin module exists in every process
// with this plugin, and most never manage keys. It is released when the
// admin endpoint's config is replaced.
type adminGovernance struct {
	ctx     caddy.Context
	storage certmagic.Storage

	mu  sync.Mutex
	gov *governance.Governance
}

// Provision remembers the config's storage for the management API.
func (a *Admin) Provision(ctx caddy.Context) error {
	a.managed = &adminGovernance{ctx: ctx, storage: ctx.Storage()}
	return nil
}

func (m *adminGovernance) open() (*governance.Governance, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.gov != nil {
		return m.gov, nil
	}
	g, release, err := acquireGovernance(m.storage)
	if err != nil {
		return nil, err
	}
	m.ctx.OnCancel(release)
	m.gov = g
	return m.gov, nil
}

// AcquireGovernance returns the managed keys and teams on ctx's storage,
// the same Governance the admin API and every managed_keys handler use,
// for another module (such as a console mounting Governance.ServeAdmin on
// a site). Call release exactly once, in the module's Cleanup.
func AcquireGovernance(ctx caddy.Context) (g *governance.Governance, release func(), err error) {
	return acquireGovernance(ctx.Storage())
}

func acquireGovernance(st certmagic.Storage) (*governance.Governance, func(), error) {
	if st == nil {
		return nil, nil, fmt.Errorf("Caddy has no storage configured")
	}
	key := governanceKey(st)
	v, _, err := states.LoadOrNew(key, func() (caddy.Destructor, error) { return newGovernanceState(st) })
	if err != nil {
		return nil, nil, err
	}
	var once sync.Once
	return v.(*governanceState).gov, func() { once.Do(func() { _, _ = states.Delete(key) }) }, nil
}

// serveManaged serves /ai_backends/client_keys and /ai_backends/teams.
func (a Admin) serveManaged(w http.ResponseWriter, r *http.Request) error {
	if a.managed == nil {
		return caddy.APIError{HTTPStatus: http.StatusServiceUnavailable, Err: fmt.Errorf("managed keys are not available")}
	}
	g, err := a.managed.open()
	if err != nil {
		return caddy.APIError{HTTPStatus: http.StatusServiceUnavailable, Err: fmt.Errorf("managed keys: %v", err)}
	}
	return g.ServeAdmin(w, r)
}

package aibackends

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/caddyserver/caddy/v2"

	"github.com/sira-ai/caddy-ai-backends/balance"
	"github.com/sira-ai/caddy-ai-backends/breaker"
	"github.com/sira-ai/caddy-ai-backends/catalog"
	"github.com/sira-ai/caddy-ai-backends/providers"
)

// deployment is one (provider, upstream model) pair a public model name
// may be served by.
type deployment struct {
	id       string // "provider/model" with the public model name
	public   string // model name clients use
	upstream string // model name sent upstream (after model_map)
	unlisted bool   // "provider/<model>" for a model the config does not list
	up       *upstream
	state    *deploymentState

	// entry gives the spec: model_override > loaded catalog > built-in.
	entry *catalog.Entry
}

// upstream is one configured provider with its keys.
type upstream struct {
	name     string
	provider providers.Provider
	cfg      *providers.Config
	keys     []*upstreamKey
	keyPick  balance.Policy
	unlisted *unlistedModels // state for each "provider/<unlisted model>"
	// unlistedLabel is the one metric label of all unlisted models,
	// "provider/*": their names are the client's choice, so unbounded.
	unlistedLabel string
}

// upstreamKey is a resolved API key with its live state.
type upstreamKey struct {
	providers.Key
	state *keyState
}

// modelCatalog maps public names to deployments.
type modelCatalog struct {
	upstreams   []*upstream
	byProvider  map[string]*upstream
	byModel     map[string][]*deployment // public names and aliases
	byID        map[string]*deployment   // "provider/model"
	publicNames []string                 // for GET /v1/models, sorted
	owners      map[string]string        // public name → owning provider type
	prices      *catalog.Loader          // nil: built-in table only
}

// spec is the deployment's current spec; a catalog reload changes it.
func (d *deployment) spec() catalog.Spec { return d.entry.Spec() }

// buildCatalog turns provisioned providers into deployments, acquiring
// their pooled state.
func (h *Handler) buildCatalog(provs []providers.Provider, bcfg breaker.Config) (*modelCatalog, error) {
	c := &modelCatalog{
		byProvider: map[string]*upstream{},
		byModel:    map[string][]*deployment{},
		byID:       map[string]*deployment{},
		owners:     map[string]string{},
		prices:     h.prices,
	}
	for _, p := range provs {
		cfg := p.Base()
		if _, dup := c.byProvider[cfg.Name]; dup {
			return nil, fmt.Errorf("provider name %q is used twice; give each a distinct name", cfg.Name)
		}
		up := &upstream{name: cfg.Name, provider: p, cfg: cfg}
		if err := h.acquireKeys(up); err != nil {
			return nil, err
		}
		if err := h.acquireUnlisted(up, bcfg); err != nil {
			return nil, err
		}
		c.upstreams = append(c.upstreams, up)
		c.byProvider[up.name] = up
		for _, model := range cfg.Models {
			d, err := h.newDeployment(up, model, bcfg)
			if err != nil {
				return nil, err
			}
			if _, dup := c.byID[d.id]; dup {
				continue
			}
			c.byID[d.id] = d
			if len(c.byModel[model]) == 0 {
				c.publicNames = append(c.publicNames, model)
				c.owners[model] = up.cfg.Type()
			}
			c.byModel[model] = append(c.byModel[model], d)
		}
	}
	for alias, targets := range h.Aliases {
		if _, clash := c.byModel[alias]; clash {
			return nil, fmt.Errorf("alias %q has the name of a configured model", alias)
		}
		for _, t := range targets {
			d, ok := c.byID[t]
			if !ok {
				return nil, fmt.Errorf("alias %q: %q is not a configured provider/model", alias, t)
			}
			c.byModel[alias] = append(c.byModel[alias], d)
		}
		c.publicNames = append(c.publicNames, alias)
		c.owners[alias] = "ai_backends"
	}
	sort.Strings(c.publicNames)
	return c, nil
}

func (h *Handler) newDeployment(up *upstream, model string, bcfg breaker.Config) (*deployment, error) {
	upstreamModel := up.cfg.UpstreamModel(model)
	var override *catalog.Override
	for _, name := range []string{upstreamModel, model} {
		if o, ok := up.cfg.ModelOverrides[name]; ok {
			override = &o
			break
		}
	}
	st, err := h.acquireDeployment(up, model, bcfg)
	if err != nil {
		return nil, err
	}
	return &deployment{
		id: up.name + "/" + model, public: model, upstream: upstreamModel,
		entry: h.prices.Entry(up.cfg.Type(), override, upstreamModel, model), up: up, state: st,
	}, nil
}

func (env *handlerEnv) acquireDeployment(up *upstream, model string, bcfg breaker.Config) (*deploymentState, error) {
	id := up.name + "/" + model
	// The identity includes the upstream URL: pointing a provider name at
	// another server starts fresh statistics.
	key := "deployment:" + id + "@" + up.cfg.BaseURL
	v, err := env.pool.load(key, func() (caddy.Destructor, error) {
		return &deploymentState{
			id: id, provider: up.name, model: model,
			brk:      breaker.New(bcfg, nil),
			endpoint: balance.NewEndpoint(up.cfg.Weight),
		}, nil
	})
	if err != nil {
		return nil, err
	}
	st := v.(*deploymentState)
	st.brk.SetConfig(bcfg) // a state kept across a reload takes the new thresholds
	st.endpoint.SetWeight(up.cfg.Weight)
	return st, nil
}

func (h *Handler) acquireKeys(up *upstream) error {
	policy, err := h.acquirePolicy("keys:"+up.name, h.balancingPolicy())
	if err != nil {
		return err
	}
	up.keyPick = policy
	for _, k := range up.cfg.Keys() {
		v, err := h.pool.load(keyPoolKey(up, k), func() (caddy.Destructor, error) {
			return &keyState{provider: up.name, fingerprint: k.Fingerprint, endpoint: balance.NewEndpoint(1)}, nil
		})
		if err != nil {
			return err
		}
		up.keys = append(up.keys, &upstreamKey{Key: k, state: v.(*keyState)})
	}
	return nil
}

// keyPoolKey is the identity of a key's pooled state: everything that makes
// it this key. The same secret with another not_after or sent to another
// server is another key, so a key whose config changes starts fresh (an
// operator who fixed a rejected key need not wait out its back-off).
func keyPoolKey(up *upstream, k providers.Key) string {
	notAfter := ""
	if !k.NotAfter.IsZero() {
		notAfter = k.NotAfter.UTC().Format(time.RFC3339Nano)
	}
	return "key:" + up.name + ":" + k.Fingerprint + ":" + notAfter + "@" + up.cfg.BaseURL
}

// acquireUnlisted takes the provider's pooled set of unlisted-model states.
func (env *handlerEnv) acquireUnlisted(up *upstream, bcfg breaker.Config) error {
	v, err := env.pool.load("unlisted:"+up.name+"@"+up.cfg.BaseURL, func() (caddy.Destructor, error) {
		return newUnlistedModels(up.name, unlistedCapacity), nil
	})
	if err != nil {
		return err
	}
	up.unlisted = v.(*unlistedModels)
	up.unlisted.configure(bcfg, up.cfg.Weight)
	up.unlistedLabel = up.name + "/*"
	return nil
}

// metricID is the deployment's label in metrics: its id, or "provider/*"
// for every unlisted model.
func (d *deployment) metricID() string {
	if d.unlisted {
		return d.up.unlistedLabel
	}
	return d.id
}

func (env *handlerEnv) acquirePolicy(scope, name string) (balance.Policy, error) {
	v, err := env.pool.load("policy:"+scope+":"+name, func() (caddy.Destructor, error) {
		p, err := balance.New(name)
		if err != nil {
			return nil, err
		}
		return &policyState{policy: p}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*policyState).policy, nil
}

// resolve finds the deployments for a requested model: a public name or
// alias, or "provider/model" addressing one provider directly (any model
// name, so an openai_compatible server's models need not all be listed).
// Each unlisted model has its own state (breaker, statistics), kept in the
// provider's bounded LRU.
func (c *modelCatalog) resolve(model string) []*deployment {
	if ds, ok := c.byModel[model]; ok {
		return ds
	}
	if d, ok := c.byID[model]; ok {
		return []*deployment{d}
	}
	name, rest, ok := strings.Cut(model, "/")
	if !ok || rest == "" {
		return nil
	}
	up, ok := c.byProvider[name]
	if !ok {
		return nil
	}
	return []*deployment{{
		id: model, public: model, upstream: up.cfg.UpstreamModel(rest),
		entry: c.prices.Entry(up.cfg.Type(), nil, rest), unlisted: true, up: up, state: up.unlisted.get(rest),
	}}
}

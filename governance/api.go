package governance

import (
	"context"
	"encoding/hex"
	"net/http"
	"sort"
	"strings"

	"github.com/sira-ai/caddy-ai-backends/security"
)

// Page sizes of ListKeys.
const (
	DefaultPageSize = 100
	MaxPageSize     = 1000
)

// CreateKey makes a key and returns its record and its secret, which is
// shown this once: only its SHA-256 is kept.
func (g *Governance) CreateKey(ctx context.Context, who string, in KeyInput) (Key, string, error) {
	now := g.opts.Now().UTC()
	secret, id, err := g.newSecret(now)
	if err != nil {
		return Key{}, "", &Error{Status: http.StatusInternalServerError, Msg: "making a secret: " + err.Error()}
	}
	hash := security.HashKey(secret)
	k := &Key{
		ID: id, Fingerprint: security.Fingerprint(secret), Hash: hex.EncodeToString(hash[:]),
		Metadata: map[string]string{}, CreatedAt: now, UpdatedAt: now, Rev: 1,
	}
	if err := in.apply(k); err != nil {
		return Key{}, "", err
	}
	g.mu.Lock()
	shadow := g.guardedLocked(hash)
	g.mu.Unlock()
	if shadow {
		return Key{}, "", conflict("the new secret equals a Caddyfile client_key; nothing was stored, try again")
	}
	err = g.mutate(ctx, func(s *state) error {
		if k.Team != "" && findTeam(s, k.Team) == nil {
			return fieldError("team", "no team %q", k.Team)
		}
		s.Keys = append(s.Keys, k)
		// Ids carry the creating instance's clock: keep them sorted.
		sort.Slice(s.Keys, func(i, j int) bool { return s.Keys[i].ID < s.Keys[j].ID })
		return nil
	})
	if err != nil {
		return Key{}, "", err
	}
	g.audit(who, "key.create", k.ID, k.Fingerprint, k.Team)
	return g.KeyView(ctx, k.ID), secret, nil
}

// ListKeys returns up to limit keys after the id after, in creation
// order, and the id to pass as after for the next page ("" at the end).
func (g *Governance) ListKeys(ctx context.Context, limit int, after string) ([]Key, string) {
	if limit <= 0 {
		limit = DefaultPageSize
	}
	limit = min(limit, MaxPageSize)
	g.mu.Lock()
	defer g.mu.Unlock()
	keys := g.cur.Keys
	i := sort.Search(len(keys), func(i int) bool { return keys[i].ID > after })
	out := make([]Key, 0, min(limit, len(keys)-i))
	for ; i < len(keys) && len(out) < limit; i++ {
		out = append(out, g.viewLocked(ctx, keys[i]))
	}
	next := ""
	if i < len(keys) {
		next = out[len(out)-1].ID
	}
	return out, next
}

// GetKey returns one key.
func (g *Governance) GetKey(ctx context.Context, id string) (Key, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	k := findKey(g.cur, id)
	if k == nil {
		return Key{}, notFound("no client key %q", id)
	}
	return g.viewLocked(ctx, k), nil
}

// KeyView is GetKey for an id known to exist (the zero Key otherwise).
func (g *Governance) KeyView(ctx context.Context, id string) Key {
	k, _ := g.GetKey(ctx, id)
	return k
}

// UpdateKey changes the fields present in in. A revoked key cannot change.
func (g *Governance) UpdateKey(ctx context.Context, who, id string, in KeyInput) (Key, error) {
	var fp, team string
	err := g.mutate(ctx, func(s *state) error {
		k := findKey(s, id)
		if k == nil {
			return notFound("no client key %q", id)
		}
		if k.RevokedAt != nil {
			return conflict("client key %q is revoked", id)
		}
		c := *k
		if err := in.apply(&c); err != nil {
			return err
		}
		if c.Team != "" && findTeam(s, c.Team) == nil {
			return fieldError("team", "no team %q", c.Team)
		}
		c.UpdatedAt, c.Rev = g.opts.Now().UTC(), k.Rev+1
		*k = c
		fp, team = k.Fingerprint, k.Team
		return nil
	})
	if err != nil {
		return Key{}, err
	}
	g.audit(who, "key.update", id, fp, team)
	return g.GetKey(ctx, id)
}

// RevokeKey stops a key from working; its record stays, with revoked_at.
// Revoking a revoked key changes nothing.
func (g *Governance) RevokeKey(ctx context.Context, who, id string) (Key, error) {
	var fp, team string
	err := g.mutate(ctx, func(s *state) error {
		k := findKey(s, id)
		if k == nil {
			return notFound("no client key %q", id)
		}
		if k.RevokedAt == nil {
			now := g.opts.Now().UTC()
			k.RevokedAt, k.UpdatedAt, k.Rev = &now, now, k.Rev+1
		}
		fp, team = k.Fingerprint, k.Team
		return nil
	})
	if err != nil {
		return Key{}, err
	}
	g.audit(who, "key.revoke", id, fp, team)
	return g.GetKey(ctx, id)
}

// CreateTeam makes a team.
func (g *Governance) CreateTeam(ctx context.Context, who string, in TeamInput) (Team, error) {
	if in.Name == nil {
		return Team{}, fieldError("name", "is required")
	}
	if err := validTeamName(*in.Name); err != nil {
		return Team{}, err
	}
	now := g.opts.Now().UTC()
	t := &Team{Name: *in.Name, CreatedAt: now, UpdatedAt: now, Rev: 1}
	in.apply(&t.Limits)
	if err := t.Limits.validate(); err != nil {
		return Team{}, err
	}
	err := g.mutate(ctx, func(s *state) error {
		if findTeam(s, t.Name) != nil {
			return conflict("team %q exists", t.Name)
		}
		s.Teams = append(s.Teams, t)
		sort.Slice(s.Teams, func(i, j int) bool { return s.Teams[i].Name < s.Teams[j].Name })
		return nil
	})
	if err != nil {
		return Team{}, err
	}
	g.audit(who, "team.create", "", "", t.Name)
	return g.GetTeam(ctx, t.Name)
}

// ListTeams returns every team, by name.
func (g *Governance) ListTeams(ctx context.Context) []Team {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Team, 0, len(g.cur.Teams))
	for _, t := range g.cur.Teams {
		out = append(out, g.teamViewLocked(ctx, t))
	}
	return out
}

// GetTeam returns one team.
func (g *Governance) GetTeam(ctx context.Context, name string) (Team, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	t := findTeam(g.cur, name)
	if t == nil {
		return Team{}, notFound("no team %q", name)
	}
	return g.teamViewLocked(ctx, t), nil
}

// UpdateTeam changes a team's limits (its name cannot change).
func (g *Governance) UpdateTeam(ctx context.Context, who, name string, in TeamInput) (Team, error) {
	if in.Name != nil && *in.Name != name {
		return Team{}, fieldError("name", "a team cannot be renamed")
	}
	err := g.mutate(ctx, func(s *state) error {
		t := findTeam(s, name)
		if t == nil {
			return notFound("no team %q", name)
		}
		c := *t
		in.apply(&c.Limits)
		if err := c.Limits.validate(); err != nil {
			return err
		}
		c.UpdatedAt, c.Rev = g.opts.Now().UTC(), t.Rev+1
		*t = c
		return nil
	})
	if err != nil {
		return Team{}, err
	}
	g.audit(who, "team.update", "", "", name)
	return g.GetTeam(ctx, name)
}

// DeleteTeam removes a team no active key belongs to.
func (g *Governance) DeleteTeam(ctx context.Context, who, name string) error {
	err := g.mutate(ctx, func(s *state) error {
		i := -1
		for j, t := range s.Teams {
			if t.Name == name {
				i = j
			}
		}
		if i < 0 {
			return notFound("no team %q", name)
		}
		var members []string
		for _, k := range s.Keys {
			if k.Team == name && k.RevokedAt == nil {
				members = append(members, k.ID)
			}
		}
		if len(members) > 0 {
			return conflict("team %q still has %d active keys (%s...); move or revoke them first",
				name, len(members), members[0])
		}
		s.Teams = append(s.Teams[:i], s.Teams[i+1:]...)
		return nil
	})
	if err != nil {
		return err
	}
	g.audit(who, "team.delete", "", "", name)
	return nil
}

func findKey(s *state, id string) *Key {
	i := sort.Search(len(s.Keys), func(i int) bool { return s.Keys[i].ID >= id })
	if i < len(s.Keys) && s.Keys[i].ID == id {
		return s.Keys[i]
	}
	return nil
}

func findTeam(s *state, name string) *Team {
	for _, t := range s.Teams {
		if t.Name == name {
			return t
		}
	}
	return nil
}

// viewLocked is a key as the API shows it: no hash, live spend and use.
func (g *Governance) viewLocked(ctx context.Context, k *Key) Key {
	v := *k
	v.Hash = ""
	v.Metadata = cloneMap(k.Metadata)
	v.Models = append([]string{}, k.Models...)
	m := g.meters["k:"+k.ID]
	v.SpendUSD = g.spendOf(ctx, m, k.Period())
	if m != nil {
		if n := m.lastUsed.Load(); n > 0 {
			t := unixUTC(n)
			v.LastUsedAt = &t
		}
	}
	return v
}

func (g *Governance) teamViewLocked(ctx context.Context, t *Team) Team {
	v := *t
	v.Models = append([]string{}, t.Models...)
	v.SpendUSD = g.spendOf(ctx, g.meters["t:"+t.Name], t.Period())
	return v
}

func cloneMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// validID: key ids appear in URLs.
func validID(id string) bool {
	return strings.HasPrefix(id, "key_") && len(id) <= 64 && !strings.ContainsAny(id, "/?#")
}

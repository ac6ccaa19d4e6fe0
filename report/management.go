package report

// Management summarizes the management actions on managed client keys
// and teams (the admin API's audit entries): what was done, by whom, and
// to which key.
type Management struct {
	// Actions counts by action (key.create, key.update, key.revoke,
	// team.create, team.update, team.delete), sorted by name.
	Actions []Count `json:"actions"`
	// Actors counts actions by who took them (the authenticated user, if
	// any, and the remote address), sorted by name.
	Actors []Count `json:"actors"`
	// Keys lists the client keys acted on, by fingerprint.
	Keys []KeyActions `json:"keys"`
}

// KeyActions counts the actions on one managed client key.
type KeyActions struct {
	ClientKey string `json:"client_key"`
	Created   int64  `json:"created"`
	Updated   int64  `json:"updated"`
	Revoked   int64  `json:"revoked"`
}

type managementGroups struct {
	actions, actors groups[int64]
	keys            groups[KeyActions]
}

func newManagementGroups(max int) managementGroups {
	return managementGroups{actions: newGroups[int64](max), actors: newGroups[int64](max), keys: newGroups[KeyActions](max)}
}

func (a *accumulator) management(e *entry) {
	m := &a.mgmt
	inc(m.actions, clean(e.Action))
	inc(m.actors, clean(e.Who))
	if e.ClientKey == "" {
		return
	}
	row, _ := m.keys.get(clean(e.ClientKey))
	switch e.Action {
	case "key.create":
		row.Created++
	case "key.update":
		row.Updated++
	case "key.revoke":
		row.Revoked++
	}
}

func (m managementGroups) report() Management {
	count := func(name string, n *int64) Count { return Count{Name: name, Count: *n} }
	return Management{
		Actions: sorted(m.actions, count),
		Actors:  sorted(m.actors, count),
		Keys: sorted(m.keys, func(name string, k *KeyActions) KeyActions {
			k.ClientKey = name
			return *k
		}),
	}
}

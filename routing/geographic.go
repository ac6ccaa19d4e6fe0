package routing

// geographicStrategy tries the capable deployments nearest first.
//
// The preferred regions are the request's Region when set (from a header),
// else the configured list, in order. A candidate's rank is its best
// (distance, preference) over the preferred regions, distance first: every
// exact match to any preferred region comes before any merely-same-area
// deployment, and among equals the earlier preference wins. An operator who
// lists "us-east, eu-west" wants eu-west before an unlisted us-west. With
// no preference at all, the configured order stands.
type geographicStrategy struct {
	regions []string
}

func (geographicStrategy) Name() string { return StrategyGeographic }

func (s geographicStrategy) Route(req *Request, cands []Candidate) Decision {
	sc := getScratch()
	defer sc.put()
	req, r, n := sc.begin(req, cands, true)
	prefs := s.regions
	source := "config"
	if req.Region != "" {
		prefs = []string{req.Region} // does not escape: the slice is only read here
		source = "request"
	}
	for i := range r.slots {
		sl := &r.slots[i]
		sl.key = float64(regionRank(prefs, cands[sl.idx].Region))
	}
	r.sort()

	confidence := 0.5
	switch {
	case len(prefs) == 0:
		n.add("geographic: no region preference; configured order").end()
	case len(r.slots) > 0:
		n.add("geographic: prefer ")
		for i, p := range prefs {
			if i > 0 {
				n.add(", ")
			}
			if i == maxListed {
				n.add("…")
				break
			}
			n.add(clip(p, maxKeyRegion)) // a request's region comes from a client header
		}
		n.add(" (").add(source).add(")").end()
		d1 := int(r.slots[0].key) / len(prefs)
		noteRegion(n, "geographic: ", &cands[r.slots[0].idx], d1)
		if len(r.slots) > 1 {
			d2 := int(r.slots[1].key) / len(prefs)
			noteRegion(n, "geographic: next ", &cands[r.slots[1].idx], d2)
			confidence = 0.5 + 0.15*float64(d2-d1)
		} else {
			confidence = 0.9 - 0.1*float64(d1)
		}
	}
	return r.finish(StrategyGeographic, cands, confidence, n)
}

// regionRank is distance × len(prefs) + preference index, minimised over
// the preferences: distance first, then preference order.
func regionRank(prefs []string, region string) int {
	best := OtherArea*len(prefs) + len(prefs)
	for i, p := range prefs {
		if rank := RegionDistance(p, region)*len(prefs) + i; rank < best {
			best = rank
		}
	}
	return best
}

func noteRegion(n *notes, prefix string, c *Candidate, distance int) {
	n.add(prefix).add(c.ID).add(" in ")
	if c.Region == "" {
		n.add("no region")
	} else {
		n.add(c.Region)
	}
	n.add(" (").add(distanceNames[min(max(distance, 0), OtherArea)]).add(")").end()
}

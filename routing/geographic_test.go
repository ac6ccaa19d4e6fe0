package routing

import (
	"testing"
)

func TestRegionDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"us-east-1", "us-east", SameRegion},
		{"US-East-1", "us-east-2", SameRegion}, // zone numbers are ignored
		{"europe-west4", "europe-west1", SameRegion},
		{"us-east", "us-west-2", SameArea},
		{"us-central1", "ca-central-1", SameArea},
		{"eu-west-1", "europe-west4", SameArea},
		{"westeurope", "eu-central-1", SameArea},
		{"eastus2", "us-west-1", SameArea},
		{"australiaeast", "ap-southeast-2", SameArea},
		{"southafricanorth", "af-south-1", SameArea},
		{"japaneast", "asia-northeast1", SameArea},
		{"brazilsouth", "sa-east-1", SameArea},
		{"uksouth", "eu-west-2", SameArea},
		{"us-east", "", Unpinned},
		{"us-east", "global", Unpinned},
		{"", "", Unpinned},
		{"us-east", "mars-north-1", Unpinned},
		{"us-east-1", "eu-west-1", OtherArea},
		{"ap-southeast-1", "me-central-1", OtherArea},
		{"australiaeast", "eastus", OtherArea},
	}
	for _, tt := range tests {
		if got := RegionDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("RegionDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := RegionDistance(tt.b, tt.a); got != tt.want {
			t.Errorf("RegionDistance(%q, %q) = %d, want %d (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestGeographicStrategy(t *testing.T) {
	at := func(provider, r string) Candidate {
		return with(cand(t, provider, "gpt-4o-mini"), region(r))
	}
	useast, uswest := at("useast", "us-east-1"), at("uswest", "us-west-2")
	euwest, eucentral := at("euwest", "eu-west-1"), at("eucentral", "eu-central-1")
	apac, global := at("apac", "ap-southeast-1"), at("global", "")

	runFleet(t, StrategyGeographic, []fleetTest{
		{"request region: nearest first", Options{}, Request{Region: "eu-west-1"},
			[]Candidate{useast, eucentral, global, apac, euwest},
			[]string{"euwest/gpt-4o-mini", "eucentral/gpt-4o-mini", "global/gpt-4o-mini", "useast/gpt-4o-mini", "apac/gpt-4o-mini"}},
		{"configured preference order", Options{Regions: []string{"us-east", "eu-west"}}, Request{},
			[]Candidate{uswest, euwest, useast},
			// Listed regions beat unlisted neighbours: eu-west before us-west.
			[]string{"useast/gpt-4o-mini", "euwest/gpt-4o-mini", "uswest/gpt-4o-mini"}},
		{"request region overrides config", Options{Regions: []string{"us-east"}}, Request{Region: "ap-southeast-1"},
			[]Candidate{useast, apac}, []string{"apac/gpt-4o-mini", "useast/gpt-4o-mini"}},
		{"azure-style request region", Options{}, Request{Region: "westeurope"},
			[]Candidate{useast, eucentral}, []string{"eucentral/gpt-4o-mini", "useast/gpt-4o-mini"}},
		{"no preference keeps configured order", Options{}, Request{},
			[]Candidate{apac, useast}, []string{"apac/gpt-4o-mini", "useast/gpt-4o-mini"}},
		{"unhealthy nearest last", Options{}, Request{Region: "eu-west-1"},
			[]Candidate{useast, with(euwest, unhealthy)}, []string{"useast/gpt-4o-mini", "euwest/gpt-4o-mini"}},
	})

	d := mustNew(t, StrategyGeographic, Options{}).Route(&Request{Region: "eu-west-1"}, []Candidate{useast, euwest})
	if !reasoningHas(d, "geographic: prefer eu-west-1 (request)") ||
		!reasoningHas(d, "geographic: euwest/gpt-4o-mini in eu-west-1 (same region)") ||
		!reasoningHas(d, "geographic: next useast/gpt-4o-mini in us-east-1 (other area)") {
		t.Errorf("reasoning %q", d.Reasoning)
	}
	if d.Confidence != 0.95 {
		t.Errorf("confidence %v, want 0.95 for same region against another area", d.Confidence)
	}
	d = mustNew(t, StrategyGeographic, Options{}).Route(&Request{}, []Candidate{useast, euwest})
	if d.Confidence != 0.5 || !reasoningHas(d, "no region preference") {
		t.Errorf("no preference: %+v", d)
	}
}

func TestGeographicOptionsAreCopied(t *testing.T) {
	regions := []string{"us-east", " ", "eu-west"}
	s := mustNew(t, StrategyGeographic, Options{Regions: regions})
	regions[0] = "ap-south"
	cands := []Candidate{
		with(cand(t, "ap", "gpt-4o-mini"), region("ap-south-1")),
		with(cand(t, "us", "gpt-4o-mini"), region("us-east-1")),
	}
	if d := s.Route(&Request{}, cands); cands[d.Order[0]].Provider != "us" {
		t.Errorf("strategy followed a change to the caller's slice: %v", ids(cands, d))
	}
}

func FuzzRegionDistance(f *testing.F) {
	for _, seed := range [][2]string{{"us-east-1", "eu-west-1"}, {"westeurope", ""}, {"GLOBAL", "-1-"}, {"australiaeast", "eastus"}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		d := RegionDistance(a, b)
		if d < SameRegion || d > OtherArea {
			t.Fatalf("distance %d", d)
		}
		if RegionDistance(b, a) != d {
			t.Fatalf("asymmetric for %q, %q", a, b)
		}
		if baseRegion(a) != "" && RegionDistance(a, a) != SameRegion {
			t.Fatalf("%q not in its own region", a)
		}
	})
}

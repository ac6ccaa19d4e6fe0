package routing

import "strings"

// Region distances, from near to far. The model is deliberately coarse: a
// gateway knows region names, not network paths, and the names of the big
// clouds (AWS "eu-west-1", GCP "europe-west4", Azure "westeurope") say
// which part of the world a deployment is in and little more.
const (
	SameRegion = 0 // the same region name, ignoring a zone/number suffix
	SameArea   = 1 // the same continent or area: us-*, eu-*, ap-*, …
	Unpinned   = 2 // one side has no region, or "global", or an unknown name
	OtherArea  = 3 // known to be in different areas
)

// RegionDistance says how far apart two regions are: SameRegion,
// SameArea, Unpinned or OtherArea. "us-east-1" and "us-east" are the same
// region; "us-east" and "us-west-2" the same area; "us-east" and
// "eu-west-1" different areas. Case does not matter.
func RegionDistance(a, b string) int {
	a, b = baseRegion(a), baseRegion(b)
	if a == "" || b == "" {
		return Unpinned
	}
	if a == b {
		return SameRegion
	}
	areaA, areaB := area(a), area(b)
	switch {
	case areaA == "" || areaB == "":
		return Unpinned
	case areaA == areaB:
		return SameArea
	}
	return OtherArea
}

// distanceNames are the words used in reasoning lines.
var distanceNames = [...]string{
	SameRegion: "same region",
	SameArea:   "same area",
	Unpinned:   "unpinned",
	OtherArea:  "other area",
}

// baseRegion lower-cases a region name and drops a trailing zone or
// number ("us-east-1" → "us-east", "europe-west4" → "europe-west").
// "global" and "" are unpinned and come back as "".
func baseRegion(r string) string {
	r = strings.ToLower(strings.TrimSpace(r))
	end := len(r)
	for end > 0 && (r[end-1] >= '0' && r[end-1] <= '9' || r[end-1] == '-') {
		end--
	}
	r = r[:end]
	if r == "global" {
		return ""
	}
	return r
}

// areaByPrefix maps the first part of a dashed region name to its area.
var areaByPrefix = map[string]string{
	"us": "na", "usgov": "na", "ca": "na", "mx": "na", "northamerica": "na", "na": "na",
	"eu": "eu", "europe": "eu", "uk": "eu",
	"ap": "ap", "asia": "ap", "apac": "ap", "jp": "ap", "kr": "ap", "in": "ap", "sg": "ap",
	"australia": "ap", "au": "ap",
	"sa": "sa", "southamerica": "sa", "latam": "sa", "br": "sa",
	"me": "me", "il": "me",
	"af": "af", "africa": "af",
}

// areaByWord finds the area of dash-less names (Azure's "westeurope",
// "eastus2", "japaneast"). Order matters: "australia" contains "us", and
// "southafrica" must not be read as anything else.
var areaByWord = [...]struct{ word, area string }{
	{"australia", "ap"},
	{"africa", "af"},
	{"europe", "eu"}, {"uk", "eu"}, {"france", "eu"}, {"germany", "eu"}, {"switzerland", "eu"},
	{"norway", "eu"}, {"sweden", "eu"}, {"poland", "eu"}, {"italy", "eu"}, {"spain", "eu"},
	{"asia", "ap"}, {"japan", "ap"}, {"korea", "ap"}, {"india", "ap"}, {"singapore", "ap"},
	{"brazil", "sa"},
	{"uae", "me"}, {"qatar", "me"}, {"israel", "me"},
	{"canada", "na"}, {"mexico", "na"}, {"us", "na"},
}

// area returns the area of a base region name, or "" when unknown.
func area(r string) string {
	first := r
	if i := strings.IndexByte(r, '-'); i >= 0 {
		first = r[:i]
	}
	if a, ok := areaByPrefix[first]; ok {
		return a
	}
	for _, w := range areaByWord {
		if strings.Contains(r, w.word) {
			return w.area
		}
	}
	return ""
}

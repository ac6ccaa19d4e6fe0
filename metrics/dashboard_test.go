package metrics

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
)

const dashboardPath = "../examples/grafana-dashboard.json"

// metricRef finds metric names in PromQL: "ai_" at the start of an
// identifier (Go's regexp has no look-behind, hence the leading group).
var metricRef = regexp.MustCompile(`(?:^|[^a-zA-Z0-9_:])(ai_[a-zA-Z0-9_:]*)`)

// quoted matches PromQL string literals (label values), which are not
// metric names.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// metricRefs lists the metric names a PromQL query reads.
func metricRefs(q string) []string {
	var refs []string
	for _, m := range metricRef.FindAllStringSubmatch(quoted.ReplaceAllString(q, `""`), -1) {
		refs = append(refs, m[1])
	}
	return refs
}

// dashboardQueries returns every PromQL string in the dashboard: panel and
// row targets' "expr", and the template variables' queries.
func dashboardQueries(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("dashboard is not valid JSON: %v", err)
	}
	var out []string
	var walk func(v any, parentKey string)
	walk = func(v any, parentKey string) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				if s, ok := child.(string); ok && (k == "expr" || k == "definition" || (k == "query" && parentKey == "query")) {
					out = append(out, s)
				}
				walk(child, k)
			}
		case []any:
			for _, child := range v {
				walk(child, parentKey)
			}
		}
	}
	walk(doc, "")
	return out
}

// TestDashboardQueriesKnownMetrics: a renamed or removed metric must not
// leave the operators' dashboard silently empty.
func TestDashboardQueriesKnownMetrics(t *testing.T) {
	touchAll()
	types := map[string]dto.MetricType{}
	for _, mf := range gather(t) {
		types[mf.GetName()] = mf.GetType()
	}
	known := Names()
	queries := dashboardQueries(t)
	if len(queries) < 10 {
		t.Fatalf("found only %d queries in the dashboard", len(queries))
	}
	used := map[string]bool{}
	for _, q := range queries {
		refs := metricRefs(q)
		if len(refs) == 0 {
			t.Errorf("query uses no ai_ metric: %s", q)
		}
		for _, ref := range refs {
			base := ref
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if b, ok := strings.CutSuffix(ref, suffix); ok {
					base = b
					if types[base] != dto.MetricType_HISTOGRAM {
						t.Errorf("%s: %s is not a histogram", ref, base)
					}
					break
				}
			}
			if !slices.Contains(known, base) {
				t.Errorf("dashboard queries %s, which the module does not export (query: %s)", ref, q)
			}
			used[base] = true
		}
	}
	// What issue 5 asks the dashboard to show.
	for _, must := range []string{
		nameRequests, nameDuration, nameErrorRate, nameCost, nameBreakerState,
		nameCacheRequests, nameTokens, nameTTFT, nameRouting, nameFallbacks, nameRetries,
	} {
		if !used[must] {
			t.Errorf("dashboard does not show %s", must)
		}
	}
}

func TestMetricRef(t *testing.T) {
	q := `histogram_quantile(0.5, sum by (le) (rate(ai_request_duration_seconds_bucket{x="ai_no"}[5m]))) / xai_other + ai_cost_total`
	got := metricRefs(q)
	if want := []string{"ai_request_duration_seconds_bucket", "ai_cost_total"}; !slices.Equal(got, want) {
		t.Fatalf("refs = %v, want %v", got, want)
	}
}

// variable is a Grafana template variable.
type variable struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Query any    `json:"query"`
}

// TestDashboardShape checks what Grafana needs to import the file: a
// Prometheus data-source variable used by every panel, unique panel ids and
// a current schema.
func TestDashboardShape(t *testing.T) {
	raw, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		SchemaVersion int    `json:"schemaVersion"`
		UID           string `json:"uid"`
		Title         string `json:"title"`
		Templating    struct {
			List []variable `json:"list"`
		} `json:"templating"`
		Panels []struct {
			ID         int    `json:"id"`
			Type       string `json:"type"`
			Title      string `json:"title"`
			Datasource *struct {
				Type string `json:"type"`
				UID  string `json:"uid"`
			} `json:"datasource"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	if d.SchemaVersion < 36 || d.UID == "" || d.Title == "" {
		t.Fatalf("schemaVersion %d, uid %q, title %q", d.SchemaVersion, d.UID, d.Title)
	}
	hasDS := slices.ContainsFunc(d.Templating.List, func(v variable) bool {
		return v.Name == "datasource" && v.Type == "datasource" && v.Query == "prometheus"
	})
	if !hasDS {
		t.Fatal("no Prometheus data-source variable named datasource")
	}
	ids := map[int]bool{}
	for _, p := range d.Panels {
		if ids[p.ID] {
			t.Errorf("duplicate panel id %d", p.ID)
		}
		ids[p.ID] = true
		if p.Type == "row" {
			continue
		}
		if p.Datasource == nil || p.Datasource.Type != "prometheus" || p.Datasource.UID != "${datasource}" {
			t.Errorf("panel %q does not use the datasource variable", p.Title)
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
	}
}

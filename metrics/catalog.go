package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sira-ai/caddy-ai-backends/catalog"
)

// Price catalog metrics. The loaders live in the catalog package (which this
// package imports), so their numbers are read at scrape time.
const (
	nameCatalogEntries    = "ai_catalog_entries"
	nameCatalogLoadErrors = "ai_catalog_load_errors_total"
	nameUnknownModel      = "ai_catalog_unknown_model_total"
)

var (
	catalogEntriesDesc = prometheus.NewDesc(nameCatalogEntries,
		"Models in each price catalog in use, by source: \"builtin\", a file path or a URL without credentials or query.",
		[]string{"source"}, nil)
	_ = export(nameCatalogEntries, catalogEntries{})

	_ = export(nameCatalogLoadErrors, prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: nameCatalogLoadErrors,
		Help: "Failed loads of a price catalog (the last good table stays in use).",
	}, func() float64 { return float64(catalog.LoadErrors()) }))

	// unknownModelTotal has no model label: unlisted model names come
	// from clients, and the log names each one once.
	unknownModelTotal = export(nameUnknownModel, prometheus.NewCounter(prometheus.CounterOpts{
		Name: nameUnknownModel,
		Help: "Requests costed at 0 because no catalog, built-in price or model_override knows their model.",
	}))
)

// IncUnknownModel counts a request whose model has no price.
func IncUnknownModel() { unknownModelTotal.Inc() }

// catalogEntries reports the size of the built-in table and of every
// running loader's table. The source label is configuration (a path, or a
// URL without credentials or query), so it is bounded.
type catalogEntries struct{}

func (catalogEntries) Describe(ch chan<- *prometheus.Desc) { ch <- catalogEntriesDesc }

func (catalogEntries) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(catalogEntriesDesc, prometheus.GaugeValue, float64(catalog.BuiltinEntries()), "builtin")
	seen := map[string]bool{"builtin": true}
	for _, st := range catalog.Live() {
		if seen[st.Source] { // two configs on one source: report it once
			continue
		}
		seen[st.Source] = true
		ch <- prometheus.MustNewConstMetric(catalogEntriesDesc, prometheus.GaugeValue, float64(st.Entries), st.Source)
	}
}

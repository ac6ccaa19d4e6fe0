package catalog

// Simulator models (provider type sim). Their prices are made up, but in
// the range of real small and large models, so that offline demos and the
// routing simulation show meaningful cost numbers and cost-based choices.
// sim-small is a cheap text model with a small window and no readsImages, so
// capability routing has something to exclude; sim-large can do everything.
var simModels = map[string]Spec{
	"sim-small": chatSpec(16_384, 4_096, textOnly, 0.20, 0.05, 0.80),
	"sim-large": chatSpec(128_000, 16_384, readsImages, 2.00, 0.50, 8.00),
}

//go:build goexperiment.jsonv2

package providers

// invalidUTF8 is what encoding/json writes for each byte of invalid UTF-8 in
// a string when built with GOEXPERIMENT=jsonv2: U+FFFD itself, unescaped
// (without the experiment it writes the escape; see jsonstring_v1.go).
const invalidUTF8 = "\ufffd"

package api

import (
	"bytes"
	_ "embed"
	"net/http"
)

//go:generate go run openapi_gen.go

// openAPIYAML is Pay's own OpenAPI document: every endpoint Pay serves. The
// API tests validate every response against it, so it cannot drift.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// openAPIJSONDoc is the same document as JSON. go generate writes it from
// openapi.yaml, and a test fails when it is stale.
//
//go:embed openapi.json
var openAPIJSONDoc []byte

// OpenAPIYAML returns a copy of Pay's OpenAPI document as YAML.
func OpenAPIYAML() []byte {
	return bytes.Clone(openAPIYAML)
}

func (a *API) openAPIJSON(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIJSONDoc)
}

func (a *API) openAPIYAML(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	w.Write(openAPIYAML)
}

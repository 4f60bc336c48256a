package api

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// openAPIYAML is Pay's own OpenAPI document: every endpoint Pay serves. The
// API tests validate every response against it, so it cannot drift.
//
//go:embed openapi.yaml
var openAPIYAML []byte

// OpenAPIDocument returns the parsed document.
func OpenAPIDocument() (*openapi3.T, error) {
	return openapi3.NewLoader().LoadFromData(openAPIYAML)
}

var openAPIJSONOnce = sync.OnceValues(func() ([]byte, error) {
	doc, err := OpenAPIDocument()
	if err != nil {
		return nil, err
	}
	return json.MarshalIndent(doc, "", "  ")
})

func (a *API) openAPIJSON(w http.ResponseWriter, r *http.Request) {
	b, err := openAPIJSONOnce()
	if err != nil {
		a.fail(w, r, err, internalCodes)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func (a *API) openAPIYAML(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	w.Write(openAPIYAML)
}

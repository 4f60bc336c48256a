// Package openapijson turns Pay's OpenAPI document from YAML into the JSON
// that GET /v1/openapi.json serves. Only the generator and the tests import
// it, so its OpenAPI and YAML libraries stay out of the binary.
package openapijson

import (
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// FromYAML returns the document in yaml as indented JSON. It returns an
// error if yaml is not an OpenAPI document.
func FromYAML(yaml []byte) ([]byte, error) {
	doc, err := openapi3.NewLoader().LoadFromData(yaml)
	if err != nil {
		return nil, fmt.Errorf("loading the OpenAPI document: %w", err)
	}
	return json.MarshalIndent(doc, "", "  ")
}

//go:build ignore

// openapi_gen writes openapi.json from openapi.yaml; go generate runs it in
// this directory.
package main

import (
	"fmt"
	"os"

	"pay/internal/api/internal/openapijson"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "openapi_gen:", err)
		os.Exit(1)
	}
}

func run() error {
	yaml, err := os.ReadFile("openapi.yaml")
	if err != nil {
		return err
	}
	b, err := openapijson.FromYAML(yaml)
	if err != nil {
		return err
	}
	return os.WriteFile("openapi.json", b, 0o644)
}

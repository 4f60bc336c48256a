package apptest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// Serve serves h on 127.0.0.1 on a free port until the test ends.
func Serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// Service stands in for the service a payer returns to: every path is a
// page whose heading has the id "service".
func Service(t testing.TB) *httptest.Server {
	t.Helper()
	return Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "<!DOCTYPE html><html lang=en><title>Service</title><h1 id=service>Back at the service</h1></html>")
	}))
}

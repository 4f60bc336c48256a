package api

import (
	"encoding/json"
	"net/http"
	"time"
)

// writeJSON writes v as the response body with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // URLs in _links keep their '&'
	enc.Encode(v)
}

// timeLayout is how the API writes times: UTC with milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

func formatDate(t time.Time) string { return t.UTC().Format("2006-01-02") }

// link is a GET link in _links.
type link struct {
	Href   string `json:"href"`
	Method string `json:"method"`
}

// postLink is a POST link in _links, with the form it takes.
type postLink struct {
	Href   string            `json:"href"`
	Method string            `json:"method"`
	Type   string            `json:"type,omitempty"`
	Params map[string]string `json:"params,omitempty"`
}

func get(href string) *link { return &link{Href: href, Method: http.MethodGet} }

func post(href string) *postLink { return &postLink{Href: href, Method: http.MethodPost} }

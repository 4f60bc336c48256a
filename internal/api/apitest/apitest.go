// Package apitest helps tests talk to Pay's API: a client that decodes JSON
// answers, and a wrapper that checks every answer against Pay's own OpenAPI
// document so the document and the code cannot drift apart.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"pay/internal/api"
)

// Validator checks answers against Pay's OpenAPI document.
type Validator struct {
	router routers.Router
}

// NewValidator loads the document; it fails t if the document is broken.
func NewValidator(t testing.TB) *Validator {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPIYAML())
	if err != nil {
		t.Fatalf("loading the OpenAPI document: %v", err)
	}
	doc.Servers = nil // match requests on any host
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatalf("routing the OpenAPI document: %v", err)
	}
	return &Validator{router: router}
}

// Validate wraps h so that every response to a /v1 request is checked
// against the OpenAPI document: its route, status code, headers and body.
// A mismatch fails t.
func Validate(t testing.TB, h http.Handler) http.Handler {
	t.Helper()
	v := NewValidator(t)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		res := rec.Result()
		body := rec.Body.Bytes()
		v.Check(t, r, res.StatusCode, res.Header, body)
		for k, vals := range res.Header {
			w.Header()[k] = vals
		}
		w.WriteHeader(res.StatusCode)
		w.Write(body)
	})
}

// Check fails t unless the answer to a /v1 request r matches the document.
func (v *Validator) Check(t testing.TB, r *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	if !strings.HasPrefix(r.URL.Path, "/v1/") {
		return
	}
	// Route on the path as sent, so that an id with an escaped "/" stays
	// one segment, as it does for the API's own routing.
	routed := r.Clone(r.Context())
	routed.URL.Path, routed.URL.RawPath = r.URL.EscapedPath(), ""
	route, params, err := v.router.FindRoute(routed)
	if err == nil && status == http.StatusNotFound && unknownPath(body) {
		// A path the document's templates take but Pay's routes do not,
		// such as an id that is only an escaped "/".
		return
	}
	if err != nil {
		if status == http.StatusNotFound || status == http.StatusUnauthorized || status == http.StatusTooManyRequests {
			return // an undocumented path: 401 before authentication, 429 over the rate limit, 404 after
		}
		t.Errorf("OpenAPI: %s %s answered %d but the document has no such operation: %v", r.Method, r.URL.Path, status, err)
		return
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	input.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		t.Errorf("OpenAPI: %s %s → %d does not match the document: %v\nbody: %s", r.Method, r.URL.Path, status, err, body)
	}
}

// unknownPath reports whether body is the answer to a path Pay does not
// serve: GOV.UK Pay's server's {"code":404,"message":"HTTP 404 Not Found"}.
func unknownPath(body []byte) bool {
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	return json.Unmarshal(body, &e) == nil && e.Code == http.StatusNotFound && e.Message == "HTTP 404 Not Found"
}

// Client calls the API as a service would.
type Client struct {
	T       testing.TB
	BaseURL string
	Key     string
	HTTP    *http.Client
}

// Response is a decoded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	JSON   map[string]any
}

// Do sends a request. body is marshalled to JSON unless it is a string or
// []byte, which are sent as they are. headers are name, value pairs.
func (c *Client) Do(method, path string, body any, headers ...string) *Response {
	c.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.T.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.BaseURL+path, rd)
	if err != nil {
		c.T.Fatal(err)
	}
	if c.Key != "" {
		req.Header.Set("Authorization", "Bearer "+c.Key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		c.T.Fatal(err)
	}
	defer res.Body.Close()
	out := &Response{Status: res.StatusCode, Header: res.Header}
	if out.Body, err = io.ReadAll(res.Body); err != nil {
		c.T.Fatal(err)
	}
	if len(out.Body) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		dec := json.NewDecoder(bytes.NewReader(out.Body))
		dec.UseNumber()
		if err := dec.Decode(&out.JSON); err != nil {
			c.T.Fatalf("%s %s: body is not a JSON object: %v\n%s", method, path, err, out.Body)
		}
	}
	return out
}

// Get returns the value at a dotted path such as "_links.next_url.href"
// (array elements by index, "results.0.payment_id"), or nil.
func (r *Response) Get(path string) any {
	var v any = r.JSON
	for _, part := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// Str returns the value at path as text ("" when absent).
func (r *Response) Str(path string) string {
	switch v := r.Get(path).(type) {
	case nil:
		return ""
	case string:
		return v
	case json.Number:
		return v.String()
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// Has reports whether path is present.
func (r *Response) Has(path string) bool { return r.Get(path) != nil }

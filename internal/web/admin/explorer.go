package admin

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	"pay/internal/pay"
)

// The API Explorer lets a service team try Pay's public API without
// writing code. It sends the request from the server, to Pay's own public
// URL only, with the key the user gives: the API authenticates it like any
// other client, and the explorer can reach nothing but Pay's /v1 API.

// operation is one of the public API's actions, with an example request.
type operation struct {
	ID     string
	Label  string
	Method string
	Path   string // {paymentId} is filled in from the last payment seen
	Body   string
}

// createExample is the quick start's payment.
const createExample = `{
  "amount": 12000,
  "reference": "12345",
  "description": "New passport application",
  "return_url": "https://service-name.gov.uk/transactions/12345"
}`

var operations = []operation{
	{"create-payment", "Create a payment", http.MethodPost, "/v1/payments", createExample},
	{"get-payment", "Get a payment", http.MethodGet, "/v1/payments/{paymentId}", ""},
	{"get-events", "Get a payment’s events", http.MethodGet, "/v1/payments/{paymentId}/events", ""},
	{"search-payments", "Search payments", http.MethodGet, "/v1/payments?reference=12345&display_size=20", ""},
	{"cancel-payment", "Cancel a payment", http.MethodPost, "/v1/payments/{paymentId}/cancel", ""},
	{"capture-payment", "Capture a delayed-capture payment", http.MethodPost, "/v1/payments/{paymentId}/capture", ""},
	{"refund-payment", "Refund a payment", http.MethodPost, "/v1/payments/{paymentId}/refunds",
		"{\n  \"amount\": 2000,\n  \"refund_amount_available\": 12000\n}"},
	{"get-refunds", "Get a payment’s refunds", http.MethodGet, "/v1/payments/{paymentId}/refunds", ""},
	{"search-refunds", "Search refunds", http.MethodGet, "/v1/refunds", ""},
}

func operationByID(id string) operation {
	for _, op := range operations {
		if op.ID == id {
			return op
		}
	}
	return operations[0]
}

// explorerData is the explorer's form and, after a request, the answer.
type explorerData struct {
	page
	Operations []option
	Method     string
	Path       string
	Body       string
	Key        string
	PaymentID  string // the payment the examples use, from the last answer
	APIBase    string // where the requests go
	Response   *explorerResponse
}

type explorerResponse struct {
	Status  string
	Headers []row
	Body    []segment // the body, pretty-printed, with the links a browser can open as links
	Links   []apiLink // the answer's _links
	// PaymentID is the payment the answer is about, so that the next example
	// can use the payment just created.
	PaymentID string
}

// apiLink is one of an answer's _links. Open says a browser can follow it:
// a GET link outside the API (next_url, the payer's page); the API's own
// links need the key, and next_url_post needs a form.
type apiLink struct {
	Name   string
	Method string
	Href   string
	Open   bool
}

// segment is a piece of the shown body: text, or a link.
type segment struct {
	Text string
	Href string
}

func (h *Handler) explorerPage(q *request) {
	op := operationByID(q.r.URL.Query().Get("operation"))
	d := h.explorerForm(q, op.ID, "")
	d.Method, d.Path, d.Body = op.Method, op.Path, op.Body
	h.render(q, http.StatusOK, "explorer", d)
}

func (h *Handler) explorerForm(q *request, selected, paymentID string) *explorerData {
	d := &explorerData{page: h.page(q, "API Explorer", "API Explorer"), PaymentID: paymentID,
		APIBase: strings.TrimSuffix(h.publicURL, "/") + "/v1"}
	for _, op := range operations {
		d.Operations = append(d.Operations, option{op.ID, op.Label + " – " + op.Method + " " + op.Path, op.ID == selected})
	}
	return d
}

// explorer loads an example, or sends the request and shows the answer.
func (h *Handler) explorer(q *request) {
	form := q.r.PostForm
	paymentID := validPaymentID(form.Get("paymentId"))
	d := h.explorerForm(q, form.Get("operation"), paymentID)
	d.Method, d.Path, d.Body, d.Key = form.Get("method"), strings.TrimSpace(form.Get("path")), form.Get("body"), strings.TrimSpace(form.Get("key"))
	if form.Get("action") == "load" {
		op := operationByID(form.Get("operation"))
		d.Method, d.Path, d.Body = op.Method, fillPaymentID(op.Path, paymentID), op.Body
		h.render(q, http.StatusOK, "explorer", d)
		return
	}
	d.Errors = h.checkExplorer(d)
	if len(d.Errors) == 0 {
		var err error
		if d.Response, err = h.send(q, d); err != nil {
			d.Errors = []fieldError{{"path", "Pay’s API did not answer: " + err.Error()}}
		} else if id := cmp.Or(d.Response.PaymentID, pathPaymentID(d.Path)); id != "" {
			// An error answer has no payment_id: the path may still name one.
			d.PaymentID = id
		}
	}
	h.render(q, http.StatusOK, "explorer", d)
}

func validPaymentID(s string) string {
	if pay.ValidID(s) {
		return s
	}
	return ""
}

// pathPaymentID is the payment a request path names (/v1/payments/{id}…),
// or "".
func pathPaymentID(path string) string {
	rest, ok := strings.CutPrefix(path, "/v1/payments/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return validPaymentID(id)
}

func fillPaymentID(p, id string) string {
	if id == "" {
		return p
	}
	return strings.ReplaceAll(p, "{paymentId}", id)
}

func (h *Handler) checkExplorer(d *explorerData) []fieldError {
	var errs []fieldError
	if !slices.Contains([]string{http.MethodGet, http.MethodPost}, d.Method) {
		errs = append(errs, fieldError{"method", "Choose GET or POST"})
	}
	if _, err := h.apiURL(d.Path); err != nil {
		errs = append(errs, fieldError{"path", "Enter a path of Pay’s API, starting /v1/"})
	}
	if d.Key == "" {
		errs = append(errs, fieldError{"key", "Enter an API key"})
	}
	if d.Method == http.MethodPost && strings.TrimSpace(d.Body) != "" && !json.Valid([]byte(d.Body)) {
		errs = append(errs, fieldError{"body", "Enter the request body as JSON"})
	}
	return errs
}

// errNotAPIPath refuses a path that is not one of Pay's public API.
var errNotAPIPath = errors.New("not a path of Pay's public API")

// apiURL resolves a path of Pay's public API on Pay's own base URL. Any
// other path, and anything that is not a plain path, is refused, so the
// explorer cannot be made to call another host or another part of Pay.
func (h *Handler) apiURL(p string) (*url.URL, error) {
	ref, err := url.Parse(p)
	if err != nil || ref.Scheme != "" || ref.Host != "" || ref.User != nil || ref.Opaque != "" ||
		!strings.HasPrefix(p, "/v1/") || strings.ContainsAny(p, "\\\r\n\t #") {
		return nil, errNotAPIPath
	}
	if clean := path.Clean(ref.Path); clean != ref.Path && clean+"/" != ref.Path || !strings.HasPrefix(clean, "/v1/") {
		return nil, errNotAPIPath
	}
	base, err := url.Parse(h.publicURL)
	if err != nil {
		return nil, err
	}
	u := *base
	u.Path = strings.TrimSuffix(base.Path, "/") + ref.Path
	u.RawQuery = ref.RawQuery
	return &u, nil
}

// maxExplorerBody is as much of an answer as the explorer shows.
const maxExplorerBody = 1 << 20

// send makes the request to Pay's API and reads the answer.
func (h *Handler) send(q *request, d *explorerData) (*explorerResponse, error) {
	u, err := h.apiURL(d.Path)
	if err != nil {
		return nil, err
	}
	var body io.Reader
	if d.Method == http.MethodPost && strings.TrimSpace(d.Body) != "" {
		body = strings.NewReader(d.Body)
	}
	req, err := http.NewRequestWithContext(q.ctx, d.Method, u.String(), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+d.Key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := *h.client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, maxExplorerBody))
	if err != nil {
		return nil, err
	}
	return h.explorerResponse(res, raw), nil
}

func (h *Handler) explorerResponse(res *http.Response, raw []byte) *explorerResponse {
	out := &explorerResponse{Status: res.Status}
	for _, k := range slices.Sorted(maps.Keys(res.Header)) {
		out.Headers = append(out.Headers, row{k, strings.Join(res.Header[k], ", ")})
	}
	pretty := raw
	var buf bytes.Buffer
	if json.Indent(&buf, raw, "", "  ") == nil {
		pretty = buf.Bytes()
	}
	var doc apiDoc
	json.Unmarshal(raw, &doc) // an answer that is not a JSON object has neither
	out.Links = h.apiLinks(doc.Links)
	out.PaymentID = validPaymentID(doc.PaymentID)
	var open []string
	for _, l := range out.Links {
		if l.Open {
			open = append(open, l.Href)
		}
	}
	out.Body = linkify(string(pretty), open)
	return out
}

// apiDoc is what the explorer reads of an answer.
type apiDoc struct {
	PaymentID string             `json:"payment_id"`
	Links     map[string]docLink `json:"_links"`
}

type docLink struct {
	Href   string `json:"href"`
	Method string `json:"method"`
}

// apiLinks lists an answer's _links, in name order.
func (h *Handler) apiLinks(links map[string]docLink) []apiLink {
	api := strings.TrimSuffix(h.publicURL, "/") + "/v1/"
	var out []apiLink
	for _, name := range slices.Sorted(maps.Keys(links)) {
		l := links[name]
		open := l.Method == http.MethodGet && !strings.HasPrefix(l.Href, api) &&
			(strings.HasPrefix(l.Href, "https://") || strings.HasPrefix(l.Href, "http://"))
		out = append(out, apiLink{Name: name, Method: l.Method, Href: l.Href, Open: open})
	}
	return out
}

var jsonURL = regexp.MustCompile(`"(https?://[^"\s]+)"`)

// linkify splits text into plain pieces and the URLs in JSON strings that
// are among open, which the page shows as links.
func linkify(s string, open []string) []segment {
	var out []segment
	last := 0
	for _, m := range jsonURL.FindAllStringSubmatchIndex(s, -1) {
		u := s[m[2]:m[3]]
		if !slices.Contains(open, u) {
			continue
		}
		out = append(out, segment{Text: s[last:m[2]]}, segment{Text: u, Href: u})
		last = m[3]
	}
	return append(out, segment{Text: s[last:]})
}

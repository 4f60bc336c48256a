package api

import (
	"bytes"
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/google/go-cmp/cmp"

	"pay/internal/api/internal/openapijson"
)

// docRoutes mirrors the route table in (*API).Register, without the
// authenticated "/v1/" catch-all, with every status each route can answer.
// The tests below check it against api.go, the mux and the document.
var docRoutes = map[string][]int{
	"POST /v1/payments":                               {200, 201, 400, 401, 403, 409, 422, 429, 500},
	"GET /v1/payments":                                {200, 401, 404, 422, 429, 500},
	"GET /v1/payments/{paymentId}":                    {200, 401, 404, 429, 500},
	"GET /v1/payments/{paymentId}/events":             {200, 401, 404, 429, 500},
	"POST /v1/payments/{paymentId}/cancel":            {204, 400, 401, 404, 409, 429, 500},
	"POST /v1/payments/{paymentId}/capture":           {204, 400, 401, 404, 409, 429, 500},
	"POST /v1/payments/{paymentId}/refunds":           {202, 400, 401, 403, 404, 412, 422, 429, 500},
	"GET /v1/payments/{paymentId}/refunds":            {200, 401, 404, 429, 500},
	"GET /v1/payments/{paymentId}/refunds/{refundId}": {200, 401, 404, 429, 500},
	"GET /v1/refunds":                                 {200, 401, 404, 422, 429, 500},
	"GET /v1/disputes":                                {200, 401, 404, 422, 429, 500},
	"POST /v1/agreements":                             {201, 400, 401, 422, 429, 500},
	"GET /v1/agreements":                              {200, 400, 401, 404, 422, 429, 500},
	"GET /v1/agreements/{agreementId}":                {200, 401, 404, 429, 500},
	"POST /v1/agreements/{agreementId}/cancel":        {204, 400, 401, 404, 429, 500},
	"POST /v1/auth":                                   {204, 400, 402, 422, 500},
	"GET /v1/openapi.json":                            {200},
	"GET /v1/openapi.yaml":                            {200},
}

// docPublicRoutes need no API key.
var docPublicRoutes = []string{"POST /v1/auth", "GET /v1/openapi.json", "GET /v1/openapi.yaml"}

// docCatchAll is the pattern that answers 404 for paths Pay does not serve.
const docCatchAll = "/v1/"

func loadOpenAPIDoc(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(OpenAPIYAML())
	if err != nil {
		t.Fatalf("loading openapi.yaml: %v", err)
	}
	return doc
}

// TestOpenAPIJSONIsGenerated fails when openapi.json is stale: after editing
// openapi.yaml, run go generate ./internal/api.
func TestOpenAPIJSONIsGenerated(t *testing.T) {
	want, err := openapijson.FromYAML(openAPIYAML)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(openAPIJSONDoc, want) {
		t.Errorf("openapi.json is not generated from openapi.yaml; run go generate ./internal/api (-openapi.json +generated):\n%s",
			cmp.Diff(string(openAPIJSONDoc), string(want)))
	}
}

// operations returns the document's operations by "METHOD /path".
func docOperations(doc *openapi3.T) map[string]*openapi3.Operation {
	ops := map[string]*openapi3.Operation{}
	if doc.Paths == nil {
		return ops
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops[method+" "+path] = op
		}
	}
	return ops
}

func docSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := loadOpenAPIDoc(t)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi = %q, want 3.0.3", doc.OpenAPI)
	}
	if doc.Info == nil || doc.Info.Title != "Pay API" || doc.Info.Version != "1" {
		t.Errorf("info = %+v, want title %q and version %q", doc.Info, "Pay API", "1")
	}
	if doc.Info != nil && !strings.Contains(doc.Info.Description, "GOV.UK Pay's API v1") {
		t.Errorf("info.description does not say which API Pay is compatible with")
	}
	scheme := doc.Components.SecuritySchemes["BearerAuth"]
	if scheme == nil || scheme.Value == nil || scheme.Value.Type != "http" || scheme.Value.Scheme != "bearer" {
		t.Errorf("components.securitySchemes.BearerAuth is not an http bearer scheme: %+v", scheme)
	}
}

// TestOpenAPIDocumentRoutes checks the document, the route table in api.go
// and the mux against docRoutes, in both directions.
func TestOpenAPIDocumentRoutes(t *testing.T) {
	want := docSortedKeys(docRoutes)

	t.Run("api.go", func(t *testing.T) {
		got := docRegisteredPatterns(t)
		if !slices.Contains(got, docCatchAll) {
			t.Errorf("api.go registers no %q catch-all; update this test", docCatchAll)
		}
		got = slices.DeleteFunc(got, func(p string) bool { return p == docCatchAll })
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("routes registered in api.go differ from docRoutes (-docRoutes +api.go):\n%s", diff)
		}
	})

	t.Run("mux", func(t *testing.T) {
		mux, ok := (&API{}).Handler().(*http.ServeMux)
		if !ok {
			t.Skip("Handler no longer returns a *http.ServeMux")
		}
		for _, route := range want {
			method, path, _ := strings.Cut(route, " ")
			path = strings.ReplaceAll(path, "{paymentId}", "hu20sqlact5260q2nanm0q8u93")
			r := httptest.NewRequest(method, strings.ReplaceAll(path, "{refundId}", "act4c33g40j3edfmi8jknab84v"), nil)
			if _, pattern := mux.Handler(r); pattern != route {
				t.Errorf("%s is served by pattern %q, want %q", route, pattern, route)
			}
		}
	})

	t.Run("document", func(t *testing.T) {
		doc := loadOpenAPIDoc(t)
		ops := docOperations(doc)
		if diff := cmp.Diff(want, docSortedKeys(ops)); diff != "" {
			t.Errorf("operations in openapi.yaml differ from the routes Handler serves (-served +documented):\n%s", diff)
		}
		ids := map[string]string{}
		for _, route := range docSortedKeys(ops) {
			op := ops[route]
			if op.OperationID == "" {
				t.Errorf("%s has no operationId", route)
			} else if other, dup := ids[op.OperationID]; dup {
				t.Errorf("%s and %s share operationId %q", route, other, op.OperationID)
			}
			ids[op.OperationID] = route
			if len(op.Tags) == 0 {
				t.Errorf("%s has no tag", route)
			}

			security := doc.Security
			if op.Security != nil {
				security = *op.Security
			}
			bearer := slices.ContainsFunc(security, func(req openapi3.SecurityRequirement) bool {
				_, ok := req["BearerAuth"]
				return ok
			})
			if public := slices.Contains(docPublicRoutes, route); public && len(security) != 0 {
				t.Errorf("%s needs no API key but its security is %v", route, security)
			} else if !public && (!bearer || len(security) != 1) {
				t.Errorf("%s needs an API key but its security is %v, want BearerAuth", route, security)
			}

			var got []int
			for code := range op.Responses.Map() {
				n, err := strconv.Atoi(code)
				if err != nil {
					t.Errorf("%s declares response %q; every status must be explicit", route, code)
					continue
				}
				got = append(got, n)
			}
			sort.Ints(got)
			if diff := cmp.Diff(docRoutes[route], got); diff != "" {
				t.Errorf("%s: documented statuses differ (-handler +document):\n%s", route, diff)
			}
		}
	})
}

// docRegisteredPatterns returns the patterns (*API).Register registers: the
// first argument of every authed(...), mux.Handle(...) and mux.HandleFunc(...)
// statement in its body.
func docRegisteredPatterns(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "api.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var register *ast.FuncDecl
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "Register" && fn.Recv != nil {
			register = fn
		}
	}
	if register == nil {
		t.Fatal("api.go has no Register method")
	}
	var patterns []string
	for _, stmt := range register.Body.List {
		expr, ok := stmt.(*ast.ExprStmt)
		if !ok {
			continue
		}
		call, ok := expr.X.(*ast.CallExpr)
		if !ok || len(call.Args) == 0 {
			continue
		}
		switch fun := call.Fun.(type) {
		case *ast.Ident:
			if fun.Name != "authed" {
				continue
			}
		case *ast.SelectorExpr:
			if x, ok := fun.X.(*ast.Ident); !ok || x.Name != "mux" || (fun.Sel.Name != "Handle" && fun.Sel.Name != "HandleFunc") {
				continue
			}
		default:
			continue
		}
		lit, ok := call.Args[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			t.Errorf("Register adds a route whose pattern is not a string literal at offset %d", call.Pos())
			continue
		}
		p, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		patterns = append(patterns, p)
	}
	sort.Strings(patterns)
	return patterns
}

// TestOpenAPIResponseSchemasAreStrict checks that every object a response
// can contain is closed (additionalProperties: false) or is a map, so that
// the API tests notice a field the document does not describe.
func TestOpenAPIResponseSchemasAreStrict(t *testing.T) {
	doc := loadOpenAPIDoc(t)
	open := map[string]bool{"#/components/schemas/OpenAPIDocument": true} // the document itself
	ops := docOperations(doc)
	for _, route := range docSortedKeys(ops) {
		for code, res := range ops[route].Responses.Map() {
			if res.Value == nil {
				t.Fatalf("%s %s: unresolved response", route, code)
			}
			for mime, media := range res.Value.Content {
				if media.Schema == nil {
					t.Errorf("%s %s %s has no schema", route, code, mime)
					continue
				}
				docCheckStrict(t, route+" "+code, media.Schema, open, map[*openapi3.Schema]bool{})
			}
		}
	}
}

func docCheckStrict(t *testing.T, where string, ref *openapi3.SchemaRef, open map[string]bool, seen map[*openapi3.Schema]bool) {
	t.Helper()
	if ref == nil || ref.Value == nil || open[ref.Ref] || seen[ref.Value] {
		return
	}
	s := ref.Value
	seen[s] = true
	name := where
	if ref.Ref != "" {
		name = ref.Ref
	}
	if s.Type.Is(openapi3.TypeObject) {
		ap := s.AdditionalProperties
		closed := ap.Has != nil && !*ap.Has
		if !closed && ap.Schema == nil {
			t.Errorf("%s: object schema %s allows undocumented properties; set additionalProperties: false", where, name)
		}
		if ap.Schema != nil && len(s.Properties) > 0 {
			t.Errorf("%s: object schema %s mixes properties with an additionalProperties schema", where, name)
		}
	}
	for _, p := range docSortedKeys(s.Properties) {
		docCheckStrict(t, where, s.Properties[p], open, seen)
	}
	docCheckStrict(t, where, s.Items, open, seen)
	docCheckStrict(t, where, s.AdditionalProperties.Schema, open, seen)
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, sub := range list {
			docCheckStrict(t, where, sub, open, seen)
		}
	}
}

// TestOpenAPIDocumentServed fetches the document from the two endpoints that
// serve it and checks the answers against the document itself.
func TestOpenAPIDocumentServed(t *testing.T) {
	doc := loadOpenAPIDoc(t)
	doc.Servers = nil // match requests on any host
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	h := (&API{Logger: slog.New(slog.DiscardHandler)}).Handler()
	for _, tc := range []struct{ path, contentType string }{
		{"/v1/openapi.json", "application/json"},
		{"/v1/openapi.yaml", "application/yaml"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tc.path, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			res := rec.Result()
			body := rec.Body.Bytes()
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != tc.contentType {
				t.Fatalf("GET %s: %d %s, want 200 %s\n%.300s", tc.path, res.StatusCode, res.Header.Get("Content-Type"), tc.contentType, body)
			}
			route, params, err := router.FindRoute(r)
			if err != nil {
				t.Fatalf("the document has no operation for GET %s: %v", tc.path, err)
			}
			input := &openapi3filter.ResponseValidationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
				Status:                 res.StatusCode,
				Header:                 res.Header,
				Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
			}
			input.SetBodyBytes(body)
			if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
				t.Errorf("GET %s does not match the document: %v", tc.path, err)
			}
			served, err := openapi3.NewLoader().LoadFromData(body)
			if err != nil {
				t.Fatalf("the served document does not load: %v", err)
			}
			if err := served.Validate(context.Background()); err != nil {
				t.Errorf("the served document is not valid: %v", err)
			}
			if diff := cmp.Diff(docSortedKeys(docOperations(loadOpenAPIDoc(t))), docSortedKeys(docOperations(served))); diff != "" {
				t.Errorf("the served document has other operations (-openapi.yaml +served):\n%s", diff)
			}
		})
	}
}

// govukSpecEnv names the variable that holds the path of GOV.UK Pay's
// official OpenAPI document (publicapi_spec.json). The document is not part
// of the repository, so the compatibility test skips without it.
const govukSpecEnv = "GOVUKPAY_OPENAPI"

// docPayOnlyRoutes are the operations Pay serves that GOV.UK Pay does not.
var docPayOnlyRoutes = []string{"GET /v1/openapi.json", "GET /v1/openapi.yaml"}

// docGOVUKAdditions are response properties Pay documents that GOV.UK
// Pay's document leaves out although GOV.UK Pay returns them.
var docGOVUKAdditions = map[string][]string{
	"PaymentWithAllLinks":    {"agreement_id"},
	"PaymentDetailForSearch": {"agreement_id"},
	// GOV.UK Pay's document calls it CardDetails, but its server writes the
	// property in snake case, as every other one.
	"PaymentInstrument": {"card_details"},
}

// docGOVUKUnanswered are success statuses GOV.UK Pay's document lists that
// neither GOV.UK Pay's API nor Pay answers: a new refund is 202, never 200
// (GOV.UK Pay's publicapi turns anything but connector's 202 into an error).
var docGOVUKUnanswered = map[string][]string{
	"POST /v1/payments/{paymentId}/refunds": {"200"},
}

func loadGOVUKSpec(t *testing.T) *openapi3.T {
	t.Helper()
	path := os.Getenv(govukSpecEnv)
	if path == "" {
		t.Skip(govukSpecEnv + " is not set")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	return spec
}

// TestOpenAPICompatibleWithGOVUKPay checks Pay's document against GOV.UK
// Pay's where they overlap: the same operations, the same parameters with
// the same types, at least GOV.UK Pay's success statuses, the same request
// body attributes, and no undocumented response properties.
func TestOpenAPICompatibleWithGOVUKPay(t *testing.T) {
	spec := loadGOVUKSpec(t)
	doc := loadOpenAPIDoc(t)
	theirs := docOperations(spec)
	ours := docOperations(doc)

	for _, route := range docSortedKeys(ours) {
		op := ours[route]
		their, shared := theirs[route]
		if !shared {
			if !slices.Contains(docPayOnlyRoutes, route) {
				t.Errorf("%s is not an operation of GOV.UK Pay's API", route)
			}
			continue
		}
		if diff := cmp.Diff(docParameterTypes(t, their), docParameterTypes(t, op)); diff != "" {
			t.Errorf("%s: parameters differ (-GOV.UK Pay +Pay):\n%s", route, diff)
		}
		for code := range their.Responses.Map() {
			if strings.HasPrefix(code, "2") && op.Responses.Value(code) == nil && !slices.Contains(docGOVUKUnanswered[route], code) {
				t.Errorf("%s: GOV.UK Pay answers %s but Pay's document does not declare it", route, code)
			}
		}
		docCheckRequestBody(t, route, their, op)
	}

	for _, name := range docSortedKeys(doc.Components.Schemas) {
		ref := doc.Components.Schemas[name]
		their := spec.Components.Schemas[name]
		if their == nil || their.Value == nil || ref.Ref != "" {
			continue // Pay's own schema, or an alias of another one
		}
		for _, prop := range docSortedKeys(ref.Value.Properties) {
			theirProp := their.Value.Properties[prop]
			if theirProp == nil {
				if !slices.Contains(docGOVUKAdditions[name], prop) {
					t.Errorf("schema %s: property %q is not in GOV.UK Pay's %s", name, prop, name)
				}
				continue
			}
			ourType, theirType := docSchemaType(ref.Value.Properties[prop]), docSchemaType(theirProp)
			if theirType != "" && ourType != theirType {
				t.Errorf("schema %s: property %q is %s in Pay's document and %s in GOV.UK Pay's", name, prop, ourType, theirType)
			}
		}
	}
}

// docParameterTypes returns an operation's parameters as "in name" → type.
func docParameterTypes(t *testing.T, op *openapi3.Operation) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range op.Parameters {
		if p.Value == nil {
			t.Fatalf("unresolved parameter %s", p.Ref)
		}
		out[p.Value.In+" "+p.Value.Name] = docSchemaType(p.Value.Schema)
	}
	return out
}

func docSchemaType(ref *openapi3.SchemaRef) string {
	if ref == nil || ref.Value == nil || ref.Value.Type == nil {
		return ""
	}
	return strings.Join(ref.Value.Type.Slice(), "|")
}

// docCheckRequestBody checks that Pay takes a body wherever GOV.UK Pay does,
// in the same media types, with every attribute GOV.UK Pay documents.
func docCheckRequestBody(t *testing.T, route string, their, ours *openapi3.Operation) {
	t.Helper()
	if their.RequestBody == nil || their.RequestBody.Value == nil {
		return
	}
	if ours.RequestBody == nil || ours.RequestBody.Value == nil {
		t.Errorf("%s: GOV.UK Pay takes a request body but Pay's document has none", route)
		return
	}
	for mime, media := range their.RequestBody.Value.Content {
		our := ours.RequestBody.Value.Content.Get(mime)
		if our == nil {
			t.Errorf("%s: Pay's document does not take a %s body", route, mime)
			continue
		}
		if media.Schema == nil || media.Schema.Value == nil || our.Schema == nil || our.Schema.Value == nil {
			continue
		}
		if media.Schema.Ref != our.Schema.Ref {
			t.Errorf("%s: the request body schema is %s in Pay's document and %s in GOV.UK Pay's", route, our.Schema.Ref, media.Schema.Ref)
		}
		for _, prop := range docSortedKeys(media.Schema.Value.Properties) {
			if our.Schema.Value.Properties[prop] == nil {
				t.Errorf("%s: request attribute %q is missing from Pay's document", route, prop)
			}
		}
	}
}

// TestOpenAPIExamplesMatchQuickStart keeps the create example the GOV.UK
// Pay quick start's request.
func TestOpenAPIExamplesMatchQuickStart(t *testing.T) {
	doc := loadOpenAPIDoc(t)
	media := doc.Paths.Find("/v1/payments").Post.RequestBody.Value.Content.Get("application/json")
	got, err := json.Marshal(media.Example)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"amount":12000,"description":"New passport application","reference":"12345","return_url":"https://service-name.gov.uk/transactions/12345"}`
	if string(got) != want {
		t.Errorf("create example = %s\nwant %s", got, want)
	}
}

package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"pay/internal/pay"
)

// maxBodyBytes bounds request bodies: a maximal valid payment is about 10 KB.
const maxBodyBytes = 1 << 20

var errBadJSON = &pay.Error{Kind: pay.KindBadRequest, Code: pay.CodeCreatePaymentBadJSON, Message: pay.DescBadJSON}

// readJSON decodes a request body into generic JSON values, keeping numbers
// as written so that 100 and 100.0 can be told apart as GOV.UK Pay does.
// A body that is not JSON, or not UTF-8 (which JSON must be, and GOV.UK
// Pay's parser refuses), is bad. When invalid is not nil, an attribute
// holding a string or key that is not text Pay can keep (pay.ValidText) is
// refused with invalid(attribute); endpoints that store no text from their
// body pass nil.
func readJSON(r *http.Request, bad *pay.Error, invalid func(name string) *pay.Error) (map[string]any, []byte, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxBodyBytes))
	if err != nil || !utf8.Valid(raw) {
		return nil, nil, bad
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, bad
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, nil, bad // trailing data after the JSON value
	}
	obj, _ := v.(map[string]any) // any other JSON value has no attributes
	if obj == nil {
		obj = map[string]any{}
	}
	if name, ok := nonText(obj); ok && invalid != nil {
		return nil, nil, invalid(name)
	}
	return obj, raw, nil
}

// nonText returns the first attribute of obj, in name order so that the
// answer does not vary, whose name or value holds a string that is not
// valid text, however deep inside the value.
func nonText(obj map[string]any) (string, bool) {
	for _, name := range slices.Sorted(maps.Keys(obj)) {
		if !pay.ValidText(name) || !textOnly(obj[name]) {
			return name, true
		}
	}
	return "", false
}

// textOnly reports whether every string and key in v is valid text.
func textOnly(v any) bool {
	switch v := v.(type) {
	case string:
		return pay.ValidText(v)
	case []any:
		return !slices.ContainsFunc(v, func(x any) bool { return !textOnly(x) })
	case map[string]any:
		_, found := nonText(v)
		return !found
	}
	return true
}

// requestHash identifies a request body for Idempotency-Key replays: the
// same attributes and values in any order and spacing hash the same.
func requestHash(obj map[string]any) string {
	b, _ := json.Marshal(obj) // map keys marshal sorted
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// field is one attribute of a request object, with GOV.UK Pay's checks.
type field struct {
	obj  map[string]any
	name string
}

func (f field) has() bool    { _, ok := f.obj[f.name]; return ok }
func (f field) value() any   { return f.obj[f.name] }
func (f field) isNull() bool { return f.value() == nil }

func badValue(name, reason string) *pay.Error {
	return pay.InvalidAttribute(pay.KindBadRequest, pay.CodeCreatePaymentInvalid, name, reason)
}

func badEnum(name, reason string) *pay.Error {
	return pay.InvalidAttribute(pay.KindInvalid, pay.CodeCreatePaymentInvalid, name, reason)
}

// requiredString is GOV.UK Pay's validateAndGetString: missing, null or
// blank → missingErr; not a string → typeErr.
func (f field) requiredString(typeErr, missingErr error) (string, error) {
	if f.isNull() {
		return "", missingErr
	}
	s, ok := f.value().(string)
	if !ok {
		return "", typeErr
	}
	if strings.TrimFunc(s, unicode.IsSpace) == "" {
		return "", missingErr
	}
	return s, nil
}

// optionalString is GOV.UK Pay's validateSkipNullValueAndGetString: null is
// absent, any other non-string → typeErr.
func (f field) optionalString(typeErr error) (*string, error) {
	if f.isNull() {
		return nil, nil
	}
	s, ok := f.value().(string)
	if !ok {
		return nil, typeErr
	}
	return &s, nil
}

// boolean requires true or false; null and anything else → typeErr.
func (f field) boolean(typeErr error) (bool, error) {
	b, ok := f.value().(bool)
	if !ok {
		return false, typeErr
	}
	return b, nil
}

// int32Value is Jackson's isInt: an integer literal that fits in 32 bits.
func int32Value(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok || strings.ContainsAny(string(n), ".eE") {
		return 0, false
	}
	i, err := n.Int64()
	if err != nil || i < math.MinInt32 || i > math.MaxInt32 {
		return 0, false
	}
	return i, true
}

// forbiddenChars are refused in reference and description (they trip
// GOV.UK Pay's web application firewall).
const forbiddenChars = "<>|"

var (
	modeMessage     = "Must be one of web, moto_api, agreement"
	apTypeMessage   = "Must be one of instalment, recurring, unscheduled"
	languageMessage = `Must be "en" or "cy"`
	sourceMessage   = "Accepted values are only CARD_PAYMENT_LINK, CARD_AGENT_INITIATED_MOTO"
)

// parseCreatePayment reads a POST /v1/payments body attribute by attribute
// in GOV.UK Pay's order; the first failure wins. It checks JSON types (the
// 400s) and enumerations; sizes and account rules are the domain's.
func parseCreatePayment(r *http.Request) (*pay.CreatePaymentRequest, error) {
	obj, _, err := readJSON(r, errBadJSON, func(name string) *pay.Error { return badValue(name, "Must be a valid string format") })
	if err != nil {
		return nil, err
	}
	req := &pay.CreatePaymentRequest{RequestHash: requestHash(obj)}
	steps := []func(map[string]any, *pay.CreatePaymentRequest) error{
		parseAmount, parseReference, parseDescription, parseReturnURL, parseMoto, parseSetUpAgreement,
		parseAuthorisationMode, parseAgreementID, parseAgreementPaymentType, parseLanguage, parseDelayedCapture,
		parseEmail, parsePrefilled, parseMetadata, parseSource,
	}
	for _, step := range steps {
		if err := step(obj, req); err != nil {
			return nil, err
		}
	}
	if err := parseIdempotencyKey(r, req); err != nil {
		return nil, err
	}
	return req, nil
}

func parseAmount(obj map[string]any, req *pay.CreatePaymentRequest) error {
	f := field{obj, "amount"}
	if f.isNull() {
		return pay.MissingAttribute(pay.CodeCreatePaymentMissing, "amount")
	}
	n, ok := int32Value(f.value())
	if !ok {
		return badValue("amount", "Must be a valid numeric format")
	}
	req.Amount = n
	return nil
}

func parseText(obj map[string]any, name string) (string, error) {
	s, err := field{obj, name}.requiredString(badValue(name, "Must be a valid string format"),
		pay.MissingAttribute(pay.CodeCreatePaymentMissing, name))
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(s, forbiddenChars) {
		return "", badValue(name, "Must be a valid string format")
	}
	return s, nil
}

func parseReference(obj map[string]any, req *pay.CreatePaymentRequest) (err error) {
	req.Reference, err = parseText(obj, "reference")
	return err
}

func parseDescription(obj map[string]any, req *pay.CreatePaymentRequest) (err error) {
	req.Description, err = parseText(obj, "description")
	return err
}

func parseReturnURL(obj map[string]any, req *pay.CreatePaymentRequest) (err error) {
	if f := (field{obj, "return_url"}); f.has() {
		req.ReturnURL, err = f.optionalString(badValue("return_url", "Must be a valid URL format"))
	}
	return err
}

func parseMoto(obj map[string]any, req *pay.CreatePaymentRequest) (err error) {
	if f := (field{obj, "moto"}); f.has() {
		req.Moto, err = f.boolean(badValue("moto", "Must be true or false"))
	}
	return err
}

// parseSetUpAgreement keeps a string value; GOV.UK Pay ignores any other.
func parseSetUpAgreement(obj map[string]any, req *pay.CreatePaymentRequest) error {
	if s, ok := obj["set_up_agreement"].(string); ok {
		req.SetUpAgreement = &s
	}
	return nil
}

func parseAuthorisationMode(obj map[string]any, req *pay.CreatePaymentRequest) error {
	f := field{obj, "authorisation_mode"}
	if !f.has() {
		return nil
	}
	s, err := f.requiredString(badValue(f.name, modeMessage), badValue(f.name, modeMessage))
	if err != nil {
		return err
	}
	switch mode := pay.AuthorisationMode(s); mode {
	case pay.ModeWeb, pay.ModeMotoAPI, pay.ModeAgreement:
		req.AuthorisationMode = mode
		return nil
	}
	return badEnum(f.name, modeMessage)
}

func parseAgreementID(obj map[string]any, req *pay.CreatePaymentRequest) (err error) {
	f := field{obj, "agreement_id"}
	if !f.has() {
		return nil
	}
	if req.AuthorisationMode != pay.ModeAgreement {
		return pay.UnexpectedAttribute(pay.CodeCreatePaymentUnexpected, f.name)
	}
	req.AgreementID, err = f.requiredString(badValue(f.name, "Must be a valid string format"),
		pay.MissingAttribute(pay.CodeCreatePaymentMissing, f.name))
	return err
}

func parseAgreementPaymentType(obj map[string]any, req *pay.CreatePaymentRequest) error {
	f := field{obj, "agreement_payment_type"}
	if !f.has() {
		return nil
	}
	s, err := f.requiredString(badValue(f.name, apTypeMessage), badValue(f.name, apTypeMessage))
	if err != nil {
		return err
	}
	if _, setUp := obj["set_up_agreement"]; !setUp && req.AuthorisationMode != pay.ModeAgreement {
		return pay.UnexpectedAttribute(pay.CodeCreatePaymentUnexpected, f.name)
	}
	switch t := pay.AgreementPaymentType(s); t {
	case pay.AgreementInstalment, pay.AgreementRecurring, pay.AgreementUnscheduled:
		req.AgreementPaymentType = t
		return nil
	}
	return badEnum(f.name, apTypeMessage)
}

func parseLanguage(obj map[string]any, req *pay.CreatePaymentRequest) error {
	f := field{obj, "language"}
	if !f.has() {
		return nil
	}
	s, err := f.requiredString(badValue(f.name, languageMessage), badValue(f.name, languageMessage))
	if err != nil {
		return err
	}
	switch l := pay.Language(s); l {
	case pay.LanguageEnglish, pay.LanguageWelsh:
		req.Language = l
		return nil
	}
	return badEnum(f.name, languageMessage)
}

func parseDelayedCapture(obj map[string]any, req *pay.CreatePaymentRequest) (err error) {
	if f := (field{obj, "delayed_capture"}); f.has() {
		req.DelayedCapture, err = f.boolean(badValue(f.name, "Must be true or false"))
	}
	return err
}

func parseEmail(obj map[string]any, req *pay.CreatePaymentRequest) (err error) {
	if f := (field{obj, "email"}); f.has() {
		req.Email, err = f.optionalString(badValue(f.name, "Field must be a string"))
	}
	return err
}

// parsePrefilled reads prefilled_cardholder_details; GOV.UK Pay ignores a
// value that is not an object.
func parsePrefilled(obj map[string]any, req *pay.CreatePaymentRequest) error {
	details, ok := obj["prefilled_cardholder_details"].(map[string]any)
	if !ok {
		return nil
	}
	req.Prefilled = &pay.Prefilled{}
	text := func(o map[string]any, name string, dst *string) error {
		s, err := field{o, name}.optionalString(badValue(name, "Field must be a string"))
		if s != nil {
			*dst = *s
		}
		return err
	}
	if err := text(details, "cardholder_name", &req.Prefilled.CardholderName); err != nil {
		return err
	}
	addr, ok := details["billing_address"].(map[string]any)
	if !ok {
		return nil
	}
	a := &req.Prefilled.Address
	for _, f := range []struct {
		name string
		dst  *string
	}{{"line1", &a.Line1}, {"line2", &a.Line2}, {"city", &a.City}, {"postcode", &a.Postcode}, {"country", &a.Country}} {
		if err := text(addr, f.name, f.dst); err != nil {
			return err
		}
	}
	return nil
}

func parseMetadata(obj map[string]any, req *pay.CreatePaymentRequest) error {
	f := field{obj, "metadata"}
	if !f.has() {
		return nil
	}
	if f.isNull() {
		return badEnum(f.name, "Value must not be null")
	}
	m, ok := f.value().(map[string]any)
	if !ok {
		return badEnum(f.name, "Must be an object of JSON key-value pairs")
	}
	if err := pay.ValidateMetadata(m); err != nil {
		return err
	}
	req.Metadata = m
	return nil
}

// parseSource reads internal.source, which payment links set.
func parseSource(obj map[string]any, req *pay.CreatePaymentRequest) error {
	internal, _ := obj["internal"].(map[string]any)
	f := field{internal, "source"}
	if internal == nil || !f.has() {
		return nil
	}
	s, err := f.optionalString(badValue("source", sourceMessage))
	if err != nil || s == nil {
		return err
	}
	switch src := pay.Source(*s); src {
	case pay.SourcePaymentLink, pay.SourceAgentInitiatedMoto:
		req.Source = src
		return nil
	case pay.SourceAPI, "CARD_EXTERNAL_TELEPHONE":
		return badValue("source", sourceMessage) // a known source that may not be set
	}
	return badEnum("source", sourceMessage)
}

var idempotencyKeyPattern = regexp.MustCompile(`^[a-zA-Z0-9-]+$`)

// parseIdempotencyKey validates the Idempotency-Key header, when sent.
func parseIdempotencyKey(r *http.Request, req *pay.CreatePaymentRequest) error {
	values, sent := r.Header["Idempotency-Key"]
	if !sent {
		return nil
	}
	key := values[0]
	headerError := func(msg string) error {
		return &pay.Error{Kind: pay.KindInvalid, Code: pay.CodeCreatePaymentInvalid, Header: "Idempotency-Key", Message: msg}
	}
	if len(key) < 1 || len(key) > 255 {
		return headerError("Header [Idempotency-Key] can have a size between 1 and 255")
	}
	if !idempotencyKeyPattern.MatchString(key) {
		return headerError("Header [Idempotency-Key] can only contain alphanumeric characters and hyphens")
	}
	req.IdempotencyKey = key
	return nil
}

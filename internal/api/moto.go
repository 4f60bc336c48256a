package api

import (
	"encoding/json"
	"net/http"

	"pay/internal/pay"
)

// parseMotoAuth reads a POST /v1/auth body. Like GOV.UK Pay's JSON binding,
// it takes numbers and booleans as their text; objects and arrays do not parse.
func parseMotoAuth(r *http.Request) (*pay.MotoAuthRequest, error) {
	obj, _, err := readJSON(r, errBadJSON, func(name string) *pay.Error {
		return pay.InvalidAttribute(pay.KindInvalid, pay.CodeCreatePaymentInvalid, name, "Must be a valid string format")
	})
	if err != nil {
		return nil, err
	}
	text := func(name string) (*string, error) {
		switch v := obj[name].(type) {
		case nil:
			return nil, nil
		case string:
			return &v, nil
		case json.Number:
			s := v.String()
			return &s, nil
		case bool:
			s := map[bool]string{true: "true", false: "false"}[v]
			return &s, nil
		}
		return nil, errBadJSON
	}
	req := &pay.MotoAuthRequest{}
	var token, name *string
	for _, f := range []struct {
		name string
		dst  **string
	}{{"one_time_token", &token}, {"card_number", &req.CardNumber}, {"cvc", &req.CVC}, {"expiry_date", &req.ExpiryDate}, {"cardholder_name", &name}} {
		if *f.dst, err = text(f.name); err != nil {
			return nil, err
		}
	}
	if token != nil {
		req.Token = *token
	}
	if name != nil {
		req.CardholderName = *name
	}
	return req, nil
}

// authoriseMoto is POST /v1/auth: card details for a moto_api payment. It
// needs no API key: the one-time token is the credential.
func (a *API) authoriseMoto(w http.ResponseWriter, r *http.Request) {
	req, err := parseMotoAuth(r)
	if err == nil {
		err = a.Payments.AuthoriseMoto(r.Context(), req)
	}
	if err != nil {
		a.fail(w, r, err, authoriseCodes)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

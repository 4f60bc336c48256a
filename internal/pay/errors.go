package pay

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it. The API and
// page layers own the one table that turns a Kind into an HTTP status.
type Kind int

// Do not reorder: the zero value must stay KindInternal so that an error
// nobody classified is treated as an internal failure.
const (
	KindInternal        Kind = iota // a bug or an outage; details go to logs only
	KindBadRequest                  // missing value, wrong JSON type, unexpected attribute (400)
	KindInvalid                     // well-formed but not acceptable: too long, out of range (422)
	KindUnauthorised                // no or bad credentials (401)
	KindForbidden                   // the account may not do this (403)
	KindNotFound                    // no such thing visible to the caller (404)
	KindConflict                    // the thing is not in a state that allows this (409)
	KindPrecondition                // a stated expectation did not hold (412)
	KindTooManyRequests             // rate limited (429)
	KindProvider                    // the payment provider failed (500 with the endpoint's downstream code)
	KindPaymentRequired             // the card was refused (402)
)

// Error is Pay's application error. Code is the API error code (for example
// "P0102") when the operation knows it; otherwise the API layer picks the
// endpoint's code for the Kind. Message is safe to show to the client.
type Error struct {
	Kind    Kind
	Code    string
	Field   string // the request attribute at fault, if any
	Header  string // the request header at fault, if any
	Message string
	Err     error // the underlying cause, for logs
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "error"
	}
	if e.Code != "" {
		msg = e.Code + " " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an error of the given kind with a formatted message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// ErrorKind returns the kind of err, or KindInternal when err is not an *Error.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// IsKind reports whether err is an *Error of the given kind.
func IsKind(err error, kind Kind) bool {
	var e *Error
	return errors.As(err, &e) && e.Kind == kind
}

// Sentinel-style constructors used by the stores, so both engines report the
// same thing for the same situation.

// ErrNotFound returns a not-found error naming what was missing.
func ErrNotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Message: what + " not found"}
}

// ErrConflict returns a conflict error with the given message.
func ErrConflict(format string, args ...any) *Error {
	return Errorf(KindConflict, format, args...)
}

// Create-payment error helpers, in GOV.UK Pay's wording.

func missingAttribute(code, field string) *Error {
	return &Error{Kind: KindBadRequest, Code: code, Field: field, Message: "Missing mandatory attribute: " + field}
}

func invalidAttribute(kind Kind, code, field, reason string) *Error {
	return &Error{Kind: kind, Code: code, Field: field, Message: "Invalid attribute value: " + field + ". " + reason}
}

func unexpectedAttribute(code, field string) *Error {
	// GOV.UK Pay leaves "field" out of this error.
	return &Error{Kind: KindBadRequest, Code: code, Message: "Unexpected attribute: " + field}
}

// MissingAttribute reports a required attribute that was absent, null or blank (400).
func MissingAttribute(code, field string) *Error { return missingAttribute(code, field) }

// InvalidAttribute reports an attribute whose value is unacceptable.
func InvalidAttribute(kind Kind, code, field, reason string) *Error {
	return invalidAttribute(kind, code, field, reason)
}

// UnexpectedAttribute reports an attribute that is not allowed in this request (400).
func UnexpectedAttribute(code, field string) *Error { return unexpectedAttribute(code, field) }

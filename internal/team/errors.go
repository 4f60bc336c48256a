// Package team is the team side of Pay's domain: the people who use the
// admin site, their roles in services, signing in with a password and an
// authenticator app, and server-side sessions. It imports nothing else of
// Pay: payments know a user only by id, and a service only by id.
package team

import (
	"errors"
	"fmt"
)

// The kinds of team error. Compare with errors.Is, which sees through an
// *Error to its kind: errors.Is(err, team.ErrNotFound).
var (
	ErrInvalid      = errors.New("invalid")      // a value people typed is not acceptable
	ErrUnauthorised = errors.New("unauthorised") // wrong credentials
	ErrForbidden    = errors.New("forbidden")    // the user may not do this
	ErrNotFound     = errors.New("not found")    // no such user, session or membership
	ErrConflict     = errors.New("conflict")     // taken, already used, or not in a state that allows this
	ErrUnavailable  = errors.New("unavailable")  // too busy to do this now: try again shortly
)

// Error is a team error. Kind is one of the kinds above; Message is safe to
// show to the person who caused it, and Field names the form input at
// fault, if any. Err is the underlying cause, for logs.
type Error struct {
	Kind    error
	Field   string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Is reports whether target is the error's kind, so errors.Is matches it.
func (e *Error) Is(target error) bool { return target == e.Kind }

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an error of the given kind with a formatted message.
func Errorf(kind error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns a not-found error naming what was missing, for stores.
func NotFound(what string) *Error { return Errorf(ErrNotFound, "%s not found", what) }

func ignoreNotFound(err error) error {
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	return err
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
)

// listing is the admin site's transaction list, one page of it per call, as
// a user signed in once, before the measurement, reads it.
type listing struct {
	e    *opEnv
	b    *browser
	path string
}

func newListing(e *opEnv) *listing {
	return &listing{e: e, path: transactionsPath(e.c.account, "", e.c.listFilter)}
}

// transactionsPath is the admin site's address of an account's transaction
// list, or of a page under it, with the list's filters.
func transactionsPath(account int64, under string, filter url.Values) string {
	path := fmt.Sprintf("/admin/accounts/%d/transactions%s", account, under)
	if len(filter) > 0 {
		path += "?" + filter.Encode()
	}
	return path
}

func (l *listing) start(ctx context.Context) (err error) {
	l.b, err = l.e.signedIn(ctx)
	return err
}

// call reads the page, which must show its results.
func (l *listing) call(ctx context.Context, _ *rand.Rand) error {
	p, err := l.b.send(ctx, "GET", l.path, nil)
	if err != nil {
		return err
	}
	if p.status != http.StatusOK || !bytes.Contains(p.body, []byte(`id="results-count"`)) {
		return fmt.Errorf("GET %s: %d at %s, without the list's results", l.path, p.status, p.url.Path)
	}
	return nil
}

func (l *listing) finish(context.Context, *result) error { return nil }

// signedIn returns a browser signed in to the admin site, signing in the
// first time: once per run, as the site limits sign-ins per user and
// minute, and measurements repeat.
func (e *opEnv) signedIn(ctx context.Context) (*browser, error) {
	if e.admin != nil {
		return e.admin, nil
	}
	b, err := signIn(ctx, e)
	if err == nil {
		e.admin = b
	}
	return b, err
}

// signIn signs in to the admin site through its sign-in form, as the run's
// admin user. A user with an authenticator app would be asked for a code
// next, which the tool cannot give.
func signIn(ctx context.Context, e *opEnv) (*browser, error) {
	b := newBrowser(e.cl)
	form, err := b.send(ctx, "GET", "/admin/sign-in", nil)
	if err != nil {
		return b, err
	}
	f, err := form.form("sign-in-form")
	if err != nil {
		return b, err
	}
	in, err := b.send(ctx, "POST", f.action, f.fill(map[string]string{"email": e.c.adminEmail, "password": e.c.adminPass}))
	if err != nil {
		return b, err
	}
	switch {
	case in.status != http.StatusOK || in.url.Path == "/admin/sign-in":
		return b, fmt.Errorf("admin sign-in as %s refused (%d): check --admin-email and --admin-password", e.c.adminEmail, in.status)
	case in.url.Path == "/admin/security-code" || in.url.Path == "/admin/new-password":
		return b, fmt.Errorf("admin sign-in as %s goes on to %s: the admin site's operations need a user without an "+
			"authenticator app or a password to change", e.c.adminEmail, in.url.Path)
	}
	return b, nil
}

// Package testenv holds the rule for tests that need a server or a program
// from outside Go (PostgreSQL, Redis, Chromium, an SMTP server, stripe-mock): the
// environment variable that points at it decides whether they run. Without
// it they skip on a developer's machine and fail in CI, where a skipped
// suite would hide a failure.
package testenv

import (
	"os"
	"testing"
)

// Require returns the value of the environment variable name. When it is
// unset, the test fails if CI is set and is skipped otherwise.
func Require(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set; CI must run the tests that need it", name)
		}
		t.Skipf("%s is not set", name)
	}
	return v
}

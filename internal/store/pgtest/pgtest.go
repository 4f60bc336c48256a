// Package pgtest gives each test a fresh PostgreSQL database of its own on
// the server that PAY_TEST_POSTGRES_URL points at.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"
	"time"

	"pay/internal/testenv"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable that holds the server's URL, for example
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
const EnvURL = "PAY_TEST_POSTGRES_URL"

// URL creates an empty database with a random name on the server EnvURL
// names, drops it (closing any connections left) when the test ends, and
// returns its URL. Without EnvURL it skips the test, or fails it if CI is
// set, because in CI a skipped PostgreSQL suite is a failure.
func URL(t testing.TB) string {
	t.Helper()
	server := testenv.Require(t, EnvURL)
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL, got %q", EnvURL, server)
	}
	name := randomName()
	exec(t, server, "CREATE DATABASE "+name)
	t.Cleanup(func() { exec(t, server, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	u.Path = "/" + name
	return u.String()
}

// randomName returns a database name unlikely to be taken, made only of
// characters that need no quoting.
func randomName() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "pay_test_" + hex.EncodeToString(b)
}

// exec runs one statement on its own connection to the server's database.
func exec(t testing.TB, server, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("pgtest: %s: %v", sql, err)
	}
}

package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"pay/internal/app"
	"pay/internal/apptest/boot"
)

// TestSeedAndRun seeds a real Pay's database and measures it briefly: every
// operation answers without errors, and searches find the seeded payments.
func TestSeedAndRun(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "pay.db")
	a, creds, url := boot.Start(t, map[string]string{"DATABASE_URL": db}, app.Options{})
	acct := creds.Account
	acct.Settings.RateLimitPost, acct.Settings.RateLimitOther = 100000, 100000
	if err := a.Accounts.SaveAccount(context.Background(), acct); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var out bytes.Buffer
	if err := run(ctx, []string{"seed", "--db", db, "--payments", "1200"}, noEnv, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "seeded 1200 payments into account 1") {
		t.Fatalf("seed said %q", out.String())
	}
	out.Reset()
	args := []string{"run", "--url", url, "--key", creds.APIKey, "--db", db, "--seeded", "1200",
		"--concurrency", "2", "--duration", "200ms"}
	if err := run(ctx, args, noEnv, &out); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	checkReport(t, out.String())
}

// checkReport wants a line per operation with no errors, and a ratio to
// the anchor for every search.
func checkReport(t *testing.T, report string) {
	t.Helper()
	for _, o := range ops(1, nil) {
		line := lineOf(report, o.name+" ")
		f := strings.Fields(line)
		if len(f) != 10 || f[5] != "0" {
			t.Fatalf("%s: line %q, want ten columns and no errors\n%s", o.name, line, report)
		}
		if o.search != nil && f[9] == "-" {
			t.Fatalf("%s: no ratio to the anchor in %q", o.name, line)
		}
	}
	if strings.Contains(report, "error:") {
		t.Fatalf("errors reported:\n%s", report)
	}
}

func lineOf(report, prefix string) string {
	for _, l := range strings.Split(report, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

func noEnv(string) string { return "" }

func TestBadInput(t *testing.T) {
	for _, args := range [][]string{
		nil, {"nope"}, {"seed", "--db", "mysql://x"}, {"seed", "--db", "sqlite:x.db", "--payments", "0"},
		{"run"}, {"run", "--key", "k", "--concurrency", "0"}, {"run", "--key", "k", "--ops", "fly"},
	} {
		if err := run(context.Background(), args, noEnv, &bytes.Buffer{}); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

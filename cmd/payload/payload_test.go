package main

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"pay/internal/app"
	"pay/internal/apptest/boot"
	"pay/internal/store/pgtest"
)

// TestSeedAndRun seeds a real Pay's database and measures it briefly, on
// each engine: every operation answers without errors and has its figures.
func TestSeedAndRun(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		seedAndRun(t, "sqlite:"+filepath.Join(t.TempDir(), "pay.db"), "sqlite3")
	})
	t.Run("PostgreSQL", func(t *testing.T) { seedAndRun(t, pgtest.URL(t), "psql") })
}

// seedAndRun measures every operation of a Pay on db, whose command-line
// client is cli.
func seedAndRun(t *testing.T, db, cli string) {
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
		"--concurrency", "2", "--duration", "200ms", "--admin-email", creds.AdminEmail}
	env := func(name string) string { return map[string]string{"PAY_ADMIN_PASSWORD": creds.Password}[name] }
	if err := run(ctx, args, env, &out); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	_, noCLI := exec.LookPath(cli)
	checkReport(t, out.String(), noCLI == nil)

	out.Reset()
	args = append(args, "--runs", "3", "--ops", "get,search-state")
	if err := run(ctx, args, env, &out); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	for _, name := range []string{"get #1 ", "get #3 ", "get median ", "search-state #2 ", "search-state median "} {
		if f := strings.Fields(lineOf(out.String(), name)); len(f) != 11 || f[6] != "0" {
			t.Fatalf("line %q: %q, want eleven columns and no errors\n%s", name, f, out.String())
		}
	}
	if f := strings.Fields(lineOf(out.String(), "search-state median ")); f[10] == "-" {
		t.Fatalf("no median ratio to the anchor\n%s", out.String())
	}
}

// TestMedian checks that each figure is its own median over the runs, and
// that a figure unknown in one run stays unknown.
func TestMedian(t *testing.T) {
	got := median([]line{
		{rate: 100, p50: 1, p99: 9, cpu: 2, sqlRate: 50, ratio: 2},
		{rate: 300, p50: 3, p99: 7, cpu: -1, sqlRate: 70, ratio: 1},
		{rate: 200, p50: 2, p99: 8, cpu: 4, sqlRate: 60, ratio: 3},
	})
	want := line{rate: 200, p50: 2, p99: 8, cpu: -1, sqlRate: 60, ratio: 2}
	if got != want {
		t.Errorf("median of three = %+v, want %+v", got, want)
	}
	if got := median([]line{{rate: 1, cpu: 1}, {rate: 4, cpu: 2}}); got.rate != 2.5 || got.cpu != 1.5 {
		t.Errorf("median of two = %+v, want rate 2.5 and cpu 1.5", got)
	}
}

// checkReport wants a line per operation with no errors, a ratio to the
// anchor for every operation that has one (csv's only if its database's
// client is installed), CPU time for the flows, and at least the seeded
// payments in the CSV, as many as the anchor exports.
func checkReport(t *testing.T, report string, haveCLI bool) {
	t.Helper()
	for _, o := range ops(&opEnv{c: &loadConfig{}}) {
		line := lineOf(report, o.name+" ")
		f := strings.Fields(line)
		if len(f) != 10 || f[5] != "0" {
			t.Fatalf("%s: line %q, want ten columns and no errors\n%s", o.name, line, report)
		}
		if o.sql != nil && f[9] == "-" && (o.name != "csv" || haveCLI) {
			t.Fatalf("%s: no ratio to the anchor in %q\n%s", o.name, line, report)
		}
		if o.flow != nil && f[6] == "-" {
			t.Fatalf("%s: no CPU time in %q\n%s", o.name, line, report)
		}
	}
	if strings.Contains(report, "error:") || strings.Contains(report, "rows differ") {
		t.Fatalf("errors reported:\n%s", report)
	}
	m := regexp.MustCompile(`per download (\d+) rows`).FindStringSubmatch(report)
	if m == nil {
		t.Fatalf("no rows per download:\n%s", report)
	}
	if rows, _ := strconv.Atoi(m[1]); rows < 1200 {
		t.Fatalf("%d rows per download, fewer than the seeded payments:\n%s", rows, report)
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
		{"run"}, {"run", "--key", "k", "--concurrency", "0"}, {"run", "--key", "k", "--runs", "0"}, {"run", "--key", "k", "--ops", "fly"},
		{"run", "--key", "k", "--ops", "csv"}, {"run", "--key", "k", "--csv-filter", "%zz"},
		{"run", "--key", "k", "--ops", "list"}, {"run", "--key", "k", "--list-filter", "%zz"},
	} {
		if err := run(context.Background(), args, noEnv, &bytes.Buffer{}); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

// TestInline checks the arguments written into a query for a command-line
// client: in order, quoted, and not inside quoted text.
func TestInline(t *testing.T) {
	for _, c := range []struct {
		eng         engine
		query, want string
		args        []any
	}{
		{"sqlite", `SELECT '?' FROM t WHERE a = ? AND b LIKE ? ESCAPE '\' AND c IN (?, ?)`,
			`SELECT '?' FROM t WHERE a = 7 AND b LIKE '%it''s%' ESCAPE '\' AND c IN ('x', NULL)`,
			[]any{int64(7), "%it's%", "x", nil}},
		{"postgres", `SELECT '$1' FROM t WHERE a = $2 AND b = $1 AND c >= $10`,
			`SELECT '$1' FROM t WHERE a = TRUE AND b = 'one' AND c >= '2025-01-02T03:04:05.5Z'::timestamptz`,
			[]any{"one", true, 3, 4, 5, 6, 7, 8, 9, time.Date(2025, 1, 2, 3, 4, 5, 5e8, time.UTC)}},
	} {
		got, err := inline(c.query, c.args, c.eng)
		if err != nil || got != c.want {
			t.Errorf("%s:\n got %s, %v\nwant %s", c.eng, got, err, c.want)
		}
	}
	if _, err := inline("SELECT ?, ?", []any{1}, "sqlite"); err == nil {
		t.Error("a placeholder without an argument accepted")
	}
}

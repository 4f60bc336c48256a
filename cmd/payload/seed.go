package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
	_ "modernc.org/sqlite"             // the "sqlite" driver

	"pay/internal/pay"
)

// seedBatch is how many payments one INSERT writes: within both engines'
// limits on bound parameters.
const seedBatch = 500

// seedCommand writes payments straight into the database, in batches, then
// analyses the tables so the planner knows their new size.
func seedCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	dbURL := fs.String("db", getenv("DATABASE_URL"), "the database of the Pay to seed (sqlite:PATH or postgres://…)")
	n := fs.Int("payments", 100000, "how many payments to add")
	account := fs.Int64("account", 1, "the account the payments belong to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n <= 0 {
		return errors.New("--payments must be positive")
	}
	db, eng, err := openDB(*dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := seed(ctx, db, eng, *account, *n); err != nil {
		return err
	}
	// PostgreSQL counts from an index alone only where VACUUM has marked the
	// pages all-visible; autovacuum would, later, so the figures would depend
	// on when they were taken.
	analyze := map[engine]string{"sqlite": `ANALYZE`, "postgres": `VACUUM ANALYZE payments`}[eng]
	if _, err := db.ExecContext(ctx, analyze); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	d := time.Since(start)
	fmt.Fprintf(stdout, "seeded %d payments into account %d in %s (%.0f rows/s)\n", *n, *account, d.Round(time.Millisecond),
		float64(*n)/d.Seconds())
	return nil
}

// engine is "sqlite" or "postgres".
type engine string

// openDB opens a DATABASE_URL as Pay reads it.
func openDB(url string) (*sql.DB, engine, error) {
	if path, ok := strings.CutPrefix(url, "sqlite:"); ok {
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate")
		return db, "sqlite", err
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		// The anchor's sessions are set as Pay's are (postgres.Open).
		if !strings.Contains(url, "max_parallel_workers_per_gather") {
			sep := "?"
			if strings.Contains(url, "?") {
				sep = "&"
			}
			url += sep + "max_parallel_workers_per_gather=0"
		}
		db, err := sql.Open("pgx", url)
		return db, "postgres", err
	}
	return nil, "", fmt.Errorf("--db %q: want sqlite:PATH or postgres://…", url)
}

// seedTx is how many payments one transaction writes: big enough that
// commits cost little, small enough not to hold SQLite's writer lock long
// against a running Pay.
const seedTx = 20 * seedBatch

// seed inserts n payments of the account, in batches.
func seed(ctx context.Context, db *sql.DB, eng engine, account int64, n int) error {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 15))
	now := time.Now().UTC()
	for done := 0; done < n; done += seedTx {
		if err := seedSome(ctx, db, eng, account, done, min(seedTx, n-done), now, rng); err != nil {
			return err
		}
	}
	return nil
}

// seedSome inserts n payments numbered from first in one transaction.
func seedSome(ctx context.Context, db *sql.DB, eng engine, account int64, first, n int, now time.Time, rng *rand.Rand) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for done := 0; done < n; done += seedBatch {
		rows := min(seedBatch, n-done)
		query, args := seedInsert(eng, account, first+done, rows, now, rng)
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("insert payments %d–%d: %w", first+done, first+done+rows, err)
		}
	}
	return tx.Commit()
}

// seedColumns are the payment columns seeding sets; the rest keep their defaults.
var seedColumns = []string{"id", "account_id", "amount", "reference", "description", "email", "language",
	"delayed_capture", "moto", "authorisation_mode", "source", "status", "provider", "card_first_digits",
	"card_last_digits", "cardholder_name", "card_brand", "created_at", "updated_at"}

// seedStatuses are drawn uniformly: finished payments mostly, as in life.
var seedStatuses = []pay.Status{pay.StatusCaptured, pay.StatusCaptured, pay.StatusCaptured, pay.StatusCaptured,
	pay.StatusAuthorisationRejected, pay.StatusExpired, pay.StatusUserCancelled, pay.StatusCreated}

var seedBrands = []string{"visa", "visa", "visa", "master-card", "master-card", "american-express", "maestro"}

// seedInsert builds one multi-row INSERT of rows payments, numbered from
// first: reference "SEED-<number>", one email and name per 20 payments,
// created over the last year.
func seedInsert(eng engine, account int64, first, rows int, now time.Time, rng *rand.Rand) (string, []any) {
	var b strings.Builder
	b.WriteString("INSERT INTO payments (" + strings.Join(seedColumns, ", ") + ") VALUES ")
	args := make([]any, 0, rows*len(seedColumns))
	for i := range rows {
		num := first + i
		at := now.Add(-time.Duration(rng.Int64N(int64(365 * 24 * time.Hour))))
		status := seedStatuses[rng.IntN(len(seedStatuses))]
		brand, last, name := "", "", ""
		if status != pay.StatusCreated {
			brand, last, name = seedBrands[rng.IntN(len(seedBrands))], fmt.Sprintf("%04d", rng.IntN(10000)),
				fmt.Sprintf("Payer %d Smith", num/20)
		}
		args = append(args, pay.NewID(), account, 100+rng.Int64N(50000), fmt.Sprintf("SEED-%d", num), "Seeded payment",
			fmt.Sprintf("payer%d@example.org", num/20), "en", boolArg(eng, false), boolArg(eng, false), "web", "CARD_API",
			string(status), "sandbox", "424242", last, name, brand, timeArg(eng, at), timeArg(eng, at))
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(placeholders(eng, i*len(seedColumns), len(seedColumns)))
	}
	return b.String(), args
}

// placeholders is one row's "(?, ?, …)" or "($n, …)", after skip arguments.
func placeholders(eng engine, skip, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = "?"
		if eng == "postgres" {
			ph[i] = fmt.Sprintf("$%d", skip+i+1)
		}
	}
	return "(" + strings.Join(ph, ", ") + ")"
}

// boolArg is a boolean as each engine's column stores it.
func boolArg(eng engine, v bool) any {
	if eng == "postgres" {
		return v
	}
	if v {
		return 1
	}
	return 0
}

// timeArg is a time as each engine's column stores it: SQLite keeps Pay's
// fixed-width text, so times sort as text.
func timeArg(eng engine, t time.Time) any {
	if eng == "postgres" {
		return t
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

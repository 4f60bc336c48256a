package store

import (
	"context"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"pay/internal/pay"
)

// Rows is what *sql.Rows and pgx.Rows share; callers close them.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Each scans every row with scan and passes it to fn, stopping at the first error.
func Each[T any](rows Rows, scan func(func(...any) error) (T, error), fn func(T) error) error {
	for rows.Next() {
		v, err := scan(rows.Scan)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Collect scans every row with scan; no rows is a nil slice.
func Collect[T any](rows Rows, scan func(func(...any) error) (T, error)) ([]T, error) {
	var out []T
	err := Each(rows, scan, func(v T) error { out = append(out, v); return nil })
	return out, err
}

// ScanString reads a row of one text column.
func ScanString(scan func(...any) error) (string, error) {
	var s string
	return s, scan(&s)
}

// liveJob is unique by kind and arguments among the jobs not yet done.
// Every job of the domain does one thing to one payment or refund, so a
// second one while the first waits or runs would only repeat it; this is
// what lets the sweep of stuck work enqueue again whatever may have no job.
var liveJob = river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}}

// InsertJobs enqueues jobs in tx, so they exist exactly when tx commits. A
// job like one not yet done (same kind and arguments) is not added again.
func InsertJobs[TTx any](ctx context.Context, c *river.Client[TTx], tx TTx, jobs []pay.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(jobs))
	for i, j := range jobs {
		opts := &river.InsertOpts{UniqueOpts: liveJob, ScheduledAt: j.ScheduledAt}
		if q, ok := j.Args.(interface{ Queue() string }); ok {
			opts.Queue = q.Queue()
		}
		params[i] = river.InsertManyParams{Args: j.Args, InsertOpts: opts}
	}
	_, err := c.InsertManyTx(ctx, tx, params)
	return err
}

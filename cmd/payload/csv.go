package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"pay/internal/store/postgres"
	"pay/internal/store/sqlite"
	"pay/internal/web/admin"
)

// download is the admin site's CSV download of the account's transactions,
// by a user signed in once, before the measurement.
type download struct {
	e           *opEnv
	b           *browser
	path        string
	rows, bytes atomic.Int64
}

func newDownload(e *opEnv) *download {
	return &download{e: e, path: transactionsPath(e.c.account, "/download", e.c.csvFilter)}
}

func (d *download) start(ctx context.Context) error {
	b, err := d.e.signedIn(ctx)
	if err != nil {
		return err
	}
	// A download of a million rows takes a while; the run's end stops it.
	untimed := *b.http
	untimed.Timeout = 0
	d.b = &browser{base: b.base, http: &untimed}
	return nil
}

// call downloads the CSV file once, counting its rows and bytes as they come.
func (d *download) call(ctx context.Context, _ *rand.Rand) error {
	req, err := http.NewRequestWithContext(ctx, "GET", d.b.base+d.path, nil)
	if err != nil {
		return err
	}
	res, err := d.b.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		return fmt.Errorf("GET %s: %s, %s at %s", d.path, res.Status, res.Header.Get("Content-Type"), res.Request.URL.Path)
	}
	var records csvRecords
	n, err := io.Copy(&records, res.Body)
	if err != nil {
		return err
	}
	d.rows.Add(records.n - 1) // the header is not a row
	d.bytes.Add(n)
	return nil
}

func (d *download) finish(_ context.Context, r *result) error {
	r.rows = d.rows.Load()
	if n := int64(len(r.latencies)); n > 0 {
		r.notes = append(r.notes, fmt.Sprintf("%.0f rows/s; per download %d rows, %.1f MB; sql q/s and ratio are in rows/s",
			float64(r.rows)/r.took.Seconds(), r.rows/n, float64(d.bytes.Load())/float64(n)/1e6))
	}
	return nil
}

// csvRecords counts the records of the CSV text written to it: the line
// ends outside quoted fields.
type csvRecords struct {
	n      int64
	quoted bool
}

func (c *csvRecords) Write(p []byte) (int, error) {
	for _, b := range p {
		switch {
		case b == '"':
			c.quoted = !c.quoted
		case b == '\n' && !c.quoted:
			c.n++
		}
	}
	return len(p), nil
}

// export is the CSV download's anchor: the database's own command-line
// client runs the query Pay's download runs (the admin site's search for
// the filters, made into SQL by the engine) and writes the rows as CSV to
// its standard output, which is read and counted. Each call returns the
// rows exported.
func (a *anchor) export(c *loadConfig) (anchorCall, error) {
	search, err := admin.DownloadSearch(c.csvFilter, c.account, time.Now())
	if err != nil {
		return nil, err
	}
	var query string
	var args []any
	if a.eng == "postgres" {
		query, args = postgres.TransactionStreamQuery(search)
	} else {
		query, args = sqlite.TransactionStreamQuery(search)
	}
	if query == "" {
		return nil, anchorSkipped("the filters select no transactions")
	}
	if query, err = inline(query, args, a.eng); err != nil {
		return nil, err
	}
	command := []string{"sqlite3", "-readonly", "-csv", strings.TrimPrefix(a.url, "sqlite:"), query}
	if a.eng == "postgres" {
		command = []string{"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", a.url,
			"-c", `\copy (` + strings.ReplaceAll(query, "\n", " ") + `) to stdout with csv`}
	}
	if _, err := exec.LookPath(command[0]); err != nil {
		return nil, anchorSkipped(command[0] + " is not installed")
	}
	return func(ctx context.Context, _ *rand.Rand) (int, error) {
		var out csvRecords
		var stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, command[0], command[1:]...)
		cmd.Stdout, cmd.Stderr = &out, &stderr
		if err := cmd.Run(); err != nil {
			return 0, fmt.Errorf("%s: %w: %.300s", command[0], err, stderr.String())
		}
		return int(out.n), nil
	}, nil
}

// inline writes a query's arguments into it as SQL literals, for a
// command-line client, which takes no arguments apart from the query.
// Placeholders are ? on SQLite and $n on PostgreSQL; quoted text is left
// as it is.
func inline(query string, args []any, eng engine) (string, error) {
	var b strings.Builder
	quoted, next := false, 0
	for i := 0; i < len(query); i++ {
		ch, arg := query[i], -1
		switch {
		case ch == '\'':
			quoted = !quoted
		case quoted:
		case ch == '?' && eng == "sqlite":
			arg, next = next, next+1
		case ch == '$' && eng == "postgres":
			end := i + 1
			for end < len(query) && query[end] >= '0' && query[end] <= '9' {
				end++
			}
			if n, err := strconv.Atoi(query[i+1 : end]); err == nil {
				arg, i = n-1, end-1
			}
		}
		if arg < 0 {
			b.WriteByte(ch)
			continue
		}
		if arg >= len(args) {
			return "", fmt.Errorf("inline: placeholder %d of %d arguments", arg+1, len(args))
		}
		lit, err := literal(args[arg])
		if err != nil {
			return "", err
		}
		b.WriteString(lit)
	}
	return b.String(), nil
}

// literal is an argument as SQL: the types Pay's searches bind.
func literal(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "NULL", nil
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'", nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case int:
		return strconv.Itoa(v), nil
	case bool:
		return strings.ToUpper(strconv.FormatBool(v)), nil
	case time.Time: // PostgreSQL's; SQLite's times are text
		return "'" + v.UTC().Format(time.RFC3339Nano) + "'::timestamptz", nil
	}
	return "", fmt.Errorf("inline: no SQL literal for %T", v)
}

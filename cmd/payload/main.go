// Command payload seeds a Pay database with payments and measures a running
// Pay over HTTP (API requests, the payer's journey on the card pages, the
// admin site's CSV download): requests per second, latency percentiles,
// errors, and the server's CPU time per request and peak memory, with the
// same work done directly against the same database as the anchor. It is a
// tool for operators and developers, not part of the pay binary.
//
//	payload seed --db DATABASE_URL --payments 100000 [--account 1]
//	payload run --url http://127.0.0.1:8080 --key KEY [--db DATABASE_URL] [--ops create,get,...,journey,csv]
//	            [--concurrency 8 | --rate 200] [--duration 10s]
//	            [--admin-email EMAIL --admin-password PASSWORD] [--csv-filter QUERY]
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

const usage = `Usage: payload seed|run [flags]   (payload seed -h, payload run -h)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "payload:", err)
		os.Exit(1)
	}
}

// run dispatches to a subcommand; an unknown one is an error.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("no command\n%s", usage)
	}
	switch args[0] {
	case "seed":
		return seedCommand(ctx, args[1:], getenv, stdout)
	case "run":
		return runCommand(ctx, args[1:], getenv, stdout)
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

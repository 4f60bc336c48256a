package main

import (
	"context"
	"fmt"
	"io"

	"pay/internal/config"
)

// emails runs the emails commands: list prints the outbox of emails to the
// admin site's users (reset links, lockouts), which is where they go when
// SMTP_URL is unset. The links in them open accounts: it prints them only
// to the operator's terminal, never to a log.
func emails(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand(args, stderr)
	if err != nil {
		return err
	}
	fs := newFlags("emails "+sub, stderr)
	limit := fs.Int("limit", 20, "how many of the latest emails to print")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if sub != "list" {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown emails command %q", sub)
	}
	if *limit < 1 || *limit > 1000 {
		return fmt.Errorf("--limit: want a number from 1 to 1000")
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Shutdown(ctx)
	list, err := a.Store.OutboxList(ctx, *limit)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "The outbox is empty.")
	}
	for _, e := range list {
		fmt.Fprintf(stdout, "Email %d, %s\nTo: %s\nSubject: %s\n\n%s\n", e.ID, e.CreatedAt.Format("2006-01-02 15:04:05 MST"),
			e.To, e.Subject, e.Text)
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"pay/internal/app"
	"pay/internal/config"
	"pay/internal/jobs"
)

var usage = `Usage: pay [command]

Commands:
  serve                                 run Pay (the default)
  migrate                               bring the database schema up to date
  keys create [--account ID] [--description TEXT]
                                        create an API key; prints only the key
  keys list [--account ID]              list API keys (never the keys themselves)
  keys revoke ID                        revoke an API key at once
  accounts create --service ID --live --provider stripe --stripe-secret-key KEY --stripe-webhook-secret SECRET
                                        give a service its live account on Stripe; prints its id
  accounts credentials ACCOUNT --stripe-secret-key KEY --stripe-webhook-secret SECRET
                                        replace a live account's Stripe secrets
  accounts list                         list gateway accounts and their settings
  accounts set ACCOUNT NAME=VALUE...    change account settings
  links create --title TITLE [--account ID] [--amount PENCE] [--reference-label LABEL]
               [--details TEXT] [--language cy]
                                        create a payment link; prints only its address
                                        (without --amount the payer chooses the amount)
  links list [--account ID]             list payment links, their status and address
  links disable ID [--account ID]       stop a payment link taking payments
  webhooks create --url URL --events EVENT,... [--account ID] [--description TEXT]
                                        create a webhook; prints only its signing secret
  webhooks list [--account ID]          list webhooks, their URL, events and status
  webhooks disable ID [--account ID]    stop sending events to a webhook
  webhooks listen --forward-to URL [--account ID]
                                        forward a sandbox account's events to a local URL
                                        (while pay serve runs) and print each delivery
  services create --name NAME [--welsh-name NAME] [--admin EMAIL]
                                        add a service with a sandbox account; prints their ids, and
                                        makes EMAIL its admin (a new user gets a one-time password)
  services list                         list services and their accounts
  users create --email EMAIL [--role ROLE] [--service ID]
                                        create an admin site user (role admin by default, in
                                        the first service); prints a one-time password
  users list                            list users, their roles and whether they are locked
  users role EMAIL --role ROLE|none [--service ID]
                                        give a user a role in a service, or take it away
  users unlock EMAIL                    let a user locked out by failed sign-ins try again
  users reset-2fa EMAIL                 remove a user's authenticator app (they lost it)
  emails list [--limit N]               print the latest emails to admin site users (reset links,
                                        lockouts) kept in the outbox when SMTP_URL is unset

Configuration comes from the environment: ` + strings.Join(config.Variables, ", ") + `
`

// errUsage reports a command line that does not parse; usage has been printed.
var errUsage = errors.New("see usage above")

// run is the whole program, with its environment passed in, so tests can run it.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg, err := config.FromEnv(getenv)
	if err != nil {
		return err
	}
	cmd, rest := "serve", args
	if len(args) > 0 {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg, stdout, stderr)
	case "migrate":
		return migrate(ctx, cfg, stdout)
	case "keys":
		return keys(ctx, cfg, rest, stdout, stderr)
	case "accounts":
		return accounts(ctx, cfg, rest, stdout, stderr)
	case "links":
		return links(ctx, cfg, rest, stdout, stderr)
	case "webhooks":
		return webhooks(ctx, cfg, rest, stdout, stderr)
	case "users":
		return users(ctx, cfg, rest, stdout, stderr)
	case "emails":
		return emails(ctx, cfg, rest, stdout, stderr)
	case "services":
		return services(ctx, cfg, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel)) // validated by config
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// serve migrates, sets up an empty database, and serves until ctx ends.
func serve(ctx context.Context, cfg config.Config, stdout, stderr io.Writer) error {
	logger := newLogger(cfg, stderr)
	a, err := app.Open(ctx, cfg, app.Options{Logger: logger})
	if err != nil {
		return err
	}
	creds, err := a.Bootstrap(ctx)
	if err != nil {
		a.Shutdown(ctx)
		return err
	}
	if err := a.Start(ctx, jobs.Options{}); err != nil {
		a.Shutdown(ctx)
		return err
	}
	logger.Info("pay started", slog.String("config", cfg.String()), slog.String("listening", a.Addr()))
	fmt.Fprintf(stdout, "Pay is running at %s\n", cfg.PublicURL)
	if creds != nil {
		creds.Print(stdout, cfg.PublicURL)
	}
	return a.Wait(ctx)
}

func migrate(ctx context.Context, cfg config.Config, stdout io.Writer) error {
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "The database schema is up to date.")
	return nil
}

// newFlags returns a flag set that reports errors to stderr, not by exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	return fs
}

// parseFlags parses flags that may come before or after positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func subcommand(args []string, stderr io.Writer) (string, []string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stderr, usage)
		return "", nil, errUsage
	}
	return args[0], args[1:], nil
}

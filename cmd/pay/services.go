package main

import (
	"context"
	"fmt"
	"io"

	"pay/internal/app"
	"pay/internal/config"
)

// services runs the services commands: create adds a service with a
// sandbox account (and an admin), list lists services and their accounts.
func services(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand(args, stderr)
	if err != nil {
		return err
	}
	fs := newFlags("services "+sub, stderr)
	name := fs.String("name", "", "the service's name (up to 50 characters)")
	welsh := fs.String("welsh-name", "", "the service's Welsh name")
	admin := fs.String("admin", "", "the email of the service's administrator (a new user is created if there is none)")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Shutdown(ctx)
	switch sub {
	case "create":
		return createService(ctx, a, &app.NewService{Name: *name, NameWelsh: *welsh, AdminEmail: *admin}, stdout)
	case "list":
		return listServices(ctx, a, stdout)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown services command %q", sub)
}

// createService adds the service and prints its id, its sandbox account's
// id and, for a new admin user, their one-time password.
func createService(ctx context.Context, a *app.App, ns *app.NewService, stdout io.Writer) error {
	c, err := a.CreateService(ctx, ns)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Service %d: %s\nSandbox account: %d\n", c.Service.ID, c.Service.Name, c.Account.ID)
	switch {
	case c.Password != "":
		fmt.Fprintf(stdout, "Administrator: %s, a new user with password %s\n(they choose their own at first sign-in at %s/admin)\n",
			c.Admin.Email, c.Password, a.Config.PublicURL)
	case c.Admin != nil:
		fmt.Fprintf(stdout, "Administrator: %s\n", c.Admin.Email)
	}
	return nil
}

// listServices prints each service with its accounts.
func listServices(ctx context.Context, a *app.App, stdout io.Writer) error {
	list, err := a.Store.ServiceList(ctx)
	if err != nil {
		return err
	}
	accounts, err := a.Store.AccountList(ctx)
	if err != nil {
		return err
	}
	for _, s := range list {
		fmt.Fprintf(stdout, "Service %d: %s", s.ID, s.Name)
		if s.NameWelsh != "" {
			fmt.Fprintf(stdout, " (Welsh: %s)", s.NameWelsh)
		}
		fmt.Fprintln(stdout)
		for _, acct := range accounts {
			if acct.ServiceID == s.ID {
				fmt.Fprintf(stdout, "  account %d, %s, provider %s\n", acct.ID, acct.Type, acct.Provider)
			}
		}
	}
	return nil
}

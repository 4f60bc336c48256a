package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"pay/internal/app"
	"pay/internal/config"
	"pay/internal/pay"
	"pay/internal/team"
)

// openApp opens the database for an operator command (no server, no jobs).
func openApp(ctx context.Context, cfg config.Config) (*app.App, error) {
	return app.Open(ctx, cfg, app.Options{})
}

func keys(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand(args, stderr)
	if err != nil {
		return err
	}
	fs := newFlags("keys "+sub, stderr)
	accountID := fs.Int64("account", 0, "gateway account id (default: the first test account)")
	description := fs.String("description", "", "what the key is for")
	positional, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Shutdown(ctx)
	switch sub {
	case "create":
		if len(positional) > 0 {
			return fmt.Errorf("keys create takes no arguments, got %q", positional)
		}
		if strings.TrimSpace(*description) == "" {
			*description = "Created with pay keys create"
		}
		acct, err := chooseAccount(ctx, a.Store, *accountID)
		if err != nil {
			return err
		}
		key, _, err := a.Accounts.CreateKey(ctx, acct, *description, "pay keys create")
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, key)
		return nil
	case "list":
		return listKeys(ctx, a.Store, *accountID, stdout)
	case "revoke":
		if len(positional) != 1 {
			return fmt.Errorf("keys revoke takes one key ID")
		}
		id, err := strconv.ParseInt(positional[0], 10, 64)
		if err != nil {
			return fmt.Errorf("key ID %q is not a number", positional[0])
		}
		if err := a.Accounts.RevokeKey(ctx, *accountID, id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Revoked API key %d.\n", id)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown keys command %q", sub)
}

// reader is what the commands read straight from the database; every
// change goes through the domain's services.
type reader interface {
	AccountGet(ctx context.Context, id int64) (*pay.Account, error)
	AccountList(ctx context.Context) ([]*pay.Account, error)
	APIKeyList(ctx context.Context, accountID int64) ([]*pay.APIKey, error)
	ServiceGet(ctx context.Context, id int64) (*pay.Service, error)
	ServiceList(ctx context.Context) ([]*pay.Service, error)
	UserGetByEmail(ctx context.Context, email string) (*team.User, error)
	UserList(ctx context.Context) ([]*team.User, error)
	MembershipList(ctx context.Context, userID int64) ([]*team.Membership, error)
	LinkList(ctx context.Context, accountID int64) ([]*pay.Link, error)
}

// chooseAccount returns the account with the given id, or by default the
// first test account.
func chooseAccount(ctx context.Context, st reader, id int64) (*pay.Account, error) {
	if id != 0 {
		return st.AccountGet(ctx, id)
	}
	list, err := st.AccountList(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if a.Type == pay.AccountTest {
			return a, nil
		}
	}
	return nil, fmt.Errorf("there is no test account: name one with --account")
}

func listKeys(ctx context.Context, st reader, accountID int64, stdout io.Writer) error {
	list, err := st.APIKeyList(ctx, accountID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tACCOUNT\tKEY\tDESCRIPTION\tCREATED\tLAST USED\tREVOKED")
	for _, k := range list {
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.AccountID, k.Hint, k.Description,
			k.CreatedAt.Format(time.DateTime), formatOptional(k.LastUsedAt), formatOptional(k.RevokedAt))
	}
	return tw.Flush()
}

func formatOptional(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.DateTime)
}

func accounts(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand(args, stderr)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Shutdown(ctx)
	switch sub {
	case "create":
		return createAccount(ctx, a, args, stdout, stderr)
	case "credentials":
		return replaceCredentials(ctx, a, args, stdout, stderr)
	case "list":
		return listAccounts(ctx, a.Store, stdout)
	case "set":
		if len(args) < 2 {
			return fmt.Errorf("usage: pay accounts set ACCOUNT NAME=VALUE... (settings: %s)", strings.Join(pay.SettingNames, ", "))
		}
		id, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil {
			return fmt.Errorf("account %q is not a number", args[0])
		}
		return setAccount(ctx, a.Store, a.Accounts, id, args[1:], stdout)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown accounts command %q", sub)
}

// createAccount creates a service's live Stripe account once Stripe has
// accepted its key, and prints only the new account's id, for scripts.
func createAccount(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("accounts create", stderr)
	serviceID := fs.Int64("service", 0, "the service that goes live")
	live := fs.Bool("live", false, "create the live account")
	provider := fs.String("provider", "", "the payment provider: stripe")
	organisation := fs.String("organisation", "", "the organisation that runs the service (default: the service's name)")
	creds := credentialFlags(fs)
	positional, err := parseFlags(fs, args)
	switch {
	case err != nil:
		return err
	case len(positional) > 0:
		return fmt.Errorf("accounts create takes no arguments, got %q", positional)
	case *serviceID == 0:
		return fmt.Errorf("accounts create needs --service ID")
	case !*live || *provider != pay.ProviderStripe:
		return fmt.Errorf("accounts create makes live accounts: give --live --provider stripe (each service has its sandbox account already)")
	}
	if err := checkCredentials(ctx, a, *creds); err != nil {
		return err
	}
	svc, err := a.Store.ServiceGet(ctx, *serviceID)
	if err != nil {
		return err
	}
	org := &pay.Organisation{Name: cmp.Or(*organisation, svc.Name), AcceptedBy: "pay accounts create"}
	acct, err := a.Accounts.GoLive(ctx, *serviceID, org, *creds)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, acct.ID)
	return nil
}

// credentialFlags adds the Stripe secrets' flags to fs.
func credentialFlags(fs *flag.FlagSet) *pay.Credentials {
	creds := &pay.Credentials{}
	fs.StringVar(&creds.StripeSecretKey, "stripe-secret-key", "", "the Stripe account's secret API key (sk_live_…)")
	fs.StringVar(&creds.StripeWebhookSecret, "stripe-webhook-secret", "", "the signing secret of Pay's webhook endpoint in Stripe (whsec_…)")
	return creds
}

// checkCredentials checks the secrets' shapes, then the key with Stripe.
func checkCredentials(ctx context.Context, a *app.App, creds pay.Credentials) error {
	if err := creds.Check(); err != nil {
		return err
	}
	return a.Stripe.CheckKey(ctx, creds.StripeSecretKey)
}

// replaceCredentials replaces a live account's Stripe secrets (a rolled
// key, a new webhook) once Stripe has accepted the key.
func replaceCredentials(ctx context.Context, a *app.App, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("accounts credentials", stderr)
	creds := credentialFlags(fs)
	positional, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return fmt.Errorf("usage: pay accounts credentials ACCOUNT --stripe-secret-key KEY --stripe-webhook-secret SECRET")
	}
	id, err := strconv.ParseInt(positional[0], 10, 64)
	if err != nil {
		return fmt.Errorf("account %q is not a number", positional[0])
	}
	if err := checkCredentials(ctx, a, *creds); err != nil {
		return err
	}
	if err := a.Accounts.ReplaceCredentials(ctx, id, *creds); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Replaced the Stripe credentials of account %d.\n", id)
	return nil
}

func listAccounts(ctx context.Context, st reader, stdout io.Writer) error {
	list, err := st.AccountList(ctx)
	if err != nil {
		return err
	}
	for _, a := range list {
		fmt.Fprintf(stdout, "Account %d: %s (service %d), %s, provider %s%s\n", a.ID, a.ServiceName, a.ServiceID, a.Type, a.Provider,
			map[bool]string{true: ", DISABLED", false: ""}[a.Disabled])
		for _, name := range pay.SettingNames {
			fmt.Fprintf(stdout, "  %s=%s\n", name, a.Settings.Get(name))
		}
	}
	return nil
}

// setAccount applies NAME=VALUE settings; all are checked before any is stored.
func setAccount(ctx context.Context, st reader, accounts *pay.Accounts, id int64, assignments []string, stdout io.Writer) error {
	a, err := st.AccountGet(ctx, id)
	if err != nil {
		return err
	}
	for _, as := range assignments {
		name, value, ok := strings.Cut(as, "=")
		if !ok {
			return fmt.Errorf("%q: want NAME=VALUE", as)
		}
		if name == "disabled" {
			if a.Disabled, err = strconv.ParseBool(value); err != nil {
				return fmt.Errorf("disabled: want true or false")
			}
			continue
		}
		if err := a.Settings.Set(name, value); err != nil {
			return err
		}
	}
	if err := accounts.SaveAccount(ctx, a); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Updated account %d.\n", id)
	return nil
}

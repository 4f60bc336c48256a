package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"pay/internal/config"
	"pay/internal/pay"
	"pay/internal/web"
)

// linkFlags are the answers pay links create takes.
type linkFlags struct {
	account                     int64
	title, details, label, lang string
	amount                      int64
}

func links(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand(args, stderr)
	if err != nil {
		return err
	}
	fs := newFlags("links "+sub, stderr)
	var f linkFlags
	fs.Int64Var(&f.account, "account", 0, "gateway account id (default: the first test account)")
	fs.StringVar(&f.title, "title", "", "the link's title")
	fs.StringVar(&f.details, "details", "", "more about the payment, shown to payers")
	fs.StringVar(&f.label, "reference-label", "", "the name of the payer's own reference; unset, Pay makes one")
	fs.StringVar(&f.lang, "language", "en", "en or cy")
	fs.Int64Var(&f.amount, "amount", 0, "the price in pence; unset, the payer chooses the amount")
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
			return fmt.Errorf("links create takes no arguments, got %q", positional)
		}
		return createLink(ctx, a.Store, a.Links, &f, cfg.PublicURL, stdout)
	case "list":
		return listLinks(ctx, a.Store, f.account, cfg.PublicURL, stdout)
	case "disable":
		if len(positional) != 1 {
			return fmt.Errorf("links disable takes one link ID")
		}
		if err := a.Links.SetStatus(ctx, f.account, positional[0], pay.LinkInactive); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Disabled payment link %s.\n", positional[0])
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown links command %q", sub)
}

// createLink makes a link and prints only its friendly address, for scripts.
func createLink(ctx context.Context, st reader, links *pay.Links, f *linkFlags, publicURL string, stdout io.Writer) error {
	acct, err := chooseAccount(ctx, st, f.account)
	if err != nil {
		return err
	}
	if f.amount < 0 {
		return fmt.Errorf("--amount: %s", pay.MsgAmountTooLow)
	}
	l := &pay.Link{Title: f.title, Details: f.details, ReferenceLabel: f.label,
		Language: pay.Language(f.lang), Amount: f.amount}
	if err := links.Create(ctx, acct, l); err != nil {
		return linkFlagError(err)
	}
	fmt.Fprintln(stdout, strings.TrimRight(publicURL, "/")+l.FriendlyPath())
	return nil
}

// linkFlagError names the flag behind each of a form's problems.
func linkFlagError(err error) error {
	var fe pay.FieldErrors
	if !errors.As(err, &fe) {
		return err
	}
	flags := map[string]string{pay.FieldTitle: "--title", pay.FieldSlug: "--title", pay.FieldDetails: "--details",
		pay.FieldReferenceLabel: "--reference-label", pay.FieldAmount: "--amount", "language": "--language"}
	msgs := make([]string, len(fe))
	for i, p := range fe {
		msgs[i] = flags[p.Field] + ": " + p.Message
	}
	return errors.New(strings.Join(msgs, "\n"))
}

func listLinks(ctx context.Context, st reader, accountID int64, publicURL string, stdout io.Writer) error {
	list, err := st.LinkList(ctx, accountID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tACCOUNT\tSTATUS\tAMOUNT\tTITLE\tADDRESS")
	for _, l := range list {
		amount := "payer chooses"
		if l.FixedAmount() {
			amount = web.FormatMoney(l.Amount)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", l.ID, l.AccountID, strings.ToLower(string(l.Status)), amount,
			l.Title, strings.TrimRight(publicURL, "/")+l.FriendlyPath())
	}
	return tw.Flush()
}

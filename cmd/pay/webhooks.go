package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"pay/internal/app"
	"pay/internal/config"
	"pay/internal/pay"
)

// webhookFlags are what pay webhooks takes.
type webhookFlags struct {
	account                       int64
	url, events, description, fwd string
}

func webhooks(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand(args, stderr)
	if err != nil {
		return err
	}
	fs := newFlags("webhooks "+sub, stderr)
	var f webhookFlags
	fs.Int64Var(&f.account, "account", 0, "gateway account id (default: the first test account)")
	fs.StringVar(&f.url, "url", "", "the callback URL")
	fs.StringVar(&f.events, "events", "", "comma-separated events to subscribe to")
	fs.StringVar(&f.description, "description", "", "what the webhook is for (up to 50 characters)")
	fs.StringVar(&f.fwd, "forward-to", "", "the local URL listen forwards events to")
	positional, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Shutdown(context.WithoutCancel(ctx))
	switch sub {
	case "create":
		return createWebhook(ctx, a, &f, stdout)
	case "list":
		return listWebhooks(ctx, a.Store, f.account, stdout)
	case "disable":
		if len(positional) != 1 {
			return fmt.Errorf("webhooks disable takes one webhook ID")
		}
		if _, err := a.Webhooks.SetActive(ctx, f.account, positional[0], false); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Deactivated webhook %s.\n", positional[0])
		return nil
	case "listen":
		return listen(ctx, a, &f, stdout)
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown webhooks command %q", sub)
}

// createWebhook makes a webhook and prints only its signing secret, for scripts.
func createWebhook(ctx context.Context, a *app.App, f *webhookFlags, stdout io.Writer) error {
	acct, err := chooseAccount(ctx, a.Store, f.account)
	if err != nil {
		return err
	}
	w, err := a.Webhooks.Create(ctx, acct, f.url, f.description, pay.ParseWebhookEvents(f.events))
	if err != nil {
		return webhookFlagError(err)
	}
	fmt.Fprintln(stdout, w.Secret)
	return nil
}

// webhookFlagError names the flag behind a webhook's problem.
func webhookFlagError(err error) error {
	flags := map[string]string{"callback_url": "--url", "description": "--description", "events": "--events"}
	if e, ok := err.(*pay.Error); ok && flags[e.Field] != "" {
		return fmt.Errorf("%s: %s", flags[e.Field], e.Message)
	}
	return err
}

func listWebhooks(ctx context.Context, st pay.Store, accountID int64, stdout io.Writer) error {
	list, err := st.WebhookList(ctx, accountID)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tACCOUNT\tSTATUS\tURL\tEVENTS\tDESCRIPTION")
	for _, w := range list {
		events := make([]string, len(w.Events))
		for i, e := range w.Events {
			events[i] = string(e)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", w.ID, w.AccountID, w.Status, w.CallbackURL, strings.Join(events, ","), w.Description)
	}
	return tw.Flush()
}

// listen registers a temporary webhook of a sandbox account for every
// event, forwarding to a local URL, prints each attempt as the running
// server makes it, and removes the webhook when ctx ends (Ctrl-C).
func listen(ctx context.Context, a *app.App, f *webhookFlags, stdout io.Writer) error {
	acct, err := chooseAccount(ctx, a.Store, f.account)
	if err != nil {
		return err
	}
	if acct.IsLive() {
		return fmt.Errorf("webhooks listen works only with sandbox accounts")
	}
	w, err := a.Webhooks.Create(ctx, acct, f.fwd, "pay webhooks listen", pay.WebhookEvents)
	if err != nil {
		return fmt.Errorf("--forward-to: %w", webhookFlagError(err))
	}
	defer a.Store.WebhookDelete(context.WithoutCancel(ctx), acct.ID, w.ID)
	fmt.Fprintf(stdout, "Forwarding account %d's events to %s. Signing secret: %s\nPress Ctrl-C to stop.\n", acct.ID, f.fwd, w.Secret)
	seen := map[string]bool{}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			if err := printAttempts(ctx, a.Store, w, seen, stdout); err != nil && ctx.Err() == nil {
				return err
			}
		}
	}
}

// printAttempts prints the webhook's attempts not yet in seen, oldest first.
func printAttempts(ctx context.Context, st pay.Store, w *pay.Webhook, seen map[string]bool, stdout io.Writer) error {
	msgs, err := st.WebhookMessageList(ctx, &pay.WebhookMessageListParams{AccountID: w.AccountID, WebhookID: w.ID, Limit: 100})
	if err != nil {
		return err
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		attempts, err := st.WebhookAttemptList(ctx, m.ID)
		if err != nil {
			return err
		}
		for _, at := range attempts {
			key := fmt.Sprintf("%s/%d", m.ID, at.Number)
			if !seen[key] {
				seen[key] = true
				fmt.Fprintf(stdout, "%s  %s  payment %s  --> %s\n", at.At.Format(time.DateTime), m.EventType, m.PaymentID, describeAttempt(at))
			}
		}
	}
	return nil
}

// describeAttempt is the receiver's answer as listen prints it.
func describeAttempt(at *pay.WebhookAttempt) string {
	if at.Error != "" {
		return "error: " + at.Error
	}
	return fmt.Sprintf("%d (%d ms)", at.StatusCode, at.Duration.Milliseconds())
}

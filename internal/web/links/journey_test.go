package links_test

import (
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/apptest/boot"
	"pay/internal/team"
	bt "pay/internal/web/browsertest"
)

// journey is a browser and the real app on one engine, with the admin
// signed in.
type journey struct {
	t     *testing.T
	tab   context.Context
	base  string
	admin string // the admin site's pages of the sandbox account
	mail  *apptest.Mailpit
}

func newJourney(t *testing.T, eng apptest.Engine) *journey {
	tab := bt.Tab(t) // skips (or fails in CI) before booting anything without a browser
	mail := apptest.NewMailpit(t)
	clock := apptest.NewClock()
	_, creds, base := boot.Start(t, map[string]string{"DATABASE_URL": eng.URL(t), "SMTP_URL": mail.SMTPURL},
		app.Options{Now: clock.Now})
	j := &journey{t: t, tab: tab, base: base, admin: base + "/admin/accounts/1", mail: mail}
	clock.Advance(team.TOTPPeriod) // the code of a later step than the secret's page
	bt.SignInFirstTime(t, tab, base, creds.AdminEmail, creds.Password, clock.Now)
	return j
}

// primary presses the page's primary action, its first govuk-button, as
// automation written for GOV.UK Pay's payment links does.
func (j *journey) primary(waitFor string) {
	j.t.Helper()
	bt.Do(j.t, j.tab, chromedp.Click(chromedp.CSS(".govuk-button"), chromedp.NodeVisible), chromedp.WaitVisible(chromedp.CSS(waitFor)))
}

func (j *journey) title() string { return bt.Get(j.t, j.tab, chromedp.Title()) }

// pay pays on Pay's card pages with the sandbox's success card, giving
// email as the payer's address, and waits for the payment-complete page.
func (j *journey) pay(email string) {
	j.t.Helper()
	bt.Do(j.t, j.tab, bt.FillCard("4444333322221111"), chromedp.SetValue(chromedp.ID("email"), email),
		chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("confirm")),
		chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("confirmation-panel")))
}

// confirmation waits for the one email Pay sends the payer and checks its
// subject and that its text has every one of lines.
func (j *journey) confirmation(to, subject string, lines ...string) {
	j.t.Helper()
	msgs := j.mail.WaitMessages(j.t, to, 1)
	if len(msgs) != 1 || msgs[0].Subject != subject {
		j.t.Fatalf("emails to the payer: %v, want one with subject %q", msgs, subject)
	}
	for _, line := range lines {
		if !strings.Contains(msgs[0].Text, line) {
			j.t.Errorf("the confirmation email lacks %q:\n%s", line, msgs[0].Text)
		}
	}
}

// csvRow downloads the transactions CSV with the admin's session and
// returns its header and the row of the payment with the reference.
func (j *journey) csvRow(reference string) (header, row []string) {
	j.t.Helper()
	bt.Do(j.t, j.tab, chromedp.Navigate(j.admin+"/transactions"), chromedp.WaitVisible(chromedp.ID("download-csv")))
	if list := bt.Text(j.t, j.tab, "#transactions-list tbody"); !strings.Contains(list, reference) {
		j.t.Fatalf("the transactions list lacks %s:\n%s", reference, list)
	}
	text := bt.Get(j.t, j.tab, chromedp.Evaluate[string](
		`fetch(document.getElementById('download-csv').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	records, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		j.t.Fatal(err)
	}
	for _, r := range records[1:] {
		if r[0] == reference {
			return records[0], r
		}
	}
	j.t.Fatalf("the CSV lacks %s:\n%s", reference, text)
	return nil, nil
}

// TestJourneyOwnReferenceVariableAmount: an admin makes a link whose payers
// give their own reference and amount, with a reporting column; a payer
// pays through it; the payment is in the list and the CSV.
func TestJourneyOwnReferenceVariableAmount(t *testing.T) {
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		j := newJourney(t, eng)
		tab := j.tab
		bt.Do(t, tab, chromedp.Click(chromedp.ID("dashboard-create-payment-link")), chromedp.WaitVisible(chromedp.ID("link-title")),
			chromedp.SendKeys(chromedp.ID("link-title"), "Pay for a parking permit"),
			chromedp.SendKeys(chromedp.ID("link-details"), "A permit lasts a year."))
		bt.Accessible(t, tab)
		j.primary("#reference-type-custom")
		bt.Do(t, tab, chromedp.Click(chromedp.ID("reference-type-custom")), chromedp.SendKeys(chromedp.ID("reference-label"), "Permit number"),
			chromedp.SendKeys(chromedp.ID("reference-hint"), "It is on your letter"))
		bt.Accessible(t, tab)
		j.primary("#amount-type-variable")
		bt.Do(t, tab, chromedp.Click(chromedp.ID("amount-type-variable")), chromedp.SendKeys(chromedp.ID("amount-hint"), "See your letter"))
		j.primary("#link-summary")
		bt.Do(t, tab, chromedp.SendKeys(chromedp.ID("column-header"), "cost_code"), chromedp.SendKeys(chromedp.ID("column-value"), "PARK-1"),
			chromedp.Click(chromedp.ID("add-column")), chromedp.WaitVisible(chromedp.ID("reporting-columns")))
		bt.Accessible(t, tab)
		if summary := bt.Text(t, tab, "#link-summary"); !strings.Contains(summary, "Permit number") || !strings.Contains(summary, "User can choose") {
			t.Fatalf("review: %q", summary)
		}
		j.primary("#link-address")
		address := bt.Text(t, tab, "#link-address")
		if address != j.base+"/redirect/sandbox-service/pay-for-a-parking-permit" {
			t.Fatalf("the new link's address is %q", address)
		}
		bt.Accessible(t, tab)

		// The payer.
		bt.Do(t, tab, chromedp.Navigate(address), chromedp.WaitVisible(chromedp.ID("product-description")))
		if title := j.title(); !strings.HasPrefix(title, "Make a payment - Pay for a parking permit") {
			t.Fatalf("start page title %q", title)
		}
		bt.Accessible(t, tab)
		j.primary("#payment-reference")
		if title := j.title(); !strings.HasPrefix(title, "Enter your Permit number - Pay for a parking permit") {
			t.Fatalf("reference page title %q", title)
		}
		j.primary("#error-summary")
		if msg := bt.Text(t, tab, "#error-summary a"); msg != "You must enter your Permit number" {
			t.Fatalf("no reference: %q", msg)
		}
		bt.Accessible(t, tab)
		bt.Do(t, tab, chromedp.SendKeys(chromedp.ID("payment-reference"), "PERMIT-42"))
		j.primary("#payment-amount")
		bt.Accessible(t, tab)
		bt.Do(t, tab, chromedp.SendKeys(chromedp.ID("payment-amount"), "12.50"))
		j.primary("#payment-summary")
		if title := j.title(); !strings.HasPrefix(title, "Confirm - Pay for a parking permit") {
			t.Fatalf("confirm page title %q", title)
		}
		if summary := bt.Text(t, tab, "#payment-summary"); !strings.Contains(summary, "PERMIT-42") || !strings.Contains(summary, "£12.50") {
			t.Fatalf("confirm page: %q", summary)
		}
		bt.Accessible(t, tab)
		j.primary("#card-no")
		payer := apptest.Recipient("payer")
		j.pay(payer)
		if got := bt.Text(t, tab, "h1"); got != "Your payment was successful" {
			t.Fatalf("payment-complete: %q", got)
		}
		if ref := bt.Text(t, tab, "#payment-reference"); ref != "PERMIT-42" {
			t.Fatalf("reference number %q", ref)
		}
		if amount := bt.Text(t, tab, "#payment-amount"); amount != "£12.50" {
			t.Fatalf("amount %q", amount)
		}
		bt.Accessible(t, tab)
		j.confirmation(payer, "Your payment of £12.50 to Sandbox service was successful",
			"Payment for: Pay for a parking permit", "Reference: PERMIT-42", "Date of payment: ")

		header, row := j.csvRow("PERMIT-42")
		col := func(name string) string { return row[slices.Index(header, name)] }
		if col("Amount") != "12.50" || col("Description") != "Pay for a parking permit" || col("cost_code (metadata)") != "PARK-1" {
			t.Fatalf("CSV row %q (header %q)", row, header)
		}
	})
}

// TestJourneyWelshGeneratedReferenceFixedAmount: a Welsh link with a price,
// whose references Pay makes; the payer sees every page in Welsh.
func TestJourneyWelshGeneratedReferenceFixedAmount(t *testing.T) {
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		j := newJourney(t, eng)
		tab := j.tab
		bt.Do(t, tab, chromedp.Navigate(j.admin+"/payment-links"), chromedp.WaitVisible(chromedp.ID("create-welsh-payment-link")),
			chromedp.Click(chromedp.ID("create-welsh-payment-link")), chromedp.WaitVisible(chromedp.ID("welsh-name")),
			chromedp.SendKeys(chromedp.ID("welsh-name"), "Gwasanaeth prawf"))
		j.primary("#link-title")
		bt.Do(t, tab, chromedp.SendKeys(chromedp.ID("link-title"), "Talu am drwydded"))
		j.primary("#reference-type-standard")
		bt.Do(t, tab, chromedp.Click(chromedp.ID("reference-type-standard")))
		j.primary("#amount-type-fixed")
		bt.Do(t, tab, chromedp.Click(chromedp.ID("amount-type-fixed")), chromedp.SendKeys(chromedp.ID("payment-amount"), "100000.01"))
		j.primary("#error-summary")
		if msg := bt.Text(t, tab, "#error-summary a"); msg != "Enter an amount that is £100,000 or less" {
			t.Fatalf("too large a price: %q", msg)
		}
		bt.Do(t, tab, chromedp.SetValue(chromedp.ID("payment-amount"), "25.00"))
		j.primary("#link-summary")
		if lang := bt.Text(t, tab, "#summary-language"); lang != "Welsh" {
			t.Fatalf("review language %q", lang)
		}
		j.primary("#link-address")
		address := bt.Text(t, tab, "#link-address")

		bt.Do(t, tab, chromedp.Navigate(address), chromedp.WaitVisible(chromedp.ID("amount")))
		if title := j.title(); !strings.HasPrefix(title, "Gwneud taliad - Talu am drwydded – Gwasanaeth prawf") {
			t.Fatalf("start page title %q", title)
		}
		if lang := bt.Get(t, tab, chromedp.Evaluate[string]("document.documentElement.lang")); lang != "cy" {
			t.Fatalf("lang %q", lang)
		}
		bt.Accessible(t, tab)
		j.primary("#payment-summary")
		if title := j.title(); !strings.HasPrefix(title, "Cadarnhau - Talu am drwydded") {
			t.Fatalf("confirm page title %q", title)
		}
		if button := bt.Text(t, tab, ".govuk-button"); button != "Parhau at daliad" {
			t.Fatalf("confirm button %q", button)
		}
		bt.Accessible(t, tab)
		j.primary("#card-no")
		payer := apptest.Recipient("talwr")
		j.pay(payer)
		if got := bt.Text(t, tab, "h1"); got != "Roedd eich taliad yn llwyddiannus" {
			t.Fatalf("payment-complete: %q", got)
		}
		ref := bt.Text(t, tab, "#payment-reference")
		if len(ref) != 10 || strings.Trim(ref[2:3]+ref[6:7], "23456789") != "" {
			t.Fatalf("generated reference %q", ref)
		}
		bt.Accessible(t, tab)
		j.confirmation(payer, "Mae eich taliad o £25.00 i Gwasanaeth prawf wedi bod yn llwyddiannus",
			"Taliad am: Talu am drwydded", "Cyfeirnod: "+ref, "Dyddiad y taliad: ")
		header, row := j.csvRow(ref)
		if row[slices.Index(header, "Amount")] != "25.00" {
			t.Fatalf("CSV row %q", row)
		}
	})
}

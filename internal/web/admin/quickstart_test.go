package admin_test

import (
	"context"
	"encoding/csv"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/apptest/boot"
	"pay/internal/pay"
	"pay/internal/team"
	bt "pay/internal/web/browsertest"
)

// TestQuickStart runs the README's quick start in a browser against the
// real app (API, card pages and admin site on one port, as pay serve runs
// them): sign in with an authenticator app, generate a key, create a
// payment in the API Explorer, pay it on the card pages, find it in the
// transaction list and its detail page, refund part of it, and find both
// in the CSV download.
func TestQuickStart(t *testing.T) {
	t.Parallel()
	tab := bt.Tab(t) // skips (or fails in CI) before booting anything without a browser
	clock := apptest.NewClock()
	a, creds, base := boot.Start(t, map[string]string{"DATABASE_URL": apptest.SQLiteURL(t)}, app.Options{Now: clock.Now})
	service := apptest.Service(t)

	allowClipboard(t, tab, base)
	// Sign in with the password printed on first start, set up an
	// authenticator app when offered, sign out, and sign in with it.
	bt.Do(t, tab, chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), creds.AdminEmail), chromedp.SendKeys(chromedp.ID("password"), creds.Password),
		chromedp.Click(chromedp.ID("continue")), chromedp.WaitVisible(chromedp.ID("totp-secret")))
	secret := strings.ReplaceAll(bt.Text(t, tab, "#totp-secret"), " ", "")
	code := func() string {
		clock.Advance(team.TOTPPeriod) // a fresh time step: each code works once
		c, err := team.TOTPCode(secret, clock.Now())
		must(t, err)
		return c
	}
	bt.Do(t, tab, chromedp.SendKeys(chromedp.ID("code"), code()), chromedp.Click(chromedp.ID("complete")),
		chromedp.WaitVisible(chromedp.ID("account-mode")))
	if mode := bt.Text(t, tab, "#account-mode"); mode != "Sandbox account" {
		t.Fatalf("the bootstrap admin lands on %q", mode)
	}
	bt.Do(t, tab, chromedp.Click(chromedp.ID("sign-out")), chromedp.WaitVisible(chromedp.ID("signed-out")),
		chromedp.SendKeys(chromedp.ID("email"), creds.AdminEmail), chromedp.SendKeys(chromedp.ID("password"), creds.Password),
		chromedp.Click(chromedp.ID("continue")), chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), code()), chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.ID("account-mode")))

	// Generate a key; the copy button copies it, and the page shows it once.
	bt.Do(t, tab, chromedp.Click(chromedp.CSS(`.admin-nav a[href$="/api-keys"]`)), chromedp.WaitVisible(chromedp.ID("create-api-key")),
		chromedp.Click(chromedp.ID("create-api-key")), chromedp.WaitVisible(chromedp.ID("key-name")),
		chromedp.SendKeys(chromedp.ID("key-name"), "Quick start"), chromedp.Click(chromedp.ID("continue")),
		chromedp.WaitVisible(chromedp.ID("api-key")), chromedp.Click(chromedp.ID("copy-key-button")))
	key := bt.Text(t, tab, "#api-key")
	if !strings.HasPrefix(key, "api_test_") || !pay.CheckAPIKey(key, a.Secret) {
		t.Fatalf("the page shows %q as the key", key)
	}
	if copied := bt.Get(t, tab, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise)); copied != key {
		t.Fatalf("the copy button copied %q", copied)
	}

	// Create a payment in the API Explorer, returning to our service.
	body := `{"amount": 12000, "reference": "12345", "description": "New passport application", "return_url": "` + service.URL + `/done"}`
	bt.Do(t, tab, chromedp.Click(chromedp.ID("try-in-explorer")), chromedp.WaitVisible(chromedp.ID("send-request")),
		chromedp.SetValue(chromedp.ID("body"), body), chromedp.Click(chromedp.ID("send-request")),
		chromedp.WaitVisible(chromedp.ID("response-status")))
	if status := bt.Text(t, tab, "#response-status"); status != "201 Created" {
		t.Fatalf("create payment in the explorer: %q\n%s", status, bt.Text(t, tab, "#response-body"))
	}

	// Open next_url and pay with the sandbox's test card.
	bt.Do(t, tab, chromedp.Click(chromedp.ID("link-next_url")), bt.FillCard("4444333322221111"),
		chromedp.Click(chromedp.ID("submit-card-details")), chromedp.WaitVisible(chromedp.ID("confirm")),
		chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("service")))
	if loc := bt.Location(t, tab); loc != service.URL+"/done" {
		t.Fatalf("after paying: %s", loc)
	}

	// Back in the admin site: the list, the detail page and the CSV.
	bt.Do(t, tab, chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.ID("account-mode")),
		chromedp.Click(chromedp.CSS(`.admin-nav a[href$="/transactions"]`)), chromedp.WaitVisible(chromedp.ID("transactions-list")))
	if row := bt.Text(t, tab, "#transactions-list tbody tr"); !strings.Contains(row, "12345") ||
		!strings.Contains(row, "£120.00") || !strings.Contains(row, "Success") || !strings.Contains(row, "Visa") {
		t.Fatalf("the list shows %q", row)
	}
	bt.Do(t, tab, chromedp.Click(chromedp.CSS("#transactions-list a.reference")), chromedp.WaitVisible(chromedp.ID("events")))
	status := bt.Get(t, tab, chromedp.Evaluate[string](`[...document.querySelectorAll("#details .summary-list__row")]
		.find(r => r.querySelector("dt").textContent === "Payment status").querySelector("dd").textContent`))
	if status != "Success" {
		t.Fatalf("detail page: payment status %q", status)
	}
	if method := bt.Text(t, tab, "#payment-method"); !strings.Contains(method, "**** **** **** 1111") {
		t.Fatalf("payment method: %q", method)
	}

	// Refund part of it once the capture job has captured it; the refund
	// job then refunds it with the sandbox.
	reloadUntil(t, tab, `document.getElementById("refund-button") !== null`)
	bt.Do(t, tab, chromedp.Click(chromedp.ID("refund-button")), chromedp.WaitVisible(chromedp.ID("refund-partial")),
		chromedp.Click(chromedp.ID("refund-partial")), chromedp.SendKeys(chromedp.ID("partial-refund-amount"), "20.00"),
		chromedp.Click(chromedp.ID("confirm-refund")), chromedp.WaitVisible(chromedp.ID("refund-success")))
	reloadUntil(t, tab, `document.querySelector("#refunds .refund-state")?.textContent === "Refund success"`)
	if refunds := bt.Text(t, tab, "#refunds tbody"); !strings.Contains(refunds, "£20.00") || !strings.Contains(refunds, creds.AdminEmail) {
		t.Fatalf("refunds: %q", refunds)
	}
	bt.Do(t, tab, chromedp.Click(chromedp.ID("back")), chromedp.WaitVisible(chromedp.ID("download-csv")))
	if row := bt.Text(t, tab, "#transactions-list tbody tr"); !strings.Contains(row, "–£20.00") || !strings.Contains(row, "Refund success") {
		t.Fatalf("the list shows %q first, not the refund", row)
	}
	// Fetch the download as the browser would, with its session cookie.
	text := bt.Get(t, tab, chromedp.Evaluate[string](
		`fetch(document.getElementById('download-csv').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
	records, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	must(t, err)
	if len(records) != 3 {
		t.Fatalf("CSV has %d rows, want a header, the refund and the payment:\n%s", len(records), text)
	}
	col := func(row int, name string) string { return records[row][slices.Index(records[0], name)] }
	if col(1, "Reference") != "12345" || col(1, "Amount") != "-20.00" || col(1, "State") != "Refund success" ||
		col(1, "Issued By") != creds.AdminEmail {
		t.Fatalf("CSV refund row %q", records[1])
	}
	if col(2, "Reference") != "12345" || col(2, "Amount") != "120.00" || col(2, "State") != "Success" || col(2, "Card Number") != "1111" ||
		col(2, "Card Brand") != "Visa" || col(2, "Email") != "payer@example.org" || col(2, "Total Amount") != "120.00" {
		t.Fatalf("CSV payment row %q", records[2])
	}
}

// reloadUntil reloads the tab's page until a script says true, for what
// background jobs change; it fails the test after ten seconds.
func reloadUntil(t *testing.T, tab context.Context, script string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		if bt.Get(t, tab, chromedp.Evaluate[bool](script)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still not %s", script)
		}
		time.Sleep(100 * time.Millisecond)
		bt.Do(t, tab, chromedp.Reload())
	}
}

// allowClipboard lets the tab's pages from origin write and read the
// clipboard, as a person's browser lets a copy button do.
func allowClipboard(t *testing.T, tab context.Context, origin string) {
	t.Helper()
	c := chromedp.FromContext(tab)
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		_, err := cdp.Call(tab, c.Browser, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
			Permission: &cdpbrowser.PermissionDescriptor{Name: name}, Setting: cdpbrowser.PermissionSettingGranted,
			Origin: origin, BrowserContextID: c.BrowserContextID})
		must(t, err)
	}
}

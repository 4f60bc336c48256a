package admin_test

import (
	"context"
	"encoding/csv"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pay/internal/apptest"
	"pay/internal/pay"
	"pay/internal/team"
	bt "pay/internal/web/browsertest"
)

// TestBrowserCustomDateRange types a custom range into the transactions
// filter's date inputs: the list, the fields, the URL and the CSV link all
// keep it; an impossible date gets GOV.UK's error, linked to its field.
// The pages pass axe with and without the error.
func TestBrowserCustomDateRange(t *testing.T) {
	t.Parallel()
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		e := newEnvOn(t, eng)
		// Three payments two days apart, at noon UK time, in the future so
		// that sessions made on this clock are not already over.
		e.Clock.Set(time.Date(2031, 3, 10, 12, 0, 0, 0, mustLondon()))
		for _, ref := range []string{"MAR-10", "MAR-12", "MAR-14"} {
			e.newPayment(func(r *pay.CreatePaymentRequest) { r.Reference = ref })
			e.Clock.Advance(48 * time.Hour)
		}
		tab := bt.Tab(t)
		browserSignIn(t, tab, e, e.user("viewer@example.org", team.RoleViewOnly, false))
		bt.Do(t, tab, chromedp.Navigate(e.server.URL+e.accountPath("/transactions")), chromedp.WaitVisible(chromedp.ID("filters")))
		typed := map[string]string{"fromDateDay": "11", "fromDateMonth": "3", "fromDateYear": "2031",
			"toDateDay": "12", "toDateMonth": "03", "toDateYear": "2031"}
		for _, id := range []string{"fromDateDay", "fromDateMonth", "fromDateYear", "toDateDay", "toDateMonth", "toDateYear"} {
			bt.Do(t, tab, chromedp.SendKeys(chromedp.ID(id), typed[id]))
		}
		filter(t, tab)
		bt.Do(t, tab, chromedp.WaitVisible(chromedp.ID("transactions-list")))

		refs := bt.Get(t, tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#transactions-list .reference')].map(a => a.textContent)`))
		if !slices.Equal(refs, []string{"MAR-12"}) {
			t.Errorf("11 to 12 March lists %q, want MAR-12 (the end day included)", refs)
		}
		query, err := url.ParseQuery(strings.TrimPrefix(bt.Get(t, tab, chromedp.Evaluate[string]("location.search")), "?"))
		must(t, err)
		for id, want := range typed {
			if got := bt.Get(t, tab, chromedp.Value(chromedp.ID(id))); got != want {
				t.Errorf("after filtering %s shows %q, want %q", id, got, want)
			}
			if got := query.Get(id); got != want {
				t.Errorf("the URL has %s=%q, want %q", id, got, want)
			}
		}
		bt.Accessible(t, tab)

		// The CSV link carries the same range and gets the same payment.
		link := bt.Get(t, tab, chromedp.Evaluate[string](`document.getElementById('download-csv').href`))
		u, err := url.Parse(link)
		must(t, err)
		for id, want := range typed {
			if got := u.Query().Get(id); got != want {
				t.Errorf("the CSV link has %s=%q, want %q", id, got, want)
			}
		}
		body := bt.Get(t, tab, chromedp.Evaluate[string](`fetch(document.getElementById('download-csv').href).then(r => r.text())`,
			chromedp.EvalAwaitPromise))
		records, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		must(t, err)
		if len(records) != 2 || records[1][0] != "MAR-12" {
			t.Errorf("the CSV for the range:\n%q", records)
		}

		// An impossible date: GOV.UK's message, the fields marked, and the
		// summary's link takes the user to the day.
		bt.Do(t, tab, chromedp.SetValue(chromedp.ID("fromDateDay"), "30"), chromedp.SetValue(chromedp.ID("fromDateMonth"), "2"))
		filter(t, tab)
		bt.Do(t, tab, chromedp.WaitVisible(chromedp.ID("error-summary")))
		if got := bt.Text(t, tab, "#error-summary li a"); got != "Start date must be a real date" {
			t.Errorf("error summary says %q", got)
		}
		if got := strings.Join(strings.Fields(bt.Text(t, tab, "#fromDate-error")), " "); got != "Error: Start date must be a real date" {
			t.Errorf("the message above the fields says %q", got)
		}
		marked := bt.Get(t, tab, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.input--error')].map(i => i.id)`))
		if !slices.Equal(marked, []string{"fromDateDay", "fromDateMonth", "fromDateYear"}) {
			t.Errorf("fields marked in error: %q", marked)
		}
		if got := bt.Get(t, tab, chromedp.Value(chromedp.ID("fromDateDay"))); got != "30" {
			t.Errorf("the day in error shows %q", got)
		}
		if bt.Get(t, tab, chromedp.Evaluate[bool](`document.getElementById('transactions-list') !== null`)) {
			t.Error("the list shows beside the error")
		}
		bt.Accessible(t, tab)
		bt.Do(t, tab, chromedp.Click(chromedp.CSS("#error-summary li a")))
		if focused := bt.Get(t, tab, chromedp.Evaluate[string]("document.activeElement.id")); focused != "fromDateDay" {
			t.Errorf("the summary's link focuses %q", focused)
		}
	})
}

// filter presses the transactions filter's button and waits for the page
// it loads: the list's page is replaced by another of its own.
func filter(t *testing.T, tab context.Context) {
	t.Helper()
	if _, err := chromedp.RunResponse(tab, chromedp.Click(chromedp.ID("filter"))); err != nil {
		t.Fatalf("filtering: %v", err)
	}
}

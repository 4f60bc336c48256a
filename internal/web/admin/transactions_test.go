package admin_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"pay/internal/pay"
	"pay/internal/provider/sandbox"
	"pay/internal/team"
	"pay/internal/web/admin"
)

var (
	rowPattern       = regexp.MustCompile(`(?s)<tr class="transaction-row">.*?class="reference">([^<]*)</a>.*?class="numeric tx-amount">([^<]*)<.*?class="brand">([^<]*)<.*?state">([^<]*)<`)
	pageLinkPattern  = regexp.MustCompile(`href="([^"]+)" rel="next"`)
	resultsPattern   = regexp.MustCompile(`id="results-count">([^<]+)<`)
	downloadPattern  = regexp.MustCompile(`href="([^"]+)" class="button button--secondary" id="download-csv"`)
	detailRowPattern = regexp.MustCompile(`<dt class="summary-list__key">([^<]+)</dt><dd class="summary-list__value">([^<]*)</dd>`)
)

// listed returns the list's rows as "reference amount brand state".
func listed(p *page) []string {
	var out []string
	for _, m := range rowPattern.FindAllStringSubmatch(p.body, -1) {
		out = append(out, strings.Join(m[1:], " "))
	}
	return out
}

func unescape(s string) string { return strings.ReplaceAll(s, "&amp;", "&") }

// seedTransactions makes payments in several states, one a minute, oldest first.
func seedTransactions(e *env) map[string]*pay.Payment {
	e.T.Helper()
	out := map[string]*pay.Payment{}
	add := func(name, ref string, number string, amount int64) {
		p := e.newPayment(func(r *pay.CreatePaymentRequest) { r.Reference, r.Amount = ref, amount })
		if number != "" {
			p = e.pay(p, number)
		}
		out[name] = p
		e.Clock.Advance(time.Minute)
	}
	add("visa", "INV-001", "4444333322221111", 1000)
	add("master", "INV-002", "5105105105105100", 2000)
	add("declined", "INV-003", sandbox.CardDeclined, 3000)
	add("started", "OTHER-1", "", 4000)
	add("amex", "INV-004", "371449635398431", 123456)
	return out
}

func TestTransactionList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	seeded := seedTransactions(e)
	b := e.browser()
	b.signIn(e.user("viewer@example.org", team.RoleViewOnly, false))
	all := b.get(e.accountPath("/transactions"))
	want := []string{"INV-004 £1,234.56 American Express Success", "OTHER-1 £40.00  In progress",
		"INV-003 £30.00 Visa Declined", "INV-002 £20.00 Mastercard Success", "INV-001 £10.00 Visa Success"}
	if got := listed(all); !slices.Equal(got, want) {
		t.Fatalf("the list, newest first:\n%q\nwant\n%q", got, want)
	}
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"reference=inv-003", []string{"INV-003"}},
		{"reference=INV-00", nil},
		{"state=success", []string{"INV-004", "INV-002", "INV-001"}},
		{"state=declined&state=in_progress", []string{"OTHER-1", "INV-003"}},
		{"state=declined,in_progress", []string{"OTHER-1", "INV-003"}},
		{"brand=visa&brand=american-express", []string{"INV-004", "INV-003", "INV-001"}},
		{"brand=master-card&state=success", []string{"INV-002"}},
		{"lastDigitsCardNumber=1111", []string{"INV-001"}},
		{"email=PAYER@", []string{"INV-004", "INV-003", "INV-002", "INV-001"}},
		{"cardholderName=bloggs&reference=INV-002", []string{"INV-002"}},
		{"dateFilter=today", []string{"INV-004", "OTHER-1", "INV-003", "INV-002", "INV-001"}},
		{"dateFilter=yesterday", nil},
		{"state=bogus", []string{"INV-004", "OTHER-1", "INV-003", "INV-002", "INV-001"}},
		{customRange(seeded["master"].CreatedAt, seeded["declined"].CreatedAt), []string{"INV-003", "INV-002"}},
		{oldCustomRange(seeded["master"].CreatedAt, seeded["declined"].CreatedAt), []string{"INV-003", "INV-002"}},
	} {
		p := b.get(e.accountPath("/transactions?" + tt.query))
		var got []string
		for _, row := range listed(p) {
			got = append(got, strings.Fields(row)[0])
		}
		if p.status != http.StatusOK || !slices.Equal(got, tt.want) {
			t.Errorf("%s: %d %v, want %v %v", tt.query, p.status, got, tt.want, p.errors())
		}
	}
	for _, tt := range []struct{ query, want string }{
		{"lastDigitsCardNumber=11", "lastDigitsCardNumber: Enter the last 4 digits of the card number"},
		{"fromDateDay=30&fromDateMonth=2&fromDateYear=2026", "fromDateDay: Start date must be a real date"},
		{"fromDateDay=2&fromDateYear=2026", "fromDateMonth: Start date must include a month"},
		{"toDateDay=2&toDateMonth=3&toDateYear=26", "toDateYear: Year of the end date must include 4 numbers"},
		{"fromDateDay=2&fromDateMonth=3&fromDateYear=2026&toDateDay=1&toDateMonth=3&toDateYear=2026",
			"toDateDay: End date must be the same as or after the start date"},
		{"toDateDay=1&toDateMonth=3&toDateYear=2026&toTime=25:00", "toTime: End time must be a real time, like 9:30 or 17:45:30"},
		// Links from before the date input.
		{"fromDate=2026-02-30", "fromDateDay: Start date must be a real date"},
		{"fromDate=2026-03-02&toDate=2026-03-01", "toDateDay: End date must be the same as or after the start date"},
	} {
		p := b.get(e.accountPath("/transactions?" + tt.query))
		if !slices.Equal(p.errors(), []string{tt.want}) || len(listed(p)) != 0 {
			t.Errorf("%s: %v, %d rows", tt.query, p.errors(), len(listed(p)))
		}
	}
}

// customRange is a custom date filter from one time to another, inclusive,
// to the second, in UK time as people type it.
func customRange(from, to time.Time) string {
	f, t := from.In(mustLondon()), to.In(mustLondon())
	return url.Values{"fromDateDay": {f.Format("2")}, "fromDateMonth": {f.Format("1")}, "fromDateYear": {f.Format("2006")},
		"fromTime": {f.Format("15:04:05")}, "toDateDay": {t.Format("2")}, "toDateMonth": {t.Format("1")},
		"toDateYear": {t.Format("2006")}, "toTime": {t.Format("15:04:05")}}.Encode()
}

// oldCustomRange is customRange as links had it before the date input,
// and as GOV.UK Pay's have it: one parameter a date.
func oldCustomRange(from, to time.Time) string {
	f, t := from.In(mustLondon()), to.In(mustLondon())
	return url.Values{"fromDate": {f.Format("2006-01-02")}, "fromTime": {f.Format("15:04:05")},
		"toDate": {t.Format("02/01/2006")}, "toTime": {t.Format("15:04:05")}}.Encode()
}

func TestTransactionPagination(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := range 45 {
		ref := "PAGE"
		if i%3 == 0 {
			ref = "SKIP"
		}
		e.newPayment(func(r *pay.CreatePaymentRequest) { r.Reference = ref })
		e.Clock.Advance(time.Second)
	}
	b := e.browser()
	b.signIn(e.user("viewer@example.org", team.RoleViewOnly, false))
	p := b.get(e.accountPath("/transactions?reference=page&dateFilter=today"))
	seen := 0
	for pageNo := 1; ; pageNo++ {
		rows := listed(p)
		seen += len(rows)
		for _, r := range rows {
			if !strings.HasPrefix(r, "PAGE") {
				t.Fatalf("page %d shows %q: the filter was lost", pageNo, r)
			}
		}
		m := pageLinkPattern.FindStringSubmatch(p.body)
		if m == nil {
			break
		}
		next := unescape(m[1])
		if !strings.Contains(next, "reference=page") || !strings.Contains(next, "dateFilter=today") {
			t.Fatalf("the next-page link %s drops the filters", next)
		}
		p = b.get(next)
	}
	if seen != 30 {
		t.Fatalf("paging showed %d transactions, want 30", seen)
	}
	if got := resultsPattern.FindStringSubmatch(p.body)[1]; got != "Showing 21 to 30 of 30 transactions" {
		t.Fatalf("last page says %q", got)
	}
	// A custom range goes from page to page in the date input's fields.
	rangeQuery := customRange(e.Clock.Now().Add(-time.Hour), e.Clock.Now())
	p = b.get(e.accountPath("/transactions?reference=page&" + rangeQuery))
	m := pageLinkPattern.FindStringSubmatch(p.body)
	if m == nil || len(listed(p)) != admin.PageSize {
		t.Fatalf("a custom range shows %d rows and no next page", len(listed(p)))
	}
	next, err := url.Parse(unescape(m[1]))
	must(t, err)
	want, _ := url.ParseQuery(rangeQuery)
	for k := range want {
		if next.Query().Get(k) != want.Get(k) {
			t.Errorf("the next-page link %s has %s=%q, want %q", next, k, next.Query().Get(k), want.Get(k))
		}
	}
	// The URL is the filter: opened afresh it shows the same page.
	again := e.browser()
	again.signIn(e.user("other@example.org", team.RoleViewOnly, false))
	if got := listed(again.get(e.accountPath("/transactions?reference=page&page=2"))); len(got) != 10 {
		t.Fatalf("a bookmarked second page shows %d rows", len(got))
	}
}

// TestTransactionTotalLimit: past its limit the list counts no further,
// says "over", and still pages on while pages are full.
func TestTransactionTotalLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *options) { o.totalLimit = 25 })
	for range 30 {
		e.newPayment(nil)
		e.Clock.Advance(time.Second)
	}
	b := e.browser()
	b.signIn(e.user("viewer@example.org", team.RoleViewOnly, false))
	p := b.get(e.accountPath("/transactions"))
	if got := resultsPattern.FindStringSubmatch(p.body)[1]; got != "Showing 1 to 20 of over 25 transactions" {
		t.Fatalf("first page says %q", got)
	}
	m := pageLinkPattern.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no next page")
	}
	p = b.get(unescape(m[1]))
	if got := resultsPattern.FindStringSubmatch(p.body)[1]; got != "Showing 21 to 30 of 30 transactions" {
		t.Fatalf("the last page, which tells the total, says %q", got)
	}
	if pageLinkPattern.MatchString(p.body) {
		t.Fatal("a next page after the last")
	}
}

func TestTransactionDetail(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.newPayment(func(r *pay.CreatePaymentRequest) {
		r.Metadata = pay.Metadata{"ledger_code": "AB100", "fund_code": "=SUM(A1)"}
	})
	p = e.pay(p, "4444333322221111")
	declined := e.pay(e.newPayment(nil), sandbox.CardDeclined)
	b := e.browser()
	b.signIn(e.user("viewer@example.org", team.RoleViewOnly, false))
	d := b.get(e.accountPath("/transactions/" + p.ID))
	if d.status != http.StatusOK || d.heading() != "Transaction details" {
		t.Fatalf("detail: %d %q", d.status, d.heading())
	}
	rows := map[string]string{}
	for _, m := range detailRowPattern.FindAllStringSubmatch(d.body, -1) {
		rows[m[1]] = unescape(m[2])
	}
	for k, v := range map[string]string{
		"Reference number": "12345", "Service name": "Licence service", "Description": "New passport application",
		"Payment status": "Success", "Payment amount": "£120.00", "Payment type": "Card", "Card brand": "Visa",
		"Name on card": "J Bloggs", "Card number": "**** **** **** 1111", "Card expiry date": "12/30",
		"Email": "payer@example.org", "Provider": "Sandbox", "Pay ID": p.ID, "Provider ID": p.ProviderID,
		"ledger_code": "AB100", "3D Secure (3DS)": "Not required",
	} {
		if rows[k] != v {
			t.Errorf("%s = %q, want %q", k, rows[k], v)
		}
	}
	if !strings.HasPrefix(rows["Date created"], p.CreatedAt.In(mustLondon()).Format("02 Jan 2006")) {
		t.Errorf("Date created = %q", rows["Date created"])
	}
	var events []string
	for _, m := range regexp.MustCompile(`class="event__name">([^<]+)<`).FindAllStringSubmatch(d.body, -1) {
		events = append(events, m[1])
	}
	if !slices.Equal(events, []string{"Created", "Started", "Submitted", "Successful"}) {
		t.Errorf("events %v", events)
	}
	dd := b.get(e.accountPath("/transactions/" + declined.ID))
	if !dd.has("P0010: Payment method rejected") || !dd.has(">Declined<") {
		t.Errorf("a declined payment's events:\n%s", dd.body)
	}
	// Another account's payment and nonsense ids are not found.
	otherPayment, err := e.Payments.Create(e.Ctx, e.other, &pay.CreatePaymentRequest{Amount: 100, Reference: "x", Description: "x",
		ReturnURL: ptr("https://example.org")})
	must(t, err)
	for _, id := range []string{otherPayment.Payment.ID, "nonsense", strings.Repeat("z", 26)} {
		if res := b.get(e.accountPath("/transactions/" + id)); res.status != http.StatusNotFound {
			t.Errorf("payment %q: %d", id, res.status)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func mustLondon() *time.Location {
	l, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return l
}

func TestCSVDownload(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.newPayment(func(r *pay.CreatePaymentRequest) {
		r.Reference, r.Description = "=HYPERLINK(\"http://evil.example\")", "+1 cmd"
		r.Metadata = pay.Metadata{"ledger_code": "AB100", "vat": true}
	})
	e.Clock.Advance(time.Minute)
	paid := e.pay(e.newPayment(func(r *pay.CreatePaymentRequest) {
		r.Reference, r.Amount = "INV-1", 123456
		r.Metadata = pay.Metadata{"cost_centre": "-42"}
	}), "4444333322221111")
	e.Clock.Advance(time.Minute)
	declined := e.pay(e.newPayment(func(r *pay.CreatePaymentRequest) { r.Reference = "INV-2" }), sandbox.CardDeclined)
	b := e.browser()
	b.signIn(e.user("viewer@example.org", team.RoleViewOnly, false))
	list := b.get(e.accountPath("/transactions?state=success&state=declined&dateFilter=today"))
	link := unescape(downloadPattern.FindStringSubmatch(list.body)[1])
	res := b.get(link)
	if res.status != http.StatusOK || res.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(res.header.Get("Content-Disposition"), `attachment; filename="Pay_transactions_`) {
		t.Fatalf("download: %d %v", res.status, res.header)
	}
	records, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	must(t, err)
	header := records[0]
	wantHeader := []string{"Reference", "Description", "Email", "Amount", "Card Brand", "Cardholder Name", "Card Expiry Date",
		"Card Number", "State", "Finished", "Error Code", "Error Message", "Provider ID", "GOV.UK Payment ID", "Issued By",
		"Date Created", "Time Created", "Corporate Card Surcharge", "Total Amount", "Wallet Type", "Card Type",
		"Payment Provider", "3-D Secure Required", "cost_centre (metadata)"}
	if !slices.Equal(header, wantHeader) {
		t.Fatalf("header\n%q\nwant\n%q", header, wantHeader)
	}
	if len(records) != 3 {
		t.Fatalf("%d rows for the filter, want 2", len(records)-1)
	}
	row := func(r []string) map[string]string {
		m := map[string]string{}
		for i, h := range header {
			m[h] = r[i]
		}
		return m
	}
	first, second := row(records[1]), row(records[2])
	want := map[string]string{"Reference": "INV-2", "Amount": "120.00", "State": "Declined", "Finished": "true",
		"Error Code": "P0010", "Error Message": "Payment method rejected", "Total Amount": "0.00", "Card Brand": "Visa",
		"GOV.UK Payment ID": declined.ID, "Payment Provider": "sandbox", "Corporate Card Surcharge": "0.00"}
	for k, v := range want {
		if first[k] != v {
			t.Errorf("declined row %s = %q, want %q", k, first[k], v)
		}
	}
	want = map[string]string{"Reference": "INV-1", "Amount": "1,234.56", "Total Amount": "1,234.56", "State": "Success",
		"Finished": "true", "Error Code": "", "Card Number": "1111", "Cardholder Name": "J Bloggs", "Card Expiry Date": "12/30",
		"Email": "payer@example.org", "Provider ID": paid.ProviderID, "Issued By": "", "cost_centre (metadata)": "'-42",
		"Date Created": paid.CreatedAt.UTC().Format("02 Jan 2006"), "Time Created": paid.CreatedAt.UTC().Format("15:04:05"),
		"Card Type": "credit", "3-D Secure Required": "false"}
	for k, v := range want {
		if second[k] != v {
			t.Errorf("paid row %s = %q, want %q", k, second[k], v)
		}
	}
	// Everything, with the formula-looking payment and its metadata columns.
	all, err := csv.NewReader(strings.NewReader(b.get(e.accountPath("/transactions/download")).body)).ReadAll()
	must(t, err)
	last := all[len(all)-1]
	if len(all) != 4 || !slices.Contains(all[0], "ledger_code (metadata)") || !slices.Contains(all[0], "vat (metadata)") ||
		last[0] != `'=HYPERLINK("http://evil.example")` || last[1] != "'+1 cmd" {
		t.Fatalf("the whole list:\n%q", all)
	}
}

package admin_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pay/internal/pay"
	"pay/internal/team"
)

var (
	refundLinkPattern = regexp.MustCompile(`href="([^"]+)" class="button button--secondary" id="refund-button"`)
	refundRowPattern  = regexp.MustCompile(`(?s)<tr class="refund-row"><td class="numeric refund-amount">([^<]*)<.*?refund-state">([^<]*)<.*?class="refund-by">([^<]*)<`)
	eventPattern      = regexp.MustCompile(`class="event__name">([^<]+)</strong>.*?<td class="numeric">([^<]*)<`)
)

// refundForm is the refund form as a browser sends it, with the amount
// left to refund the page showed.
func refundForm(choice, partial string, available int64) url.Values {
	return url.Values{"refundPayment": {choice}, "partialRefundAmount": {partial},
		"refundAmountAvailable": {strconv.FormatInt(available, 10)}}
}

func TestRefundForm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.pay(e.newPayment(nil), "4444333322221111")
	admin := e.user("admin@example.org", team.RoleAdmin, false)
	b := e.browser()
	b.signIn(admin)
	detail := e.accountPath("/transactions/" + p.ID)
	d := b.get(detail)
	m := refundLinkPattern.FindStringSubmatch(d.body)
	if m == nil {
		t.Fatalf("no refund link on a successful payment:\n%s", d.body)
	}
	refundPath := m[1]
	form := b.get(refundPath)
	if form.status != http.StatusOK || form.heading() != "Refund payment 12345" || !form.has("Full refund of £120.00") {
		t.Fatalf("refund form: %d %q", form.status, form.heading())
	}

	const outOfRange = "partial-refund-amount: Enter a refund amount greater than £0.00 and less than £120.00"
	const notMoney = "partial-refund-amount: Enter an amount to refund in pounds and pence using digits and a decimal point. For example “10.50”"
	for _, tt := range []struct {
		choice, partial, want string
	}{
		{"", "", "refund-full: Select an option"},
		{"everything", "", "refund-full: Select an option"},
		{"partial", "", "partial-refund-amount: Enter a refund amount"},
		{"partial", "   ", "partial-refund-amount: Enter a refund amount"},
		{"partial", "abc", notMoney},
		{"partial", "12.5", notMoney},
		{"partial", "£12", notMoney},
		{"partial", "1e3", outOfRange},
		{"partial", "0", outOfRange},
		{"partial", "0.00", outOfRange},
		{"partial", "-5", outOfRange},
		{"partial", "120.01", outOfRange},
		{"partial", "99999999999999999999999", outOfRange},
	} {
		res := b.post(refundPath, refundForm(tt.choice, tt.partial, 12000))
		if got := res.errors(); res.status != http.StatusOK || !slices.Equal(got, []string{tt.want}) {
			t.Errorf("%s %q: %d %v, want %q", tt.choice, tt.partial, res.status, got, tt.want)
		}
		if tt.choice == "partial" && !res.has(`value="`+strings.TrimSpace(tt.partial)+`"`) && !strings.ContainsAny(tt.partial, "£") {
			t.Errorf("%q is not kept in the form", tt.partial)
		}
	}
	if p := mustPayment(e, p.ID); p.RefundedAmount != 0 {
		t.Fatalf("refused forms refunded %d", p.RefundedAmount)
	}

	// A partial refund, then the success banner, the refund and the timeline.
	res := b.post(refundPath, refundForm("partial", "20.50", 12000))
	if res.status != http.StatusSeeOther || res.location != detail+"?refunded=1" {
		t.Fatalf("partial refund: %d %q %v", res.status, res.location, res.errors())
	}
	d = b.follow(res)
	if !d.has(`id="refund-success"`) || !d.has("Refund submitted. It may take up to six days to process.") {
		t.Errorf("no success banner after a refund")
	}
	if got := refundRows(d); !slices.Equal(got, []string{"£20.50 Refund submitted admin@example.org"}) {
		t.Errorf("refunds before the refund job %v", got)
	}
	e.processRefunds(p.ID)
	d = b.get(detail)
	if got := refundRows(d); !slices.Equal(got, []string{"£20.50 Refund success admin@example.org"}) {
		t.Errorf("refunds %v", got)
	}
	if got := events(d); !slices.Equal(got, []string{"Created £120.00", "Started £120.00", "Submitted £120.00",
		"Successful £120.00", "Refund submitted –£20.50", "Refund successful –£20.50"}) {
		t.Errorf("events %v", got)
	}
	rows := map[string]string{}
	for _, m := range detailRowPattern.FindAllStringSubmatch(d.body, -1) {
		rows[m[1]] = unescape(m[2])
	}
	if rows["Refunded amount"] != "£20.50" {
		t.Errorf("Refunded amount = %q", rows["Refunded amount"])
	}
	if b.get(detail).has(`id="refund-success"`) {
		t.Errorf("the banner shows without a refund")
	}

	// A form loaded before that refund is out of date: nothing is refunded twice.
	res = b.post(refundPath, refundForm("full", "", 12000))
	if got := res.errors(); !slices.Equal(got, []string{"refund-full: This refund request has already been submitted."}) {
		t.Errorf("stale full refund: %d %v", res.status, got)
	}
	res = b.post(refundPath, refundForm("partial", "100.00", 9950))
	if got := res.errors(); !slices.Equal(got, []string{"partial-refund-amount: Enter a refund amount greater than £0.00 and less than £99.50"}) {
		t.Errorf("too much: %v", got)
	}
	if form := b.get(refundPath); !form.has("Full refund of £99.50") || !form.has(`name="refundAmountAvailable" value="9950"`) {
		t.Errorf("the form does not offer what is left")
	}

	// The rest, in full; then there is nothing left to refund.
	e.Clock.Advance(time.Minute)
	res = b.post(refundPath, refundForm("full", "", 9950))
	if res.status != http.StatusSeeOther {
		t.Fatalf("full refund: %d %v", res.status, res.errors())
	}
	e.processRefunds(p.ID)
	d = b.follow(res)
	if got := refundRows(d); !slices.Equal(got, []string{"£20.50 Refund success admin@example.org", "£99.50 Refund success admin@example.org"}) {
		t.Errorf("refunds %v", got)
	}
	if refundLinkPattern.MatchString(d.body) {
		t.Errorf("a fully refunded payment offers a refund")
	}
	if res := b.get(refundPath); res.status != http.StatusSeeOther || res.location != detail {
		t.Errorf("refund form of a refunded payment: %d %q", res.status, res.location)
	}
	if res := b.post(refundPath, refundForm("full", "", 9950)); !slices.Equal(res.errors(),
		[]string{"refund-full: This refund request has already been submitted."}) {
		t.Errorf("resubmitted refund: %d %v", res.status, res.errors())
	}

	stored := mustPayment(e, p.ID)
	refunds, err := e.Payments.Refunds(e.Ctx, e.account.ID, p.ID)
	must(t, err)
	if stored.RefundedAmount != 12000 || len(refunds) != 2 {
		t.Fatalf("refunded %d in %d refunds", stored.RefundedAmount, len(refunds))
	}
	for _, r := range refunds {
		if r.CreatedBy != admin.Email || r.CreatedByUserID != admin.ID {
			t.Errorf("refund %s created by %q (%d)", r.ID, r.CreatedBy, r.CreatedByUserID)
		}
	}
	evs, err := e.Store.PaymentEvents(e.Ctx, e.account.ID, p.ID)
	must(t, err)
	if !slices.ContainsFunc(evs, func(ev *pay.Event) bool { return ev.Type == pay.EventRefundCreatedByUser }) {
		t.Errorf("no REFUND_CREATED_BY_USER event")
	}
}

func TestRefundPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.pay(e.newPayment(nil), "4444333322221111")
	refundPath := e.accountPath("/transactions/" + p.ID + "/refund")

	viewer := e.browser()
	viewer.signIn(e.user("viewer@example.org", team.RoleViewOnly, false))
	if d := viewer.get(e.accountPath("/transactions/" + p.ID)); d.status != http.StatusOK || refundLinkPattern.MatchString(d.body) {
		t.Errorf("a view-only user is offered a refund: %d", d.status)
	}
	if res := viewer.get(refundPath); res.status != http.StatusForbidden {
		t.Errorf("view-only GET: %d", res.status)
	}
	if res := viewer.post(refundPath, refundForm("full", "", 12000)); res.status != http.StatusForbidden {
		t.Errorf("view-only POST: %d", res.status)
	}

	refunder := e.browser()
	refunder.signIn(e.user("refunds@example.org", team.RoleViewAndRefund, false))
	// A payment that has not been paid cannot be refunded, nor can another
	// account's or one that does not exist.
	started := e.newPayment(nil)
	startedPath := e.accountPath("/transactions/" + started.ID)
	if d := refunder.get(startedPath); refundLinkPattern.MatchString(d.body) {
		t.Errorf("an unpaid payment offers a refund")
	}
	if res := refunder.get(startedPath + "/refund"); res.status != http.StatusSeeOther || res.location != startedPath {
		t.Errorf("refund form of an unpaid payment: %d %q", res.status, res.location)
	}
	if res := refunder.post(startedPath+"/refund", refundForm("full", "", 12000)); res.status != http.StatusOK || len(res.errors()) != 1 {
		t.Errorf("refund of an unpaid payment: %d %v", res.status, res.errors())
	}
	other, err := e.Payments.Create(e.Ctx, e.other, &pay.CreatePaymentRequest{Amount: 100, Reference: "x", Description: "x",
		ReturnURL: ptr("https://example.org")})
	must(t, err)
	for _, id := range []string{other.Payment.ID, "nonsense"} {
		if res := refunder.post(e.accountPath("/transactions/"+id+"/refund"), refundForm("full", "", 100)); res.status != http.StatusNotFound {
			t.Errorf("refund of payment %q: %d", id, res.status)
		}
	}
	// A refund without the form's CSRF token is refused.
	res := refunder.post(refundPath, url.Values{"csrfToken": {"forged"}, "refundPayment": {"full"}, "refundAmountAvailable": {"12000"}})
	if res.status != http.StatusForbidden {
		t.Errorf("forged refund: %d", res.status)
	}
	if res := refunder.post(refundPath, refundForm("full", "", 12000)); res.status != http.StatusSeeOther {
		t.Fatalf("a view-and-refund user cannot refund: %d %v", res.status, res.errors())
	}
	if p := mustPayment(e, p.ID); p.RefundedAmount != 12000 {
		t.Errorf("refunded %d", p.RefundedAmount)
	}
	if strings.Contains(e.logs.String(), "level=ERROR") {
		t.Errorf("expected refusals were logged as errors:\n%s", e.logs)
	}
}

// TestRefundsInTransactions checks that refunds are rows of the list and
// the CSV, with their own state, and that the state filter finds them.
func TestRefundsInTransactions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.pay(e.newPayment(func(r *pay.CreatePaymentRequest) { r.Reference = "INV-9" }), "4444333322221111")
	e.Clock.Advance(time.Minute)
	e.pay(e.newPayment(func(r *pay.CreatePaymentRequest) { r.Reference, r.Amount = "INV-10", 500 }), "4444333322221111")
	e.Clock.Advance(time.Minute)
	b := e.browser()
	b.signIn(e.user("admin@example.org", team.RoleAdmin, false))
	refundPath := e.accountPath("/transactions/" + p.ID + "/refund")
	b.get(refundPath)
	if res := b.post(refundPath, refundForm("partial", "10.00", 12000)); res.status != http.StatusSeeOther {
		t.Fatalf("refund: %d %v", res.status, res.errors())
	}
	if got := listed(b.get(e.accountPath("/transactions?state=refund_submitted"))); !slices.Equal(got, []string{"INV-9 –£10.00 Visa Refund submitted"}) {
		t.Errorf("refunds before the refund job %v", got)
	}
	e.processRefunds(p.ID)

	list := b.get(e.accountPath("/transactions"))
	if got := listed(list); !slices.Equal(got, []string{"INV-9 –£10.00 Visa Refund success", "INV-10 £5.00 Visa Success",
		"INV-9 £120.00 Visa Success"}) {
		t.Errorf("list %v", got)
	}
	refunds := b.get(e.accountPath("/transactions?state=refund_success"))
	if got := listed(refunds); !slices.Equal(got, []string{"INV-9 –£10.00 Visa Refund success"}) {
		t.Errorf("refund filter %v", got)
	}
	if got := listed(b.get(e.accountPath("/transactions?state=refund_error"))); len(got) != 0 {
		t.Errorf("refund error filter %v", got)
	}
	if got := listed(b.get(e.accountPath("/transactions?state=success&state=refund_success&reference=INV-9"))); len(got) != 2 {
		t.Errorf("payment and refund states together %v", got)
	}

	link := unescape(downloadPattern.FindStringSubmatch(refunds.body)[1])
	records, err := csv.NewReader(strings.NewReader(b.get(link).body)).ReadAll()
	must(t, err)
	if len(records) != 2 {
		t.Fatalf("CSV of refunds:\n%q", records)
	}
	row := map[string]string{}
	for i, h := range records[0] {
		row[h] = records[1][i]
	}
	for k, v := range map[string]string{"Reference": "INV-9", "Amount": "-10.00", "State": "Refund success",
		"Issued By": "admin@example.org", "GOV.UK Payment ID": p.ID} {
		if row[k] != v {
			t.Errorf("CSV %s = %q, want %q", k, row[k], v)
		}
	}
}

// processRefunds runs the refund jobs of a payment's refunds, as the job
// runner would; the sandbox refunds at once.
func (e *env) processRefunds(paymentID string) {
	e.T.Helper()
	refunds, err := e.Payments.Refunds(e.Ctx, e.account.ID, paymentID)
	must(e.T, err)
	for _, r := range refunds {
		must(e.T, e.Payments.ProcessRefund(e.Ctx, r.ID))
	}
}

func mustPayment(e *env, id string) *pay.Payment {
	e.T.Helper()
	p, err := e.Store.PaymentGet(e.Ctx, e.account.ID, id)
	must(e.T, err)
	return p
}

// refundRows returns the detail page's refunds as "amount state issuer".
func refundRows(p *page) []string {
	var out []string
	for _, m := range refundRowPattern.FindAllStringSubmatch(p.body, -1) {
		out = append(out, strings.Join(m[1:], " "))
	}
	return out
}

// events returns the detail page's timeline as "event amount".
func events(p *page) []string {
	var out []string
	for _, m := range eventPattern.FindAllStringSubmatch(p.body, -1) {
		out = append(out, m[1]+" "+m[2])
	}
	return out
}

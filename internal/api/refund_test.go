package api_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pay/internal/api/apitest"
	"pay/internal/pay"
	"pay/internal/provider/sandbox"
)

// captured creates a payment of amount, pays it with card and runs the
// capture job's body, so the payment can be refunded.
func (e *env) captured(amount int, card string) string {
	e.T.Helper()
	id := e.create(with(map[string]any{"amount": amount})).Str("payment_id")
	e.pay(id, card)
	must(e.T, e.Payments.ProcessCapture(e.Ctx, id))
	return id
}

func (e *env) refund(id string, body any) *apitest.Response {
	e.T.Helper()
	return e.client.Do("POST", "/v1/payments/"+id+"/refunds", body)
}

const notAvailable = "The payment is not available for refund. Payment refund status: "

func TestRefundErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.captured(12000, "4444333322221111")
	created := e.create(quickStart()).Str("payment_id")
	cancelled := e.create(quickStart()).Str("payment_id")
	must(t, e.Payments.Cancel(e.Ctx, e.account.ID, cancelled))
	other := e.clientFor(e.newAccount(pay.AccountTest, pay.ProviderSandbox))
	tests := []struct {
		name, payment string
		body          any
		status        int
		code, field   string
		desc          string
	}{
		{"BadJSON", id, `{"amount":`, 400, "P0697", "", "Unable to parse JSON"},
		{"TrailingData", id, `{"amount":1} x`, 400, "P0697", "", "Unable to parse JSON"},
		{"EmptyBody", id, ``, 400, "P0697", "", "Unable to parse JSON"},
		{"Missing", id, `{}`, 400, "P0601", "amount", "Missing mandatory attribute: amount"},
		{"NotAnObject", id, `[1]`, 400, "P0601", "amount", "Missing mandatory attribute: amount"},
		{"Null", id, `{"amount":null}`, 400, "P0601", "amount", "Missing mandatory attribute: amount"},
		{"String", id, `{"amount":"100"}`, 400, "P0602", "amount", "Invalid attribute value: amount. Must be a valid numeric format"},
		{"Float", id, `{"amount":100.0}`, 400, "P0602", "amount", "Invalid attribute value: amount. Must be a valid numeric format"},
		{"Boolean", id, `{"amount":true}`, 400, "P0602", "amount", "Invalid attribute value: amount. Must be a valid numeric format"},
		{"TooBigForInt", id, `{"amount":2147483648}`, 400, "P0602", "amount", "Invalid attribute value: amount. Must be a valid numeric format"},
		{"Zero", id, `{"amount":0}`, 422, "P0602", "amount", "Invalid attribute value: amount. Must be greater than or equal to 1"},
		{"Negative", id, `{"amount":-5}`, 422, "P0602", "amount", "Invalid attribute value: amount. Must be greater than or equal to 1"},
		{"TooLarge", id, `{"amount":10000001}`, 422, "P0602", "amount", "Invalid attribute value: amount. Must be less than or equal to 10000000"},
		{"AmountBeforeNotFound", pay.NewID(), `{"amount":0}`, 422, "P0602", "amount", "Invalid attribute value: amount. Must be greater than or equal to 1"},
		{"UnknownPayment", pay.NewID(), `{"amount":100}`, 404, "P0600", "", "Not found"},
		{"NotAnID", "not-an-id", `{"amount":100}`, 404, "P0600", "", "Not found"},
		{"Pending", created, `{"amount":100}`, 400, "P0603", "", notAvailable + "pending"},
		{"Unavailable", cancelled, `{"amount":100}`, 400, "P0603", "", notAvailable + "unavailable"},
		{"Mismatch", id, `{"amount":100,"refund_amount_available":11999}`, 412, "P0604", "", "Refund amount available mismatch."},
		{"MismatchBeforeAmount", id, `{"amount":12001,"refund_amount_available":1}`, 412, "P0604", "", "Refund amount available mismatch."},
		{"NonNumericAvailableIsZero", id, `{"amount":100,"refund_amount_available":"all"}`, 412, "P0604", "", "Refund amount available mismatch."},
		{"TooMuch", id, `{"amount":12001}`, 400, "P0603", "", notAvailable + "amount_not_available"},
		{"TooMuchWithAvailable", id, `{"amount":12001,"refund_amount_available":12000}`, 400, "P0603", "", notAvailable + "amount_not_available"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := e.refund(tt.payment, tt.body)
			wantError(t, res, tt.status, tt.code, tt.desc)
			if res.Str("field") != tt.field {
				t.Fatalf("field = %q, want %q", res.Str("field"), tt.field)
			}
		})
	}
	t.Run("OtherAccount", func(t *testing.T) {
		wantError(t, other.Do("POST", "/v1/payments/"+id+"/refunds", `{"amount":100}`), 404, "P0600", "Not found")
	})
	t.Run("NothingRefunded", func(t *testing.T) {
		if got := e.client.Do("GET", "/v1/payments/"+id, nil); got.Str("refund_summary.amount_submitted") != "0" {
			t.Fatalf("refused refunds changed the payment: %s", got.Body)
		}
	})
	t.Run("LenientAvailable", func(t *testing.T) {
		// GOV.UK Pay reads refund_amount_available with Jackson's asInt.
		if res := e.refund(id, `{"amount":100,"refund_amount_available":"12000"}`); res.Status != 202 {
			t.Fatalf("a numeric string: %d %s", res.Status, res.Body)
		}
		if res := e.refund(id, `{"amount":100,"refund_amount_available":11900.7}`); res.Status != 202 {
			t.Fatalf("a fraction: %d %s", res.Status, res.Body)
		}
	})
	t.Run("Full", func(t *testing.T) {
		if res := e.refund(id, map[string]any{"amount": 11800}); res.Status != 202 {
			t.Fatalf("refund the rest: %d %s", res.Status, res.Body)
		}
		wantError(t, e.refund(id, `{"amount":1}`), 400, "P0603", notAvailable+"full")
		wantError(t, e.refund(id, `{"amount":1,"refund_amount_available":0}`), 400, "P0603", notAvailable+"full")
	})
	t.Run("AccountDisabled", func(t *testing.T) {
		fresh := e.captured(100, "4444333322221111")
		e.setting(func(a *pay.Account) { a.Disabled = true })
		defer e.setting(func(a *pay.Account) { a.Disabled = false })
		wantError(t, e.refund(fresh, `{"amount":1}`), 403, "P0941",
			"GOV.UK Pay has disabled payment and refund creation on this account. Contact support with your error code - https://www.payments.service.gov.uk/support/ .")
		wantError(t, e.refund(pay.NewID(), `{"amount":1}`), 404, "P0600", "Not found")
	})
}

func TestRefundLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		id := e.captured(12000, "4444333322221111")
		payment := e.server.URL + "/v1/payments/" + id
		e.Clock.Advance(time.Minute)
		res := e.refund(id, map[string]any{"amount": 2000, "refund_amount_available": 12000})
		rid := res.Str("refund_id")
		want := map[string]string{
			"amount": "2000", "status": "submitted", "settlement_summary": "{}",
			"created_date":     e.Clock.Now().Format("2006-01-02T15:04:05.000Z"),
			"_links.self.href": payment + "/refunds/" + rid, "_links.self.method": "GET",
			"_links.payment.href": payment, "_links.payment.method": "GET",
		}
		if res.Status != 202 || !pay.ValidID(rid) {
			t.Fatalf("refund: %d %s", res.Status, res.Body)
		}
		for path, v := range want {
			if got := res.Str(path); got != v {
				t.Errorf("%s = %q, want %q", path, got, v)
			}
		}
		summary := func(status, available, submitted string) {
			t.Helper()
			got := e.client.Do("GET", "/v1/payments/"+id, nil)
			if got.Str("refund_summary.status") != status || got.Str("refund_summary.amount_available") != available ||
				got.Str("refund_summary.amount_submitted") != submitted {
				t.Fatalf("refund_summary %s, want %s %s %s", got.Str("refund_summary"), status, available, submitted)
			}
		}
		summary("available", "10000", "2000")
		if got := e.client.Do("GET", "/v1/payments/"+id+"/refunds/"+rid, nil); got.Status != 200 || got.Str("status") != "submitted" {
			t.Fatalf("get refund: %d %s", got.Status, got.Body)
		}

		e.Clock.Advance(time.Minute)
		must(t, e.Payments.ProcessRefund(e.Ctx, rid)) // the refund job's body; the sandbox refunds at once
		must(t, e.Payments.ProcessRefund(e.Ctx, rid)) // and running it again changes nothing
		got := e.client.Do("GET", "/v1/payments/"+id+"/refunds/"+rid, nil)
		if got.Str("status") != "success" || got.Str("amount") != "2000" {
			t.Fatalf("after the refund job: %s", got.Body)
		}
		summary("available", "10000", "2000")

		t.Run("Error", func(t *testing.T) {
			failed := e.refund(id, map[string]any{"amount": 3000}).Str("refund_id")
			summary("available", "7000", "5000")
			must(t, e.Payments.AbandonRefund(e.Ctx, failed)) // what the job does when the provider keeps failing
			if got := e.client.Do("GET", "/v1/payments/"+id+"/refunds/"+failed, nil); got.Str("status") != "error" {
				t.Fatalf("abandoned refund: %s", got.Body)
			}
			summary("available", "10000", "2000")
		})
		t.Run("List", func(t *testing.T) {
			list := e.client.Do("GET", "/v1/payments/"+id+"/refunds", nil)
			if list.Status != 200 || list.Str("payment_id") != id || list.Str("_links.self.href") != payment+"/refunds" ||
				list.Str("_links.payment.href") != payment || list.Str("_embedded.refunds.0.refund_id") != rid ||
				list.Str("_embedded.refunds.1.status") != "error" || list.Has("_embedded.refunds.2") {
				t.Fatalf("refunds: %d %s", list.Status, list.Body)
			}
			empty := e.client.Do("GET", "/v1/payments/"+e.captured(100, "4444333322221111")+"/refunds", nil)
			if empty.Status != 200 || empty.Str("_embedded.refunds") != "[]" {
				t.Fatalf("no refunds: %d %s", empty.Status, empty.Body)
			}
		})
		t.Run("Full", func(t *testing.T) {
			if res := e.refund(id, map[string]any{"amount": 10000}); res.Status != 202 {
				t.Fatalf("refund the rest: %d %s", res.Status, res.Body)
			}
			summary("full", "0", "12000")
		})
		t.Run("Events", func(t *testing.T) {
			events := e.client.Do("GET", "/v1/payments/"+id+"/events", nil)
			var states []string
			for _, ev := range events.Get("events").([]any) {
				st := ev.(map[string]any)["state"].(map[string]any)
				states = append(states, st["status"].(string)+"/"+strconv.FormatBool(st["finished"].(bool)))
			}
			want := "created/false,started/false,submitted/false,success/true," + // the payment
				"submitted/false,success/true," + // the first refund
				"submitted/false,error/true," + // the refund in error
				"submitted/false" // the last refund, not sent yet
			if strings.Join(states, ",") != want {
				t.Fatalf("events %v\nwant %s", states, want)
			}
		})
		t.Run("NotFound", func(t *testing.T) {
			other := e.clientFor(e.newAccount(pay.AccountTest, pay.ProviderSandbox))
			another := e.captured(100, "4444333322221111")
			for _, path := range []string{id + "/refunds/" + pay.NewID(), another + "/refunds/" + rid, id + "/refunds/bad", pay.NewID() + "/refunds/" + rid} {
				wantError(t, e.client.Do("GET", "/v1/payments/"+path, nil), 404, "P0700", "Not found")
			}
			wantError(t, other.Do("GET", "/v1/payments/"+id+"/refunds/"+rid, nil), 404, "P0700", "Not found")
			wantError(t, other.Do("GET", "/v1/payments/"+id+"/refunds", nil), 404, "P0800", "Not found")
			wantError(t, e.client.Do("GET", "/v1/payments/"+pay.NewID()+"/refunds", nil), 404, "P0800", "Not found")
			wantError(t, e.client.Do("GET", "/v1/payments/nope/refunds", nil), 404, "P0800", "Not found")
		})
	})
}

// TestConcurrentRefunds fires 50 partial refunds at one payment at once:
// the accepted ones may never add up to more than was captured, every other
// one is refused with P0603, and the stored state agrees with the API.
func TestConcurrentRefunds(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		const amount, each, requests = 12000, 700, 50
		id := e.captured(amount, "4444333322221111")
		var wg sync.WaitGroup
		var mu sync.Mutex
		accepted, refused := 0, 0
		start := make(chan struct{})
		for range requests {
			wg.Go(func() {
				<-start
				res := e.refund(id, map[string]any{"amount": each})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case res.Status == 202:
					accepted++
				case res.Status == 400 && res.Str("code") == "P0603" &&
					strings.HasPrefix(res.Str("description"), notAvailable):
					refused++
				default:
					t.Errorf("concurrent refund: %d %s", res.Status, res.Body)
				}
			})
		}
		close(start)
		wg.Wait()
		if accepted*each > amount || accepted != amount/each || refused != requests-accepted {
			t.Fatalf("%d accepted (%d pence) and %d refused, want %d accepted of %d pence and the rest refused",
				accepted, accepted*each, refused, amount/each, amount)
		}
		list := e.client.Do("GET", "/v1/payments/"+id+"/refunds", nil)
		refunds := list.Get("_embedded.refunds").([]any)
		sum := 0
		for _, r := range refunds {
			n, _ := strconv.Atoi(apitestNumber(r.(map[string]any)["amount"]))
			sum += n
		}
		p, err := e.Store.PaymentGet(e.Ctx, 0, id)
		must(t, err)
		got := e.client.Do("GET", "/v1/payments/"+id, nil)
		want := strconv.Itoa(accepted * each)
		if len(refunds) != accepted || strconv.Itoa(sum) != want || strconv.FormatInt(p.RefundedAmount, 10) != want ||
			got.Str("refund_summary.amount_submitted") != want ||
			got.Str("refund_summary.amount_available") != strconv.Itoa(amount-accepted*each) {
			t.Fatalf("%d refunds summing %d, stored refunded amount %d, refund_summary %s; want %d refunds of %s",
				len(refunds), sum, p.RefundedAmount, got.Str("refund_summary"), accepted, want)
		}
	})
}

func apitestNumber(v any) string {
	if s, ok := v.(interface{ String() string }); ok {
		return s.String()
	}
	return ""
}

func TestRefundSearch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		first, second := e.captured(5000, "4444333322221111"), e.captured(5000, "4444333322221111")
		var ids []string
		for i := range 5 {
			e.Clock.Advance(time.Second)
			payment := []string{first, second}[i%2]
			ids = append(ids, e.refund(payment, map[string]any{"amount": 100 + i}).Str("refund_id"))
		}
		base := e.server.URL + "/v1/refunds?"
		res := e.client.Do("GET", "/v1/refunds?display_size=2&page=2", nil)
		want := map[string]string{
			"total": "5", "count": "2", "page": "2",
			"_links.self.href":       base + "page=2&display_size=2",
			"_links.first_page.href": base + "page=1&display_size=2",
			"_links.last_page.href":  base + "page=3&display_size=2",
			"_links.prev_page.href":  base + "page=1&display_size=2",
			"_links.next_page.href":  base + "page=3&display_size=2",
			"results.0.refund_id":    ids[2], "results.0.payment_id": first, "results.0.amount": "102",
			"results.1.refund_id": ids[1], "results.1.payment_id": second, "results.0.status": "submitted",
			"results.0._links.self.href":    e.server.URL + "/v1/payments/" + first + "/refunds/" + ids[2],
			"results.0._links.payment.href": e.server.URL + "/v1/payments/" + first,
		}
		for path, v := range want {
			if got := res.Str(path); got != v {
				t.Errorf("%s = %q, want %q", path, got, v)
			}
		}
		created := e.Clock.Now().Add(-time.Second).Format(time.RFC3339Nano)
		dated := e.client.Do("GET", "/v1/refunds?from_date="+strings.ReplaceAll(created, "+", "%2B")+"&to_settled_date=2099-01-01", nil)
		if dated.Str("total") != "0" || dated.Str("_links.self.href") != base+"from_date="+strings.ReplaceAll(created, ":", "%3A")+
			"&to_settled_date=2099-01-01&page=1&display_size=500" {
			t.Fatalf("sandbox refunds are never settled: %s", dated.Body)
		}
		if r := e.client.Do("GET", "/v1/refunds?from_date="+strings.ReplaceAll(created, "+", "%2B"), nil); r.Str("total") != "2" {
			t.Fatalf("from_date: %s", r.Body)
		}
		wantError(t, e.client.Do("GET", "/v1/refunds?page=4&display_size=2", nil), 404, "P1100", "Page not found")
		other := e.clientFor(e.newAccount(pay.AccountTest, pay.ProviderSandbox))
		if r := other.Do("GET", "/v1/refunds?page=4", nil); r.Status != 200 || r.Str("total") != "0" || r.Str("results") != "[]" {
			t.Fatalf("another account's empty search: %d %s", r.Status, r.Body)
		}
	})
}

// TestRefundAndDisputeSearchValidation shares one environment between the
// two searches' parameter checks.
func TestRefundAndDisputeSearchValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	t.Run("Refunds", func(t *testing.T) { testRefundSearchValidation(t, e) })
	t.Run("Disputes", func(t *testing.T) { testDisputeSearchValidation(t, e) })
}

func testRefundSearchValidation(t *testing.T, e *env) {
	for _, tt := range []struct{ query, invalid string }{
		{"from_date=yesterday", "from_date"},
		{"to_date=2024-01-01", "to_date"},
		{"from_settled_date=2024-13-01", "from_settled_date"},
		{"to_settled_date=2024-01-01T00:00:00Z", "to_settled_date"},
		{"page=0", "page"},
		{"page=2147483648", "page"}, // more than GOV.UK Pay's Java int
		{"display_size=501", "display_size"},
		{"display_size=x&page=x&to_settled_date=x&from_settled_date=x&to_date=x&from_date=x",
			"from_date, to_date, from_settled_date, to_settled_date, page, display_size"},
	} {
		t.Run(tt.query, func(t *testing.T) {
			wantError(t, e.client.Do("GET", "/v1/refunds?"+tt.query, nil), 422, "P1101", invalidParams(tt.invalid))
		})
	}
}

func TestDisputes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		lost := e.captured(1000, sandbox.CardDisputeLost)
		e.Clock.Advance(time.Second)
		won := e.captured(2000, sandbox.CardDisputeWon)
		e.Clock.Advance(time.Second)
		e.captured(3000, "4444333322221111") // never disputed
		step := func(id string, from pay.DisputeStatus) {
			t.Helper()
			must(t, e.Payments.AdvanceDispute(e.Ctx, pay.DisputeJob{PaymentID: id, From: from}))
		}
		step(lost, "")
		e.Clock.Advance(time.Second)
		step(won, "")
		step(won, "") // a repeated step is a no-op

		for _, id := range []string{lost, won} {
			if got := e.client.Do("GET", "/v1/payments/"+id, nil); got.Str("refund_summary.status") != "unavailable" {
				t.Fatalf("disputed payment: %s", got.Body)
			}
			wantError(t, e.refund(id, `{"amount":1}`), 400, "P0603", "The payment is disputed and cannot be refunded")
		}
		open := e.client.Do("GET", "/v1/disputes?status=needs_response", nil)
		if open.Str("total") != "2" || open.Str("results.0.payment_id") != won || open.Str("results.1.payment_id") != lost ||
			open.Has("results.0.fee") || open.Has("results.0.settlement_summary") || open.Has("_links") {
			t.Fatalf("open disputes: %s", open.Body)
		}
		for _, id := range []string{lost, won} {
			step(id, pay.DisputeNeedsResponse)
			step(id, pay.DisputeUnderReview)
		}
		res := e.client.Do("GET", "/v1/disputes?status=lost", nil)
		today := e.Clock.Now().Format("2006-01-02")
		want := map[string]string{
			"total": "1", "count": "1", "page": "1", "results.0.payment_id": lost, "results.0.amount": "1000",
			"results.0.fee": "1500", "results.0.net_amount": "-2500", "results.0.reason": "fraudulent", "results.0.status": "lost",
			"results.0.settlement_summary.settled_date": today,
			"results.0._links.payment.href":             e.server.URL + "/v1/payments/" + lost,
			"links.self.href":                           e.server.URL + "/v1/disputes?status=lost&page=1&display_size=500",
		}
		for path, v := range want {
			if got := res.Str(path); got != v {
				t.Errorf("%s = %q, want %q", path, got, v)
			}
		}
		created, _ := time.Parse("2006-01-02T15:04:05.000Z", res.Str("results.0.created_date"))
		due, _ := time.Parse("2006-01-02T15:04:05.000Z", res.Str("results.0.evidence_due_date"))
		if due.Sub(created) != 7*24*time.Hour || !pay.ValidID(res.Str("results.0.dispute_id")) {
			t.Fatalf("dispute dates: %s", res.Body)
		}
		wonRes := e.client.Do("GET", "/v1/disputes?status=won", nil)
		if wonRes.Str("results.0.payment_id") != won || wonRes.Str("results.0.reason") != "product_not_received" || wonRes.Has("results.0.net_amount") {
			t.Fatalf("won dispute: %s", wonRes.Body)
		}
		wantError(t, e.refund(lost, `{"amount":1}`), 400, "P0603", "The payment is disputed and cannot be refunded")
		if res := e.refund(won, `{"amount":2000}`); res.Status != 202 {
			t.Fatalf("a payment whose dispute was won can be refunded: %d %s", res.Status, res.Body)
		}
		if all := e.client.Do("GET", "/v1/disputes", nil); all.Str("total") != "2" {
			t.Fatalf("all disputes: %s", all.Body)
		}
		events := e.client.Do("GET", "/v1/payments/"+lost+"/events", nil)
		if n := len(events.Get("events").([]any)); n != 4 {
			t.Fatalf("disputes are not part of the payment's events: %s", events.Body)
		}
		wantError(t, e.client.Do("GET", "/v1/disputes?page=2&display_size=1&status=lost", nil), 404, "P0402", "Page not found")
		t.Run("SkipEvidence", func(t *testing.T) { testDisputeSkipEvidence(t, e) })
	})
}

// testDisputeSkipEvidence: with the cardholder name skip_evidence, a sandbox
// dispute waits for a response that never comes.
func testDisputeSkipEvidence(t *testing.T, e *env) {
	id := e.create(quickStart()).Str("payment_id")
	c := &pay.Card{Number: sandbox.CardDisputeLost, CVC: "123", ExpiryMonth: 12, ExpiryYear: 2099, CardholderName: sandbox.SkipEvidenceName, Brand: "visa"}
	_, err := e.Payments.Authorise(e.Ctx, id, c, "")
	must(t, err)
	_, err = e.Payments.Confirm(e.Ctx, id)
	must(t, err)
	must(t, e.Payments.ProcessCapture(e.Ctx, id))
	must(t, e.Payments.AdvanceDispute(e.Ctx, pay.DisputeJob{PaymentID: id}))
	must(t, e.Payments.AdvanceDispute(e.Ctx, pay.DisputeJob{PaymentID: id, From: pay.DisputeNeedsResponse}))
	d, err := e.Store.DisputeGetByPayment(e.Ctx, 0, id)
	must(t, err)
	if d.Status != pay.DisputeNeedsResponse {
		t.Fatalf("a skip_evidence dispute moved to %s", d.Status)
	}
}

func testDisputeSearchValidation(t *testing.T, e *env) {
	for _, tt := range []struct{ query, invalid string }{
		{"status=disputed", "state"},
		{"status=capturable", "state"},
		{"from_date=27th+of+July", "from_date"},
		{"to_settled_date=30th+of+July", "to_settled_date"},
		{"display_size=short", "display_size"},
		// GOV.UK Pay's SearchDisputesResourceIT, parameter for parameter.
		{"from_date=27th+of+July%2C+2022%2C+11%3A23&to_date=27th+of+July%2C+2022%2C+13%3A05&from_settled_date=3rd+of+July" +
			"&to_settled_date=30th+of+July&status=disputed&page=second&display_size=short",
			"from_date, to_date, from_settled_date, to_settled_date, page, display_size, state"},
	} {
		t.Run(tt.query, func(t *testing.T) {
			wantError(t, e.client.Do("GET", "/v1/disputes?"+tt.query, nil), 422, "P0401", invalidParams(tt.invalid))
		})
	}
	if res := e.client.Do("GET", "/v1/disputes?status=won&page=3", nil); res.Status != 200 || res.Str("results") != "[]" ||
		res.Str("links.last_page.href") != e.server.URL+"/v1/disputes?status=won&page=1&display_size=500" {
		t.Fatalf("empty search: %d %s", res.Status, res.Body)
	}
}

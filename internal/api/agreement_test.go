package api_test

import (
	"strings"
	"testing"

	"pay/internal/pay"
	"pay/internal/provider/sandbox"
)

func (e *env) recurring() {
	e.setting(func(a *pay.Account) { a.Settings.RecurringEnabled = true })
}

func (e *env) newAgreement() string {
	e.T.Helper()
	res := e.client.Do("POST", "/v1/agreements", map[string]any{"reference": "CT-1", "description": "Council tax", "user_identifier": "u-1"})
	if res.Status != 201 {
		e.T.Fatalf("create agreement: %d %s", res.Status, res.Body)
	}
	return res.Str("agreement_id")
}

// setUp makes the agreement active with a card, through a set-up payment.
func (e *env) setUp(agreementID, card string) string {
	e.T.Helper()
	id := e.create(with(map[string]any{"set_up_agreement": agreementID, "agreement_payment_type": "instalment"})).Str("payment_id")
	if p := e.pay(id, card); p.Status != pay.StatusCaptureApproved {
		e.T.Fatalf("set-up payment: %s", p.Status)
	}
	return id
}

func TestCreateAgreementErrors(t *testing.T) {
	t.Parallel()
	inv := func(f, reason string) string { return "Invalid attribute value: " + f + ". " + reason }
	tests := []struct {
		name         string
		body         any
		recurringOff bool
		status       int
		code, field  string
		desc         string
	}{
		{name: "BadJSON", body: "{", status: 400, code: "P2197", desc: "Unable to parse JSON"},
		{name: "ReferenceMissing", body: map[string]any{"description": "d"}, status: 400, code: "P2101", field: "reference", desc: "Missing mandatory attribute: reference"},
		{name: "ReferenceBlank", body: map[string]any{"reference": " ", "description": "d"}, status: 400, code: "P2101", field: "reference", desc: "Missing mandatory attribute: reference"},
		{name: "ReferenceNumber", body: map[string]any{"reference": 5, "description": "d"}, status: 400, code: "P2102", field: "reference", desc: inv("reference", "Must be a valid string format")},
		{name: "ReferenceForbidden", body: map[string]any{"reference": "a|b", "description": "d"}, status: 400, code: "P2102", field: "reference", desc: inv("reference", "Must be a valid string format")},
		{name: "DescriptionMissing", body: map[string]any{"reference": "r"}, status: 400, code: "P2101", field: "description", desc: "Missing mandatory attribute: description"},
		{name: "UserIdentifierNumber", body: map[string]any{"reference": "r", "description": "d", "user_identifier": 1}, status: 400, code: "P2102", field: "user_identifier", desc: inv("user_identifier", "Field must be a string")},
		{name: "ReferenceTooLong", body: map[string]any{"reference": long("r", 256), "description": "d"}, status: 422, code: "P0102", field: "reference", desc: inv("reference", "Must be less than or equal to 255 characters length")},
		{name: "UserIdentifierTooLong", body: map[string]any{"reference": "r", "description": "d", "user_identifier": long("u", 256)}, status: 422, code: "P0102", field: "user_identifier", desc: inv("user_identifier", "Must be less than or equal to 255 characters length")},
		{name: "RecurringOff", recurringOff: true, body: map[string]any{"reference": "r", "description": "d"}, status: 422, code: "P0942", desc: recurringMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			if !tt.recurringOff {
				e.recurring()
			}
			res := e.client.Do("POST", "/v1/agreements", tt.body)
			wantError(t, res, tt.status, tt.code, tt.desc)
			if res.Str("field") != tt.field {
				t.Fatalf("field %q, want %q", res.Str("field"), tt.field)
			}
		})
	}
}

func TestAgreementLifecycle(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		e.recurring()
		id := e.newAgreement()
		got := e.client.Do("GET", "/v1/agreements/"+id, nil)
		if got.Status != 200 || got.Str("status") != "created" || got.Str("reference") != "CT-1" || got.Str("user_identifier") != "u-1" ||
			got.Has("payment_instrument") || !got.Has("created_date") {
			t.Fatalf("new agreement: %d %s", got.Status, got.Body)
		}
		wantError(t, e.client.Do("POST", "/v1/agreements/"+id+"/cancel", nil), 400, "P2501", "Cancellation of agreement failed")

		e.setUp(id, "4444333322221111")
		got = e.client.Do("GET", "/v1/agreements/"+id, nil)
		if got.Str("status") != "active" || got.Str("payment_instrument.type") != "card" ||
			got.Str("payment_instrument.card_details.last_digits_card_number") != "1111" ||
			got.Str("payment_instrument.card_details.first_digits_card_number") != "444433" || strings.Contains(string(got.Body), "4444333322221111") {
			t.Fatalf("after set-up: %s", got.Body)
		}

		// A recurring payment: 201 at once, authorised in the background.
		res := e.client.Do("POST", "/v1/payments", with(map[string]any{"authorisation_mode": "agreement", "agreement_id": id}, "return_url"),
			"Idempotency-Key", "monthly-2026-12")
		if res.Status != 201 || res.Str("authorisation_mode") != "agreement" || res.Str("agreement_id") != id ||
			res.Has("_links.next_url") || res.Has("_links.cancel") || res.Has("return_url") {
			t.Fatalf("recurring payment: %d %s", res.Status, res.Body)
		}
		pid := res.Str("payment_id")
		again := e.client.Do("POST", "/v1/payments", with(map[string]any{"authorisation_mode": "agreement", "agreement_id": id}, "return_url"),
			"Idempotency-Key", "monthly-2026-12")
		if again.Status != 200 || again.Str("payment_id") != pid {
			t.Fatalf("idempotent replay: %d %s", again.Status, again.Body)
		}
		must(t, e.Payments.AuthoriseWithAgreement(e.Ctx, pid)) // the River job's body
		must(t, e.Payments.ProcessCapture(e.Ctx, pid))
		paid := e.client.Do("GET", "/v1/payments/"+pid, nil)
		if paid.Str("state.status") != "success" || paid.Str("card_details.last_digits_card_number") != "1111" || paid.Has("state.can_retry") {
			t.Fatalf("recurring payment after the job: %s", paid.Body)
		}

		if res := e.client.Do("POST", "/v1/agreements/"+id+"/cancel", nil); res.Status != 204 {
			t.Fatalf("cancel: %d %s", res.Status, res.Body)
		}
		got = e.client.Do("GET", "/v1/agreements/"+id, nil)
		if got.Str("status") != "cancelled" || !got.Has("cancelled_date") {
			t.Fatalf("after cancel: %s", got.Body)
		}
		wantError(t, e.client.Do("POST", "/v1/agreements/"+id+"/cancel", nil), 400, "P2501", "Cancellation of agreement failed")
		wantError(t, e.client.Do("POST", "/v1/payments", with(map[string]any{"authorisation_mode": "agreement", "agreement_id": id}, "return_url")),
			400, "P0102", "Invalid attribute value: agreement_id. Agreement must be active")

		other := e.clientFor(e.newAccount(pay.AccountTest, pay.ProviderSandbox))
		wantError(t, other.Do("GET", "/v1/agreements/"+id, nil), 404, "P2200", "Not found")
		wantError(t, other.Do("POST", "/v1/agreements/"+id+"/cancel", nil), 404, "P2500", "Not found")
		wantError(t, e.client.Do("GET", "/v1/agreements/not-an-id", nil), 404, "P2200", "Not found")
	})
}

// TestRecurringDeclineInactivates uses the sandbox card that sets up fine
// and is then declined for good.
func TestRecurringDeclineInactivates(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		e.recurring()
		id := e.newAgreement()
		e.setUp(id, sandbox.CardRecurringDeclined)
		pid := e.client.Do("POST", "/v1/payments", with(map[string]any{"authorisation_mode": "agreement", "agreement_id": id}, "return_url")).Str("payment_id")
		must(t, e.Payments.AuthoriseWithAgreement(e.Ctx, pid))
		got := e.client.Do("GET", "/v1/payments/"+pid, nil)
		if got.Str("state.status") != "failed" || got.Str("state.code") != "P0010" || got.Str("state.can_retry") != "false" {
			t.Fatalf("declined recurring payment: %s", got.Body)
		}
		if ag := e.client.Do("GET", "/v1/agreements/"+id, nil); ag.Str("status") != "inactive" {
			t.Fatalf("agreement after a final decline: %s", ag.Body)
		}
		wantError(t, e.client.Do("POST", "/v1/payments", with(map[string]any{"authorisation_mode": "agreement", "agreement_id": id}, "return_url")),
			400, "P0102", "Invalid attribute value: agreement_id. Agreement must be active")
	})
}

// TestRecurringJobRunsAgain runs the recurring payment job again after it
// stopped half way, as River does with the job of a process that died: the
// payment is taken once, from where the first run stopped.
func TestRecurringJobRunsAgain(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		e.recurring()
		id := e.newAgreement()
		e.setUp(id, "4444333322221111")
		for _, stoppedAt := range []pay.Status{pay.StatusAuthorisationUserNotPresentQd, pay.StatusAuthorisationReady,
			pay.StatusAuthorisationSuccess} {
			pid := e.client.Do("POST", "/v1/payments", with(map[string]any{"authorisation_mode": "agreement", "agreement_id": id}, "return_url")).Str("payment_id")
			for _, st := range []pay.Status{pay.StatusAuthorisationUserNotPresentQd, pay.StatusAuthorisationReady, pay.StatusAuthorisationSuccess} {
				_, err := pay.TransitionPayment(e.Ctx, e.Store, &pay.PaymentTransitionParams{PaymentID: pid, To: st})
				must(t, err)
				if st == stoppedAt {
					break
				}
			}
			must(t, e.Payments.AuthoriseWithAgreement(e.Ctx, pid))
			must(t, e.Payments.AuthoriseWithAgreement(e.Ctx, pid)) // and once more changes nothing
			p, err := e.Store.PaymentGet(e.Ctx, 0, pid)
			must(t, err)
			if p.Status != pay.StatusCaptureApproved {
				t.Fatalf("stopped at %s: after the job ran again the payment is %s", stoppedAt, p.Status)
			}
			must(t, e.Payments.ProcessCapture(e.Ctx, pid))
			if got := e.client.Do("GET", "/v1/payments/"+pid, nil); got.Str("state.status") != "success" ||
				got.Str("settlement_summary.capture_submit_time") == "" {
				t.Fatalf("stopped at %s: %s", stoppedAt, got.Body)
			}
		}
	})
}

func TestSearchAgreements(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		e.recurring()
		var ids []string
		for range 3 {
			ids = append(ids, e.newAgreement())
			e.Clock.Advance(1e9)
		}
		e.setUp(ids[0], "4444333322221111")
		res := e.client.Do("GET", "/v1/agreements?display_size=2&page=1", nil)
		base := e.server.URL + "/v1/agreements?"
		if res.Str("total") != "3" || res.Str("count") != "2" || res.Str("results.0.agreement_id") != ids[2] ||
			res.Str("_links.next_page.href") != base+"page=2&display_size=2" || res.Str("_links.last_page.href") != base+"page=2&display_size=2" {
			t.Fatalf("search: %s", res.Body)
		}
		if res := e.client.Do("GET", "/v1/agreements?status=active", nil); res.Str("total") != "1" || res.Str("results.0.agreement_id") != ids[0] {
			t.Fatalf("status filter: %s", res.Body)
		}
		if res := e.client.Do("GET", "/v1/agreements?reference=ct-1", nil); res.Str("total") != "3" {
			t.Fatalf("reference filter: %s", res.Body)
		}
		wantError(t, e.client.Do("GET", "/v1/agreements?colour=blue", nil), 400, "P2401", invalidParams("colour"))
		wantError(t, e.client.Do("GET", "/v1/agreements?status=paused&page=0", nil), 422, "P2401", invalidParams("status, page"))
		wantError(t, e.client.Do("GET", "/v1/agreements?display_size=2&page=3", nil), 404, "P2402", "Page not found")
		if res := e.client.Do("GET", "/v1/agreements?colour=", nil); res.Status != 200 {
			t.Fatalf("an unknown parameter without a value is ignored: %d", res.Status)
		}
	})
}

package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"pay/internal/pay"
	"pay/internal/provider/sandbox"
)

func TestCreatePaymentQuickStart(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		res := e.create(quickStart())
		id := res.Str("payment_id")
		self := e.server.URL + "/v1/payments/" + id
		if !pay.ValidID(id) || res.Header.Get("Location") != self {
			t.Fatalf("payment_id %q, Location %q", id, res.Header.Get("Location"))
		}
		if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Pragma") != "no-cache" {
			t.Fatalf("cache headers: %v", res.Header)
		}
		want := map[string]string{
			"amount": "12000", "reference": "12345", "description": "New passport application", "language": "en",
			"state.status": "created", "state.finished": "false", "payment_provider": "sandbox",
			"return_url": "https://service-name.gov.uk/transactions/12345", "delayed_capture": "false", "moto": "false",
			"authorisation_mode": "web", "refund_summary.status": "pending", "refund_summary.amount_available": "12000",
			"refund_summary.amount_submitted": "0", "settlement_summary": "{}",
			"_links.self.href": self, "_links.self.method": "GET",
			"_links.events.href": self + "/events", "_links.refunds.href": self + "/refunds",
			"_links.cancel.href": self + "/cancel", "_links.cancel.method": "POST",
			"_links.next_url.method": "GET", "_links.next_url_post.href": e.server.URL + "/secure",
			"_links.next_url_post.method": "POST", "_links.next_url_post.type": "application/x-www-form-urlencoded",
		}
		for path, v := range want {
			if got := res.Str(path); got != v {
				t.Errorf("%s = %q, want %q", path, got, v)
			}
		}
		token := res.Str("_links.next_url_post.params.chargeTokenId")
		if token == "" || res.Str("_links.next_url.href") != e.server.URL+"/secure/"+token {
			t.Fatalf("next_url %q does not carry the chargeTokenId %q", res.Str("_links.next_url.href"), token)
		}
		for _, absent := range []string{"email", "card_details", "metadata", "_links.capture", "state.code", "provider_id"} {
			if res.Has(absent) {
				t.Errorf("%s present in a new payment: %s", absent, res.Body)
			}
		}
		created, err := time.Parse("2006-01-02T15:04:05.000Z", res.Str("created_date"))
		if err != nil || created.Sub(e.Clock.Now()).Abs() > time.Millisecond {
			t.Fatalf("created_date %q, clock %v", res.Str("created_date"), e.Clock.Now())
		}
		// The token opens the payment once.
		p, err := e.Payments.UseToken(e.Ctx, token)
		if err != nil || p.ID != id {
			t.Fatalf("UseToken: %v %v", p, err)
		}
		if _, err := e.Payments.UseToken(e.Ctx, token); !pay.IsKind(err, pay.KindConflict) {
			t.Fatalf("a used token worked again: %v", err)
		}
	})
}

func TestCreatePaymentOptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := e.create(with(map[string]any{
		"language": "cy", "delayed_capture": true, "email": "payer@example.org",
		"metadata": map[string]any{"ledger_code": "AB100", "fund": 1.5, "urgent": true, "count": 3},
		"prefilled_cardholder_details": map[string]any{"cardholder_name": "J. Bogs",
			"billing_address": map[string]any{"line1": "1 High St", "line2": "Flat 2", "city": "Cardiff", "postcode": "CF10 1AA", "country": "GB"}},
	}))
	want := map[string]string{
		"language": "cy", "delayed_capture": "true", "email": "payer@example.org",
		"metadata.ledger_code": "AB100", "metadata.fund": "1.5", "metadata.urgent": "true", "metadata.count": "3",
		"card_details.cardholder_name": "J. Bogs", "card_details.billing_address.line1": "1 High St",
		"card_details.billing_address.line2": "Flat 2", "card_details.billing_address.city": "Cardiff",
		"card_details.billing_address.postcode": "CF10 1AA", "card_details.billing_address.country": "GB",
	}
	for path, v := range want {
		if got := res.Str(path); got != v {
			t.Errorf("%s = %q, want %q", path, got, v)
		}
	}
	if _, ok := res.Get("metadata.urgent").(bool); !ok {
		t.Errorf("metadata boolean came back as %T", res.Get("metadata.urgent"))
	}
	t.Run("EmptyMetadataNotStored", func(t *testing.T) {
		if res := e.create(with(map[string]any{"metadata": map[string]any{}})); res.Has("metadata") {
			t.Fatalf("empty metadata echoed: %s", res.Body)
		}
	})
	t.Run("InvalidCountryDropped", func(t *testing.T) {
		res := e.create(with(map[string]any{"prefilled_cardholder_details": map[string]any{
			"billing_address": map[string]any{"line1": "x", "country": "Wales"}}}))
		if res.Has("card_details.billing_address.country") || res.Str("card_details.billing_address.line1") != "x" {
			t.Fatalf("card_details: %s", res.Str("card_details"))
		}
	})
	t.Run("LocalReturnURLs", func(t *testing.T) {
		for _, u := range []string{"http://localhost:3000/done", "https://pay.service.internal/r", "http://10.0.0.4/x", "https://svc.local/ok?a=1#f"} {
			e.create(with(map[string]any{"return_url": u}))
		}
	})
}

func TestCreatePaymentAccountSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantError(t, e.client.Do("POST", "/v1/payments", with(map[string]any{"moto": true})), 422, "P0196", motoMessage)
	e.setting(func(a *pay.Account) { a.Settings.AllowMoto = true })
	if res := e.create(with(map[string]any{"moto": true})); res.Str("moto") != "true" {
		t.Fatalf("moto payment: %s", res.Body)
	}

	e.setting(func(a *pay.Account) { a.Settings.AllowZeroAmount = true })
	if res := e.create(with(map[string]any{"amount": 0})); res.Str("amount") != "0" {
		t.Fatalf("zero amount: %s", res.Body)
	}

	body := with(map[string]any{"authorisation_mode": "moto_api"}, "return_url")
	wantError(t, e.client.Do("POST", "/v1/payments", body), 422, "P0195", "Using authorisation_mode of moto_api is not allowed for this account")
	e.setting(func(a *pay.Account) { a.Settings.AllowMotoAPI = true })
	res := e.create(body)
	if res.Str("authorisation_mode") != "moto_api" || res.Str("moto") != "true" || res.Has("_links.next_url") || res.Has("return_url") {
		t.Fatalf("moto_api payment: %s", res.Body)
	}
}

func TestCreatePaymentIdempotency(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		key := []string{"Idempotency-Key", "order-42-attempt-1"}
		first := e.client.Do("POST", "/v1/payments", quickStart(), key...)
		if first.Status != 201 {
			t.Fatalf("first: %d %s", first.Status, first.Body)
		}
		id := first.Str("payment_id")

		// The same body in another order and spacing is the same request.
		same := `{ "description":"New passport application","return_url":"https://service-name.gov.uk/transactions/12345",
			"reference":"12345", "amount":12000 }`
		replay := e.client.Do("POST", "/v1/payments", same, key...)
		if replay.Status != 200 || replay.Str("payment_id") != id || replay.Header.Get("Location") != "" {
			t.Fatalf("replay: %d %s", replay.Status, replay.Body)
		}
		if replay.Str("_links.next_url.href") == first.Str("_links.next_url.href") || !replay.Has("_links.next_url") {
			t.Fatalf("a replay must carry a fresh next_url: %s", replay.Body)
		}

		conflict := e.client.Do("POST", "/v1/payments", with(map[string]any{"amount": 12001}), key...)
		wantError(t, conflict, 409, "P0191", "The `Idempotency-Key` you sent in the request header has already been used to create a payment.")

		// Keys belong to an account.
		other := e.clientFor(e.newAccount(pay.AccountTest, pay.ProviderSandbox))
		if res := other.Do("POST", "/v1/payments", quickStart(), key...); res.Status != 201 || res.Str("payment_id") == id {
			t.Fatalf("another account's same key: %d %s", res.Status, res.Body)
		}

		// A key lives 24 hours.
		e.Clock.Advance(pay.IdempotencyKeyLifetime - time.Minute)
		if res := e.client.Do("POST", "/v1/payments", quickStart(), key...); res.Status != 200 || res.Str("payment_id") != id {
			t.Fatalf("within 24 hours: %d %s", res.Status, res.Body)
		}
		e.Clock.Advance(2 * time.Minute)
		if res := e.client.Do("POST", "/v1/payments", quickStart(), key...); res.Status != 201 || res.Str("payment_id") == id {
			t.Fatalf("after 24 hours: %d %s", res.Status, res.Body)
		}
	})
}

func TestCreatePaymentIdempotencyRace(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		const n = 8
		results := make(chan string, n)
		for i := 0; i < n; i++ {
			go func() {
				res := e.client.Do("POST", "/v1/payments", quickStart(), "Idempotency-Key", "raced")
				if res.Status != 201 && res.Status != 200 {
					t.Errorf("raced create: %d %s", res.Status, res.Body)
				}
				results <- res.Str("payment_id")
			}()
		}
		ids := map[string]bool{}
		for i := 0; i < n; i++ {
			ids[<-results] = true
		}
		page, err := e.Store.PaymentSearch(e.Ctx, &pay.PaymentSearch{AccountID: e.account.ID, Page: 1, DisplaySize: 50})
		must(t, err)
		if len(ids) != 1 || page.Total != 1 {
			t.Fatalf("%d concurrent creates with one key made %d payments (%d ids)", n, page.Total, len(ids))
		}
	})
}

func TestGetPayment(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		id := e.create(quickStart()).Str("payment_id")
		first := e.client.Do("GET", "/v1/payments/"+id, nil)
		second := e.client.Do("GET", "/v1/payments/"+id, nil)
		if first.Status != 200 || first.Str("payment_id") != id || first.Header.Get("Cache-Control") != "no-store" {
			t.Fatalf("get: %d %s", first.Status, first.Body)
		}
		if first.Str("_links.next_url.href") == second.Str("_links.next_url.href") {
			t.Fatal("each GET of an unfinished payment must hand out a fresh next_url")
		}
		t.Run("NotFound", func(t *testing.T) {
			for _, path := range []string{"/v1/payments/" + pay.NewID(), "/v1/payments/not-an-id", "/v1/payments/" + strings.Repeat("z", 26)} {
				wantError(t, e.client.Do("GET", path, nil), 404, "P0200", "Not found")
			}
		})
		t.Run("OtherAccount", func(t *testing.T) {
			other := e.clientFor(e.newAccount(pay.AccountTest, pay.ProviderSandbox))
			wantError(t, other.Do("GET", "/v1/payments/"+id, nil), 404, "P0200", "Not found")
			wantError(t, other.Do("GET", "/v1/payments/"+id+"/events", nil), 404, "P0300", "Not found")
			wantError(t, other.Do("POST", "/v1/payments/"+id+"/cancel", nil), 404, "P0500", "Not found")
			wantError(t, other.Do("POST", "/v1/payments/"+id+"/capture", nil), 404, "P1000", "Not found")
		})
		t.Run("Finished", func(t *testing.T) {
			e.pay(id, "4444333322221111")
			res := e.client.Do("GET", "/v1/payments/"+id, nil)
			if res.Has("_links.next_url") || res.Has("_links.cancel") || res.Str("state.status") != "success" || res.Str("state.finished") != "true" {
				t.Fatalf("paid payment: %s", res.Body)
			}
			want := map[string]string{"card_details.last_digits_card_number": "1111", "card_details.first_digits_card_number": "444433",
				"card_details.card_brand": "Visa", "card_details.expiry_date": "12/99", "card_details.cardholder_name": "J Payer", "card_brand": "Visa"}
			for path, v := range want {
				if got := res.Str(path); got != v {
					t.Errorf("%s = %q, want %q", path, got, v)
				}
			}
			if strings.Contains(string(res.Body), "4444333322221111") {
				t.Fatal("the full card number is in the API answer")
			}
		})
	})
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	valid := e.client.Key
	forged := valid[:len(valid)-1] + string("0123456789abcdefghijklmnopqrstuv"[(strings.IndexByte("0123456789abcdefghijklmnopqrstuv", valid[len(valid)-1])+1)%32])
	unknown := pay.GenerateAPIKey(pay.AccountTest, e.secret) // right checksum, never issued
	otherSecret := pay.GenerateAPIKey(pay.AccountTest, []byte("another instance's secret"))
	for name, header := range map[string]string{
		"None": "", "NotBearer": "Basic " + valid, "Empty": "Bearer ", "Forged": "Bearer " + forged,
		"Unknown": "Bearer " + unknown, "OtherSecret": "Bearer " + otherSecret, "Short": "Bearer api_test_x",
	} {
		t.Run(name, func(t *testing.T) {
			c := *e.client
			c.Key = ""
			res := c.Do("GET", "/v1/payments", nil, "Authorization", header)
			if res.Status != 401 || res.Str("code") != "401" || res.Str("message") != "Credentials are required to access this resource." {
				t.Fatalf("got %d %s", res.Status, res.Body)
			}
		})
	}
	t.Run("Revoked", func(t *testing.T) {
		key := e.newKey(e.account)
		c := e.clientFor(e.account)
		c.Key = key
		if res := c.Do("GET", "/v1/payments", nil); res.Status != 200 {
			t.Fatalf("before revocation: %d", res.Status)
		}
		k, err := e.Store.APIKeyGetByHash(e.Ctx, pay.HashAPIKey(key))
		must(t, err)
		must(t, e.Store.APIKeyRevoke(e.Ctx, 0, k.ID, time.Now()))
		if res := c.Do("GET", "/v1/payments", nil); res.Status != 401 {
			t.Fatalf("revoked key answered %d", res.Status)
		}
	})
	t.Run("LastUsed", func(t *testing.T) {
		if res := e.client.Do("GET", "/v1/payments", nil); res.Status != 200 {
			t.Fatalf("search: %d", res.Status)
		}
		k, err := e.Store.APIKeyGetByHash(e.Ctx, pay.HashAPIKey(valid))
		must(t, err)
		if k.LastUsedAt == nil {
			t.Fatal("using a key did not record its last use")
		}
	})
	t.Run("UnknownPath", func(t *testing.T) {
		res := e.client.Do("GET", "/v1/nothing-here", nil)
		if res.Status != http.StatusNotFound {
			t.Fatalf("unknown path: %d %s", res.Status, res.Body)
		}
	})
}

func TestCancel(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		id := e.create(quickStart()).Str("payment_id")
		res := e.client.Do("POST", "/v1/payments/"+id+"/cancel", nil)
		if res.Status != 204 || len(res.Body) != 0 {
			t.Fatalf("cancel: %d %s", res.Status, res.Body)
		}
		got := e.client.Do("GET", "/v1/payments/"+id, nil)
		if got.Str("state.status") != "cancelled" || got.Str("state.code") != "P0040" ||
			got.Str("state.message") != "Payment was cancelled by the service" || got.Str("state.finished") != "true" ||
			got.Has("_links.cancel") || got.Has("_links.next_url") || got.Str("refund_summary.status") != "unavailable" {
			t.Fatalf("after cancel: %s", got.Body)
		}
		wantError(t, e.client.Do("POST", "/v1/payments/"+id+"/cancel", nil), 400, "P0501", "Cancellation of payment failed")

		t.Run("Authorised", func(t *testing.T) {
			id := e.create(with(map[string]any{"delayed_capture": true})).Str("payment_id")
			if p := e.pay(id, "4444333322221111"); p.Status != pay.StatusAwaitingCaptureRequest {
				t.Fatalf("status %s", p.Status)
			}
			if res := e.client.Do("POST", "/v1/payments/"+id+"/cancel", nil); res.Status != 204 {
				t.Fatalf("cancel capturable: %d %s", res.Status, res.Body)
			}
			p, _ := e.Store.PaymentGet(e.Ctx, 0, id)
			if p.Status != pay.StatusSystemCancelled {
				t.Fatalf("status %s, want SYSTEM CANCELLED after the provider voided it", p.Status)
			}
		})
		t.Run("Succeeded", func(t *testing.T) {
			id := e.create(quickStart()).Str("payment_id")
			e.pay(id, "4444333322221111")
			wantError(t, e.client.Do("POST", "/v1/payments/"+id+"/cancel", nil), 400, "P0501", "Cancellation of payment failed")
		})
		t.Run("Declined", func(t *testing.T) {
			id := e.create(quickStart()).Str("payment_id")
			e.pay(id, sandbox.CardDeclined)
			got := e.client.Do("GET", "/v1/payments/"+id, nil)
			if got.Str("state.status") != "failed" || got.Str("state.code") != "P0010" || got.Str("state.message") != "Payment method rejected" {
				t.Fatalf("declined: %s", got.Body)
			}
			wantError(t, e.client.Do("POST", "/v1/payments/"+id+"/cancel", nil), 400, "P0501", "Cancellation of payment failed")
		})
		t.Run("WhileAuthorising", func(t *testing.T) {
			id := e.create(quickStart()).Str("payment_id")
			_, err := pay.TransitionPayment(e.Ctx, e.Store, &pay.PaymentTransitionParams{PaymentID: id, To: pay.StatusAuthorisationReady})
			must(t, err)
			wantError(t, e.client.Do("POST", "/v1/payments/"+id+"/cancel", nil), 409, "P0502", "Cancellation of payment failed")
		})
	})
}

func TestCapture(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		id := e.create(with(map[string]any{"delayed_capture": true})).Str("payment_id")
		wantError(t, e.client.Do("POST", "/v1/payments/"+id+"/capture", nil), 409, "P1003", "Payment cannot be captured")

		e.pay(id, "4444333322221111")
		got := e.client.Do("GET", "/v1/payments/"+id, nil)
		self := e.server.URL + "/v1/payments/" + id
		if got.Str("state.status") != "capturable" || got.Str("state.finished") != "false" || got.Str("_links.capture.href") != self+"/capture" ||
			got.Str("_links.capture.method") != "POST" || got.Has("_links.next_url") || !got.Has("_links.cancel") {
			t.Fatalf("capturable payment: %s", got.Body)
		}
		for range 2 { // capture is idempotent
			if res := e.client.Do("POST", "/v1/payments/"+id+"/capture", nil); res.Status != 204 {
				t.Fatalf("capture: %d %s", res.Status, res.Body)
			}
		}
		got = e.client.Do("GET", "/v1/payments/"+id, nil)
		if got.Str("state.status") != "success" || got.Has("_links.capture") || got.Has("_links.cancel") {
			t.Fatalf("after capture: %s", got.Body)
		}
		// The capture job takes the money; run its body here.
		must(t, e.Payments.ProcessCapture(e.Ctx, id))
		got = e.client.Do("GET", "/v1/payments/"+id, nil)
		today := e.Clock.Now().Format("2006-01-02")
		if got.Str("settlement_summary.captured_date") != today || !got.Has("settlement_summary.capture_submit_time") ||
			got.Str("refund_summary.status") != "available" {
			t.Fatalf("after the capture job: %s", got.Body)
		}
		if res := e.client.Do("POST", "/v1/payments/"+id+"/capture", nil); res.Status != 204 {
			t.Fatalf("capture after capture: %d", res.Status)
		}
		events := e.client.Do("GET", "/v1/payments/"+id+"/events", nil)
		var states []string
		for _, ev := range events.Get("events").([]any) {
			states = append(states, ev.(map[string]any)["state"].(map[string]any)["status"].(string))
		}
		if strings.Join(states, ",") != "created,started,submitted,capturable,success" {
			t.Fatalf("events: %v", states)
		}
	})
}

func TestEvents(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		id := e.create(quickStart()).Str("payment_id")
		e.Clock.Advance(time.Second)
		e.client.Do("POST", "/v1/payments/"+id+"/cancel", nil)
		res := e.client.Do("GET", "/v1/payments/"+id+"/events", nil)
		self := e.server.URL + "/v1/payments/" + id
		if res.Status != 200 || res.Str("payment_id") != id || res.Str("_links.self.href") != self+"/events" {
			t.Fatalf("events: %d %s", res.Status, res.Body)
		}
		var events []map[string]any
		raw, _ := json.Marshal(res.Get("events"))
		must(t, json.Unmarshal(raw, &events))
		if len(events) != 2 {
			t.Fatalf("events: %s", raw)
		}
		first, second := events[0], events[1]
		if first["state"].(map[string]any)["status"] != "created" || second["state"].(map[string]any)["code"] != "P0040" {
			t.Fatalf("events: %s", raw)
		}
		if first["_links"].(map[string]any)["payment_url"].(map[string]any)["href"] != self || first["payment_id"] != id {
			t.Fatalf("event links: %s", raw)
		}
		t1, _ := time.Parse("2006-01-02T15:04:05.000Z", first["updated"].(string))
		t2, _ := time.Parse("2006-01-02T15:04:05.000Z", second["updated"].(string))
		if t2.Sub(t1) != time.Second {
			t.Fatalf("updated times %v and %v", t1, t2)
		}
		wantError(t, e.client.Do("GET", "/v1/payments/"+pay.NewID()+"/events", nil), 404, "P0300", "Not found")
	})
}

package api_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"pay/internal/pay"
	"pay/internal/provider/sandbox"
)

func invalidParams(names string) string {
	return "Invalid parameters: " + names + ". See Public API documentation for the correct data formats"
}

func TestSearchValidation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct{ query, invalid string }{
		{"state=capturable", "state"},
		{"state=paid", "state"},
		{"reference=" + strings.Repeat("r", 256), "reference"},
		{"email=" + strings.Repeat("e", 255), "email"},
		{"card_brand=" + strings.Repeat("b", 21), "card_brand"},
		{"from_date=yesterday", "from_date"},
		{"to_date=2024-01-01", "to_date"},
		{"page=0", "page"},
		{"page=-1", "page"},
		{"page=two", "page"},
		{"page=99999999999999999999", "page"},
		{"page=2147483648", "page"},
		{"display_size=0", "display_size"},
		{"display_size=501", "display_size"},
		{"first_digits_card_number=12345", "first_digits_card_number"},
		{"first_digits_card_number=12345a", "first_digits_card_number"},
		{"last_digits_card_number=12345", "last_digits_card_number"},
		{"from_settled_date=2024-13-01", "from_settled_date"},
		{"to_settled_date=2024-01-01T00:00:00Z", "to_settled_date"},
		{"to_date=x&state=x&page=x&display_size=x&last_digits_card_number=x&reference=" + strings.Repeat("r", 256),
			"state, reference, to_date, page, display_size, last_digits_card_number"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			wantError(t, e.client.Do("GET", "/v1/payments?"+tt.query, nil), 422, "P0401", invalidParams(tt.invalid))
		})
	}
	t.Run("Valid", func(t *testing.T) {
		for _, q := range []string{
			"state=", "state=created", "from_date=2015-08-13T12:35:00Z", "to_date=2015-08-13T12:35:00.123%2B01:00",
			"from_date=2015-08-13T12:35Z", "page=1&display_size=500", "first_digits_card_number=424242&last_digits_card_number=4242",
			"from_settled_date=2024-01-01&to_settled_date=2024-01-31", "unknown_param=whatever",
		} {
			if res := e.client.Do("GET", "/v1/payments?"+q, nil); res.Status != 200 {
				t.Errorf("%s: %d %s", q, res.Status, res.Body)
			}
		}
	})
}

func TestSearchPagination(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		var ids []string
		for range 5 {
			ids = append(ids, e.create(quickStart()).Str("payment_id"))
			e.Clock.Advance(time.Second)
		}
		base := e.server.URL + "/v1/payments?reference=12345&"
		res := e.client.Do("GET", "/v1/payments?reference=12345&display_size=2&page=2", nil)
		want := map[string]string{
			"total": "5", "count": "2", "page": "2",
			"_links.self.href":       base + "page=2&display_size=2",
			"_links.first_page.href": base + "page=1&display_size=2",
			"_links.last_page.href":  base + "page=3&display_size=2",
			"_links.prev_page.href":  base + "page=1&display_size=2",
			"_links.next_page.href":  base + "page=3&display_size=2",
			"results.0.payment_id":   ids[2], "results.1.payment_id": ids[1],
		}
		for path, v := range want {
			if got := res.Str(path); got != v {
				t.Errorf("%s = %q, want %q", path, got, v)
			}
		}
		if res.Has("results.0._links.next_url") || res.Str("results.0.return_url") != "https://service-name.gov.uk/transactions/12345" || !res.Has("results.0._links.cancel") {
			t.Errorf("search results must not carry next_url: %s", res.Str("results.0"))
		}
		first := e.client.Do("GET", "/v1/payments?reference=12345&display_size=2", nil)
		if first.Has("_links.prev_page") || first.Str("results.0.payment_id") != ids[4] {
			t.Errorf("page 1: %s", first.Body)
		}
		last := e.client.Do("GET", "/v1/payments?reference=12345&display_size=2&page=3", nil)
		if last.Has("_links.next_page") || last.Str("count") != "1" || last.Str("results.0.payment_id") != ids[0] {
			t.Errorf("last page: %s", last.Body)
		}
		wantError(t, e.client.Do("GET", "/v1/payments?reference=12345&display_size=2&page=4", nil), 404, "P0402", "Page not found")

		empty := e.client.Do("GET", "/v1/payments?reference=none&page=3", nil)
		if empty.Status != 200 || empty.Str("total") != "0" || empty.Str("results") != "[]" ||
			empty.Str("_links.last_page.href") != e.server.URL+"/v1/payments?reference=none&page=1&display_size=500" {
			t.Errorf("empty search: %d %s", empty.Status, empty.Body)
		}
	})
}

func TestSearchFilters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		paid := e.create(with(map[string]any{"reference": "PAID-1", "email": "Alice@Example.org"})).Str("payment_id")
		e.pay(paid, "4444333322221111")
		e.Clock.Advance(time.Minute)
		declined := e.create(with(map[string]any{"reference": "DECLINED-1", "email": "bob@example.org"})).Str("payment_id")
		e.pay(declined, sandbox.CardDeclined)
		e.Clock.Advance(time.Minute)
		created := e.create(with(map[string]any{"reference": "NEW-1"})).Str("payment_id")
		after := e.Clock.Now().Add(-time.Second).Format(time.RFC3339)
		other := e.clientFor(e.newAccount(pay.AccountTest, pay.ProviderSandbox))
		other.Do("POST", "/v1/payments", with(map[string]any{"reference": "PAID-1"}))

		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{created, declined, paid}},
			{"reference=paid-1", []string{paid}},
			{"email=example.ORG", []string{declined, paid}},
			{"state=success", []string{paid}},
			{"state=failed", []string{declined}},
			{"state=created", []string{created}},
			{"card_brand=visa", []string{declined, paid}},
			{"card_brand=Visa", []string{declined, paid}},
			{"cardholder_name=payer", []string{declined, paid}},
			{"first_digits_card_number=444433", []string{paid}},
			{"last_digits_card_number=0002", []string{declined}},
			{"from_date=" + url.QueryEscape(after), []string{created}},
			{"to_date=" + url.QueryEscape(after), []string{declined, paid}},
			{"agreement_id=" + pay.NewID(), nil},
		}
		for _, tt := range tests {
			res := e.client.Do("GET", "/v1/payments?"+tt.query, nil)
			var got []string
			for i := 0; res.Has("results." + strconv.Itoa(i)); i++ {
				got = append(got, res.Str("results."+strconv.Itoa(i)+".payment_id"))
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") || res.Str("total") != strconv.Itoa(len(tt.want)) {
				t.Errorf("%q: got %v (total %s), want %v", tt.query, got, res.Str("total"), tt.want)
			}
		}
	})
}

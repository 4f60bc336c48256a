package store_test

import (
	"slices"
	"testing"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
	"pay/internal/store/sqlite"
)

// TestPaymentCountByStatus checks that only a search by the account and
// statuses may take its total from counts per status: every other filter
// must be counted on the payments.
func TestPaymentCountByStatus(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	success := pay.StatusesForState(pay.StateSuccess)
	for _, tt := range []struct {
		name string
		q    pay.PaymentSearch
		ok   bool
	}{
		{"Account", pay.PaymentSearch{}, true},
		{"Statuses", pay.PaymentSearch{Statuses: success}, true},
		{"Paged", pay.PaymentSearch{Statuses: success, Page: 3, DisplaySize: 10}, true},
		{"Reference", pay.PaymentSearch{Statuses: success, Reference: "R"}, false},
		{"Email", pay.PaymentSearch{Email: "a@"}, false},
		{"Brand", pay.PaymentSearch{CardBrand: "visa"}, false},
		{"Brands", pay.PaymentSearch{CardBrands: []string{"visa"}}, false},
		{"Cardholder", pay.PaymentSearch{CardholderName: "Smith"}, false},
		{"FirstDigits", pay.PaymentSearch{FirstDigits: "424242"}, false},
		{"LastDigits", pay.PaymentSearch{LastDigits: "4242"}, false},
		{"Agreement", pay.PaymentSearch{AgreementID: "a"}, false},
		{"FromDate", pay.PaymentSearch{FromDate: &day}, false},
		{"ToDate", pay.PaymentSearch{ToDate: &day}, false},
		{"FromSettled", pay.PaymentSearch{FromSettled: &day}, false},
		{"ToSettled", pay.PaymentSearch{Statuses: success, ToSettled: &day}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.AccountID = 7
			account, statuses, ok := store.PaymentCountByStatus(&q, sqlite.Codec())
			if ok != tt.ok || (ok && (account != 7 || !slices.Equal(statuses, q.Statuses))) {
				t.Fatalf("PaymentCountByStatus = %d, %v, %v; want ok %v", account, statuses, ok, tt.ok)
			}
		})
	}
}

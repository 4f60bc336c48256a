package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
	"pay/internal/team"
)

// testAdmin covers what the admin site needs of pay.Store: services'
// names, the accounts a user may see, key names and payments read in bulk.
func testAdmin(t *testing.T, open Opener) {
	t.Run("Service", func(t *testing.T) { t.Parallel(); testServiceUpdate(t, open) })
	t.Run("AccountListForUser", func(t *testing.T) { t.Parallel(); testAccountListForUser(t, open) })
	t.Run("APIKeyDescribe", func(t *testing.T) { t.Parallel(); testAPIKeyDescribe(t, open) })
	t.Run("PaymentSearchAdminFilters", func(t *testing.T) { t.Parallel(); testAdminFilters(t, open) })
	t.Run("PaymentMetadataKeys", func(t *testing.T) { t.Parallel(); testPaymentMetadataKeys(t, open) })
	t.Run("Transactions", func(t *testing.T) { t.Parallel(); testTransactions(t, open) })
	t.Run("PaymentSummary", func(t *testing.T) { t.Parallel(); testPaymentSummary(t, open) })
}

func testServiceUpdate(t *testing.T, open Opener) {
	f := setup(t, open)
	got, err := f.Store.ServiceGet(f.ctx, f.service.ID)
	mustOK(t, err)
	if diff := cmp.Diff(f.service, got); diff != "" {
		t.Fatalf("ServiceGet (-want +got):\n%s", diff)
	}
	got.Name, got.NameWelsh = "Renewed name", "Enw newydd"
	mustOK(t, f.Store.ServiceUpdate(f.ctx, got))
	again, err := f.Store.ServiceGet(f.ctx, f.service.ID)
	mustOK(t, err)
	if diff := cmp.Diff(got, again); diff != "" {
		t.Fatalf("after ServiceUpdate (-want +got):\n%s", diff)
	}
	acct, err := f.Store.AccountGet(f.ctx, f.account.ID)
	mustOK(t, err)
	if acct.ServiceName != "Renewed name" || acct.ServiceNameWelsh != "Enw newydd" {
		t.Fatalf("the account reads its service as %q / %q", acct.ServiceName, acct.ServiceNameWelsh)
	}
	_, err = f.Store.ServiceGet(f.ctx, 999999)
	wantKind(t, err, pay.KindNotFound)
	wantKind(t, f.Store.ServiceUpdate(f.ctx, &pay.Service{ID: 999999, Name: "x"}), pay.KindNotFound)
}

// testAccountListForUser reads the accounts of the services a user has a
// role in, and not of another service.
func testAccountListForUser(t *testing.T, open Opener) {
	f := setup(t, open)
	u := f.newUser(t, "member@example.org")
	second := &pay.Service{ExternalID: pay.NewID(), Name: "Another service"}
	mustOK(t, f.Store.ServiceInsert(f.ctx, second))
	for _, id := range []int64{second.ID, f.service.ID} {
		mustOK(t, f.Team.MembershipSet(f.ctx, &team.Membership{UserID: u.ID, ServiceID: id, Role: team.RoleViewOnly}))
	}
	secondAccount := &pay.Account{ServiceID: second.ID, Type: pay.AccountTest, Provider: pay.ProviderSandbox, Settings: pay.DefaultAccountSettings()}
	mustOK(t, f.Store.AccountInsert(f.ctx, secondAccount))
	stranger := &pay.Service{ExternalID: pay.NewID(), Name: "Not theirs"}
	mustOK(t, f.Store.ServiceInsert(f.ctx, stranger))
	mustOK(t, f.Store.AccountInsert(f.ctx, &pay.Account{ServiceID: stranger.ID, Type: pay.AccountTest, Provider: pay.ProviderSandbox,
		Settings: pay.DefaultAccountSettings()}))
	accounts, err := f.Store.AccountListForUser(f.ctx, u.ID)
	mustOK(t, err)
	var ids []int64
	for _, a := range accounts {
		ids = append(ids, a.ID)
	}
	if want := []int64{f.account.ID, f.other.ID, secondAccount.ID}; !slices.Equal(ids, want) ||
		accounts[0].ServiceName != f.service.Name || accounts[2].ServiceName != "Another service" {
		t.Fatalf("AccountListForUser = %v (%+v), want %v", ids, accounts[0], want)
	}
	mustOK(t, f.Team.MembershipDelete(f.ctx, u.ID, second.ID))
	if accounts, err := f.Store.AccountListForUser(f.ctx, u.ID); err != nil || len(accounts) != 2 {
		t.Fatalf("after leaving a service: %d accounts, %v", len(accounts), err)
	}
}

func testAPIKeyDescribe(t *testing.T, open Opener) {
	f := setup(t, open)
	k := &pay.APIKey{AccountID: f.account.ID, Description: "old", Hash: pay.HashAPIKey("k1"), Hint: "x", CreatedBy: "a@b.c"}
	mustOK(t, f.Store.APIKeyInsert(f.ctx, k))
	got, err := f.Store.APIKeyGet(f.ctx, f.account.ID, k.ID)
	mustOK(t, err)
	if diff := cmp.Diff(k, got); diff != "" {
		t.Fatalf("APIKeyGet (-want +got):\n%s", diff)
	}
	_, err = f.Store.APIKeyGet(f.ctx, f.other.ID, k.ID)
	wantKind(t, err, pay.KindNotFound)
	mustOK(t, f.Store.APIKeyDescribe(f.ctx, f.account.ID, k.ID, "new name"))
	if got, _ := f.Store.APIKeyGet(f.ctx, f.account.ID, k.ID); got.Description != "new name" {
		t.Fatalf("description = %q", got.Description)
	}
	wantKind(t, f.Store.APIKeyDescribe(f.ctx, f.other.ID, k.ID, "stolen"), pay.KindNotFound)
	mustOK(t, f.Store.APIKeyRevoke(f.ctx, f.account.ID, k.ID, f.Clock.Now()))
	wantKind(t, f.Store.APIKeyDescribe(f.ctx, f.account.ID, k.ID, "too late"), pay.KindConflict)
	if got, _ := f.Store.APIKeyGet(f.ctx, f.account.ID, k.ID); got.Description != "new name" || !got.Revoked() {
		t.Fatalf("after refused change: %+v", got)
	}
}

func testAdminFilters(t *testing.T, open Opener) {
	f := setup(t, open)
	add := func(ref, brand string) *pay.Payment {
		p := f.newPayment()
		p.Reference, p.Card.Brand = ref, brand
		f.Clock.Advance(time.Second)
		return f.insert(t, p)
	}
	visa, master, amex := add("INV-2026-001", "visa"), add("inv-2026-002", "master-card"), add("X_1%", "american-express")
	for _, tt := range []struct {
		name string
		q    pay.PaymentSearch
		want []*pay.Payment
	}{
		{"WholeReferenceIgnoresCase", pay.PaymentSearch{Reference: "INV-2026-002"}, []*pay.Payment{master}},
		{"WildcardsAreLiteral", pay.PaymentSearch{Reference: "x_1%"}, []*pay.Payment{amex}},
		{"NotPartOfAReference", pay.PaymentSearch{Reference: "2026"}, nil},
		{"SeveralBrands", pay.PaymentSearch{CardBrands: []string{"visa", "american-express"}}, []*pay.Payment{amex, visa}},
		{"OneBrand", pay.PaymentSearch{CardBrands: []string{"master-card"}}, []*pay.Payment{master}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			q := tt.q
			q.AccountID, q.Page, q.DisplaySize = f.account.ID, 1, 20
			page, err := f.Store.PaymentSearch(f.ctx, &q)
			mustOK(t, err)
			if diff := cmp.Diff(paymentIDs(tt.want), paymentIDs(page.Payments)); diff != "" {
				t.Fatalf("results (-want +got):\n%s", diff)
			}
		})
	}
}

func paymentIDs(list []*pay.Payment) []string {
	var out []string
	for _, p := range list {
		out = append(out, p.ID)
	}
	return out
}

func testPaymentMetadataKeys(t *testing.T, open Opener) {
	f := setup(t, open)
	var want []*pay.Payment
	for i := range 7 {
		p := f.newPayment()
		if i%2 == 0 {
			p.Metadata = pay.Metadata{"ledger_code": "AB1", "zeta": true}
		}
		if i == 3 {
			p.Metadata = pay.Metadata{"Alpha": "x"}
		}
		f.Clock.Advance(time.Second)
		want = append([]*pay.Payment{f.insert(t, p)}, want...)
	}
	other := f.newPayment()
	other.AccountID = f.other.ID
	other.Metadata = pay.Metadata{"elsewhere": "1"}
	f.insert(t, other)
	t.Run("MetadataKeys", func(t *testing.T) {
		keys, err := f.Store.PaymentMetadataKeys(f.ctx, &pay.PaymentSearch{AccountID: f.account.ID})
		mustOK(t, err)
		if diff := cmp.Diff([]string{"Alpha", "ledger_code", "zeta"}, keys); diff != "" {
			t.Fatalf("PaymentMetadataKeys (-want +got):\n%s", diff)
		}
		keys, err = f.Store.PaymentMetadataKeys(f.ctx, &pay.PaymentSearch{AccountID: f.account.ID, Reference: want[3].Reference})
		mustOK(t, err)
		if diff := cmp.Diff([]string{"Alpha"}, keys); diff != "" {
			t.Fatalf("PaymentMetadataKeys of one payment (-want +got):\n%s", diff)
		}
		keys, err = f.Store.PaymentMetadataKeys(f.ctx, &pay.PaymentSearch{AccountID: f.account.ID, Reference: want[1].Reference})
		mustOK(t, err)
		if len(keys) != 0 {
			t.Fatalf("a payment without metadata has keys %v", keys)
		}
	})
}

var errStop = errors.New("stop")

func testPaymentSummary(t *testing.T, open Opener) {
	f := setup(t, open)
	start := f.Clock.Now()
	add := func(account *pay.Account, status pay.Status, amount, surcharge int64) {
		p := f.newPayment()
		p.AccountID, p.Status, p.Amount, p.CorporateSurcharge = account.ID, status, amount, surcharge
		f.insert(t, p)
		f.Clock.Advance(time.Minute)
	}
	add(f.account, pay.StatusCaptured, 1000, 0)
	add(f.account, pay.StatusCaptureApproved, 2000, 150)
	add(f.account, pay.StatusAuthorisationRejected, 4000, 0)
	add(f.account, pay.StatusCreated, 8000, 0)
	add(f.other, pay.StatusCaptured, 16000, 0)
	refund := func(p *pay.Payment, amount int64, to pay.RefundStatus) {
		r := f.insertRefund(t, p, amount)
		for _, step := range []pay.RefundStatus{pay.RefundSubmitted, to} {
			_, err := pay.TransitionRefund(f.ctx, f.Store, &pay.RefundTransitionParams{RefundID: r.ID, To: step})
			mustOK(t, err)
			if step == to {
				break
			}
		}
		f.Clock.Advance(time.Minute)
	}
	refunded := f.captured(t, 5000)
	refund(refunded, 300, pay.RefundSucceeded)
	refund(refunded, 200, pay.RefundSucceeded)
	refund(refunded, 100, pay.RefundSubmitted) // not a success status
	end := f.Clock.Now()
	add(f.account, pay.StatusCaptured, 32000, 0) // after the period
	refund(refunded, 50, pay.RefundSucceeded)    // after the period
	params := &pay.SummaryParams{AccountID: f.account.ID, From: start, To: end,
		PaymentStatuses: pay.StatusesForState(pay.StateSuccess), RefundStatuses: []pay.RefundStatus{pay.RefundSucceeded}}
	got, err := f.Store.PaymentSummary(f.ctx, params)
	mustOK(t, err)
	want := &pay.Summary{Payments: pay.Totals{Count: 3, Amount: 8150}, Refunds: pay.Totals{Count: 2, Amount: 500}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("PaymentSummary (-want +got):\n%s", diff)
	}
	params.From = start.Add(time.Minute) // the first payment is now outside
	got, err = f.Store.PaymentSummary(f.ctx, params)
	mustOK(t, err)
	if got.Payments.Count != 2 || got.Payments.Amount != 7150 || got.NetIncome() != 6650 {
		t.Fatalf("PaymentSummary from the second minute = %+v", got)
	}
	params.PaymentStatuses = nil
	got, err = f.Store.PaymentSummary(f.ctx, params)
	mustOK(t, err)
	if got.Payments.Count != 0 || got.Payments.Amount != 0 {
		t.Fatalf("no statuses counted %+v", got.Payments)
	}
}

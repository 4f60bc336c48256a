// Package storetest is the contract suite every store implementation must
// pass, for pay.Store and team.Store. Each engine's tests call Run with a
// function that opens a fresh, empty store; the suite asserts the same
// semantics for all of them.
package storetest

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"pay/internal/pay"
	"pay/internal/store"
	"pay/internal/team"
)

// Harness is one fresh store under test, with the hooks the suite needs.
type Harness struct {
	Store store.Store
	// Clock is the store's clock; tests move it to create rows at known times.
	Clock *Clock
	// JobCount counts the River jobs of a kind in the store's database.
	JobCount func(t *testing.T, kind string) int
}

// Opener opens a fresh, empty, migrated store whose clock is clock.Now.
type Opener func(t *testing.T, clock *Clock) *Harness

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock set to a fixed, microsecond-precise instant.
func NewClock() *Clock {
	return &Clock{now: time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.UTC()
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Run runs the whole contract suite.
func Run(t *testing.T, open Opener) {
	t.Run("Setting", func(t *testing.T) { t.Parallel(); testSetting(t, open) })
	t.Run("Account", func(t *testing.T) { t.Parallel(); testAccount(t, open) })
	t.Run("APIKey", func(t *testing.T) { t.Parallel(); testAPIKey(t, open) })
	t.Run("Credentials", func(t *testing.T) { t.Parallel(); testCredentials(t, open) })
	t.Run("Organisation", func(t *testing.T) { t.Parallel(); testOrganisation(t, open) })
	t.Run("Update", func(t *testing.T) { t.Parallel(); testUpdate(t, open) })
	t.Run("PaymentInsert", func(t *testing.T) { t.Parallel(); testPaymentInsert(t, open) })
	t.Run("PaymentIdempotency", func(t *testing.T) { t.Parallel(); testPaymentIdempotency(t, open) })
	t.Run("PaymentTransition", func(t *testing.T) { t.Parallel(); testPaymentTransition(t, open) })
	t.Run("PaymentTransitionConcurrent", func(t *testing.T) { t.Parallel(); testPaymentTransitionConcurrent(t, open) })
	t.Run("PaymentSearch", func(t *testing.T) { t.Parallel(); testPaymentSearch(t, open) })
	t.Run("PaymentSearchTotals", func(t *testing.T) { t.Parallel(); testPaymentSearchTotals(t, open) })
	t.Run("Token", func(t *testing.T) { t.Parallel(); testToken(t, open) })
	t.Run("PaymentExpirable", func(t *testing.T) { t.Parallel(); testPaymentExpirable(t, open) })
	t.Run("Agreement", func(t *testing.T) { t.Parallel(); testAgreement(t, open) })
	t.Run("AgreementSearch", func(t *testing.T) { t.Parallel(); testAgreementSearch(t, open) })
	t.Run("AgreementChangeWithPayment", func(t *testing.T) { t.Parallel(); testAgreementChange(t, open) })
	t.Run("Cleanup", func(t *testing.T) { t.Parallel(); testCleanup(t, open) })
	t.Run("RefundInsert", func(t *testing.T) { t.Parallel(); testRefundInsert(t, open) })
	t.Run("RefundConcurrent", func(t *testing.T) { t.Parallel(); testRefundConcurrent(t, open) })
	t.Run("RefundTransition", func(t *testing.T) { t.Parallel(); testRefundTransition(t, open) })
	t.Run("RefundListAndSearch", func(t *testing.T) { t.Parallel(); testRefundListAndSearch(t, open) })
	t.Run("RefundUnfinished", func(t *testing.T) { t.Parallel(); testRefundUnfinished(t, open) })
	t.Run("Dispute", func(t *testing.T) { t.Parallel(); testDispute(t, open) })
	t.Run("DisputeSearch", func(t *testing.T) { t.Parallel(); testDisputeSearch(t, open) })
	t.Run("Email", func(t *testing.T) { t.Parallel(); testEmail(t, open) })
	t.Run("Webhook", func(t *testing.T) { t.Parallel(); testWebhook(t, open) })
	t.Run("Admin", func(t *testing.T) { t.Parallel(); testAdmin(t, open) })
	t.Run("Team", func(t *testing.T) { t.Parallel(); testTeam(t, open) })
	t.Run("Link", func(t *testing.T) { t.Parallel(); testLink(t, open) })
	t.Run("LinkPayment", func(t *testing.T) { t.Parallel(); testLinkPayment(t, open) })
}

// fixture is a store with a service and two accounts.
type fixture struct {
	*Harness
	Team       team.Store // the store, as the team side sees it
	ctx        context.Context
	account    *pay.Account
	other      *pay.Account
	service    *pay.Service
	paymentSeq int
}

func setup(t *testing.T, open Opener) *fixture {
	t.Helper()
	h := open(t, NewClock())
	f := &fixture{Harness: h, Team: h.Store, ctx: context.Background()}
	f.service = &pay.Service{ExternalID: pay.NewID(), Name: "Apply for a licence", NameWelsh: "Gwneud cais am drwydded"}
	mustOK(t, h.Store.ServiceInsert(f.ctx, f.service))
	f.account = &pay.Account{ServiceID: f.service.ID, Type: pay.AccountTest, Provider: pay.ProviderSandbox, Settings: pay.DefaultAccountSettings()}
	mustOK(t, h.Store.AccountInsert(f.ctx, f.account))
	f.other = &pay.Account{ServiceID: f.service.ID, Type: pay.AccountLive, Provider: pay.ProviderStripe, Settings: pay.DefaultAccountSettings()}
	mustOK(t, h.Store.AccountInsert(f.ctx, f.other))
	return f
}

// newPayment returns an unsaved payment of the fixture's account.
func (f *fixture) newPayment() *pay.Payment {
	f.paymentSeq++
	return &pay.Payment{
		ID:                pay.NewID(),
		AccountID:         f.account.ID,
		Amount:            int64(1000 + f.paymentSeq),
		Reference:         "REF-" + strconv.Itoa(f.paymentSeq),
		Description:       "Payment " + strconv.Itoa(f.paymentSeq),
		ReturnURL:         "https://service.example/return",
		Language:          pay.LanguageEnglish,
		AuthorisationMode: pay.ModeWeb,
		Source:            pay.SourceAPI,
		Status:            pay.StatusCreated,
		Provider:          pay.ProviderSandbox,
	}
}

func (f *fixture) insert(t *testing.T, p *pay.Payment) *pay.Payment {
	t.Helper()
	mustOK(t, pay.InsertPayment(f.ctx, f.Store, &pay.PaymentInsertParams{Payment: p}))
	return p
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// race runs fn n times at once, released together so the calls overlap
// rather than run one after another, and returns their errors by index.
func race(n int, fn func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// wantOneWinner fails t unless exactly one of errs is nil and every other
// is a conflict: of racing changes to one thing, one wins.
func wantOneWinner(t *testing.T, what string, errs []error) {
	t.Helper()
	wins := 0
	for _, err := range errs {
		if err == nil {
			wins++
		} else if !pay.IsKind(err, pay.KindConflict) && !errors.Is(err, team.ErrConflict) {
			t.Errorf("%s: %v", what, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d racing calls to %s succeeded, want 1", wins, len(errs), what)
	}
}

func wantKind(t *testing.T, err error, kind pay.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want kind %d", kind)
	}
	if got := pay.ErrorKind(err); got != kind {
		t.Fatalf("got error %v of kind %d, want kind %d", err, got, kind)
	}
}

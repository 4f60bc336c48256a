package pay_test

import (
	"context"
	"errors"
	"flag"
	"math/rand/v2"
	"testing"
	"time"

	"pay/internal/apptest"
	"pay/internal/pay"
)

var propertySeed = flag.Uint64("seed", 0, "seed of the payment state machine's property test; 0 picks one")

// The payment state machine holds whatever the API, the card pages and the
// jobs do to one payment, in any order: never more refunded than captured,
// one capture at most, final states stay final, and the event log agrees
// with the status and with the state machine. Each run logs its seed; a failure names the steps.
func TestPaymentStateMachineProperties(t *testing.T) {
	t.Parallel()
	seed := *propertySeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -seed %[1]d)", seed)
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		e := apptest.New(t, eng)
		acct := e.NewAccount(&pay.Service{Name: "Property"}, pay.AccountTest, pay.ProviderSandbox)
		rnd := rand.New(rand.NewPCG(seed, 0))
		for run := range 40 {
			m := &machine{t: t, e: e, acct: acct, rnd: rnd}
			m.create()
			for range 20 {
				m.step()
			}
			if t.Failed() {
				t.Fatalf("run %d: steps %v", run, m.steps)
			}
		}
	})
}

// machine drives one payment and checks it after every step.
type machine struct {
	t       *testing.T
	e       *apptest.Env
	acct    *pay.Account
	rnd     *rand.Rand
	id      string
	steps   []string
	final   pay.Status // the first terminal status seen, or ""
	refunds []string
}

// cards are sandbox cards with each outcome: success (the most likely),
// decline, error, and 3-D Secure.
var cards = []string{"4444333322221111", "4242424242424242", "5105105105105100", "371449635398431",
	"4000000000000002", "4000000000000119", "4000002500003155", "4000002500003155"}

func (m *machine) create() {
	ret := "https://service.example/done"
	c, err := m.e.Payments.Create(m.e.Ctx, m.acct, &pay.CreatePaymentRequest{Amount: 1 + m.rnd.Int64N(5000), Reference: "r",
		Description: "d", ReturnURL: &ret, DelayedCapture: m.rnd.IntN(2) == 0})
	if err != nil {
		m.t.Fatal(err)
	}
	m.id = c.Payment.ID
}

// action is one thing that can happen to a payment, by whom, and how often
// against the others.
type action struct {
	name   string
	weight int
	run    func(ctx context.Context) error
}

// actions are what the API, the card pages and the jobs can do. The payer's
// way forward is weighted up so that runs reach capture and refunds.
func (m *machine) actions() []action {
	p := m.e.Payments
	return []action{
		{"api cancel", 1, func(ctx context.Context) error { return p.Cancel(ctx, m.acct.ID, m.id) }},
		{"api capture", 5, func(ctx context.Context) error { return p.Capture(ctx, m.acct.ID, m.id) }},
		{"api refund", 10, m.refund},
		{"page start", 4, func(ctx context.Context) error { _, err := p.Start(ctx, m.id); return err }},
		{"page card", 8, m.authorise},
		{"page 3ds", 3, func(ctx context.Context) error { _, err := p.Complete3DS(ctx, m.id, m.rnd.IntN(3) > 0); return err }},
		{"page confirm", 8, func(ctx context.Context) error { _, err := p.Confirm(ctx, m.id); return err }},
		{"page cancel", 1, func(ctx context.Context) error { _, err := p.CancelByUser(ctx, m.id); return err }},
		{"job capture", 8, func(ctx context.Context) error { return job(p.ProcessCapture(ctx, m.id)) }},
		{"job abandon capture", 1, func(ctx context.Context) error { return job(p.AbandonCapture(ctx, m.id)) }},
		{"job refund", 8, func(ctx context.Context) error { return m.eachRefund(ctx, p.ProcessRefund) }},
		{"job abandon refund", 1, func(ctx context.Context) error { return m.eachRefund(ctx, p.AbandonRefund) }},
		{"job expire", 1, func(ctx context.Context) error {
			m.e.Clock.Advance(time.Duration(m.rnd.IntN(200)) * time.Minute)
			_, err := p.Expire(ctx, m.id)
			return job(err)
		}},
	}
}

// authorise is the payer sending a sandbox card with a random outcome.
func (m *machine) authorise(ctx context.Context) error {
	card := &pay.Card{Number: cards[m.rnd.IntN(len(cards))], CVC: "123", ExpiryMonth: 12, ExpiryYear: 2099, CardholderName: "J"}
	card.Brand = pay.DetectBrand(card.Number)
	_, err := m.e.Payments.Authorise(ctx, m.id, card, "")
	return err
}

// job ignores a job's error: a job that finds nothing to do may say so,
// and River retries it; only what it changed matters.
func job(error) error { return nil }

// refund asks for a random amount around what is left to refund, where
// the edge cases are: all of it, one penny more, or part of it.
func (m *machine) refund(ctx context.Context) error {
	p, err := m.e.Store.PaymentGet(ctx, 0, m.id)
	if err != nil {
		return err
	}
	left := p.TotalAmount() - p.RefundedAmount
	amounts := []int64{left, left + 1, 1 + m.rnd.Int64N(max(left, 1)), 1 + m.rnd.Int64N(p.Amount+100)}
	r, err := m.e.Payments.Refund(ctx, m.acct, &pay.RefundRequest{PaymentID: m.id, Amount: amounts[m.rnd.IntN(len(amounts))]})
	if err == nil {
		m.refunds = append(m.refunds, r.ID)
	}
	return err
}

func (m *machine) eachRefund(ctx context.Context, f func(context.Context, string) error) error {
	for _, id := range m.refunds {
		if m.rnd.IntN(2) == 0 {
			job(f(ctx, id))
		}
	}
	return nil
}

// step runs one random action and checks the payment after it. An action
// may be refused, but only with a classified error, never an internal one.
func (m *machine) step() {
	acts := m.actions()
	total := 0
	for _, a := range acts {
		total += a.weight
	}
	n, a := m.rnd.IntN(total), acts[0]
	for _, a = range acts {
		if n -= a.weight; n < 0 {
			break
		}
	}
	m.steps = append(m.steps, a.name)
	err := a.run(m.e.Ctx)
	name := a.name
	var pe *pay.Error
	if err != nil && (!errors.As(err, &pe) || pe.Kind == pay.KindInternal) {
		m.t.Errorf("%s: unclassified error %v", name, err)
	}
	m.check(name)
}

// check asserts the properties of the payment as stored.
func (m *machine) check(after string) {
	ctx := m.e.Ctx
	p, err := m.e.Store.PaymentGet(ctx, 0, m.id)
	if err != nil {
		m.t.Fatal(err)
	}
	events, err := m.e.Store.PaymentEvents(ctx, m.acct.ID, m.id)
	if err != nil {
		m.t.Fatal(err)
	}
	refunds, err := m.e.Payments.Refunds(ctx, m.acct.ID, m.id)
	if err != nil {
		m.t.Fatal(err)
	}
	var refunded int64
	for _, r := range refunds {
		if r.Status != pay.RefundError {
			refunded += r.Amount
		}
	}
	var captured int64
	if p.Status == pay.StatusCaptured {
		captured = p.TotalAmount()
	}
	if refunded > captured || p.RefundedAmount != refunded {
		m.t.Errorf("after %s: %s payment of %d captured %d, refunded %d (recorded %d)", after, p.Status, p.Amount, captured, refunded, p.RefundedAmount)
	}
	last, captures := pay.Status(""), 0
	for _, ev := range events {
		if ev.Status == "" {
			continue
		}
		if last != "" && !pay.CanTransition(last, ev.Status) {
			m.t.Errorf("after %s: the events go from %s to %s, which the state machine does not allow", after, last, ev.Status)
		}
		last = ev.Status
		if ev.Status == pay.StatusCaptured {
			captures++
		}
	}
	if captures > 1 {
		m.t.Errorf("after %s: captured %d times", after, captures)
	}
	if last != p.Status {
		m.t.Errorf("after %s: the last event says %s, the payment %s", after, last, p.Status)
	}
	if m.final != "" && p.Status != m.final {
		m.t.Errorf("after %s: ended as %s, now %s", after, m.final, p.Status)
	}
	if m.final == "" && terminal(p.Status) {
		m.final = p.Status
	}
}

// terminal reports whether the state machine allows no way out of s. A
// finished external state is not enough: a capture that was approved
// (success) may still end in error.
func terminal(s pay.Status) bool {
	for _, to := range pay.AllStatuses() {
		if pay.CanTransition(s, to) {
			return false
		}
	}
	return true
}

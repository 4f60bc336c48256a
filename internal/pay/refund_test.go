package pay

import (
	"errors"
	"testing"
	"time"
)

func TestApplyRefund(t *testing.T) {
	n := func(v int64) *int64 { return &v }
	captured := func(refunded int64, dispute DisputeStatus) *Payment {
		return &Payment{ID: NewID(), Amount: 1000, CorporateSurcharge: 50, Status: StatusCaptured, RefundedAmount: refunded, DisputeStatus: dispute}
	}
	const na = "The payment is not available for refund. Payment refund status: "
	tests := []struct {
		name      string
		p         *Payment
		amount    int64
		available *int64
		code      string
		message   string
	}{
		{"OK", captured(0, ""), 1050, nil, "", ""},
		{"OKWithAvailable", captured(50, ""), 1000, n(1000), "", ""},
		{"WonDispute", captured(0, DisputeWon), 10, nil, "", ""},
		// GOV.UK Pay's order: disputed, not available, mismatch, too much.
		{"Disputed", captured(0, DisputeNeedsResponse), 2000, n(1), "P0603", "The payment is disputed and cannot be refunded"},
		{"UnderReview", captured(0, DisputeUnderReview), 1, nil, "P0603", "The payment is disputed and cannot be refunded"},
		{"Lost", captured(0, DisputeLost), 1, nil, "P0603", "The payment is disputed and cannot be refunded"},
		{"Full", captured(1050, ""), 1, n(5), "P0603", na + "full"},
		{"Pending", &Payment{Status: StatusCaptureApproved, Amount: 1000}, 1, n(5), "P0603", na + "pending"},
		{"Unavailable", &Payment{Status: StatusExpired, Amount: 1000}, 1, n(5), "P0603", na + "unavailable"},
		{"Mismatch", captured(50, ""), 2000, n(1050), "P0604", "Refund amount available mismatch."},
		{"TooMuch", captured(50, ""), 1001, nil, "P0603", na + "amount_not_available"},
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tt.p.RefundedAmount
			r := &Refund{ID: NewID(), PaymentID: tt.p.ID, Amount: tt.amount}
			ev, err := ApplyRefund(tt.p, &RefundInsertParams{Refund: r, AmountAvailable: tt.available}, now)
			if tt.code == "" {
				if err != nil || tt.p.RefundedAmount != before+tt.amount || r.Status != RefundCreated || !r.CreatedAt.Equal(now) ||
					ev.Type != EventRefundCreatedByService || ev.RefundID != r.ID || ev.Amount != tt.amount {
					t.Fatalf("ApplyRefund: %v, refunded %d, refund %+v, event %+v", err, tt.p.RefundedAmount, r, ev)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code || e.Message != tt.message {
				t.Fatalf("got %v, want %s %q", err, tt.code, tt.message)
			}
			if wantKind := map[string]Kind{"P0603": KindBadRequest, "P0604": KindPrecondition}[tt.code]; e.Kind != wantKind {
				t.Fatalf("kind %d, want %d", e.Kind, wantKind)
			}
			if tt.p.RefundedAmount != before || r.Status != "" {
				t.Fatalf("a refused refund changed the payment or the refund: %d %+v", tt.p.RefundedAmount, r)
			}
		})
	}
	t.Run("ByUser", func(t *testing.T) {
		r := &Refund{ID: NewID(), Amount: 1, CreatedBy: "admin@example.org"}
		ev, err := ApplyRefund(captured(0, ""), &RefundInsertParams{Refund: r}, now)
		if err != nil || ev.Type != EventRefundCreatedByUser {
			t.Fatalf("admin refund: %v %+v", err, ev)
		}
	})
}

func TestCheckRefundAmount(t *testing.T) {
	for _, tt := range []struct {
		amount int64
		want   string
	}{
		{1, ""}, {MaxAmount, ""},
		{0, "Invalid attribute value: amount. Must be greater than or equal to 1"},
		{-1, "Invalid attribute value: amount. Must be greater than or equal to 1"},
		{MaxAmount + 1, "Invalid attribute value: amount. Must be less than or equal to 10000000"},
	} {
		err := checkRefundAmount(tt.amount)
		var e *Error
		if (tt.want == "") != (err == nil) || (err != nil && (!errors.As(err, &e) || e.Message != tt.want || e.Kind != KindInvalid || e.Field != "amount")) {
			t.Errorf("checkRefundAmount(%d) = %v, want %q", tt.amount, err, tt.want)
		}
	}
}

func TestApplyRefundTransition(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		from, to RefundStatus
		event    EventType // "" when refused
		refunded int64
	}{
		{RefundCreated, RefundSubmitted, EventRefundSubmitted, 300},
		{RefundCreated, RefundError, EventRefundError, 0},
		{RefundSubmitted, RefundSucceeded, EventRefundSucceeded, 300},
		{RefundSubmitted, RefundError, EventRefundError, 0},
		{RefundCreated, RefundSucceeded, "", 300},
		{RefundSucceeded, RefundError, "", 300},
		{RefundError, RefundSubmitted, "", 300},
	}
	for _, tt := range tests {
		p := &Payment{ID: NewID(), RefundedAmount: 300}
		r := &Refund{ID: NewID(), Amount: 300, Status: tt.from}
		ev, err := ApplyRefundTransition(p, r, &RefundTransitionParams{RefundID: r.ID, To: tt.to}, now)
		var te *RefundTransitionError
		switch {
		case tt.event == "" && (!IsKind(err, KindConflict) || !errors.As(err, &te) || r.Status != tt.from):
			t.Errorf("%s → %s: %v, want a refused transition", tt.from, tt.to, err)
		case tt.event != "" && (err != nil || ev.Type != tt.event || r.Status != tt.to):
			t.Errorf("%s → %s: %v %+v", tt.from, tt.to, err, ev)
		case p.RefundedAmount != tt.refunded:
			t.Errorf("%s → %s: refunded amount %d, want %d", tt.from, tt.to, p.RefundedAmount, tt.refunded)
		}
	}
}

func TestRefundSummaryWithDispute(t *testing.T) {
	for status, want := range map[DisputeStatus]string{
		"": RefundAvailable, DisputeNeedsResponse: RefundUnavailable, DisputeUnderReview: RefundUnavailable,
		DisputeLost: RefundUnavailable, DisputeWon: RefundAvailable,
	} {
		p := &Payment{Amount: 100, Status: StatusCaptured, DisputeStatus: status}
		if got := p.RefundSummary(); got.Status != want || got.AmountAvailable != 100 {
			t.Errorf("dispute %q: refund summary %+v, want %s", status, got, want)
		}
	}
}

func TestDisputeTransitions(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := &Payment{ID: NewID(), AccountID: 4, Amount: 1000, CorporateSurcharge: 5, Status: StatusCaptured}
	d := &Dispute{ID: NewID(), PaymentID: p.ID}
	ev, err := ApplyDisputeOpen(p, &DisputeInsertParams{Dispute: d, EvidenceWindow: time.Hour}, now)
	if err != nil || ev.Type != EventDisputeCreated || d.Amount != 1005 || d.AccountID != 4 || d.Status != DisputeNeedsResponse ||
		!d.EvidenceDueAt.Equal(now.Add(time.Hour)) || p.DisputeStatus != DisputeNeedsResponse {
		t.Fatalf("open: %v %+v %+v", err, ev, d)
	}
	if _, err := ApplyDisputeOpen(p, &DisputeInsertParams{Dispute: &Dispute{}}, now); !IsKind(err, KindConflict) {
		t.Fatalf("a second dispute: %v", err)
	}
	if _, err := ApplyDisputeOpen(&Payment{Status: StatusCaptureApproved}, &DisputeInsertParams{Dispute: &Dispute{}}, now); !IsKind(err, KindConflict) {
		t.Fatalf("a dispute of a payment not captured: %v", err)
	}
	steps := []struct {
		from, to DisputeStatus
		ok       bool
	}{
		{DisputeUnderReview, DisputeUnderReview, false}, // From guard: the dispute needs a response
		{"", DisputeUnderReview, true},
		{"", DisputeNeedsResponse, false},
		{DisputeUnderReview, DisputeLost, true},
		{"", DisputeWon, false},
	}
	for _, s := range steps {
		_, err := ApplyDisputeTransition(p, d, &DisputeTransitionParams{PaymentID: p.ID, From: s.from, To: s.to}, now)
		if s.ok != (err == nil) || p.DisputeStatus != d.Status {
			t.Fatalf("%q → %s: %v (dispute %s, payment %s)", s.from, s.to, err, d.Status, p.DisputeStatus)
		}
	}
}

func TestHistoryEntry(t *testing.T) {
	rid := NewID()
	tests := []struct {
		ev   Event
		want State
		ok   bool
	}{
		{Event{Status: StatusCreated, Type: EventPaymentCreated}, State{Status: "created"}, true},
		{Event{Type: EventRefundCreatedByUser, RefundID: rid}, State{Status: "submitted"}, true},
		{Event{Type: EventRefundSucceeded, RefundID: rid}, State{Status: "success", Finished: true}, true},
		{Event{Type: EventRefundError, RefundID: rid}, State{Status: "error", Finished: true}, true},
		{Event{Type: EventDisputeCreated}, State{}, false},
	}
	for _, tt := range tests {
		key, st, ok := historyEntry(&tt.ev)
		if ok != tt.ok || st != tt.want || key.refundID != tt.ev.RefundID {
			t.Errorf("%s: %+v %v, want %+v %v", tt.ev.Type, st, ok, tt.want, tt.ok)
		}
	}
}

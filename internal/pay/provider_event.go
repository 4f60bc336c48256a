package pay

import (
	"context"
	"errors"
	"time"
)

// ProviderEventKind is what a live provider reports after the payer has
// left: a capture or refund settling, a refund failing, a dispute.
type ProviderEventKind string

const (
	ProviderCaptureConfirmed   ProviderEventKind = "capture_confirmed"
	ProviderRefundSucceeded    ProviderEventKind = "refund_succeeded"
	ProviderRefundFailed       ProviderEventKind = "refund_failed"
	ProviderDisputeOpened      ProviderEventKind = "dispute_opened"
	ProviderDisputeUnderReview ProviderEventKind = "dispute_under_review"
	ProviderDisputeWon         ProviderEventKind = "dispute_won"
	ProviderDisputeLost        ProviderEventKind = "dispute_lost"
)

// ProviderEvent is one such report, already verified as the provider's and
// translated into Pay's ids.
type ProviderEvent struct {
	Kind          ProviderEventKind
	AccountID     int64  // the account whose provider sent it
	PaymentID     string // Pay's payment id
	RefundID      string // Pay's refund id, for refund events
	Fee           *int64 // the provider's fee: of the payment at capture, of a lost dispute
	Reason        string // why the payer disputes, for a new dispute
	EvidenceDueAt time.Time
}

// RecordProviderEvent applies a provider's report to the account's payment,
// refund or dispute. It is safe to receive twice: a change already made is
// not made again, and then nil is returned. Returns not found if the
// account has no such payment or refund (or no dispute to update), and a
// conflict when the report comes before the change it follows (the
// provider sends it again later).
func (s *Payments) RecordProviderEvent(ctx context.Context, ev *ProviderEvent) error {
	p, err := s.Store.PaymentGet(ctx, ev.AccountID, ev.PaymentID)
	if err != nil {
		return err
	}
	switch ev.Kind {
	case ProviderCaptureConfirmed:
		return s.confirmCapture(ctx, p, ev.Fee)
	case ProviderRefundSucceeded, ProviderRefundFailed:
		return s.settleRefund(ctx, ev)
	case ProviderDisputeOpened:
		return s.recordDisputeOpened(ctx, p, ev)
	}
	return s.recordDisputeChange(ctx, p, ev)
}

// confirmCapture records a capture that the provider had taken in as
// pending; a payment already captured is left alone.
func (s *Payments) confirmCapture(ctx context.Context, p *Payment, fee *int64) error {
	if p.Status != StatusCaptureSubmitted {
		return nil
	}
	now := s.now()
	_, err := TransitionPayment(ctx, s.Store, &PaymentTransitionParams{PaymentID: p.ID,
		From: []Status{StatusCaptureSubmitted}, To: StatusCaptured, Update: func(p *Payment) {
			p.CapturedAt = &now
			if fee != nil {
				p.Fee = fee
			}
		}})
	var te *TransitionError
	if errors.As(err, &te) {
		return nil // another delivery of the event got there first
	}
	return err
}

// settleRefund records how a submitted refund ended. A refund that is still
// CREATED is a conflict: its job has not yet heard from the provider.
func (s *Payments) settleRefund(ctx context.Context, ev *ProviderEvent) error {
	r, err := s.Store.RefundGet(ctx, ev.AccountID, ev.RefundID)
	if err != nil {
		return err
	}
	if r.PaymentID != ev.PaymentID {
		return Errorf(KindNotFound, "refund %s is not of payment %s", ev.RefundID, ev.PaymentID)
	}
	to := RefundSucceeded
	if ev.Kind == ProviderRefundFailed {
		to = RefundError
	}
	return s.refundTransition(ctx, r.ID, to, nil)
}

// recordDisputeOpened opens a dispute on the payment; one that is already
// open is left alone.
func (s *Payments) recordDisputeOpened(ctx context.Context, p *Payment, ev *ProviderEvent) error {
	if p.DisputeStatus != "" {
		return nil
	}
	window := ev.EvidenceDueAt.Sub(s.now())
	err := OpenDispute(ctx, s.Store, &DisputeInsertParams{
		Dispute:        &Dispute{ID: NewID(), PaymentID: p.ID, Reason: ev.Reason},
		EvidenceWindow: max(window, 0),
	})
	if IsKind(err, KindConflict) && p.Status == StatusCaptured {
		return nil // opened by another delivery meanwhile
	}
	return err
}

// recordDisputeChange moves the payment's dispute on; a dispute already
// there, or past it, is left alone.
func (s *Payments) recordDisputeChange(ctx context.Context, p *Payment, ev *ProviderEvent) error {
	to, update := DisputeUnderReview, func(*Dispute) {}
	switch ev.Kind {
	case ProviderDisputeWon:
		to = DisputeWon
	case ProviderDisputeLost:
		to = DisputeLost
		update = func(d *Dispute) {
			fee, now := int64(0), s.now()
			if ev.Fee != nil {
				fee = *ev.Fee
			}
			net := -(d.Amount + fee)
			d.Fee, d.NetAmount, d.SettledAt = &fee, &net, &now
		}
	case ProviderDisputeUnderReview:
	default:
		return Errorf(KindInvalid, "unknown provider event %q", ev.Kind)
	}
	_, err := TransitionDispute(ctx, s.Store, &DisputeTransitionParams{PaymentID: p.ID, To: to, Update: update})
	var te *DisputeTransitionError
	if errors.As(err, &te) {
		return nil // already there, or decided
	}
	return err
}

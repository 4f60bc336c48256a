package pay

import (
	"context"
	"time"
)

// DisplayState is a state as the admin site names it: GOV.UK Pay's display
// names, which group the external states the way service teams think of
// them. ID is the name in filter URLs.
type DisplayState struct {
	ID   string
	Name string
}

// Payment display states, in the order filters list them.
var (
	DisplayInProgress = DisplayState{"in_progress", "In progress"}
	DisplaySuccess    = DisplayState{"success", "Success"}
	DisplayDeclined   = DisplayState{"declined", "Declined"}
	DisplayTimedOut   = DisplayState{"timed_out", "Timed out"}
	DisplayCancelled  = DisplayState{"cancelled", "Cancelled"}
	DisplayError      = DisplayState{"error", "Error"}
)

// PaymentDisplayStates lists the payment display states.
var PaymentDisplayStates = []DisplayState{DisplayInProgress, DisplaySuccess, DisplayDeclined, DisplayTimedOut,
	DisplayCancelled, DisplayError}

// Refund display states (GOV.UK Pay ledger's RefundState).
var (
	DisplayRefundSubmitted = DisplayState{"refund_submitted", "Refund submitted"}
	DisplayRefundSuccess   = DisplayState{"refund_success", "Refund success"}
	DisplayRefundError     = DisplayState{"refund_error", "Refund error"}
)

// DisplayState returns the display state of a payment status, as GOV.UK
// Pay's ledger derives it from the external state.
func (s Status) DisplayState() DisplayState {
	st := s.State()
	switch {
	case st.Status == StateSuccess:
		return DisplaySuccess
	case st.Code == CodeRejected:
		return DisplayDeclined
	case st.Code == CodeExpired:
		return DisplayTimedOut
	case st.Code == CodeCancelledByUser || st.Status == StateCancelled:
		return DisplayCancelled
	case st.Status == StateError:
		return DisplayError
	}
	return DisplayInProgress
}

// StatusesForDisplayState returns every status with the display state of
// the given id, in a stable order; nil for an unknown id.
func StatusesForDisplayState(id string) []Status {
	var out []Status
	for _, s := range allStatuses {
		if s.DisplayState().ID == id {
			out = append(out, s)
		}
	}
	return out
}

// RefundDisplayState returns the display state of a refund status.
func RefundDisplayState(s RefundStatus) DisplayState {
	switch s {
	case RefundSucceeded:
		return DisplayRefundSuccess
	case RefundError:
		return DisplayRefundError
	}
	return DisplayRefundSubmitted
}

// Summary counts what an account took in a period, as GOV.UK Pay's
// dashboard does: successful payments, successful refunds and the net.
func (s *Payments) Summary(ctx context.Context, accountID int64, from, to time.Time) (*Summary, error) {
	return s.Store.PaymentSummary(ctx, &SummaryParams{
		AccountID: accountID, From: from, To: to,
		PaymentStatuses: StatusesForState(StateSuccess),
		RefundStatuses:  []RefundStatus{RefundSucceeded},
	})
}

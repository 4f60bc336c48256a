package pay

import (
	"testing"
)

func TestEveryStatusHasAState(t *testing.T) {
	for _, s := range AllStatuses() {
		if s.State().Status == "" {
			t.Errorf("%s has no external state", s)
		}
	}
	for e := range transitions {
		if !e.from.Valid() || !e.to.Valid() {
			t.Errorf("transition %s → %s uses an unknown status", e.from, e.to)
		}
	}
}

func TestExternalStates(t *testing.T) {
	tests := []struct {
		status Status
		want   State
	}{
		{StatusCreated, State{Status: "created"}},
		{StatusEnteringCardDetails, State{Status: "started"}},
		{StatusAuthorisation3DSRequired, State{Status: "started"}},
		{StatusAuthorisationSuccess, State{Status: "submitted"}},
		{StatusAwaitingCaptureRequest, State{Status: "capturable"}},
		{StatusCaptureApproved, State{Status: "success", Finished: true}},
		{StatusCaptured, State{Status: "success", Finished: true}},
		{StatusAuthorisationRejected, State{"failed", true, "P0010", "Payment method rejected"}},
		{StatusExpired, State{"failed", true, "P0020", "Payment expired"}},
		{StatusUserCancelled, State{"failed", true, "P0030", "Payment was cancelled by the user"}},
		{StatusSystemCancelled, State{"cancelled", true, "P0040", "Payment was cancelled by the service"}},
		{StatusAuthorisationError, State{"error", true, "P0050", "Payment provider returned an error"}},
		{StatusCaptureError, State{"error", true, "P0050", "Payment provider returned an error"}},
	}
	for _, tt := range tests {
		if got := tt.status.State(); got != tt.want {
			t.Errorf("%s: %+v, want %+v", tt.status, got, tt.want)
		}
	}
}

func TestTransitions(t *testing.T) {
	tests := []struct {
		from, to Status
		ok       bool
		event    EventType
	}{
		{StatusCreated, StatusEnteringCardDetails, true, EventPaymentStarted},
		{StatusCreated, StatusSystemCancelled, true, EventCancelledByExternalService},
		{StatusCreated, StatusAuthorisationReady, true, "AUTHORISATION_READY"},
		{StatusEnteringCardDetails, StatusExpired, true, EventPaymentExpired},
		{StatusAuthorisationReady, StatusAuthorisationSuccess, true, EventAuthorisationSucceeded},
		{StatusAuthorisationReady, StatusAuthorisation3DSRequired, true, EventGatewayRequires3DSAuthorisation},
		{StatusAuthorisationSuccess, StatusCaptureApproved, true, EventUserApprovedForCapture},
		{StatusAuthorisationSuccess, StatusAwaitingCaptureRequest, true, EventUserApprovedForCaptureAwaitingService},
		{StatusAwaitingCaptureRequest, StatusCaptureApproved, true, EventServiceApprovedForCapture},
		{StatusCaptureReady, StatusCaptured, true, EventCaptureConfirmed},
		{StatusExpireCancelSubmitted, StatusExpired, true, EventCancelledByExpiration},
		{StatusSystemCancelReady, StatusSystemCancelled, true, EventCancelledByExternalService},
		// Forbidden: finished payments stay finished; no skipping authorisation.
		{StatusCreated, StatusCaptured, false, ""},
		{StatusCreated, StatusAuthorisationSuccess, false, ""},
		{StatusCaptured, StatusSystemCancelled, false, ""},
		{StatusSystemCancelled, StatusCreated, false, ""},
		{StatusAuthorisationReady, StatusSystemCancelled, false, ""},
		{StatusAuthorisationSuccess, StatusSystemCancelled, false, ""},
		{StatusAwaitingCaptureRequest, StatusCaptured, false, ""},
	}
	for _, tt := range tests {
		ev, ok := TransitionEvent(tt.from, tt.to)
		if ok != tt.ok || ev != tt.event || CanTransition(tt.from, tt.to) != tt.ok {
			t.Errorf("%s → %s: %v %q, want %v %q", tt.from, tt.to, ok, ev, tt.ok, tt.event)
		}
	}
}

func TestFinishedStatusesAreTerminalForPayers(t *testing.T) {
	// A finished payment may move on only through the provider's back office
	// steps (capture, cancel, error clean-up), never back to a payer step.
	payerSteps := []Status{StatusCreated, StatusEnteringCardDetails, StatusAuthorisationReady, StatusAuthorisationSuccess}
	for e := range transitions {
		// GOV.UK Pay shows AUTHORISATION SUBMITTED as error, yet the provider
		// may still answer with success: the one exception.
		if e.from.Finished() && e.from != StatusAuthorisationSubmitted {
			for _, s := range payerSteps {
				if e.to == s {
					t.Errorf("finished %s may go back to %s", e.from, e.to)
				}
			}
		}
	}
}

func TestStatusesForState(t *testing.T) {
	failed := StatusesForState("failed")
	for _, s := range failed {
		if s.State().Status != "failed" {
			t.Errorf("%s is not failed", s)
		}
	}
	if len(failed) != 11 { // declined 3, expired 4, cancelled by the user 4
		t.Errorf("%d failed statuses: %v", len(failed), failed)
	}
	if StatusesForState("capturable")[0] != StatusAwaitingCaptureRequest || StatusesForState("nonsense") != nil {
		t.Error("StatusesForState")
	}
}

func TestApplyTransition(t *testing.T) {
	p := &Payment{ID: "p", Status: StatusCreated}
	ev, err := ApplyTransition(p, &PaymentTransitionParams{To: StatusEnteringCardDetails, Update: func(p *Payment) { p.Email = "x" }}, fixedTime)
	if err != nil || p.Status != StatusEnteringCardDetails || p.Email != "x" || !p.UpdatedAt.Equal(fixedTime) ||
		ev.Type != EventPaymentStarted || ev.Status != StatusEnteringCardDetails || ev.PaymentID != "p" {
		t.Fatalf("ApplyTransition: %+v %+v %v", p, ev, err)
	}
	_, err = ApplyTransition(p, &PaymentTransitionParams{From: []Status{StatusCreated}, To: StatusUserCancelled}, fixedTime)
	if !IsKind(err, KindConflict) || p.Status != StatusEnteringCardDetails {
		t.Fatalf("From guard: %v, status %s", err, p.Status)
	}
}

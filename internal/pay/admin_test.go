package pay

import (
	"errors"
	"testing"
)

func TestDisplayStates(t *testing.T) {
	for status, want := range map[Status]DisplayState{
		StatusCreated:                DisplayInProgress,
		StatusEnteringCardDetails:    DisplayInProgress,
		StatusAuthorisationSuccess:   DisplayInProgress,
		StatusAwaitingCaptureRequest: DisplayInProgress,
		StatusCaptureApproved:        DisplaySuccess,
		StatusCaptured:               DisplaySuccess,
		StatusAuthorisationRejected:  DisplayDeclined,
		StatusExpired:                DisplayTimedOut,
		StatusUserCancelled:          DisplayCancelled,
		StatusSystemCancelled:        DisplayCancelled,
		StatusAuthorisationError:     DisplayError,
		StatusCaptureError:           DisplayError,
	} {
		if got := status.DisplayState(); got != want {
			t.Errorf("%s: %v, want %v", status, got, want)
		}
	}
	n := 0
	for _, d := range PaymentDisplayStates {
		list := StatusesForDisplayState(d.ID)
		if len(list) == 0 {
			t.Errorf("no status shows as %s", d.Name)
		}
		n += len(list)
	}
	if n != len(AllStatuses()) {
		t.Errorf("the display states cover %d statuses, want all %d", n, len(AllStatuses()))
	}
	if StatusesForDisplayState("bogus") != nil {
		t.Error("an unknown display state matched statuses")
	}
	if RefundDisplayState(RefundSucceeded).Name != "Refund success" || RefundDisplayState(RefundCreated).Name != "Refund submitted" ||
		RefundDisplayState(RefundError).Name != "Refund error" {
		t.Error("refund display names")
	}
}

func TestDelayedCaptureSetting(t *testing.T) {
	s := DefaultAccountSettings()
	if !s.AllowDelayedCapture {
		t.Fatal("new accounts refuse delayed capture")
	}
	if err := s.Set("allow_delayed_capture", "false"); err != nil || s.AllowDelayedCapture {
		t.Fatalf("Set: %v, %v", err, s.AllowDelayedCapture)
	}
	acct := &Account{Type: AccountTest, Provider: ProviderSandbox, Settings: s}
	ret := "https://example.org"
	req := &CreatePaymentRequest{Amount: 100, ReturnURL: &ret, AuthorisationMode: ModeWeb, DelayedCapture: true}
	err := req.checkAccount(acct)
	var e *Error
	if !IsKind(err, KindInvalid) || !errors.As(err, &e) || e.Field != "delayed_capture" || e.Code != CodeCreatePaymentInvalid {
		t.Fatalf("delayed capture on an account that refuses it: %v", err)
	}
	req.DelayedCapture = false
	if err := req.checkAccount(acct); err != nil {
		t.Fatalf("immediate capture: %v", err)
	}
}

package pay_test

import (
	"testing"

	"pay/internal/pay"
)

func TestEmailDue(t *testing.T) {
	t.Parallel()
	on := pay.DefaultAccountSettings()
	if !on.ConfirmationEmails || !on.RefundEmails || on.EmailCollection != pay.EmailMandatory {
		t.Fatalf("new accounts: confirmation %t, refund %t, collection %s; want both on, MANDATORY",
			on.ConfirmationEmails, on.RefundEmails, on.EmailCollection)
	}
	with := func(f func(s *pay.AccountSettings)) pay.AccountSettings { s := on; f(&s); return s }
	for _, tc := range []struct {
		name     string
		settings pay.AccountSettings
		email    string
		kind     pay.EmailKind
		want     bool
	}{
		{"confirmation, mandatory", on, "a@example.org", pay.EmailPaymentConfirmed, true},
		{"refund, mandatory", on, "a@example.org", pay.EmailRefundIssued, true},
		{"optional with an address", with(func(s *pay.AccountSettings) { s.EmailCollection = pay.EmailOptional }), "a@example.org", pay.EmailPaymentConfirmed, true},
		{"optional without one", with(func(s *pay.AccountSettings) { s.EmailCollection = pay.EmailOptional }), "", pay.EmailPaymentConfirmed, false},
		{"mandatory without one", on, "", pay.EmailRefundIssued, false},
		{"collection off", with(func(s *pay.AccountSettings) { s.EmailCollection = pay.EmailOff }), "a@example.org", pay.EmailPaymentConfirmed, false},
		{"confirmations off", with(func(s *pay.AccountSettings) { s.ConfirmationEmails = false }), "a@example.org", pay.EmailPaymentConfirmed, false},
		{"confirmations off, refund", with(func(s *pay.AccountSettings) { s.ConfirmationEmails = false }), "a@example.org", pay.EmailRefundIssued, true},
		{"refunds off", with(func(s *pay.AccountSettings) { s.RefundEmails = false }), "a@example.org", pay.EmailRefundIssued, false},
	} {
		p := &pay.Payment{Email: tc.email}
		if got := pay.EmailDue(&tc.settings, p, tc.kind); got != tc.want {
			t.Errorf("%s: EmailDue = %t, want %t", tc.name, got, tc.want)
		}
	}
}

func TestEmailSettings(t *testing.T) {
	t.Parallel()
	s := pay.DefaultAccountSettings()
	for name, value := range map[string]string{"confirmation_emails": "false", "refund_emails": "off",
		"email_custom_paragraph": "Quote $reference when you call."} {
		if err := s.Set(name, value); err != nil {
			t.Fatalf("Set(%s): %v", name, err)
		}
	}
	if s.ConfirmationEmails || s.RefundEmails || s.Get("email_custom_paragraph") != "Quote $reference when you call." {
		t.Fatalf("after Set: %+v", s)
	}
	long := make([]rune, pay.MaxEmailParagraphLength+1)
	for i := range long {
		long[i] = 'é'
	}
	err := s.SetEmailParagraph(string(long))
	if pay.ErrorKind(err) != pay.KindInvalid || err.Error() != "Custom paragraph name must be 5000 characters or fewer" {
		t.Fatalf("5001 characters: got %v", err)
	}
	if err := s.SetEmailParagraph(string(long[1:])); err != nil {
		t.Fatalf("5000 characters: %v", err)
	}
}

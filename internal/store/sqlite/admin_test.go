package sqlite_test

import (
	"context"
	"testing"
	"time"

	"pay/internal/pay"
)

// TestPaymentSummaryRefunds checks the summary's refund half. The contract
// suite cannot create refunds through the store yet, so this test writes
// refund rows directly.
func TestPaymentSummaryRefunds(t *testing.T) {
	t.Parallel()
	s := mustOpen(t)
	ctx := context.Background()
	p := seedPayment(t, s)
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, r := range []struct {
		status pay.RefundStatus
		amount int64
		at     time.Time
	}{
		{pay.RefundSucceeded, 300, at},
		{pay.RefundSucceeded, 200, at.Add(time.Hour)},
		{pay.RefundSubmitted, 100, at},
		{pay.RefundSucceeded, 50, at.Add(48 * time.Hour)},
	} {
		_, err := s.DB().Exec(`INSERT INTO refunds (id, payment_id, account_id, amount, status, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			pay.NewID(), p.ID, p.AccountID, r.amount, string(r.status), r.at.Format("2006-01-02T15:04:05.000000Z"))
		if err != nil {
			t.Fatal(err)
		}
	}
	sum, err := s.PaymentSummary(ctx, &pay.SummaryParams{AccountID: p.AccountID, From: at, To: at.Add(24 * time.Hour),
		PaymentStatuses: []pay.Status{pay.StatusCaptured}, RefundStatuses: []pay.RefundStatus{pay.RefundSucceeded}})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Refunds != (pay.Totals{Count: 2, Amount: 500}) {
		t.Fatalf("refunds %+v, want 2 for 500", sum.Refunds)
	}
}

// seedPayment stores a service, a test account and one payment.
func seedPayment(t *testing.T, s pay.Store) *pay.Payment {
	t.Helper()
	ctx := context.Background()
	svc := &pay.Service{ExternalID: pay.NewID(), Name: "S"}
	if err := s.ServiceInsert(ctx, svc); err != nil {
		t.Fatal(err)
	}
	a := &pay.Account{ServiceID: svc.ID, Type: pay.AccountTest, Provider: pay.ProviderSandbox, Settings: pay.DefaultAccountSettings()}
	if err := s.AccountInsert(ctx, a); err != nil {
		t.Fatal(err)
	}
	p := &pay.Payment{ID: pay.NewID(), AccountID: a.ID, Amount: 1000, Reference: "r", Description: "d",
		Language: pay.LanguageEnglish, AuthorisationMode: pay.ModeWeb, Source: pay.SourceAPI, Status: pay.StatusCaptured,
		Provider: pay.ProviderSandbox}
	if err := s.PaymentInsert(ctx, &pay.PaymentInsertParams{Payment: p}); err != nil {
		t.Fatal(err)
	}
	return p
}

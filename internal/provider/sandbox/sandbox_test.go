package sandbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
	"pay/internal/provider/providertest"
	"pay/internal/provider/sandbox"
)

func TestContract(t *testing.T) {
	providertest.Run(t, sandbox.New(), providertest.Cards{
		Success: "4444333322221111", Declined: sandbox.CardDeclined, Error: sandbox.CardProcessingError,
	})
}

func TestCards(t *testing.T) {
	tests := []struct {
		number string
		moto   bool
		want   pay.AuthOutcome
		msg    string
	}{
		{"4444333322221111", false, pay.AuthAuthorised, ""},
		{"4917610000000000003", false, pay.AuthAuthorised, ""},
		{"371449635398431", false, pay.AuthAuthorised, ""},
		{"3566002020360505", false, pay.AuthAuthorised, ""},
		{"6011000990139424", false, pay.AuthAuthorised, ""},
		{"36148900647913", false, pay.AuthAuthorised, ""},
		{"5105105105105100", false, pay.AuthAuthorised, ""},
		{"222100000000000", false, pay.AuthAuthorised, ""},
		{"4988080000000000", false, pay.AuthAuthorised, ""},
		{"5200828282828210", false, pay.AuthAuthorised, ""},
		{"4000000000000002", false, pay.AuthRejected, "This transaction was declined."},
		{"4000000000000069", false, pay.AuthRejected, "This transaction was declined."},
		{"4000000000000127", false, pay.AuthRejected, "This transaction was declined."},
		{"4000000000000119", false, pay.AuthError, "This transaction could be not be processed."},
		{"4000002500003155", false, pay.AuthRequires3DS, ""},
		{"4000002500003155", true, pay.AuthAuthorised, ""}, // MOTO payments skip 3-D Secure
		{"4000000000000259", false, pay.AuthAuthorised, ""},
		{"4000000000002685", false, pay.AuthAuthorised, ""},
		{"4012888888881881", false, pay.AuthError, "Unsupported card details."},
	}
	for _, tt := range tests {
		p := &pay.Payment{ID: pay.NewID(), Moto: tt.moto}
		res, err := sandbox.New().Authorise(context.Background(), &pay.AuthoriseRequest{Payment: p, Card: &pay.Card{Number: tt.number}})
		if err != nil {
			t.Fatalf("%s: %v", tt.number, err)
		}
		if res.Outcome != tt.want || res.Message != tt.msg {
			t.Errorf("%s (moto %v): outcome %d %q, want %d %q", tt.number, tt.moto, res.Outcome, res.Message, tt.want, tt.msg)
		}
	}
}

func TestSavedCard(t *testing.T) {
	ctx := context.Background()
	p := &pay.Payment{ID: pay.NewID(), SetUpAgreement: true}
	res, _ := sandbox.New().Authorise(ctx, &pay.AuthoriseRequest{Payment: p, Card: &pay.Card{Number: "5105105105105100"}, SaveCard: true})
	if res.Outcome != pay.AuthAuthorised || res.InstrumentRef == "" {
		t.Fatalf("set-up payment: %+v", res)
	}
	declined := &pay.PaymentInstrument{Card: pay.CardDetails{FirstDigits: "510510", LastDigits: "5100"}}
	res, _ = sandbox.New().Authorise(ctx, &pay.AuthoriseRequest{Payment: p, Instrument: declined})
	if res.Outcome != pay.AuthRejected || res.CanRetry == nil || *res.CanRetry {
		t.Fatalf("recurring payment on 5105105105105100: %+v", res)
	}
	good := &pay.PaymentInstrument{Card: pay.CardDetails{FirstDigits: "444433", LastDigits: "1111"}}
	if res, _ = sandbox.New().Authorise(ctx, &pay.AuthoriseRequest{Payment: p, Instrument: good}); res.Outcome != pay.AuthAuthorised {
		t.Fatalf("recurring payment on a good card: %+v", res)
	}
}

func TestPlanDispute(t *testing.T) {
	card := func(number, name string) pay.CardDetails {
		return pay.CardDetails{FirstDigits: number[:6], LastDigits: number[len(number)-4:], CardholderName: name}
	}
	fast := sandbox.DisputeTiming{Open: time.Millisecond, Review: 2 * time.Millisecond, Decide: 3 * time.Millisecond, EvidenceWindow: time.Hour}
	tests := []struct {
		name   string
		card   pay.CardDetails
		timing sandbox.DisputeTiming
		want   *pay.DisputePlan
	}{
		{"Lost", card(sandbox.CardDisputeLost, "J Payer"), fast, &pay.DisputePlan{Reason: "fraudulent", Outcome: pay.DisputeLost,
			Fee: 1500, OpenAfter: time.Millisecond, ReviewAfter: 2 * time.Millisecond, DecideAfter: 3 * time.Millisecond, EvidenceWindow: time.Hour}},
		{"Won", card(sandbox.CardDisputeWon, "J Payer"), sandbox.DisputeTiming{}, &pay.DisputePlan{Reason: "product_not_received",
			Outcome: pay.DisputeWon, Fee: 1500, OpenAfter: 5 * time.Second, ReviewAfter: 10 * time.Second, DecideAfter: 30 * time.Second,
			EvidenceWindow: 7 * 24 * time.Hour}},
		{"SkipEvidence", card(sandbox.CardDisputeLost, "skip_evidence"), fast, &pay.DisputePlan{Reason: "fraudulent",
			Fee: 1500, OpenAfter: time.Millisecond, ReviewAfter: 2 * time.Millisecond, DecideAfter: 3 * time.Millisecond, EvidenceWindow: time.Hour}},
		{"OrdinaryCard", card("4444333322221111", "J Payer"), fast, nil},
		{"NoCard", pay.CardDetails{}, fast, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := (&sandbox.Provider{Disputes: tt.timing}).PlanDispute(&pay.Payment{Card: tt.card})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Fatalf("PlanDispute (-want +got):\n%s", diff)
			}
		})
	}
}

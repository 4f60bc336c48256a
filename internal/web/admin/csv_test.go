package admin

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"pay/internal/pay"
)

func TestEscapeFormula(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+44 20": "'+44 20", "-3": "'-3", "@SUM(A1)": "'@SUM(A1)",
		"plain": "plain", "a=b": "a=b", "": "", " ": " ", " =x": "' =x", "\t1": "'\t1", "\r1": "'\r1",
		"\n\t@x": "'\n\t@x", "\u00a0-1": "'\u00a0-1", " a": " a", "\nplain": "\nplain"} {
		if got := escapeFormula(in); got != want {
			t.Errorf("escapeFormula(%q) = %q, want %q", in, got, want)
		}
	}
}

// A metadata key names a column, so the header escapes it like a value.
func TestCSVHeaderEscapesMetadataKeys(t *testing.T) {
	h := csvColumns{Metadata: []string{"=HYPERLINK(1)", "\tkey", "plain"}}.header()
	want := []string{"'=HYPERLINK(1) (metadata)", "'\tkey (metadata)", "plain (metadata)"}
	if got := h[len(h)-3:]; !slices.Equal(got, want) {
		t.Errorf("metadata columns = %q, want %q", got, want)
	}
}

// samplePayment is a captured payment with a corporate surcharge, a fee
// and a wallet, made by telephone.
func samplePayment() *pay.Payment {
	fee := int64(25)
	return &pay.Payment{
		ID: "abcdefghijklmnopqrstuv0123", Amount: 1000, CorporateSurcharge: 50, Fee: &fee, Reference: "@ref",
		Description: "Licence", Email: "payer@example.org", Status: pay.StatusCaptured, Provider: pay.ProviderStripe,
		ProviderID: "pi_123", Moto: true, ThreeDSRequired: true,
		Card: pay.CardDetails{LastDigits: "4242", CardholderName: "-Jo", ExpiryDate: "01/30", Brand: "visa",
			CardType: "DEBIT", WalletType: "APPLE_PAY"},
		Metadata:  pay.Metadata{"b": json.Number("12.5"), "a": false},
		CreatedAt: time.Date(2026, 3, 4, 23, 30, 5, 0, time.UTC),
	}
}

func TestCSVPaymentRow(t *testing.T) {
	cols := csvColumns{Fees: true, Moto: true, Metadata: []string{"a", "b", "c"}}
	header := cols.header()
	got := map[string]string{}
	for i, v := range cols.row(header, &pay.Transaction{Payment: samplePayment()}) {
		got[header[i]] = v
	}
	want := map[string]string{
		"Reference": "'@ref", "Description": "Licence", "Email": "payer@example.org", "Amount": "10.00",
		"Card Brand": "Visa", "Cardholder Name": "'-Jo", "Card Expiry Date": "01/30", "Card Number": "4242",
		"State": "Success", "Finished": "true", "Error Code": "", "Error Message": "", "Provider ID": "pi_123",
		"GOV.UK Payment ID": "abcdefghijklmnopqrstuv0123", "Issued By": "", "Date Created": "04 Mar 2026",
		"Time Created": "23:30:05", "Corporate Card Surcharge": "0.50", "Total Amount": "10.50", "Wallet Type": "Apple Pay",
		"Fee": "0.25", "Net": "10.25", "Fee (transaction)": "", "Fee (3DS)": "", "Fee (fraud protection)": "",
		"Card Type": "debit", "MOTO": "true", "Payment Provider": "stripe", "3-D Secure Required": "true",
		"a (metadata)": "false", "b (metadata)": "12.5", "c (metadata)": "",
	}
	if len(got) != len(want) {
		t.Errorf("%d columns, want %d: %q", len(got), len(want), header)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	wantOrder := []string{"Total Amount", "Wallet Type", "Fee", "Net", "Fee (transaction)", "Fee (3DS)",
		"Fee (fraud protection)", "Card Type", "MOTO", "Payment Provider", "3-D Secure Required", "a (metadata)"}
	if i := slices.Index(header, "Total Amount"); !slices.Equal(header[i:i+len(wantOrder)], wantOrder) {
		t.Errorf("column order %q", header)
	}
}

// TestCSVRefundRow checks refunds' rows: negative amounts, who issued the
// refund, the refund's state and time, and the payment's details.
func TestCSVRefundRow(t *testing.T) {
	cols := csvColumns{Fees: true, Moto: true, Metadata: []string{"a"}}
	header := cols.header()
	for _, tt := range []struct {
		status                     pay.RefundStatus
		state, finished, code, msg string
	}{
		{pay.RefundSubmitted, "Refund submitted", "false", "", ""},
		{pay.RefundCreated, "Refund submitted", "false", "", ""},
		{pay.RefundSucceeded, "Refund success", "true", "", ""},
		{pay.RefundError, "Refund error", "true", "P0050", "Payment provider returned an error"},
	} {
		p := samplePayment()
		rf := &pay.Refund{ID: "refund0000000000000000000a", PaymentID: p.ID, Amount: 123456, Status: tt.status,
			ProviderID: "=re_1", CreatedBy: "admin@example.org", CreatedAt: time.Date(2026, 3, 5, 8, 0, 1, 0, time.UTC)}
		got := map[string]string{}
		for i, v := range cols.row(header, &pay.Transaction{Payment: p, Refund: rf}) {
			got[header[i]] = v
		}
		want := map[string]string{
			"Reference": "'@ref", "Description": "Licence", "Email": "payer@example.org", "Card Brand": "Visa",
			"Cardholder Name": "'-Jo", "Card Number": "4242", "Card Expiry Date": "01/30", "Card Type": "debit",
			"Wallet Type": "Apple Pay", "Amount": "-1,234.56", "Total Amount": "-1,234.56", "Net": "-1,234.56",
			"Issued By": "admin@example.org", "State": tt.state, "Finished": tt.finished, "Error Code": tt.code,
			"Error Message": tt.msg, "Provider ID": "'=re_1", "GOV.UK Payment ID": p.ID, "Date Created": "05 Mar 2026",
			"Time Created": "08:00:01", "Corporate Card Surcharge": "", "Fee": "", "MOTO": "", "Payment Provider": "",
			"3-D Secure Required": "", "a (metadata)": "",
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s refund: %s = %q, want %q", tt.status, k, got[k], v)
			}
		}
	}
}

func TestCSVWriterIsValidCSV(t *testing.T) {
	var buf bytes.Buffer
	cw, err := newCSVWriter(&buf, csvColumns{Metadata: []string{"note"}})
	if err != nil {
		t.Fatal(err)
	}
	p := samplePayment()
	p.Description = "A \"quoted\", comma\nand newline"
	p.Metadata = pay.Metadata{"note": "x"}
	if err := cw.write(&pay.Transaction{Payment: p}); err != nil {
		t.Fatal(err)
	}
	if err := cw.flush(); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(records) != 2 || records[1][1] != p.Description || records[1][len(records[1])-1] != "x" {
		t.Fatalf("records %q, %v", records, err)
	}
}

package web

import (
	"errors"
	"math"
	"testing"

	"pay/internal/pay"
)

func TestFormatMoney(t *testing.T) {
	for _, tt := range []struct {
		pence                  int64
		pounds, grouped, money string
	}{
		{0, "0.00", "0.00", "£0.00"},
		{5, "0.05", "0.05", "£0.05"},
		{150, "1.50", "1.50", "£1.50"},
		{12000, "120.00", "120.00", "£120.00"},
		{123456, "1234.56", "1,234.56", "£1,234.56"},
		{100000000, "1000000.00", "1,000,000.00", "£1,000,000.00"},
		{-250, "-2.50", "-2.50", "–£2.50"},
		{-500, "-5.00", "-5.00", "–£5.00"},
		{-123456, "-1234.56", "-1,234.56", "–£1,234.56"},
		{math.MinInt64, "-92233720368547758.08", "-92,233,720,368,547,758.08", "–£92,233,720,368,547,758.08"},
	} {
		got := [3]string{FormatPounds(tt.pence), FormatPoundsGrouped(tt.pence), FormatMoney(tt.pence)}
		if want := [3]string{tt.pounds, tt.grouped, tt.money}; got != want {
			t.Errorf("%d: FormatPounds, FormatPoundsGrouped, FormatMoney = %q, want %q", tt.pence, got, want)
		}
	}
}

func TestFormatCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 5000: "5,000", 123456: "123,456",
		1234567: "1,234,567", -1234: "-1,234"} {
		if got := FormatCount(n); got != want {
			t.Errorf("FormatCount(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParsePounds(t *testing.T) {
	for _, tt := range []struct {
		in    string
		pence int64
		err   error
	}{
		{"10", 1000, nil},
		{"10.50", 1050, nil},
		{"0", 0, nil},
		{"0.00", 0, nil},
		{"007.01", 701, nil},
		{"92233720368547758.07", math.MaxInt64, nil},
		{"92233720368547758.08", 0, ErrAmountRange},
		{"99999999999999999999999", 0, ErrAmountRange},
		{"12.5", 1250, ErrAmountForm},
		{"-5", -500, ErrAmountForm},
		{"1e3", 100000, ErrAmountForm},
		{"0.001", 1, ErrAmountForm},
		{"-0.001", 0, ErrAmountForm},
		{"1e30", 0, ErrAmountRange},
		{"-1e30", 0, ErrAmountRange},
		{"Inf", 0, ErrAmountRange},
		{"", 0, ErrNotAmount},
		{"abc", 0, ErrNotAmount},
		{"£12", 0, ErrNotAmount},
		{"NaN", 0, ErrNotAmount},
		{"1e400", 0, ErrNotAmount},
		{"1,000", 0, ErrNotAmount},
	} {
		pence, err := ParsePounds(tt.in)
		if pence != tt.pence || !errors.Is(err, tt.err) {
			t.Errorf("ParsePounds(%q) = %d, %v; want %d, %v", tt.in, pence, err, tt.pence, tt.err)
		}
	}
}

func TestParseLinkAmount(t *testing.T) {
	tests := []struct {
		in    string
		pence int64
		msg   string
	}{
		{"12", 1200, ""},
		{" 12.50 ", 1250, ""},
		{"0.01", 1, ""},
		{"100000", 10000000, ""},
		{"", 0, pay.MsgAmountMissing},
		{"  ", 0, pay.MsgAmountMissing},
		{"12.5", 0, pay.MsgAmountFormat},
		{"12.505", 0, pay.MsgAmountFormat},
		{"-1", 0, pay.MsgAmountFormat},
		{"ten", 0, pay.MsgAmountFormat},
		{"1e3", 0, pay.MsgAmountFormat},
		{"100000.01", 0, pay.MsgAmountTooBig},
		{"99999999999999999999", 0, pay.MsgAmountTooBig},
		{"0.00", 0, pay.MsgAmountTooLow},
		{"0", 0, pay.MsgAmountTooLow},
	}
	for _, tt := range tests {
		pence, problem := ParseLinkAmount(tt.in)
		if msg := problem.Message(""); pence != tt.pence || msg != tt.msg {
			t.Errorf("ParseLinkAmount(%q) = %d, %q; want %d, %q", tt.in, pence, msg, tt.pence, tt.msg)
		}
	}
}

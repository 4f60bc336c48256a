package web

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"

	"pay/internal/pay"
)

// Money is int64 pence everywhere in Pay. This file is the one place the
// pages write it as pounds and read pounds back.

// moneyStyle is one way of writing pence as pounds and pence.
type moneyStyle struct {
	minus   string // before a negative amount
	symbol  string // before the pounds
	grouped bool   // commas between thousands
}

var (
	plainPounds   = moneyStyle{minus: "-"}
	groupedPounds = moneyStyle{minus: "-", grouped: true}
	sterling      = moneyStyle{minus: "–", symbol: "£", grouped: true}
)

func (s moneyStyle) format(pence int64) string {
	sign, n := "", uint64(pence)
	if pence < 0 {
		sign, n = s.minus, -n
	}
	pounds := strconv.FormatUint(n/100, 10)
	if s.grouped {
		pounds = groupThousands(pounds)
	}
	return sign + s.symbol + pounds + "." + strconv.FormatUint(100+n%100, 10)[1:]
}

// groupThousands puts commas between groups of three digits.
func groupThousands(digits string) string {
	var b strings.Builder
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FormatCount writes a count of things as GOV.UK's style writes numbers over
// 999: 5000 → "5,000".
func FormatCount(n int) string {
	if n < 0 {
		return "-" + groupThousands(strconv.FormatUint(uint64(-int64(n)), 10))
	}
	return groupThousands(strconv.Itoa(n))
}

// FormatPounds writes pence as pounds, as the payment pages and form
// values show them: 12000 → "120.00", 123456 → "1234.56", -250 → "-2.50".
func FormatPounds(pence int64) string { return plainPounds.format(pence) }

// FormatPoundsGrouped writes pence as GOV.UK Pay's CSV does (#,##0.00):
// 123456 → "1,234.56", -500 → "-5.00".
func FormatPoundsGrouped(pence int64) string { return groupedPounds.format(pence) }

// FormatMoney writes pence as people read money: 123456 → "£1,234.56", and
// a negative amount with a dash, as GOV.UK Pay shows refunds: "–£1,234.56".
func FormatMoney(pence int64) string { return sterling.format(pence) }

// Errors of ParsePounds.
var (
	ErrNotAmount   = errors.New("not a number")
	ErrAmountForm  = errors.New("not written in pounds and pence")
	ErrAmountRange = errors.New("too large an amount")
)

// poundsAndPence is how Pay asks for an amount: whole pounds, optionally
// with a point and two digits of pence.
var poundsAndPence = regexp.MustCompile(`^\d+(\.\d{2})?$`)

// ParsePounds reads an amount typed in pounds and pence ("10", "10.50") as
// pence. It returns ErrNotAmount for text that is not a number and
// ErrAmountRange for one beyond int64 pence. For a number written another
// way ("-5", "12.5", "1e3") it returns ErrAmountForm with the amount
// rounded up to whole pence, so that a form can tell an amount out of
// range from one written wrongly.
func ParsePounds(s string) (int64, error) {
	if !poundsAndPence.MatchString(s) {
		return approxPence(s)
	}
	whole, frac, _ := strings.Cut(s, ".")
	pence, err := strconv.ParseInt(whole+frac+strings.Repeat("0", 2-len(frac)), 10, 64)
	if err != nil {
		return 0, ErrAmountRange // only digits, so only too many of them
	}
	return pence, nil
}

// approxPence reads any other number as pence, rounded up.
func approxPence(s string) (int64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		return 0, ErrNotAmount
	}
	pence := math.Ceil(f * 100)
	if pence >= math.MaxInt64 || pence <= math.MinInt64 {
		return 0, ErrAmountRange
	}
	return int64(pence), ErrAmountForm
}

// ParseLinkAmount reads an amount typed on a payment link's forms (the
// payer's amount, the admin's price) in pounds and pence, or says what is
// wrong with it, in GOV.UK Pay's order: missing, not pounds and pence,
// over £100,000, under £0.01.
func ParseLinkAmount(s string) (int64, pay.PayerProblem) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, pay.AmountMissing
	}
	pence, err := ParsePounds(s)
	switch {
	case errors.Is(err, ErrAmountRange):
		return 0, pay.AmountTooBig
	case err != nil:
		return 0, pay.AmountFormat
	}
	if p := pay.CheckAmount(pence); p != "" {
		return 0, p
	}
	return pence, ""
}

package pay

import "strings"

// Card number length limits (digits, ignoring spaces).
const (
	MinCardNumberLength = 12
	MaxCardNumberLength = 19
)

// Luhn reports whether a string of digits passes the Luhn checksum.
func Luhn(digits string) bool {
	if digits == "" {
		return false
	}
	sum := 0
	double := false
	for i := len(digits) - 1; i >= 0; i-- {
		c := digits[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// brandRange is a range of card number prefixes of one length: numbers whose
// first len(lo) digits lie between lo and hi.
type brandRange struct {
	brand  string
	lo, hi string
}

// brandRanges follows the prefix rules of the credit-card-type library that
// GOV.UK Pay's card page uses. The most specific (longest) match wins.
var brandRanges = []brandRange{
	{"visa", "4", "4"},
	{"master-card", "51", "55"},
	{"master-card", "2221", "2720"},
	{"american-express", "34", "34"},
	{"american-express", "37", "37"},
	{"diners-club", "300", "305"},
	{"diners-club", "36", "36"},
	{"diners-club", "38", "39"},
	{"discover", "6011", "6011"},
	{"discover", "644", "649"},
	{"discover", "65", "65"},
	{"jcb", "2131", "2131"},
	{"jcb", "1800", "1800"},
	{"jcb", "3528", "3589"},
	{"unionpay", "62", "62"},
	{"maestro", "493698", "493698"},
	{"maestro", "500000", "504174"},
	{"maestro", "504176", "506698"},
	{"maestro", "506779", "508999"},
	{"maestro", "56", "59"},
	{"maestro", "63", "63"},
	{"maestro", "67", "67"},
}

// DetectBrand returns the brand id of a card number (digits only), or "" if
// no brand's prefixes match.
func DetectBrand(digits string) string {
	best, bestLen := "", 0
	for _, r := range brandRanges {
		n := len(r.lo)
		if len(digits) < n || n <= bestLen {
			continue
		}
		if p := digits[:n]; p >= r.lo && p <= r.hi {
			best, bestLen = r.brand, n
		}
	}
	return best
}

// knownCardTypes gives debit or credit for the test cards of GOV.UK Pay's
// sandbox; other cards have an unknown type until a provider says.
var knownCardTypes = map[string]string{
	"4444333322221111": "credit",
	"4242424242424242": "credit",
	"5105105105105100": "credit",
	"4000056655665556": "debit",
	"4000160000000004": "debit",
	"4131840000000003": "debit",
	"4000180000000002": "debit",
	"5200828282828210": "debit",
	"222100000000000":  "credit",
	"371449635398431":  "credit",
	"3566002020360505": "credit",
	"6011000990139424": "credit",
	"36148900647913":   "credit",
	"6759649826438453": "debit",
}

// CardTypeOf returns "debit" or "credit" when Pay knows it for the number, else "".
func CardTypeOf(digits string) string { return knownCardTypes[digits] }

// NormaliseCardNumber removes the spaces and hyphens people type.
func NormaliseCardNumber(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, s)
}

// LooksLikeCardNumber reports whether s (for example a payment reference) is
// a plausible card number: 12 to 19 digits once spaces and hyphens are gone,
// Luhn-valid, with a known brand.
func LooksLikeCardNumber(s string) bool {
	d := NormaliseCardNumber(s)
	return len(d) >= MinCardNumberLength && len(d) <= MaxCardNumberLength && Luhn(d) && DetectBrand(d) != ""
}

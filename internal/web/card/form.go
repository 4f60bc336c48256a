package card

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"pay/internal/pay"
	"pay/internal/web"
)

// cardForm is what the payer typed. Field names are GOV.UK Pay's, so that
// automation written against GOV.UK Pay's pages keeps working.
type cardForm struct {
	CardNo, ExpiryMonth, ExpiryYear, CardholderName, CVC                            string
	AddressLine1, AddressLine2, AddressCity, AddressPostcode, AddressCountry, Email string
}

func readForm(r *http.Request) *cardForm {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	return &cardForm{
		CardNo: v("cardNo"), ExpiryMonth: v("expiryMonth"), ExpiryYear: v("expiryYear"),
		CardholderName: v("cardholderName"), CVC: v("cvc"),
		AddressLine1: v("addressLine1"), AddressLine2: v("addressLine2"), AddressCity: v("addressCity"),
		AddressPostcode: v("addressPostcode"), AddressCountry: v("addressCountry"), Email: v("email"),
	}
}

// fieldError is one problem: the summary links to the input and says what
// is wrong; the inline message sits at the field.
type fieldError struct {
	Field   string // form field name
	ID      string // the input's id
	Summary string
	Inline  string
}

// field describes one form field: its input id, its value, and its check,
// which returns "" when the value is fine or the reason's message key.
type field struct {
	name     string
	id       string
	value    string
	required bool
	check    func(string) string
}

// formRules are what the account asks of the form.
type formRules struct {
	settings pay.AccountSettings
	now      time.Time
}

// validate checks the form as GOV.UK Pay's card page does, in its order:
// required fields first (card number, expiry, name, CVC, email, then the
// address), optional ones after. An empty required field gets the generic
// "Enter a valid …"; a wrong one the specific reason. Month and year are
// checked together, as the expiry date.
func (f *cardForm) validate(rules formRules, l web.Locale) []fieldError {
	fields := []field{
		{"cardNo", "card-no", f.CardNo, true, func(v string) string { return checkCardNumber(v, rules.settings, l) }},
		{"expiryMonth", "expiry-month", f.ExpiryMonth + f.ExpiryYear, true, func(string) string { return f.checkExpiry(rules.now) }},
		{"cardholderName", "cardholder-name", f.CardholderName, true, checkName},
		{"cvc", "cvc", f.CVC, true, checkCVC},
	}
	if rules.settings.EmailCollection == pay.EmailMandatory || (rules.settings.EmailCollection == pay.EmailOptional && f.Email != "") {
		fields = append(fields, field{"email", "email", f.Email, true, checkEmail})
	}
	if rules.settings.CollectBillingAddress {
		fields = append(fields,
			field{"addressLine1", "address-line-1", f.AddressLine1, true, checkAddressLine},
			field{"addressCity", "address-city", f.AddressCity, true, checkAddressLine},
			field{"addressPostcode", "address-postcode", f.AddressPostcode, true, func(v string) string { return checkPostcode(v, f.AddressCountry) }},
			field{"addressCountry", "address-country", f.AddressCountry, true, checkCountry},
			field{"addressLine2", "address-line-2", f.AddressLine2, false, checkAddressLine},
		)
	}
	var errs []fieldError
	for _, fd := range fields {
		if e, ok := fd.problem(l); ok {
			errs = append(errs, e)
		}
	}
	return errs
}

// problem returns the field's error, if it has one. A value that is not
// text (a NUL character, bytes that are not UTF-8) gets the generic
// "Enter a valid …", like an empty one: no check could accept it.
func (fd field) problem(l web.Locale) (fieldError, bool) {
	if fd.value == "" && !fd.required {
		return fieldError{}, false
	}
	text := pay.ValidText(fd.value)
	reason := ""
	if fd.value != "" && text && fd.check != nil {
		reason = fd.check(fd.value)
	}
	if fd.value != "" && text && reason == "" {
		return fieldError{}, false
	}
	msgKey := "fieldErrors.fields." + fd.name
	e := fieldError{Field: fd.name, ID: fd.id, Inline: l.T(msgKey + ".message")}
	switch {
	case fd.value == "" || !text:
		e.Summary = l.T("fieldErrors.generic", l.T(msgKey+".name"))
	case strings.HasPrefix(reason, "!"): // an already-written message
		e.Summary = reason[1:]
	default:
		e.Summary = l.T(msgKey + "." + reason)
	}
	return e, true
}

var digitsAndSpaces = regexp.MustCompile(`^[0-9 ]+$`)

// checkCardNumber: digits and spaces only, 12 to 19 digits, Luhn, a brand the
// account accepts, and the card's debit/credit type when Pay knows it.
func checkCardNumber(v string, s pay.AccountSettings, l web.Locale) string {
	if !digitsAndSpaces.MatchString(v) {
		return "message"
	}
	digits := strings.ReplaceAll(v, " ", "")
	switch {
	case len(digits) < pay.MinCardNumberLength || len(digits) > pay.MaxCardNumberLength:
		return "numberIncorrectLength"
	case !pay.Luhn(digits):
		return "message"
	}
	brand := pay.DetectBrand(digits)
	if brand == "" || !s.AcceptsCard(brand, "") {
		return "cardNotSupported"
	}
	switch t := pay.CardTypeOf(digits); {
	case t == "debit" && !s.AcceptsCard(brand, t):
		return "!" + l.T("fieldErrors.fields.cardNo.unsupportedDebitCard", pay.BrandLabel(brand))
	case t == "credit" && !s.AcceptsCard(brand, t):
		return "!" + l.T("fieldErrors.fields.cardNo.unsupportedCreditCard", pay.BrandLabel(brand))
	}
	return ""
}

var (
	monthPattern = regexp.MustCompile(`^(0?[1-9]|1[0-2])$`)
	yearPattern  = regexp.MustCompile(`^([0-9]{2}|[1-9][0-9]{3})$`)
)

// checkExpiry checks month and year together.
func (f *cardForm) checkExpiry(now time.Time) string {
	month, year, reason := f.expiry()
	if reason != "" {
		return reason
	}
	if year < now.Year() || (year == now.Year() && month < int(now.Month())) {
		return "inThePast"
	}
	return ""
}

// expiry returns the month and four-digit year, or why they do not parse.
func (f *cardForm) expiry() (month, year int, reason string) {
	if f.ExpiryMonth == "" || f.ExpiryYear == "" || !monthPattern.MatchString(f.ExpiryMonth) || !yearPattern.MatchString(f.ExpiryYear) {
		return 0, 0, "message"
	}
	month, _ = strconv.Atoi(f.ExpiryMonth)
	year, _ = strconv.Atoi(f.ExpiryYear)
	if year < 100 {
		year += 2000
	}
	if year > 2099 {
		return 0, 0, "message"
	}
	return month, year, ""
}

func checkCVC(v string) string {
	n := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	if n != 3 && n != 4 {
		return "message"
	}
	return ""
}

// tooManyDigits spots a card number typed into the wrong field.
func tooManyDigits(v string) bool {
	n := 0
	for _, r := range v {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n > 11
}

var suspectedCVC = regexp.MustCompile(`^\s*[0-9]{3,4}\s*$`)

func checkName(v string) string {
	if tooManyDigits(v) || suspectedCVC.MatchString(v) || utf8.RuneCountInString(v) > 200 {
		return "message"
	}
	return ""
}

func checkAddressLine(v string) string {
	if tooManyDigits(v) || utf8.RuneCountInString(v) > 100 {
		return "message"
	}
	return ""
}

func checkPostcode(v, country string) string {
	if (country == "GB" && !web.ValidUKPostcode(v)) || tooManyDigits(v) || len(v) > 10 {
		return "message"
	}
	return ""
}

func checkCountry(v string) string {
	if !web.ValidCountry(v) {
		return "message"
	}
	return ""
}

var (
	emailLocal = regexp.MustCompile("^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+$")
	hostLabel  = regexp.MustCompile(`^(xn|[a-z0-9]+)(-?-[a-z0-9]+)*$`)
	tld        = regexp.MustCompile(`^([a-z]{2,63}|xn--([a-z0-9]+-)*[a-z0-9]+)$`)
)

// checkEmail follows GOV.UK Notify's email rules, as GOV.UK Pay's page does.
func checkEmail(v string) string {
	if len(v) > pay.MaxEmailLength || strings.Contains(v, "..") {
		return "message"
	}
	at := strings.LastIndex(v, "@")
	if at < 1 || !emailLocal.MatchString(v[:at]) {
		return "message"
	}
	domain, err := idna.ToASCII(strings.ToLower(v[at+1:]))
	if err != nil || len(domain) > 253 {
		return "message"
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 || !tld.MatchString(labels[len(labels)-1]) {
		return "message"
	}
	for _, label := range labels {
		if len(label) == 0 || len(label) >= 63 || !hostLabel.MatchString(label) {
			return "message"
		}
	}
	return ""
}

// forget blanks any field that looks like a card number typed in the wrong
// place, so that it is not shown again. The card number and security code
// themselves go back to the payer who typed them, as GOV.UK Pay's page does,
// in the answer to their own request: they are never stored.
func (f *cardForm) forget() {
	for _, v := range []*string{&f.CardholderName, &f.AddressLine1, &f.AddressLine2, &f.AddressCity, &f.AddressPostcode, &f.Email} {
		if tooManyDigits(*v) {
			*v = ""
		}
	}
}

// card turns a valid form into the card for the provider.
func (f *cardForm) card(collectAddress bool) *pay.Card {
	digits := strings.ReplaceAll(f.CardNo, " ", "")
	month, year, _ := f.expiry()
	c := &pay.Card{Number: digits, CVC: f.CVC, ExpiryMonth: month, ExpiryYear: year, CardholderName: f.CardholderName,
		Brand: pay.DetectBrand(digits), CardType: pay.CardTypeOf(digits)}
	if collectAddress {
		c.BillingAddress = pay.Address{Line1: f.AddressLine1, Line2: f.AddressLine2, City: f.AddressCity,
			Postcode: f.AddressPostcode, Country: f.AddressCountry}
	}
	return c
}

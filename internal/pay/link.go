package pay

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// Payment link limits (GOV.UK Pay's products and selfservice).
const (
	LinkMaxTitle          = 230
	LinkMaxDetails        = 5000
	LinkMaxReferenceLabel = 50
	LinkMaxHint           = 255
	LinkMaxColumns        = MetadataMaxPairs
	LinkReferenceLength   = 10
	linkStartAttempts     = 5 // generated references tried before giving up
)

// LinkStatus says whether payers can use a link.
type LinkStatus string

const (
	LinkActive   LinkStatus = "ACTIVE"
	LinkInactive LinkStatus = "INACTIVE"
)

// Link is a payment link: a page a service makes in the admin site (or with
// the CLI) through which payers start ordinary payments of the account.
type Link struct {
	ID             string // 32 hex characters, as GOV.UK Pay's product external ids
	AccountID      int64
	ServiceSlug    string // the service's part of the friendly address
	Slug           string // the link's part, made from the title
	Title          string
	Details        string
	Language       Language
	ReferenceLabel string // "": Pay generates each payment's reference
	ReferenceHint  string
	Amount         int64 // pence; 0: the payer chooses the amount
	AmountHint     string
	Metadata       Metadata // reporting columns every payment of the link carries
	Status         LinkStatus
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// OwnReference reports whether the payer enters the reference.
func (l *Link) OwnReference() bool { return l.ReferenceLabel != "" }

// FixedAmount reports whether the link has a price.
func (l *Link) FixedAmount() bool { return l.Amount > 0 }

// Active reports whether payers may use the link.
func (l *Link) Active() bool { return l.Status == LinkActive }

// FriendlyPath is the link's friendly address, under the public URL.
func (l *Link) FriendlyPath() string { return "/redirect/" + l.ServiceSlug + "/" + l.Slug }

// LinkPayment ties a payment to the link it was made through. A generated
// reference is unique in its account: the database refuses a second one.
type LinkPayment struct {
	PaymentID string
	LinkID    string
	AccountID int64
	Reference string
	Generated bool
}

// FieldError is one problem with one form field, in GOV.UK Pay's words.
type FieldError struct {
	Field   string
	Message string
}

// FieldErrors are the problems of a form, in the order of its fields.
type FieldErrors []FieldError

func (e FieldErrors) Error() string {
	msgs := make([]string, len(e))
	for i, f := range e {
		msgs[i] = f.Field + ": " + f.Message
	}
	return strings.Join(msgs, "; ")
}

// Message returns the message for field, or "".
func (e FieldErrors) Message(field string) string {
	for _, f := range e {
		if f.Field == field {
			return f.Message
		}
	}
	return ""
}

// asInvalid wraps problems as an invalid-input error; nil if there are none.
func (e FieldErrors) asInvalid() error {
	if len(e) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Field: e[0].Field, Message: e[0].Message, Err: e}
}

// Link form fields, named as GOV.UK Pay's forms name them.
const (
	FieldTitle          = "name"
	FieldDetails        = "description"
	FieldReferenceLabel = "referenceLabel"
	FieldReferenceHint  = "referenceHint"
	FieldAmount         = "payment-amount"
	FieldAmountHint     = "amountHint"
	FieldColumnHeader   = "reportingColumn"
	FieldColumnValue    = "cellContent"
	FieldSlug           = "paymentLinkPath"
)

// MsgSlugTaken is the answer when another link has the same address.
const MsgSlugTaken = "The website address is already taken"

// ValidateLink checks a link's answers as the admin site's forms do and
// returns every problem as FieldErrors (wrapped in an invalid *Error).
func ValidateLink(l *Link) error {
	var fe FieldErrors
	add := func(field, msg string) { fe = append(fe, FieldError{field, msg}) }
	if msg := checkLinkText(l.Title, LinkMaxTitle, true, "Enter a title",
		"Title must be 230 characters or fewer", "Title"); msg != "" {
		add(FieldTitle, msg)
	}
	if msg := checkLinkText(l.Details, LinkMaxDetails, false, "",
		"Details must be less than 5000 characters", "Details"); msg != "" {
		add(FieldDetails, msg)
	}
	if l.Language != LanguageEnglish && l.Language != LanguageWelsh {
		add("language", "Select English or Welsh")
	}
	fe = append(fe, checkLinkReference(l)...)
	fe = append(fe, checkLinkAmount(l)...)
	fe = append(fe, CheckLinkColumns(l.Metadata)...)
	return fe.asInvalid()
}

// checkLinkText checks a trimmed text answer's presence, length and the
// characters GOV.UK Pay's forms refuse; "" when it is fine.
func checkLinkText(s string, max int, required bool, missing, tooLong, name string) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		return missing
	case javaLength(s) > max:
		return tooLong
	case strings.ContainsAny(s, "<>|"):
		return "You cannot use any of the following characters < > | in the " + name
	}
	return ""
}

func checkLinkReference(l *Link) FieldErrors {
	var fe FieldErrors
	if l.ReferenceLabel == "" {
		return nil
	}
	if msg := checkLinkText(l.ReferenceLabel, LinkMaxReferenceLabel, true, "Please enter a reference",
		"Reference must be be 50 characters or fewer", "Reference"); msg != "" {
		fe = append(fe, FieldError{FieldReferenceLabel, msg})
	}
	if msg := checkLinkText(l.ReferenceHint, LinkMaxHint, false, "",
		"Hint text must be be 255 characters or fewer", "Reference Hint"); msg != "" {
		fe = append(fe, FieldError{FieldReferenceHint, msg})
	}
	return fe
}

func checkLinkAmount(l *Link) FieldErrors {
	switch {
	case l.Amount < 0 || l.Amount > MaxAmount:
		return FieldErrors{{FieldAmount, MsgAmountTooBig}}
	case l.Amount > 0:
		return nil
	}
	if msg := checkLinkText(l.AmountHint, LinkMaxHint, false, "",
		"Hint text must be be 255 characters or fewer", "Amount Hint"); msg != "" {
		return FieldErrors{{FieldAmountHint, msg}}
	}
	return nil
}

// CheckLinkColumns checks reporting columns: at most 15, each header 1 to 30
// characters and each value 1 to 100.
func CheckLinkColumns(m Metadata) FieldErrors {
	if len(m) > LinkMaxColumns {
		return FieldErrors{{FieldColumnHeader, MsgTooManyColumns}}
	}
	for k, v := range m {
		if msg := CheckLinkColumn(k, fmt.Sprint(v)); msg != nil {
			return msg
		}
	}
	return nil
}

// MsgTooManyColumns is the answer to a 16th reporting column.
const MsgTooManyColumns = "You have already set 15 reporting columns for this payment link, remove one to set another"

// CheckLinkColumn checks one reporting column's header and value.
func CheckLinkColumn(header, value string) FieldErrors {
	var fe FieldErrors
	switch header = strings.TrimSpace(header); {
	case header == "":
		fe = append(fe, FieldError{FieldColumnHeader, "Enter the column header"})
	case javaLength(header) > MetadataMaxKeyLength:
		fe = append(fe, FieldError{FieldColumnHeader, "Column header must be 30 characters or fewer"})
	}
	switch value = strings.TrimSpace(value); {
	case value == "":
		fe = append(fe, FieldError{FieldColumnValue, "Enter the cell content"})
	case javaLength(value) > MetadataMaxValueLen:
		fe = append(fe, FieldError{FieldColumnValue, "Cell content must be 100 characters or fewer"})
	}
	return fe
}

// PayerProblem is what is wrong with an answer on a payer's (or the
// admin's) amount or reference field. Its value names the text in the
// payer pages' locales; Message gives GOV.UK Pay's English.
type PayerProblem string

// The problems of amounts and payers' references.
const (
	AmountMissing      PayerProblem = "enterAnAmountInPounds"
	AmountFormat       PayerProblem = "enterAnAmountInTheCorrectFormat"
	AmountTooBig       PayerProblem = "enterAnAmountUnderMaxAmount"
	AmountTooLow       PayerProblem = "enterANonZeroAmountInPounds"
	AmountBelowStripe  PayerProblem = "amountBelowMinimum"
	ReferenceMissing   PayerProblem = "enterAReference"
	ReferenceTooLong   PayerProblem = "referenceTooLong"
	ReferenceBadChars  PayerProblem = "referenceCantUseInvalidChars"
	ReferenceIsCardNum PayerProblem = "referenceIsCardNumber"
)

// Amount messages of the payer's and the admin's amount fields.
const (
	MsgAmountMissing = "Enter an amount of money to pay"
	MsgAmountFormat  = "Enter an amount in pounds and pence using digits and a decimal point, like 123.45 or 156.00"
	MsgAmountTooBig  = "Enter an amount that is £100,000 or less"
	MsgAmountTooLow  = "Amount must be £0.01 or more"
	MsgAmountStripe  = "Amount must be £0.30 or more"
)

var payerMessages = map[PayerProblem]string{
	AmountMissing: MsgAmountMissing, AmountFormat: MsgAmountFormat, AmountTooBig: MsgAmountTooBig,
	AmountTooLow: MsgAmountTooLow, AmountBelowStripe: MsgAmountStripe,
	ReferenceMissing:   "You must enter your %s",
	ReferenceTooLong:   "%s must be 255 characters or fewer",
	ReferenceBadChars:  "%s must not include any of the following characters < > ; : ` ( ) \" = | \",\" ~ [ ]",
	ReferenceIsCardNum: "%s must not be a card number",
}

// Message is the problem in GOV.UK Pay's English; label (the link's name
// for the reference) fills the reference messages.
func (p PayerProblem) Message(label string) string {
	msg := payerMessages[p]
	if strings.Contains(msg, "%s") {
		return fmt.Sprintf(msg, label)
	}
	return msg
}

// CheckAmount checks an amount in pence against GOV.UK Pay's limits for
// payment links: £0.01 to £100,000.
func CheckAmount(v int64) PayerProblem {
	_, p := checkLinkPence(v)
	return p
}

func checkLinkPence(v int64) (int64, PayerProblem) {
	switch {
	case v > MaxAmount:
		return 0, AmountTooBig
	case v < 1:
		return 0, AmountTooLow
	}
	return v, ""
}

// CheckPayerAmount checks an amount a payer chose against the account's
// provider: Stripe takes nothing under 30p.
func CheckPayerAmount(acct *Account, amount int64) PayerProblem {
	if acct.Provider == ProviderStripe && amount < StripeMinimumAmount {
		return AmountBelowStripe
	}
	return ""
}

// Prefill messages: the answer to a bad ?reference= or ?amount= (400).
const (
	MsgPrefillReference = "Reference must be 255 characters or fewer. You cannot use any of the following characters < > ; : ` ( ) \" = | \",\" ~ [ ]"
	MsgPrefillAmount    = "The payment amount cannot be less than £0.01 and it cannot be more than £100,000 ."
)

var digitsOnly = regexp.MustCompile(`^[0-9]{1,9}$`)

// ParsePrefillAmount reads ?amount= (pence); ok is false for anything but
// 1 to 10,000,000.
func ParsePrefillAmount(s string) (int64, bool) {
	if !digitsOnly.MatchString(s) {
		return 0, false
	}
	var v int64
	fmt.Sscan(s, &v)
	v, problem := checkLinkPence(v)
	return v, problem == ""
}

// payerReferenceChars are the characters a payer's reference may not hold.
const payerReferenceChars = "<>;:`()\"=|,~[]"

// CheckPayerReference checks the reference a payer typed; "" if it is fine.
func CheckPayerReference(ref string) PayerProblem {
	ref = strings.TrimSpace(ref)
	switch {
	case ref == "":
		return ReferenceMissing
	case javaLength(ref) > MaxReferenceLength:
		return ReferenceTooLong
	case strings.ContainsAny(ref, payerReferenceChars):
		return ReferenceBadChars
	case LooksLikeCardNumber(ref):
		return ReferenceIsCardNum
	}
	return ""
}

// ValidPrefillReference reports whether ?reference= may pre-fill a link.
func ValidPrefillReference(ref string) bool {
	return ref != "" && javaLength(ref) <= MaxReferenceLength && !strings.ContainsAny(ref, payerReferenceChars)
}

// Slugify makes a web address part from a title: lower-case letters and
// digits, words joined by hyphens.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) > LinkMaxTitle {
		out = strings.TrimRight(out[:LinkMaxTitle], "-")
	}
	return out
}

// GOV.UK Pay's generated references: ten characters of referenceAlphabet,
// with digits at positions 2, 6 (and every fourth after), which keeps them
// easy to read out.
const (
	referenceAlphabet = "ABCSDEFGHJKLMNPQRSTUVWXYZ23456789"
	referenceDigits   = "23456789"
)

// NewLinkReference returns a random payment reference in GOV.UK Pay's form.
func NewLinkReference() string {
	b := make([]byte, LinkReferenceLength)
	for i := range b {
		set := referenceAlphabet
		if i%4 == 2 {
			set = referenceDigits
		}
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(set))))
		b[i] = set[n.Int64()]
	}
	return string(b)
}

// NewLinkID returns a new link id: 32 hex characters.
func NewLinkID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ValidLinkID reports whether s could be a link id.
func ValidLinkID(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

// errReferenceTaken says a generated reference is already the account's.
var errReferenceTaken = errors.New("generated reference already used in the account")

// Links is the domain's payment-link service: the admin site and the CLI
// change links through it, and the payer's pages start payments with it.
type Links struct {
	Store    Store
	Payments *Payments
	// PublicURL is where payers reach Pay; payments of a link return to
	// PublicURL + /payment-complete/{paymentId}.
	PublicURL string
	// NewReference makes generated references; nil is NewLinkReference.
	NewReference func() string
}

// Create validates a new link of the account and stores it, active, with
// a new id and an address made from its title. Invalid with FieldErrors for
// bad answers; invalid with MsgSlugTaken (field FieldSlug) when another link
// of the service has the same address.
func (s *Links) Create(ctx context.Context, acct *Account, l *Link) error {
	l.ID, l.AccountID, l.Status = NewLinkID(), acct.ID, LinkActive
	l.ServiceSlug = Slugify(acct.ServiceName)
	if err := s.prepare(l, acct); err != nil {
		return err
	}
	return slugTaken(s.Store.LinkInsert(ctx, l))
}

// Update stores a link's changed answers, validated as Create's; its address
// follows a changed title. Not found if the account has no such link.
func (s *Links) Update(ctx context.Context, l *Link) error {
	acct, err := s.Store.AccountGet(ctx, l.AccountID)
	if err != nil {
		return err
	}
	if err := s.prepare(l, acct); err != nil {
		return err
	}
	return slugTaken(s.Store.LinkUpdate(ctx, l))
}

// prepare tidies a link's answers, checks them (a price, against the
// account's provider too) and makes its address from the title.
func (s *Links) prepare(l *Link, acct *Account) error {
	l.Title, l.Details = strings.TrimSpace(l.Title), strings.TrimSpace(l.Details)
	l.ReferenceLabel, l.ReferenceHint = strings.TrimSpace(l.ReferenceLabel), strings.TrimSpace(l.ReferenceHint)
	l.AmountHint = strings.TrimSpace(l.AmountHint)
	if !l.OwnReference() {
		l.ReferenceHint = "" // a hint for a reference the payer never types
	}
	if l.Language == "" {
		l.Language = LanguageEnglish
	}
	if err := ValidateLink(l); err != nil {
		return err
	}
	if p := CheckPayerAmount(acct, l.Amount); l.FixedAmount() && p != "" {
		return FieldErrors{{FieldAmount, p.Message("")}}.asInvalid()
	}
	if l.Slug = Slugify(l.Title); l.Slug == "" {
		return FieldErrors{{FieldTitle, "Title must contain letters or numbers"}}.asInvalid()
	}
	return nil
}

// slugTaken turns the store's conflict on a link's address into the form's answer.
func slugTaken(err error) error {
	if IsKind(err, KindConflict) {
		return FieldErrors{{FieldSlug, MsgSlugTaken}}.asInvalid()
	}
	return err
}

// SetStatus activates or deactivates a link of the account; payers of an
// inactive link are told it is no longer available. Not found if the
// account has no such link.
func (s *Links) SetStatus(ctx context.Context, accountID int64, id string, status LinkStatus) error {
	l, err := s.Get(ctx, accountID, id)
	if err != nil {
		return err
	}
	l.Status = status
	return s.Store.LinkUpdate(ctx, l)
}

// Delete removes a link of the account; its payments stay. Not found if the
// account has no such link.
func (s *Links) Delete(ctx context.Context, accountID int64, id string) error {
	if !ValidLinkID(id) {
		return ErrNotFound("payment link")
	}
	return s.Store.LinkDelete(ctx, accountID, id)
}

// Get returns a link of the account (any account for 0); not found if there
// is none.
func (s *Links) Get(ctx context.Context, accountID int64, id string) (*Link, error) {
	if !ValidLinkID(id) {
		return nil, ErrNotFound("payment link")
	}
	return s.Store.LinkGet(ctx, accountID, id)
}

// Start creates the payment of a payer of an active link: an ordinary
// payment of the link's account through Payments.Create, with the link as
// its source, the link's title, language and reporting columns, and the
// payment-complete page as its return URL. reference is the payer's (it
// must pass CheckPayerReference) or, for links whose reference Pay makes,
// ignored; amount is the link's price or the payer's. Not found if the link
// is inactive; Payments.Create's errors otherwise.
func (s *Links) Start(ctx context.Context, l *Link, reference string, amount int64) (*Created, error) {
	if !l.Active() {
		return nil, ErrNotFound("payment link")
	}
	acct, err := s.Store.AccountGet(ctx, l.AccountID)
	if err != nil {
		return nil, err
	}
	if l.FixedAmount() {
		amount = l.Amount
	}
	if !l.OwnReference() {
		return s.startGenerated(ctx, acct, l, amount)
	}
	if p := CheckPayerReference(reference); p != "" {
		return nil, FieldErrors{{"reference", p.Message(l.ReferenceLabel)}}.asInvalid()
	}
	return s.Payments.Create(ctx, acct, s.request(l, strings.TrimSpace(reference), amount, false))
}

// startGenerated tries fresh references until one is the account's own:
// the database's unique index decides, so two payers never share one.
func (s *Links) startGenerated(ctx context.Context, acct *Account, l *Link, amount int64) (*Created, error) {
	gen := s.NewReference
	if gen == nil {
		gen = NewLinkReference
	}
	for range linkStartAttempts {
		c, err := s.Payments.Create(ctx, acct, s.request(l, gen(), amount, true))
		if !errors.Is(err, errReferenceTaken) {
			return c, err
		}
	}
	return nil, Errorf(KindInternal, "no free payment reference after %d attempts", linkStartAttempts)
}

func (s *Links) request(l *Link, reference string, amount int64, generated bool) *CreatePaymentRequest {
	id := NewID()
	returnURL := strings.TrimRight(s.PublicURL, "/") + "/payment-complete/" + id
	return &CreatePaymentRequest{
		ID: id, Amount: amount, Reference: reference, Description: l.Title,
		ReturnURL: &returnURL, Language: l.Language, Metadata: l.Metadata,
		Source: SourcePaymentLink, AuthorisationMode: ModeWeb,
		Link: &LinkPayment{PaymentID: id, LinkID: l.ID, AccountID: l.AccountID, Reference: reference, Generated: generated},
	}
}

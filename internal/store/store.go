// Package store holds what the SQLite and PostgreSQL stores share: the
// interface both implement, the conversion between rows and domain types and
// small query builders. Each engine writes its own SQL; only helpers live
// here.
package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"pay/internal/pay"
	"pay/internal/team"
)

// Store is what each engine is: the payments side's store and the team's,
// and UpdateAll, which runs a change that writes to both in one transaction
// (first-start setup).
type Store interface {
	pay.Store
	team.Store
	UpdateAll(ctx context.Context, fn func(pay.Tx, team.Tx) error) error
}

// Codec says how an engine stores the values the engines disagree on.
type Codec interface {
	// Time returns a scan destination that fills t.
	Time(t *time.Time) any
	// NullTime returns a scan destination that fills t, nil for NULL.
	NullTime(t **time.Time) any
	// TimeArg returns t as a query argument.
	TimeArg(t time.Time) any
	// NullTimeArg returns t as a query argument, NULL for nil.
	NullTimeArg(t *time.Time) any
	// Placeholder returns the n-th (from 1) argument placeholder.
	Placeholder(n int) string
}

// PaymentColumns lists the payments table's columns in the order ScanPayment
// reads them and PaymentArgs writes them.
var PaymentColumns = []string{
	"id", "account_id", "amount", "reference", "description", "return_url", "email", "language",
	"delayed_capture", "moto", "authorisation_mode", "source", "metadata", "status", "provider", "provider_id",
	"card_first_digits", "card_last_digits", "cardholder_name", "card_expiry", "card_brand", "card_type", "wallet_type",
	"address_line1", "address_line2", "address_city", "address_postcode", "address_country",
	"agreement_id", "set_up_agreement", "agreement_payment_type", "three_ds_required", "can_retry",
	"corporate_surcharge", "fee", "refunded_amount",
	"created_at", "updated_at", "capture_submitted_at", "captured_at", "settled_at",
	"dispute_status",
}

// PaymentSelect is the column list for SELECTs, with an optional table alias.
func PaymentSelect(alias string) string {
	if alias == "" {
		return strings.Join(PaymentColumns, ", ")
	}
	cols := make([]string, len(PaymentColumns))
	for i, c := range PaymentColumns {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

// ScanPayment reads one row of PaymentColumns.
func ScanPayment(scan func(dest ...any) error, c Codec) (*pay.Payment, error) {
	var p pay.Payment
	var metadata *string
	var canRetry *bool
	err := scan(&p.ID, &p.AccountID, &p.Amount, &p.Reference, &p.Description, &p.ReturnURL, &p.Email, &p.Language,
		&p.DelayedCapture, &p.Moto, &p.AuthorisationMode, &p.Source, &metadata, &p.Status, &p.Provider, &p.ProviderID,
		&p.Card.FirstDigits, &p.Card.LastDigits, &p.Card.CardholderName, &p.Card.ExpiryDate, &p.Card.Brand, &p.Card.CardType, &p.Card.WalletType,
		&p.Card.BillingAddress.Line1, &p.Card.BillingAddress.Line2, &p.Card.BillingAddress.City, &p.Card.BillingAddress.Postcode, &p.Card.BillingAddress.Country,
		&p.AgreementID, &p.SetUpAgreement, &p.AgreementPaymentType, &p.ThreeDSRequired, &canRetry,
		&p.CorporateSurcharge, &p.Fee, &p.RefundedAmount,
		c.Time(&p.CreatedAt), c.Time(&p.UpdatedAt), c.NullTime(&p.CaptureSubmittedAt), c.NullTime(&p.CapturedAt), c.NullTime(&p.SettledAt),
		&p.DisputeStatus)
	if err != nil {
		return nil, err
	}
	p.CanRetry = canRetry
	if metadata != nil {
		if p.Metadata, err = decodeMetadata(*metadata); err != nil {
			return nil, fmt.Errorf("payment %s: %w", p.ID, err)
		}
	}
	return &p, nil
}

// PaymentArgs returns p's values in PaymentColumns order.
func PaymentArgs(p *pay.Payment, c Codec) []any {
	var metadata *string
	if len(p.Metadata) > 0 {
		s := EncodeJSON(p.Metadata)
		metadata = &s
	}
	return []any{p.ID, p.AccountID, p.Amount, p.Reference, p.Description, p.ReturnURL, p.Email, string(p.Language),
		p.DelayedCapture, p.Moto, string(p.AuthorisationMode), string(p.Source), metadata, string(p.Status), p.Provider, p.ProviderID,
		p.Card.FirstDigits, p.Card.LastDigits, p.Card.CardholderName, p.Card.ExpiryDate, p.Card.Brand, p.Card.CardType, p.Card.WalletType,
		p.Card.BillingAddress.Line1, p.Card.BillingAddress.Line2, p.Card.BillingAddress.City, p.Card.BillingAddress.Postcode, p.Card.BillingAddress.Country,
		p.AgreementID, p.SetUpAgreement, string(p.AgreementPaymentType), p.ThreeDSRequired, p.CanRetry,
		p.CorporateSurcharge, p.Fee, p.RefundedAmount,
		c.TimeArg(p.CreatedAt), c.TimeArg(p.UpdatedAt), c.NullTimeArg(p.CaptureSubmittedAt), c.NullTimeArg(p.CapturedAt), c.NullTimeArg(p.SettledAt),
		string(p.DisputeStatus)}
}

// Placeholders returns n placeholders from the first, comma-separated.
func Placeholders(c Codec, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = c.Placeholder(i + 1)
	}
	return strings.Join(ph, ", ")
}

// SetList returns "col1 = ph(from), col2 = ph(from+1), …" for an UPDATE.
func SetList(c Codec, cols []string, from int) string {
	parts := make([]string, len(cols))
	for i, col := range cols {
		parts[i] = col + " = " + c.Placeholder(from+i)
	}
	return strings.Join(parts, ", ")
}

// EncodeJSON marshals v, which must be a value that always marshals.
func EncodeJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic("store: cannot encode " + fmt.Sprintf("%T", v) + ": " + err.Error())
	}
	return string(b)
}

// decodeMetadata reads stored metadata, keeping numbers exactly as written.
func decodeMetadata(s string) (pay.Metadata, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m pay.Metadata
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode metadata: %w", err)
	}
	return m, nil
}

// DecodeSettings reads stored account settings over the defaults, so a
// setting added later reads as its default on old rows. Accounts are read on
// every API request and card page while their settings rarely change, so each
// stored text is decoded once and kept (settingsCache); a change is a new
// text, so it takes effect at once. The caller may change what it gets.
func DecodeSettings(s string) (pay.AccountSettings, error) {
	if v, ok := settingsCache.Load(s); ok {
		return cloneSettings(v.(pay.AccountSettings)), nil
	}
	settings := pay.DefaultAccountSettings()
	if err := json.Unmarshal([]byte(s), &settings); err != nil {
		return settings, fmt.Errorf("decode account settings: %w", err)
	}
	if settingsCached.Add(1) > maxCachedSettings {
		// Old texts are dead weight after changes; start again rather than track age.
		settingsCache.Clear()
		settingsCached.Store(1)
	}
	settingsCache.Store(s, cloneSettings(settings))
	return settings, nil
}

// settingsCache maps stored settings texts to their decoded settings, shared
// by every store, as the texts alone decide the result.
var (
	settingsCache  sync.Map
	settingsCached atomic.Int64
)

// maxCachedSettings bounds the cache: far more than the accounts of one Pay.
const maxCachedSettings = 1024

// cloneSettings copies s deep enough that changing the copy leaves s alone.
func cloneSettings(s pay.AccountSettings) pay.AccountSettings {
	s.CardTypes = slices.Clone(s.CardTypes)
	return s
}

// likeEscape escapes the LIKE wildcards in s; use with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Where collects the conditions and arguments of a query.
type Where struct {
	c     Codec
	conds []string
	Args  []any
}

// newWhere starts an empty WHERE clause; its placeholders continue after args.
func newWhere(c Codec, args ...any) *Where { return &Where{c: c, Args: args} }

// Add appends a condition; each "?" in cond is replaced by the next placeholder.
func (w *Where) Add(cond string, args ...any) {
	var b strings.Builder
	for _, r := range cond {
		if r == '?' {
			w.Args = append(w.Args, args[0])
			args = args[1:]
			b.WriteString(w.c.Placeholder(len(w.Args)))
			continue
		}
		b.WriteRune(r)
	}
	w.conds = append(w.conds, b.String())
}

// In appends "col IN (…)" for the values.
func (w *Where) In(col string, values []any) {
	ph := make([]string, len(values))
	for i, v := range values {
		ph[i] = w.Next(v)
	}
	w.conds = append(w.conds, col+" IN ("+strings.Join(ph, ", ")+")")
}

// String returns "WHERE a AND b", or "" when there are no conditions.
func (w *Where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return "WHERE " + strings.Join(w.conds, " AND ")
}

// Next returns the placeholder for the next argument and appends it.
func (w *Where) Next(arg any) string {
	w.Args = append(w.Args, arg)
	return w.c.Placeholder(len(w.Args))
}

// PaymentSearchWhere builds the WHERE clause of a payment search. Both
// engines index payments by (account_id, created_at).
func PaymentSearchWhere(s *pay.PaymentSearch, c Codec) *Where {
	w := newWhere(c)
	addPaymentFilters(w, s, "")
	addStatuses(w, "status", s.Statuses)
	addTimeRange(w, "created_at", s.FromDate, s.ToDate)
	return w
}

// PaymentCountByStatus returns the account and statuses of a search that
// filters payments by nothing else, whose total is then a sum of counts per
// account and status (all statuses for none); ok is false for any other
// search. The search's own WHERE without its statuses decides, so a filter
// added later can never be silently left out of such a total.
func PaymentCountByStatus(s *pay.PaymentSearch, c Codec) (accountID int64, statuses []pay.Status, ok bool) {
	rest := *s
	rest.Statuses = nil
	account := newWhere(c)
	account.Add("account_id = ?", s.AccountID)
	if PaymentSearchWhere(&rest, c).String() != account.String() {
		return 0, nil, false
	}
	return s.AccountID, s.Statuses, true
}

// addPaymentFilters adds to w the filters that describe a payment (all but
// its status and creation date) on columns with the given prefix, "" or a
// table alias such as "p.".
func addPaymentFilters(w *Where, s *pay.PaymentSearch, prefix string) {
	w.Add(prefix+"account_id = ?", s.AccountID)
	if s.Reference != "" {
		w.Add("lower("+prefix+"reference) = lower(?)", s.Reference)
	}
	addContains(w, prefix, "email", s.Email)
	if s.CardBrand != "" {
		w.In(prefix+"card_brand", brandIDs(s.CardBrand))
	}
	if len(s.CardBrands) > 0 {
		w.In(prefix+"card_brand", anyList(s.CardBrands))
	}
	addContains(w, prefix, "cardholder_name", s.CardholderName)
	if s.FirstDigits != "" {
		w.Add(prefix+"card_first_digits = ?", s.FirstDigits)
	}
	if s.LastDigits != "" {
		w.Add(prefix+"card_last_digits = ?", s.LastDigits)
	}
	if s.AgreementID != "" {
		w.Add(prefix+"agreement_id = ?", s.AgreementID)
	}
	addDayRange(w, prefix+"settled_at", s.FromSettled, s.ToSettled)
}

// SubstringIndex is a Codec whose engine indexes the substrings of payment
// columns in a table of its own (SQLite's FTS5 trigram table), where a
// LIKE '%…%' condition on the column alone could only scan every row.
type SubstringIndex interface {
	// Contains returns a condition with one placeholder, for a LIKE pattern
	// without escapes, that holds for at least every payment (columns
	// prefixed with prefix) whose col contains the pattern, ignoring case.
	Contains(prefix, col string) string
}

// addContains filters prefix+col to the values containing text, ignoring
// case. An engine's substring index narrows the rows first when the text
// is long enough for trigrams and has no LIKE wildcards to escape; the
// LIKE condition still decides, so both engines match the same rows.
func addContains(w *Where, prefix, col, text string) {
	if text == "" {
		return
	}
	if ix, ok := w.c.(SubstringIndex); ok && utf8.RuneCountInString(text) >= 3 && likeEscape(text) == text {
		w.Add(ix.Contains(prefix, col), "%"+text+"%")
	}
	w.Add(`lower(`+prefix+col+`) LIKE lower(?) ESCAPE '\'`, "%"+likeEscape(text)+"%")
}

// addStatuses filters col to the statuses, when there are any.
func addStatuses[S ~string](w *Where, col string, statuses []S) {
	if len(statuses) == 0 {
		return
	}
	w.In(col, anyList(statuses))
}

// ScanTransaction reads one row of a transaction query: the kind ("payment"
// or "refund"), the sort keys, the payment's PaymentColumns, then the
// refund's RefundColumns, NULL on payment rows.
func ScanTransaction(scan func(dest ...any) error, c Codec) (*pay.Transaction, error) {
	var kind, sortID string
	var sortAt time.Time
	var r pay.Refund
	var id, paymentID, status, providerID, createdBy *string
	var accountID, amount, userID *int64
	var createdAt *time.Time
	p, err := ScanPayment(func(dest ...any) error {
		all := append([]any{&kind, c.Time(&sortAt), &sortID}, dest...)
		return scan(append(all, &id, &paymentID, &accountID, &amount, &status, &providerID, &createdBy, &userID,
			c.NullTime(&createdAt), c.NullTime(&r.SettledAt))...)
	}, c)
	if err != nil {
		return nil, err
	}
	t := &pay.Transaction{Payment: p}
	if kind == "refund" && id != nil && createdAt != nil {
		r.ID, r.PaymentID, r.AccountID, r.Amount, r.Status = *id, *paymentID, *accountID, *amount, pay.RefundStatus(*status)
		r.ProviderID, r.CreatedBy, r.CreatedByUserID, r.CreatedAt = *providerID, *createdBy, *userID, *createdAt
		t.Refund = &r
	}
	return t, nil
}

// brandIDs resolves a card_brand filter to brand ids: people and clients
// type either the id ("master-card") or the label ("Mastercard"), in any case.
func brandIDs(brand string) []any {
	ids := []any{strings.ToLower(brand)}
	for _, ct := range pay.CardTypes {
		if strings.EqualFold(ct.Label, brand) && ct.Brand != ids[0] {
			ids = append(ids, ct.Brand)
			break
		}
	}
	return ids
}

// PaymentExpirableWhere builds the WHERE clause that finds payments out of
// time; both engines index payments by (status, created_at).
func PaymentExpirableWhere(q *pay.PaymentExpirableParams, c Codec) *Where {
	w := newWhere(c)
	// Unlike a search, no statuses means no payments: always filter.
	w.In("status", anyList(q.Statuses))
	w.Add("created_at < ?", c.TimeArg(q.CreatedBefore))
	w.Add("updated_at < ?", c.TimeArg(q.UpdatedBefore))
	return w
}

// AgreementColumns lists the agreements table's columns in ScanAgreement's order.
const AgreementColumns = "id, account_id, reference, description, user_identifier, status, instrument, created_at, cancelled_at"

// ScanAgreement reads one row of AgreementColumns.
func ScanAgreement(scan func(dest ...any) error, c Codec) (*pay.Agreement, error) {
	var a pay.Agreement
	var instrument *string
	if err := scan(&a.ID, &a.AccountID, &a.Reference, &a.Description, &a.UserIdentifier, &a.Status,
		&instrument, c.Time(&a.CreatedAt), c.NullTime(&a.CancelledAt)); err != nil {
		return nil, err
	}
	if instrument != nil {
		a.Instrument = new(pay.PaymentInstrument)
		if err := json.Unmarshal([]byte(*instrument), a.Instrument); err != nil {
			return nil, fmt.Errorf("agreement %s: decode instrument: %w", a.ID, err)
		}
		a.Instrument.CreatedAt = a.Instrument.CreatedAt.UTC()
	}
	return &a, nil
}

// InstrumentArg is an agreement's instrument as a query argument: JSON, or NULL.
func InstrumentArg(in *pay.PaymentInstrument) *string {
	if in == nil {
		return nil
	}
	s := EncodeJSON(in)
	return &s
}

// AgreementSearchWhere builds the WHERE clause of an agreement search.
func AgreementSearchWhere(s *pay.AgreementSearch, c Codec) *Where {
	w := newWhere(c)
	w.Add("account_id = ?", s.AccountID)
	if s.Reference != "" {
		w.Add("lower(reference) = lower(?)", s.Reference)
	}
	if s.Status != "" {
		w.Add("status = ?", string(s.Status))
	}
	return w
}

// CountUpTo returns a subquery counting the rows of from (a FROM clause and
// its conditions), reading no more than limit+1 of them when limit is above 0.
func CountUpTo(from string, limit int) string {
	if limit <= 0 {
		return `(SELECT count(*) ` + from + `)`
	}
	return fmt.Sprintf(`(SELECT count(*) FROM (SELECT 1 %s LIMIT %d) c)`, from, limit+1)
}

// LimitTotal caps a count made with CountUpTo: over the limit, the total is
// the limit and over is true.
func LimitTotal(total, limit int) (int, bool) {
	if limit > 0 && total > limit {
		return limit, true
	}
	return total, false
}

// PageTotal returns how many rows match a search when its page of n rows
// (at most size, after offset) already says so: a page with rows that is not
// full is the last one, and an empty first page means nothing matches. When
// ok is false the caller must count, as more rows may follow the page.
func PageTotal(n, size, offset int) (total int, ok bool) {
	if (n > 0 && n < size) || (n == 0 && offset == 0) {
		return offset + n, true
	}
	return 0, false
}

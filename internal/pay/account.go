package pay

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Service is an organisation's service that takes payments. It has a test
// (sandbox) account and, once it goes live, a live one.
type Service struct {
	ID         int64
	ExternalID string
	Name       string
	NameWelsh  string
	CreatedAt  time.Time
}

// AccountType is test (sandbox) or live.
type AccountType string

const (
	AccountTest AccountType = "test"
	AccountLive AccountType = "live"
)

// Provider names.
const (
	ProviderSandbox = "sandbox"
	ProviderStripe  = "stripe"
)

// Account is a gateway account: where a service's payments of one type go.
// API keys, payments and settings belong to an account.
type Account struct {
	ID               int64
	ServiceID        int64
	ServiceName      string // read with the account, for pages and emails
	ServiceNameWelsh string
	Type             AccountType
	Provider         string
	Disabled         bool
	Settings         AccountSettings
	CreatedAt        time.Time
}

// IsLive reports whether real money moves through the account.
func (a *Account) IsLive() bool { return a.Type == AccountLive }

// EmailCollection says whether the card page asks for the payer's email.
type EmailCollection string

const (
	EmailMandatory EmailCollection = "MANDATORY"
	EmailOptional  EmailCollection = "OPTIONAL"
	EmailOff       EmailCollection = "OFF"
)

// Default rate limits per account, per second (GOV.UK Pay's defaults).
const (
	DefaultRateLimitPost  = 15
	DefaultRateLimitOther = 75
)

// AccountSettings are what a service chooses for one account. They are read
// on every request, so a change takes effect at once.
type AccountSettings struct {
	CardTypes             []string        `json:"card_types"` // accepted card types, see CardTypes
	CollectBillingAddress bool            `json:"collect_billing_address"`
	DefaultBillingCountry string          `json:"default_billing_country"`
	EmailCollection       EmailCollection `json:"email_collection"`
	AllowZeroAmount       bool            `json:"allow_zero_amount"`
	AllowMoto             bool            `json:"allow_moto"`
	AllowMotoAPI          bool            `json:"allow_moto_api"`
	RecurringEnabled      bool            `json:"recurring_enabled"`
	RateLimitPost         int             `json:"rate_limit_post"`  // POST requests per second per bucket
	RateLimitOther        int             `json:"rate_limit_other"` // other requests per second

	// AllowDelayedCapture lets payments ask for delayed_capture; on by default.
	AllowDelayedCapture bool `json:"allow_delayed_capture"`

	// ConfirmationEmails and RefundEmails send the payer an email when a
	// payment is captured and when a refund is submitted; on by default, as
	// in GOV.UK Pay (stored settings are read over the defaults, so accounts
	// saved before emails existed have them on too).
	ConfirmationEmails bool `json:"confirmation_emails"`
	RefundEmails       bool `json:"refund_emails"`
	// EmailParagraph is the service's own text in both emails, where
	// "$reference" stands for the payment's reference.
	EmailParagraph string `json:"email_custom_paragraph,omitempty"`
}

// MaxEmailParagraphLength is GOV.UK Pay's limit on the custom paragraph.
const MaxEmailParagraphLength = 5000

// DefaultAccountSettings are the settings of a new account: every card type
// but Maestro, billing address on with GB as the default country, email
// mandatory, GOV.UK Pay's rate limits.
func DefaultAccountSettings() AccountSettings {
	var types []string
	for _, ct := range CardTypes {
		if ct.Brand != "maestro" {
			types = append(types, ct.ID())
		}
	}
	return AccountSettings{
		CardTypes:             types,
		CollectBillingAddress: true,
		DefaultBillingCountry: "GB",
		EmailCollection:       EmailMandatory,
		RateLimitPost:         DefaultRateLimitPost,
		RateLimitOther:        DefaultRateLimitOther,
		AllowDelayedCapture:   true,
		ConfirmationEmails:    true,
		RefundEmails:          true,
	}
}

// SettingNames lists the names Set accepts, for help texts.
var SettingNames = []string{
	"card_types", "collect_billing_address", "default_billing_country", "email_collection",
	"allow_zero_amount", "allow_moto", "allow_moto_api", "recurring_enabled",
	"rate_limit_post", "rate_limit_other", "allow_delayed_capture",
	"confirmation_emails", "refund_emails", "email_custom_paragraph",
}

// Get returns one setting in the text form Set reads; "" for an unknown name.
func (s AccountSettings) Get(name string) string {
	switch name {
	case "card_types":
		return strings.Join(s.CardTypes, ",")
	case "collect_billing_address":
		return strconv.FormatBool(s.CollectBillingAddress)
	case "default_billing_country":
		return s.DefaultBillingCountry
	case "email_collection":
		return string(s.EmailCollection)
	case "allow_zero_amount":
		return strconv.FormatBool(s.AllowZeroAmount)
	case "allow_moto":
		return strconv.FormatBool(s.AllowMoto)
	case "allow_moto_api":
		return strconv.FormatBool(s.AllowMotoAPI)
	case "recurring_enabled":
		return strconv.FormatBool(s.RecurringEnabled)
	case "rate_limit_post":
		return strconv.Itoa(s.RateLimitPost)
	case "rate_limit_other":
		return strconv.Itoa(s.RateLimitOther)
	case "allow_delayed_capture":
		return strconv.FormatBool(s.AllowDelayedCapture)
	case "confirmation_emails":
		return strconv.FormatBool(s.ConfirmationEmails)
	case "refund_emails":
		return strconv.FormatBool(s.RefundEmails)
	case "email_custom_paragraph":
		return s.EmailParagraph
	}
	return ""
}

// Set changes one setting from its text form, as operators type it
// (for example "allow_moto=true" or "card_types=visa-debit,visa-credit").
func (s *AccountSettings) Set(name, value string) error {
	value = strings.TrimSpace(value)
	var err error
	switch name {
	case "card_types":
		s.CardTypes, err = parseCardTypes(value)
	case "collect_billing_address":
		s.CollectBillingAddress, err = parseBool(value)
	case "default_billing_country":
		if len(value) != 2 || strings.ToUpper(value) != value {
			return Errorf(KindInvalid, "default_billing_country must be a two-letter country code such as GB")
		}
		s.DefaultBillingCountry = value
	case "email_collection":
		mode := EmailCollection(strings.ToUpper(value))
		if !slices.Contains([]EmailCollection{EmailMandatory, EmailOptional, EmailOff}, mode) {
			return Errorf(KindInvalid, "email_collection must be MANDATORY, OPTIONAL or OFF")
		}
		s.EmailCollection = mode
	case "allow_zero_amount":
		s.AllowZeroAmount, err = parseBool(value)
	case "allow_moto":
		s.AllowMoto, err = parseBool(value)
	case "allow_moto_api":
		s.AllowMotoAPI, err = parseBool(value)
	case "recurring_enabled":
		s.RecurringEnabled, err = parseBool(value)
	case "rate_limit_post":
		s.RateLimitPost, err = parseLimit(value)
	case "rate_limit_other":
		s.RateLimitOther, err = parseLimit(value)
	case "allow_delayed_capture":
		s.AllowDelayedCapture, err = parseBool(value)
	case "confirmation_emails":
		s.ConfirmationEmails, err = parseBool(value)
	case "refund_emails":
		s.RefundEmails, err = parseBool(value)
	case "email_custom_paragraph":
		return s.SetEmailParagraph(value)
	default:
		return Errorf(KindInvalid, "unknown setting %q (known: %s)", name, strings.Join(SettingNames, ", "))
	}
	if err != nil {
		return Errorf(KindInvalid, "%s: %v", name, err)
	}
	return nil
}

// SetEmailParagraph sets the custom paragraph of the account's emails;
// KindInvalid, in GOV.UK Pay's words, when it is longer than 5000 characters.
func (s *AccountSettings) SetEmailParagraph(text string) error {
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if len([]rune(text)) > MaxEmailParagraphLength {
		return Errorf(KindInvalid, "Custom paragraph name must be 5000 characters or fewer")
	}
	s.EmailParagraph = text
	return nil
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "yes", "on", "1":
		return true, nil
	case "false", "no", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("want true or false, got %q", v)
}

func parseLimit(v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100000 {
		return 0, fmt.Errorf("want a whole number from 1 to 100000, got %q", v)
	}
	return n, nil
}

func parseCardTypes(v string) ([]string, error) {
	var out []string
	for _, id := range strings.Split(v, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if _, ok := CardTypeByID(id); !ok {
			return nil, fmt.Errorf("unknown card type %q", id)
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("choose at least one card type")
	}
	return out, nil
}

// AcceptsCard reports whether the account takes cards of this brand and type
// ("debit" or "credit"); an empty type matches either.
func (s *AccountSettings) AcceptsCard(brand, cardType string) bool {
	for _, id := range s.CardTypes {
		ct, ok := CardTypeByID(id)
		if ok && ct.Brand == brand && (cardType == "" || ct.Type == cardType) {
			return true
		}
	}
	return false
}

// CardType is a brand and a debit/credit type that an account can accept.
type CardType struct {
	Brand string // brand id, as card brand detection names it
	Label string // as shown to people and in the API's card_brand
	Type  string // "debit" or "credit"
}

// ID is the card type's name in settings, e.g. "visa-debit".
func (c CardType) ID() string { return c.Brand + "-" + c.Type }

// CardTypes is every card type Pay knows (GOV.UK Pay's seed list).
var CardTypes = []CardType{
	{"visa", "Visa", "debit"},
	{"visa", "Visa", "credit"},
	{"master-card", "Mastercard", "debit"},
	{"master-card", "Mastercard", "credit"},
	{"american-express", "American Express", "credit"},
	{"diners-club", "Diners Club", "credit"},
	{"discover", "Discover", "credit"},
	{"jcb", "Jcb", "credit"},
	{"unionpay", "Union Pay", "credit"},
	{"maestro", "Maestro", "debit"},
}

// CardTypeByID finds a card type by its settings name.
func CardTypeByID(id string) (CardType, bool) {
	for _, ct := range CardTypes {
		if ct.ID() == id {
			return ct, true
		}
	}
	return CardType{}, false
}

// BrandLabel returns the label of a brand id ("visa" → "Visa"), or "" if unknown.
func BrandLabel(brand string) string {
	for _, ct := range CardTypes {
		if ct.Brand == brand {
			return ct.Label
		}
	}
	return ""
}

// Accounts is the domain's service for services, their gateway accounts and
// the accounts' API keys: first-start setup, the admin site and the commands
// change them through it.
type Accounts struct {
	Store  Store
	Secret []byte // the instance's secret, which API keys' checksums use
	Now    func() time.Time
}

func (s *Accounts) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// NewSandboxService stores a new service and its sandbox account, with the
// default settings, in tx, and returns the account.
func NewSandboxService(ctx context.Context, tx Tx, svc *Service) (*Account, error) {
	if svc.ExternalID == "" {
		svc.ExternalID = NewID()
	}
	if err := tx.ServiceInsert(ctx, svc); err != nil {
		return nil, err
	}
	acct := &Account{ServiceID: svc.ID, ServiceName: svc.Name, ServiceNameWelsh: svc.NameWelsh, Type: AccountTest,
		Provider: ProviderSandbox, Settings: DefaultAccountSettings()}
	if err := tx.AccountInsert(ctx, acct); err != nil {
		return nil, err
	}
	return acct, nil
}

// InsertAPIKey makes a key for the account and stores its hash in tx. The
// key itself is returned to be shown once; it is never stored.
func InsertAPIKey(ctx context.Context, tx Tx, acct *Account, secret []byte, description, createdBy string) (string, *APIKey, error) {
	key, k := NewAPIKey(acct, secret, description, createdBy)
	if err := tx.APIKeyInsert(ctx, k); err != nil {
		return "", nil, err
	}
	return key, k, nil
}

// CreateKey checks a new key's name (CheckKeyDescription's errors) and
// makes the key, which is returned to be shown once.
func (s *Accounts) CreateKey(ctx context.Context, acct *Account, description, createdBy string) (string, *APIKey, error) {
	description, err := CheckKeyDescription(description)
	if err != nil {
		return "", nil, err
	}
	var key string
	var k *APIKey
	err = s.Store.Update(ctx, func(tx Tx) error {
		key, k, err = InsertAPIKey(ctx, tx, acct, s.Secret, description, createdBy)
		return err
	})
	return key, k, err
}

// RenameKey checks a key's new name (CheckKeyDescription's errors) and
// stores it; not found if the account has no such key, conflict if it is
// revoked.
func (s *Accounts) RenameKey(ctx context.Context, accountID, id int64, description string) error {
	description, err := CheckKeyDescription(description)
	if err != nil {
		return err
	}
	return s.Store.APIKeyDescribe(ctx, accountID, id, description)
}

// RevokeKey revokes a key of the account (any account for 0): it stops
// working at once, on every instance. Not found if there is no such key,
// conflict if it is already revoked.
func (s *Accounts) RevokeKey(ctx context.Context, accountID, id int64) error {
	return s.Store.APIKeyRevoke(ctx, accountID, id, s.now())
}

// SaveAccount stores an account's Disabled flag and settings; not found if
// there is no such account.
func (s *Accounts) SaveAccount(ctx context.Context, a *Account) error {
	return s.Store.AccountUpdate(ctx, a)
}

// SaveSettings stores an account's settings and its service's English and
// Welsh names together, in one transaction: both change or neither does.
func (s *Accounts) SaveSettings(ctx context.Context, a *Account) error {
	return s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.AccountUpdate(ctx, a); err != nil {
			return err
		}
		return tx.ServiceUpdate(ctx, &Service{ID: a.ServiceID, Name: a.ServiceName, NameWelsh: a.ServiceNameWelsh})
	})
}

// lastUsedResolution limits how often a key's "last used" time is written:
// often enough for people, rarely enough to keep writes off the hot path.
const lastUsedResolution = time.Minute

var errKeyRefused = &Error{Kind: KindUnauthorised, Message: "Credentials are required to access this resource."}

// Authenticate returns the unrevoked API key that key is, and its account.
// The checksum is verified before any database work, so forged keys cost
// nothing; revocation and setting changes take effect at once because every
// call reads the key's row and its account's, in one query. A forged,
// unknown or revoked key is KindUnauthorised.
func (s *Accounts) Authenticate(ctx context.Context, key string) (*APIKey, *Account, error) {
	if !CheckAPIKey(key, s.Secret) {
		return nil, nil, errKeyRefused
	}
	k, acct, err := s.Store.APIKeyGetWithAccount(ctx, HashAPIKey(key))
	if IsKind(err, KindNotFound) || (err == nil && k.Revoked()) {
		return nil, nil, errKeyRefused
	} else if err != nil {
		return nil, nil, err
	}
	return k, acct, nil
}

// Touch records that a key was used, at most once per minute.
func (s *Accounts) Touch(ctx context.Context, k *APIKey) error {
	now := s.now()
	if k.LastUsedAt != nil && now.Sub(*k.LastUsedAt) < lastUsedResolution {
		return nil
	}
	return s.Store.APIKeyTouch(ctx, k.ID, now)
}

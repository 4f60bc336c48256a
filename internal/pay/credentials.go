package pay

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
)

// Credentials are what Pay needs to reach a live account's provider. They
// are kept sealed (AES-256-GCM, with a key derived from the instance
// secret), never shown again once entered, and never logged: String and
// LogValue hide them.
type Credentials struct {
	StripeSecretKey     string `json:"stripe_secret_key"`
	StripeWebhookSecret string `json:"stripe_webhook_secret"`
}

// String shows only which credentials are set.
func (c Credentials) String() string {
	return "credentials{stripe secret key: " + set(c.StripeSecretKey) + ", webhook secret: " + set(c.StripeWebhookSecret) + "}"
}

// GoString is String, so that %#v cannot show the secrets either.
func (c Credentials) GoString() string { return c.String() }

func set(s string) string {
	if s == "" {
		return "unset"
	}
	return "set"
}

// Check returns an invalid error unless both Stripe secrets have their
// shapes: a secret key (sk_ or rk_) and a webhook signing secret (whsec_).
func (c Credentials) Check() error {
	if !strings.HasPrefix(c.StripeSecretKey, "sk_") && !strings.HasPrefix(c.StripeSecretKey, "rk_") {
		return Errorf(KindInvalid, "enter the Stripe account's secret key: it starts with sk_live_")
	}
	if !strings.HasPrefix(c.StripeWebhookSecret, "whsec_") {
		return Errorf(KindInvalid, "enter the webhook's signing secret: it starts with whsec_")
	}
	return nil
}

// credentialsInfo separates the sealing key from other keys derived from
// the instance secret.
const credentialsInfo = "pay provider credentials v1"

// sealer returns the AEAD that seals credentials with the instance secret.
func sealer(secret []byte) (cipher.AEAD, error) {
	if len(secret) == 0 {
		return nil, errors.New("pay: no instance secret to seal credentials with")
	}
	key, err := hkdf.Key(sha256.New, secret, nil, credentialsInfo, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// SealCredentials encrypts c for the account. The account id is bound in,
// so sealed credentials copied to another account do not open.
func SealCredentials(secret []byte, accountID int64, c Credentials) ([]byte, error) {
	aead, err := sealer(secret)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, accountAD(accountID)), nil
}

// OpenCredentials decrypts what SealCredentials sealed for the account;
// an error if the secret or the account is not the one it was sealed with,
// or the bytes were changed.
func OpenCredentials(secret []byte, accountID int64, sealed []byte) (Credentials, error) {
	var c Credentials
	aead, err := sealer(secret)
	if err != nil {
		return c, err
	}
	if len(sealed) < aead.NonceSize() {
		return c, errors.New("pay: sealed credentials are too short")
	}
	nonce, box := sealed[:aead.NonceSize()], sealed[aead.NonceSize():]
	plain, err := aead.Open(nil, nonce, box, accountAD(accountID))
	if err != nil {
		return c, errors.New("pay: the credentials do not open with this instance secret (was PAY_SECRET changed?)")
	}
	return c, json.Unmarshal(plain, &c)
}

func accountAD(accountID int64) []byte { return []byte("account " + strconv.FormatInt(accountID, 10)) }

// GoLive creates the service's live account on Stripe with its credentials,
// sealed, and the organisation that runs it, in one transaction, and
// returns the account. The caller checks the key with Stripe first, and the
// organisation's details. Returns not found if there is no such service,
// conflict if the service already has a live account, and invalid if the
// credentials do not have their shapes or the organisation has no name.
func (s *Accounts) GoLive(ctx context.Context, serviceID int64, org *Organisation, c Credentials) (*Account, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	if org == nil || strings.TrimSpace(org.Name) == "" {
		return nil, Errorf(KindInvalid, "enter the name of the organisation that runs the service")
	}
	svc, err := s.Store.ServiceGet(ctx, serviceID)
	if err != nil {
		return nil, err
	}
	if live, err := s.liveAccount(ctx, serviceID); err != nil || live != nil {
		if err == nil {
			err = Errorf(KindConflict, "%s already has a live account (%d)", svc.Name, live.ID)
		}
		return nil, err
	}
	acct := &Account{ServiceID: svc.ID, ServiceName: svc.Name, ServiceNameWelsh: svc.NameWelsh, Type: AccountLive,
		Provider: ProviderStripe, Settings: DefaultAccountSettings()}
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.AccountInsert(ctx, acct); err != nil {
			return err
		}
		org.AcceptedAt = tx.Now()
		if err := tx.OrganisationPut(ctx, serviceID, org); err != nil {
			return err
		}
		return s.putCredentials(ctx, tx, acct.ID, c)
	})
	if err != nil {
		return nil, err
	}
	return acct, nil
}

// liveAccount returns the service's live account, or nil if it has none.
func (s *Accounts) liveAccount(ctx context.Context, serviceID int64) (*Account, error) {
	list, err := s.Store.AccountList(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if a.ServiceID == serviceID && a.IsLive() {
			return a, nil
		}
	}
	return nil, nil
}

// ReplaceCredentials stores new credentials for a live Stripe account (a
// rolled key, a new webhook). Returns not found if there is no such
// account, and invalid if it is not a Stripe account or the credentials do
// not have their shapes.
func (s *Accounts) ReplaceCredentials(ctx context.Context, accountID int64, c Credentials) error {
	if err := c.Check(); err != nil {
		return err
	}
	acct, err := s.Store.AccountGet(ctx, accountID)
	if err != nil {
		return err
	}
	if acct.Provider != ProviderStripe {
		return Errorf(KindInvalid, "account %d does not use Stripe", accountID)
	}
	return s.Store.Update(ctx, func(tx Tx) error { return s.putCredentials(ctx, tx, accountID, c) })
}

func (s *Accounts) putCredentials(ctx context.Context, tx Tx, accountID int64, c Credentials) error {
	sealed, err := SealCredentials(s.Secret, accountID, c)
	if err != nil {
		return err
	}
	return tx.CredentialsPut(ctx, accountID, sealed)
}

// Credentials returns an account's credentials, opened; not found if it
// has none.
func (s *Accounts) Credentials(ctx context.Context, accountID int64) (Credentials, error) {
	sealed, err := s.Store.CredentialsGet(ctx, accountID)
	if err != nil {
		return Credentials{}, err
	}
	return OpenCredentials(s.Secret, accountID, sealed)
}

// LiveCredentials returns a service's live account and its credentials;
// not found if the service has no live account with credentials.
func (s *Accounts) LiveCredentials(ctx context.Context, serviceID int64) (*Account, Credentials, error) {
	acct, err := s.liveAccount(ctx, serviceID)
	if err == nil && acct == nil {
		err = Errorf(KindNotFound, "service %d has no live account", serviceID)
	}
	if err != nil {
		return nil, Credentials{}, err
	}
	c, err := s.Credentials(ctx, acct.ID)
	return acct, c, err
}

// StripeSecretKey returns a Stripe account's secret key, for the Stripe
// provider; not found if the account has no credentials.
func (s *Accounts) StripeSecretKey(ctx context.Context, accountID int64) (string, error) {
	c, err := s.Credentials(ctx, accountID)
	return c.StripeSecretKey, err
}

package pay

import (
	"context"
	"time"
)

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
// nothing; revocation takes effect at once because every call reads the
// key's row. A forged, unknown or revoked key is KindUnauthorised; an
// account that cannot be found is KindNotFound.
func (s *Accounts) Authenticate(ctx context.Context, key string) (*APIKey, *Account, error) {
	if !CheckAPIKey(key, s.Secret) {
		return nil, nil, errKeyRefused
	}
	k, err := s.Store.APIKeyGetByHash(ctx, HashAPIKey(key))
	if IsKind(err, KindNotFound) || (err == nil && k.Revoked()) {
		return nil, nil, errKeyRefused
	} else if err != nil {
		return nil, nil, err
	}
	acct, err := s.Store.AccountGet(ctx, k.AccountID)
	if err != nil {
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

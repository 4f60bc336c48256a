package app

import (
	"context"
	"fmt"
	"io"

	"pay/internal/pay"
	"pay/internal/team"
)

// bootstrapSetting marks that first-start setup has been claimed, so that of
// several instances starting together on an empty database only one sets up.
const bootstrapSetting = "bootstrapped"

// Credentials are the secrets created on first start, shown once.
type Credentials struct {
	Service    *pay.Service
	Account    *pay.Account
	AdminEmail string
	Password   string
	APIKey     string
}

// Bootstrap sets up an empty database: a sandbox service with a test
// account, an admin user and a test API key. It returns nil credentials when
// the database was set up before (by this or another instance).
func (a *App) Bootstrap(ctx context.Context) (*Credentials, error) {
	if err := a.Store.SettingInsert(ctx, bootstrapSetting, "1"); pay.IsKind(err, pay.KindConflict) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	c := &Credentials{AdminEmail: a.Config.AdminEmail, Password: team.NewPassword()}
	c.Service = &pay.Service{ExternalID: pay.NewID(), Name: "Sandbox service"}
	if err := a.Store.ServiceInsert(ctx, c.Service); err != nil {
		return nil, fmt.Errorf("bootstrap: service: %w", err)
	}
	c.Account = &pay.Account{ServiceID: c.Service.ID, ServiceName: c.Service.Name, Type: pay.AccountTest,
		Provider: pay.ProviderSandbox, Settings: pay.DefaultAccountSettings()}
	if err := a.Store.AccountInsert(ctx, c.Account); err != nil {
		return nil, fmt.Errorf("bootstrap: account: %w", err)
	}
	user := &team.User{Email: c.AdminEmail, PasswordHash: team.HashPassword(c.Password)}
	if err := a.Store.UserInsert(ctx, user); err != nil {
		return nil, fmt.Errorf("bootstrap: admin user: %w", err)
	}
	if err := a.Store.MembershipSet(ctx, &team.Membership{UserID: user.ID, ServiceID: c.Service.ID, Role: team.RoleAdmin}); err != nil {
		return nil, fmt.Errorf("bootstrap: admin role: %w", err)
	}
	var err error
	if c.APIKey, err = CreateAPIKey(ctx, a.Store, a.Secret, c.Account, "Sandbox key created on first start", "pay"); err != nil {
		return nil, fmt.Errorf("bootstrap: API key: %w", err)
	}
	return c, nil
}

// CreateAPIKey makes a key for the account, stores its hash and returns the
// key, which is never shown again.
func CreateAPIKey(ctx context.Context, st pay.Store, secret []byte, acct *pay.Account, description, createdBy string) (string, error) {
	key, k := pay.NewAPIKey(acct, secret, description, createdBy)
	return key, st.APIKeyInsert(ctx, k)
}

// Print writes the first-start message: where Pay is and the new secrets.
func (c *Credentials) Print(w io.Writer, publicURL string) {
	fmt.Fprintf(w, `
Pay has set up a new database. These secrets are shown only once: keep them.

  Service:      %s (sandbox account %d)
  Admin site:   %s/admin
  Admin user:   %s
  Password:     %s
  Test API key: %s

Create a payment:

  curl %s/v1/payments \
    -H "Authorization: Bearer %s" \
    -H "Content-Type: application/json" \
    -d '{"amount":12000,"reference":"12345","description":"New passport application","return_url":"https://service-name.gov.uk/transactions/12345"}'

`, c.Service.Name, c.Account.ID, publicURL, c.AdminEmail, c.Password, c.APIKey, publicURL, c.APIKey)
}

package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"pay/internal/pay"
	"pay/internal/team"
)

// bootstrapSetting marks that first-start setup has been claimed, so that of
// several instances starting together on an empty database only one sets up.
const bootstrapSetting = "bootstrapped"

// errSetUpBefore ends Bootstrap's transaction when the database was set up before.
var errSetUpBefore = errors.New("the database was set up before")

// Credentials are the secrets created on first start, shown once.
type Credentials struct {
	Service    *pay.Service
	Account    *pay.Account
	AdminEmail string
	Password   string
	APIKey     string
}

// Bootstrap sets up an empty database: a sandbox service with a test
// account, an admin user and a test API key, all in one transaction, so a
// failure leaves the database as it was, to be set up at the next start. It
// returns nil credentials when the database was set up before (by this or
// another instance: the bootstrapped setting, written in the same
// transaction, lets only one of them do it).
func (a *App) Bootstrap(ctx context.Context) (*Credentials, error) {
	c := &Credentials{AdminEmail: a.Config.AdminEmail, Password: team.NewPassword()}
	err := a.Store.UpdateAll(ctx, func(ptx pay.Tx, ttx team.Tx) error {
		if err := ptx.SettingInsert(ctx, bootstrapSetting, "1"); pay.IsKind(err, pay.KindConflict) {
			return errSetUpBefore
		} else if err != nil {
			return err
		}
		var err error
		c.Service = &pay.Service{Name: "Sandbox service"}
		if c.Account, err = pay.NewSandboxService(ctx, ptx, c.Service); err != nil {
			return fmt.Errorf("bootstrap: service: %w", err)
		}
		user := &team.User{Email: c.AdminEmail, PasswordHash: team.HashPassword(c.Password)}
		nu := &team.NewUser{Email: c.AdminEmail, Role: team.RoleAdmin, ServiceID: c.Service.ID}
		if err := team.InsertMember(ctx, ttx, user, nu); err != nil {
			return fmt.Errorf("bootstrap: admin user: %w", err)
		}
		if c.APIKey, _, err = pay.InsertAPIKey(ctx, ptx, c.Account, a.Secret, "Sandbox key created on first start", "pay"); err != nil {
			return fmt.Errorf("bootstrap: API key: %w", err)
		}
		return nil
	})
	if errors.Is(err, errSetUpBefore) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c, nil
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

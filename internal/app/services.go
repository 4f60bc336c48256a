package app

import (
	"context"
	"errors"
	"strings"

	"pay/internal/pay"
	"pay/internal/team"
)

// NewService describes a service to add: its names, and its first admin,
// an existing user (Admin) or one found, or else created, by AdminEmail.
type NewService struct {
	Name, NameWelsh string
	Admin           *team.User
	AdminEmail      string
}

// CreatedService is a new service, its sandbox account and its admin, with
// the admin's one-time password if the admin is a new user.
type CreatedService struct {
	Service  *pay.Service
	Account  *pay.Account
	Admin    *team.User
	Password string
}

// CreateService adds a service with a sandbox account and makes its admin
// an administrator of it, in one transaction that touches both domains, so
// no service is left without an admin. The change is the first entry of the
// team's history. Invalid for a bad email, not found never; the store's
// errors otherwise.
func (a *App) CreateService(ctx context.Context, ns *NewService) (*CreatedService, error) {
	c := &CreatedService{Service: &pay.Service{Name: strings.TrimSpace(ns.Name), NameWelsh: strings.TrimSpace(ns.NameWelsh)},
		Admin: ns.Admin}
	if err := checkServiceNames(c.Service); err != nil {
		return nil, err
	}
	if err := a.findAdmin(ctx, ns, c); err != nil {
		return nil, err
	}
	err := a.Store.UpdateAll(ctx, func(ptx pay.Tx, ttx team.Tx) error {
		var err error
		if c.Account, err = pay.NewSandboxService(ctx, ptx, c.Service); err != nil {
			return err
		}
		if c.Admin == nil {
			return ttx.EventInsert(ctx, &team.Event{ServiceID: c.Service.ID, ActorEmail: "pay", Summary: "Created the service"})
		}
		nu := &team.NewUser{Email: c.Admin.Email, Role: team.RoleAdmin, ServiceID: c.Service.ID}
		if c.Admin.ID == 0 {
			err = team.InsertMember(ctx, ttx, c.Admin, nu)
		} else {
			err = ttx.MembershipSet(ctx, &team.Membership{UserID: c.Admin.ID, ServiceID: c.Service.ID, Role: team.RoleAdmin})
		}
		if err != nil {
			return err
		}
		return ttx.EventInsert(ctx, &team.Event{ServiceID: c.Service.ID, ActorEmail: c.Admin.Email,
			Summary: "Created the service, with " + c.Admin.Email + " as its administrator"})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// createServiceFor adds a service that a user of the admin site creates,
// with them as its admin, and returns its sandbox account.
func (a *App) createServiceFor(ctx context.Context, name, nameWelsh string, creator *team.User) (*pay.Account, error) {
	c, err := a.CreateService(ctx, &NewService{Name: name, NameWelsh: nameWelsh, Admin: creator})
	if err != nil {
		return nil, err
	}
	return c.Account, nil
}

// MaxServiceNameLength is GOV.UK Pay's limit on a service's names.
const MaxServiceNameLength = 50

// checkServiceNames refuses an empty name, and names that are too long or
// not text, in the admin site's words.
func checkServiceNames(svc *pay.Service) error {
	switch {
	case svc.Name == "":
		return team.Errorf(team.ErrInvalid, "Enter a service name")
	case !pay.ValidText(svc.Name) || !pay.ValidText(svc.NameWelsh):
		return team.Errorf(team.ErrInvalid, "Enter a valid service name")
	case len([]rune(svc.Name)) > MaxServiceNameLength || len([]rune(svc.NameWelsh)) > MaxServiceNameLength:
		return team.Errorf(team.ErrInvalid, "Service name must be 50 characters or fewer")
	}
	return nil
}

// findAdmin sets c.Admin to the user with ns.AdminEmail, or to a new,
// unsaved one with a one-time password; to none without either.
func (a *App) findAdmin(ctx context.Context, ns *NewService, c *CreatedService) error {
	if c.Admin != nil || strings.TrimSpace(ns.AdminEmail) == "" {
		return nil
	}
	email := strings.TrimSpace(ns.AdminEmail)
	u, err := a.Store.UserGetByEmail(ctx, email)
	if err == nil {
		c.Admin = u
		return nil
	} else if !errors.Is(err, team.ErrNotFound) {
		return err
	}
	if !strings.Contains(email, "@") || strings.ContainsAny(email, " <>") {
		return team.Errorf(team.ErrInvalid, "%q is not an email address", ns.AdminEmail)
	}
	c.Password = team.NewPassword()
	c.Admin = &team.User{Email: email, PasswordHash: team.HashPassword(c.Password), PasswordChangeRequired: true}
	return nil
}

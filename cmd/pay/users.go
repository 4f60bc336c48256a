package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"pay/internal/app"
	"pay/internal/config"
	"pay/internal/pay"
	"pay/internal/team"
)

// users runs the users commands: create, list, role, unlock and reset-2fa.
func users(ctx context.Context, cfg config.Config, args []string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand(args, stderr)
	if err != nil {
		return err
	}
	fs := newFlags("users "+sub, stderr)
	email := fs.String("email", "", "the user's email address")
	role := fs.String("role", string(team.RoleAdmin), "admin, view-and-refund or view-only (with users role: none removes)")
	serviceID := fs.Int64("service", 0, "service id (default: the first service)")
	positional, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *email == "" && len(positional) == 1 {
		*email = positional[0]
	}
	a, err := openApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.Shutdown(ctx)
	switch sub {
	case "create":
		return createUser(ctx, a, *email, *role, *serviceID, stdout)
	case "list":
		return listUsers(ctx, a.Store, stdout)
	case "role":
		return setRole(ctx, a, *email, *role, *serviceID, stdout)
	case "unlock":
		if _, err := a.Users.Unlock(ctx, strings.TrimSpace(*email)); err != nil {
			return userError(err, *email)
		}
		fmt.Fprintf(stdout, "Unlocked %s: they can sign in again.\n", *email)
		return nil
	case "reset-2fa":
		if _, err := a.Users.ResetTOTP(ctx, strings.TrimSpace(*email)); err != nil {
			return userError(err, *email)
		}
		fmt.Fprintf(stdout, "Removed the authenticator app of %s and signed them out everywhere.\n", *email)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown users command %q", sub)
}

func userError(err error, email string) error {
	if errors.Is(err, team.ErrNotFound) {
		return fmt.Errorf("there is no user with email %q", email)
	}
	return err
}

// chooseService returns the service with the given id, or by default the
// first service, or nil when there is none yet.
func chooseService(ctx context.Context, st reader, id int64) (*pay.Service, error) {
	if id != 0 {
		svc, err := st.ServiceGet(ctx, id)
		if pay.IsKind(err, pay.KindNotFound) {
			return nil, fmt.Errorf("there is no service %d (pay accounts list shows services)", id)
		}
		return svc, err
	}
	list, err := st.ServiceList(ctx)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[0], nil
}

// createUser makes a user with a one-time password and a role in a service.
func createUser(ctx context.Context, a *app.App, email, roleName string, serviceID int64, stdout io.Writer) error {
	if !strings.Contains(email, "@") {
		return fmt.Errorf("users create needs --email with an email address")
	}
	role, err := team.ParseRole(roleName)
	if err != nil {
		return err
	}
	svc, err := chooseService(ctx, a.Store, serviceID)
	if err != nil {
		return err
	}
	nu := &team.NewUser{Email: email, Role: role}
	if svc != nil {
		nu.ServiceID = svc.ID
	}
	u, password, err := a.Users.Create(ctx, nu)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Created user %s with password %s\n", u.Email, password)
	fmt.Fprintf(stdout, "The password works once: they choose their own when they first sign in at %s/admin.\n", a.Config.PublicURL)
	if svc != nil {
		fmt.Fprintf(stdout, "Role: %s in %s (service %d).\n", role, svc.Name, svc.ID)
	} else {
		fmt.Fprintln(stdout, "There is no service yet: give them a role with pay users role once there is one.")
	}
	return nil
}

// setRole gives a user a role in a service, or with "none" removes them.
func setRole(ctx context.Context, a *app.App, email, roleName string, serviceID int64, stdout io.Writer) error {
	u, err := a.Store.UserGetByEmail(ctx, strings.TrimSpace(email))
	if err != nil {
		return userError(err, email)
	}
	svc, err := chooseService(ctx, a.Store, serviceID)
	if err != nil {
		return err
	}
	if svc == nil {
		return fmt.Errorf("there is no service yet")
	}
	if roleName == "none" {
		if err := a.Users.RemoveRole(ctx, u.ID, svc.ID); err != nil && !errors.Is(err, team.ErrNotFound) {
			return err
		}
		fmt.Fprintf(stdout, "%s has no role in %s now.\n", u.Email, svc.Name)
		return nil
	}
	role, err := team.ParseRole(roleName)
	if err != nil {
		return err
	}
	if err := a.Users.SetRole(ctx, u.ID, svc.ID, role); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s is %s in %s now.\n", u.Email, role, svc.Name)
	return nil
}

func listUsers(ctx context.Context, st reader, stdout io.Writer) error {
	list, err := st.UserList(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEMAIL\tAUTHENTICATOR\tLOCKED\tROLES")
	for _, u := range list {
		memberships, err := st.MembershipList(ctx, u.ID)
		if err != nil {
			return err
		}
		var roles []string
		for _, m := range memberships {
			roles = append(roles, fmt.Sprintf("%s in %s (service %d)", m.Role, m.ServiceName, m.ServiceID))
		}
		if len(roles) == 0 {
			roles = []string{"-"}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, yesNo(u.TOTPSecret != ""), yesNo(u.Locked() || u.Disabled),
			strings.Join(roles, "; "))
	}
	return tw.Flush()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

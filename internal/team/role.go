package team

import (
	"slices"
	"strings"
	"time"
)

// Role is what a user may do in one service. The names are GOV.UK Pay's.
type Role string

const (
	RoleAdmin         Role = "admin"
	RoleViewAndRefund Role = "view-and-refund"
	RoleViewOnly      Role = "view-only"
)

// Roles lists the roles a user can be given, most powerful first.
var Roles = []Role{RoleAdmin, RoleViewAndRefund, RoleViewOnly}

// Permission is one thing a role allows, named as in GOV.UK Pay's adminusers.
type Permission string

const (
	PermTransactionsRead     Permission = "transactions:read"
	PermTransactionsDetails  Permission = "transactions-details:read"
	PermTransactionsDownload Permission = "transactions-download:read"
	PermRefundsCreate        Permission = "refunds:create"
	PermTokensRead           Permission = "tokens-active:read"
	PermTokensRevokedRead    Permission = "tokens-revoked:read"
	PermTokensCreate         Permission = "tokens:create"
	PermTokensUpdate         Permission = "tokens:update"
	PermTokensDelete         Permission = "tokens:delete"
	PermPaymentTypesRead     Permission = "payment-types:read"
	PermPaymentTypesUpdate   Permission = "payment-types:update"
	PermServiceNameRead      Permission = "service-name:read"
	PermServiceNameUpdate    Permission = "service-name:update"
	PermGoLive               Permission = "go-live-stage:update"
	PermUsersRead            Permission = "users-service:read"
	PermUsersManage          Permission = "users-service:create"
)

// viewPermissions are what every role has: GOV.UK Pay's view-only set.
var viewPermissions = []Permission{PermTransactionsRead, PermTransactionsDetails, PermTransactionsDownload,
	PermServiceNameRead, PermUsersRead}

// rolePermissions follows GOV.UK Pay's role-permissions table for the
// permissions Pay has: view-and-refund adds refunds, admin adds API keys and
// the payment page settings.
var rolePermissions = map[Role][]Permission{
	RoleViewOnly:      viewPermissions,
	RoleViewAndRefund: append(slices.Clone(viewPermissions), PermRefundsCreate),
	RoleAdmin: append(slices.Clone(viewPermissions), PermRefundsCreate,
		PermTokensRead, PermTokensRevokedRead, PermTokensCreate, PermTokensUpdate, PermTokensDelete,
		PermPaymentTypesRead, PermPaymentTypesUpdate, PermServiceNameUpdate, PermGoLive, PermUsersManage),
}

// Can reports whether the role has the permission. An unknown role has none.
func (r Role) Can(p Permission) bool { return slices.Contains(rolePermissions[r], p) }

// Valid reports whether r is a role Pay knows.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Label is the role's name as people read it.
func (r Role) Label() string {
	switch r {
	case RoleAdmin:
		return "Administrator"
	case RoleViewAndRefund:
		return "View and refund"
	case RoleViewOnly:
		return "View only"
	}
	return string(r)
}

// ParseRole reads a role name; invalid if it is not one of Roles.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		names := make([]string, len(Roles))
		for i, r := range Roles {
			names[i] = string(r)
		}
		return "", Errorf(ErrInvalid, "unknown role %q (want %s)", s, strings.Join(names, ", "))
	}
	return r, nil
}

// Membership is a user's role in one service. It applies to every gateway
// account of the service.
type Membership struct {
	UserID      int64
	ServiceID   int64
	ServiceName string // read with the membership, for pages
	Role        Role
	CreatedAt   time.Time
}

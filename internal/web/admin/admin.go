// Package admin serves the admin site under /admin: the service team's side
// of Pay. People sign in with a password and an authenticator app, and then,
// as their role in the service allows, follow payments (list, filters, detail,
// CSV), manage API keys, see a dashboard, change the payment pages' settings
// and try the public API in the API Explorer.
package admin

import (
	"cmp"
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"time"
	_ "time/tzdata" // pages show times in Europe/London wherever Pay runs

	"pay/internal/notify"
	"pay/internal/pay"
	"pay/internal/ratelimit"
	"pay/internal/team"
	"pay/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Store is what the admin site reads straight from the database. Every
// change goes through the domain's services (Payments, Accounts, Users).
type Store interface {
	AccountGet(ctx context.Context, id int64) (*pay.Account, error)
	AccountListForUser(ctx context.Context, userID int64) ([]*pay.Account, error)
	APIKeyGet(ctx context.Context, accountID, id int64) (*pay.APIKey, error)
	APIKeyList(ctx context.Context, accountID int64) ([]*pay.APIKey, error)
	EmailList(ctx context.Context, accountID int64, paymentID string, limit int) ([]*pay.Email, error)
	InviteList(ctx context.Context, serviceID int64) ([]*team.Invite, error)
	LinkGetByPath(ctx context.Context, serviceSlug, slug string) (*pay.Link, error)
	LinkList(ctx context.Context, accountID int64) ([]*pay.Link, error)
	MembershipList(ctx context.Context, userID int64) ([]*team.Membership, error)
	PaymentEvents(ctx context.Context, accountID int64, paymentID string) ([]*pay.Event, error)
	PaymentMetadataKeys(ctx context.Context, q *pay.PaymentSearch) ([]string, error)
	TransactionSearch(ctx context.Context, q *pay.TransactionSearch) (*pay.TransactionPage, error)
	TransactionStream(ctx context.Context, q *pay.TransactionSearch, fn func(*pay.Transaction) error) error
	WebhookList(ctx context.Context, accountID int64) ([]*pay.Webhook, error)
	WebhookGet(ctx context.Context, accountID int64, id string) (*pay.Webhook, error)
	WebhookMessageList(ctx context.Context, params *pay.WebhookMessageListParams) ([]*pay.WebhookMessage, error)
	WebhookMessageGet(ctx context.Context, accountID int64, id string) (*pay.WebhookMessage, error)
	WebhookAttemptList(ctx context.Context, messageID string) ([]*pay.WebhookAttempt, error)
}

// Config is what the admin site needs.
type Config struct {
	Store    Store
	Payments *pay.Payments
	Accounts *pay.Accounts
	Links    *pay.Links
	Users    *team.Users
	// Emails reads the emails to payers; EmailTemplates writes the
	// settings' previews (nil: the ones from the store and package notify);
	// Outbox says emails are kept, not sent (no SMTP).
	Emails         *pay.Emails
	EmailTemplates *notify.Templates
	Outbox         bool
	// Secret is the instance secret: it checks API key checksums and keys
	// the forms' CSRF tokens.
	Secret []byte
	// PublicURL is Pay's public base URL, where the API Explorer sends its
	// requests.
	PublicURL     string
	SecureCookies bool // Pay is reached over https
	Logger        *slog.Logger
	Now           func() time.Time
	// Client sends the API Explorer's requests; a client with a 30-second
	// timeout by default.
	Client *http.Client
	// SignInLimiter counts sign-in attempts per address and per email, in
	// one-minute windows (its Window); nil counts none.
	SignInLimiter *ratelimit.Limiter
	// CheckStripeKey asks Stripe whether a live secret key works, before a
	// service goes live; nil refuses every key.
	CheckStripeKey func(ctx context.Context, key string) error
	// Webhooks manages the accounts' webhooks.
	Webhooks *pay.Webhooks
	// CreateService adds a service with a sandbox account, with creator as
	// its admin, and returns the account; an error of kind team.ErrInvalid
	// says what is wrong with the names. Nil offers no "Add a new service".
	CreateService func(ctx context.Context, name, nameWelsh string, creator *team.User) (*pay.Account, error)
	// TotalLimit is as far as the transaction list counts what matches its
	// filters; 0: DefaultTotalLimit.
	TotalLimit int
}

// DefaultTotalLimit is as far as the transaction list counts, as GOV.UK
// Pay's does: past it the list says "over 5,000 transactions", and a page
// costs the same at a million payments as at ten thousand.
const DefaultTotalLimit = 5000

// Handler serves the admin site.
type Handler struct {
	store     Store
	payments  *pay.Payments
	accounts  *pay.Accounts
	linksSvc  *pay.Links
	users     *team.Users
	secret    []byte
	csrfKey   []byte
	publicURL string
	secure    bool
	templates *web.Templates
	logger    *slog.Logger
	now       func() time.Time
	client    *http.Client
	london    *time.Location

	emailService *pay.Emails
	mail         *notify.Templates
	outbox       bool

	signInLimiter *ratelimit.Limiter

	checkKey func(ctx context.Context, key string) error

	webhookSvc *pay.Webhooks
	// createService adds a service for "Add a new service"; nil offers none.
	createService func(ctx context.Context, name, nameWelsh string, creator *team.User) (*pay.Account, error)
	totalLimit    int
}

// New parses the templates and returns the handler.
func New(c Config) (*Handler, error) {
	pages, err := fs.Sub(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	t, err := web.ParseTemplates(pages, templateFuncs, c.Logger)
	if err != nil {
		return nil, err
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		return nil, err
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if c.EmailTemplates == nil {
		if c.EmailTemplates, err = notify.Parse(); err != nil {
			return nil, err
		}
	}
	return &Handler{store: c.Store, payments: c.Payments, accounts: c.Accounts, linksSvc: c.Links, users: c.Users, secret: c.Secret, csrfKey: csrfKey(c.Secret),
		publicURL: c.PublicURL, secure: c.SecureCookies, templates: t, logger: c.Logger, now: c.Now,
		client: c.Client, london: london, emailService: c.Emails, mail: c.EmailTemplates, outbox: c.Outbox,
		signInLimiter: c.SignInLimiter, checkKey: c.CheckStripeKey, webhookSvc: c.Webhooks,
		createService: c.CreateService, totalLimit: cmp.Or(c.TotalLimit, DefaultTotalLimit)}, nil
}

var templateFuncs = template.FuncMap{
	"money":  web.FormatMoney,
	"rowsOf": rowsOf,
	"onOff":  onOff,

	"goLiveField": goLiveField,
}

// onOffField is an on/off setting, for the "on-off" template.
type onOffField struct {
	Name, Legend, Hint string
	On                 bool
}

func onOff(name, legend, hint string, on bool) onOffField { return onOffField{name, legend, hint, on} }

// rowSection is a titled list of rows, for the "detail-rows" template.
type rowSection struct {
	ID      string
	Heading string
	Rows    []row
}

func rowsOf(id, heading string, rows []row) rowSection { return rowSection{id, heading, rows} }

// Register adds the admin site to mux: the whole route table, and the
// permission each account page needs. Every route refuses unsafe requests
// from other origins and sends the card pages' security headers.
func (h *Handler) Register(mux *http.ServeMux) {
	route := func(pattern string, f http.HandlerFunc) { mux.Handle(pattern, web.Secure(f)) }
	route("GET /admin/sign-in", h.signInPage)
	route("POST /admin/sign-in", h.signIn)
	route("GET /admin/security-code", h.atStage(team.StageSecurityCode, h.securityCodePage))
	route("POST /admin/security-code", h.atStage(team.StageSecurityCode, h.securityCode))
	route("GET /admin/new-password", h.atStage(team.StageNewPassword, h.newPasswordPage))
	route("POST /admin/new-password", h.atStage(team.StageNewPassword, h.newPassword))
	// The authenticator app is set up when the operator requires it, or
	// when a signed-in user without one takes up the offer.
	route("GET /admin/authenticator", h.atStage(team.StageSetUp2FA, h.authenticatorPage, team.StageSignedIn))
	route("POST /admin/authenticator", h.atStage(team.StageSetUp2FA, h.authenticator, team.StageSignedIn))
	route("POST /admin/sign-out", h.signOut)
	route("GET /admin/forgot-password", h.forgotPasswordPage)
	route("POST /admin/forgot-password", h.forgotPassword)
	route("GET /admin/invitations/{token}", h.invitationPage)
	route("POST /admin/invitations/{token}", h.acceptInvitation)
	route("GET /admin/reset-password/{token}", h.resetPasswordPage)
	route("POST /admin/reset-password/{token}", h.resetPassword)
	route("GET /admin", h.signedIn(h.home))
	route("GET /admin/{$}", h.signedIn(h.home))
	route("GET /admin/services", h.signedIn(h.services))
	route("GET /admin/profile", h.signedIn(h.profile))
	route("GET /admin/profile/password", h.signedIn(h.passwordPage))
	route("POST /admin/profile/password", h.signedIn(h.changePassword))
	route("GET /admin/services/new", h.signedIn(h.newServicePage))
	route("POST /admin/services/new", h.signedIn(h.newService))

	account := func(pattern string, perm team.Permission, f func(*request)) {
		route(pattern, h.signedIn(h.withAccount(perm, f)))
	}
	account("GET /admin/accounts/{account}", team.PermTransactionsRead, h.dashboard)
	account("GET /admin/accounts/{account}/transactions", team.PermTransactionsRead, h.transactions)
	account("GET /admin/accounts/{account}/transactions/download", team.PermTransactionsDownload, h.download)
	account("GET /admin/accounts/{account}/transactions/{id}", team.PermTransactionsDetails, h.transaction)
	account("GET /admin/accounts/{account}/transactions/{id}/refund", team.PermRefundsCreate, h.refundPage)
	account("POST /admin/accounts/{account}/transactions/{id}/refund", team.PermRefundsCreate, h.refund)
	account("GET /admin/accounts/{account}/api-keys", team.PermTokensRead, h.keys)
	account("GET /admin/accounts/{account}/api-keys/revoked", team.PermTokensRevokedRead, h.revokedKeys)
	account("GET /admin/accounts/{account}/api-keys/new", team.PermTokensCreate, h.newKeyPage)
	account("POST /admin/accounts/{account}/api-keys/new", team.PermTokensCreate, h.newKey)
	account("GET /admin/accounts/{account}/api-keys/{key}/name", team.PermTokensUpdate, h.keyNamePage)
	account("POST /admin/accounts/{account}/api-keys/{key}/name", team.PermTokensUpdate, h.keyName)
	account("GET /admin/accounts/{account}/api-keys/{key}/revoke", team.PermTokensDelete, h.revokeKeyPage)
	account("POST /admin/accounts/{account}/api-keys/{key}/revoke", team.PermTokensDelete, h.revokeKey)
	account("GET /admin/accounts/{account}/settings", team.PermPaymentTypesRead, h.settingsPage)
	account("POST /admin/accounts/{account}/settings", team.PermPaymentTypesUpdate, h.settings)
	account("GET /admin/accounts/{account}/settings/email-notifications", team.PermPaymentTypesRead, h.emailSettingsPage)
	account("POST /admin/accounts/{account}/settings/email-notifications", team.PermPaymentTypesUpdate, h.emailSettings)
	account("GET /admin/accounts/{account}/emails", team.PermTransactionsRead, h.emails)
	account("GET /admin/accounts/{account}/emails/{id}", team.PermTransactionsDetails, h.email)
	account("GET /admin/accounts/{account}/emails/{id}/html", team.PermTransactionsDetails, h.emailHTML)
	account("GET /admin/accounts/{account}/demo-payment", team.PermTokensCreate, h.demoPage)
	account("POST /admin/accounts/{account}/demo-payment", team.PermTokensCreate, h.makeDemo)
	account("GET /admin/accounts/{account}/demo-payment/{payment}", team.PermTokensCreate, h.demoReturn)
	account("GET /admin/accounts/{account}/payment-links", team.PermTokensCreate, h.links)
	account("GET /admin/accounts/{account}/payment-links/new", team.PermTokensCreate, h.newLinkPage)
	account("POST /admin/accounts/{account}/payment-links/new", team.PermTokensCreate, h.linkFormPost)
	account("GET /admin/accounts/{account}/payment-links/{link}/edit", team.PermTokensCreate, h.editLinkPage)
	account("POST /admin/accounts/{account}/payment-links/{link}/edit", team.PermTokensCreate, h.editLink)
	account("POST /admin/accounts/{account}/payment-links/{link}/status", team.PermTokensCreate, h.linkStatus)
	account("GET /admin/accounts/{account}/payment-links/{link}/delete", team.PermTokensCreate, h.deleteLinkPage)
	account("POST /admin/accounts/{account}/payment-links/{link}/delete", team.PermTokensCreate, h.deleteLink)
	account("GET /admin/accounts/{account}/go-live", team.PermGoLive, h.goLivePage)
	account("POST /admin/accounts/{account}/go-live", team.PermGoLive, h.goLive)
	account("GET /admin/accounts/{account}/webhooks", team.PermTokensCreate, h.webhooks)
	account("GET /admin/accounts/{account}/webhooks/new", team.PermTokensCreate, h.newWebhookPage)
	account("POST /admin/accounts/{account}/webhooks/new", team.PermTokensCreate, h.newWebhook)
	account("GET /admin/accounts/{account}/webhooks/{hook}", team.PermTokensCreate, h.webhook)
	account("GET /admin/accounts/{account}/webhooks/{hook}/edit", team.PermTokensCreate, h.editWebhookPage)
	account("POST /admin/accounts/{account}/webhooks/{hook}/edit", team.PermTokensCreate, h.editWebhook)
	account("POST /admin/accounts/{account}/webhooks/{hook}/status", team.PermTokensCreate, h.webhookStatus)
	account("POST /admin/accounts/{account}/webhooks/{hook}/secret", team.PermTokensCreate, h.webhookSecret)
	account("GET /admin/accounts/{account}/webhooks/{hook}/messages/{message}", team.PermTokensCreate, h.webhookMessage)
	account("POST /admin/accounts/{account}/webhooks/{hook}/messages/{message}/resend", team.PermTokensCreate, h.resendMessage)
	account("GET /admin/accounts/{account}/team", team.PermUsersRead, h.teamPage)
	account("POST /admin/accounts/{account}/team/{user}/role", team.PermUsersManage, h.changeRole)
	account("POST /admin/accounts/{account}/team/{user}/remove", team.PermUsersManage, h.removeMember)
	account("POST /admin/accounts/{account}/team/{user}/reset-2fa", team.PermUsersManage, h.resetMemberTOTP)
	account("GET /admin/accounts/{account}/team/invite", team.PermUsersManage, h.invitePage)
	account("POST /admin/accounts/{account}/team/invite", team.PermUsersManage, h.invite)
	account("POST /admin/accounts/{account}/team/invitations/{invite}/cancel", team.PermUsersManage, h.cancelInvite)
	account("POST /admin/accounts/{account}/team/invitations/{invite}/resend", team.PermUsersManage, h.resendInvite)
	// The explorer needs an API key: it is for those who may see keys.
	account("GET /admin/accounts/{account}/explorer", team.PermTokensRead, h.explorerPage)
	account("POST /admin/accounts/{account}/explorer", team.PermTokensRead, h.explorer)
	route("/admin/", h.notFound)
}

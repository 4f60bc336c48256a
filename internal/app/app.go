// Package app wires Pay together: the store for the configured database,
// the domain, the HTTP surfaces and the background jobs. The binary and the
// end-to-end tests boot exactly this.
package app

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"pay/internal/api"
	"pay/internal/config"
	"pay/internal/jobs"
	"pay/internal/notify"
	"pay/internal/pay"
	"pay/internal/provider/sandbox"
	"pay/internal/provider/stripe"
	"pay/internal/ratelimit"
	"pay/internal/store"
	"pay/internal/store/postgres"
	"pay/internal/store/sqlite"
	"pay/internal/team"
	"pay/internal/telemetry"
	"pay/internal/web"
	"pay/internal/web/admin"
	"pay/internal/web/card"
	"pay/internal/web/links"
)

// App is a running (or ready to run) Pay instance.
type App struct {
	Config   config.Config
	Logger   *slog.Logger
	Store    store.Store
	Payments *pay.Payments
	Accounts *pay.Accounts
	Links    *pay.Links
	Users    *team.Users
	Emails   *pay.Emails
	Webhooks *pay.Webhooks
	// Templates write emails to payers; Sender sends them over SMTP, or
	// keeps them in the admin site's outbox when SMTP_URL is unset.
	Templates *notify.Templates
	Sender    notify.Sender
	Secret    []byte
	Metrics   *telemetry.Metrics
	Limiter   *ratelimit.Limiter // API rate limits, shared through Redis when REDIS_URL is set
	Stripe    *stripe.Provider   // the live accounts' provider
	// SignInLimiter counts the admin site's sign-in attempts per minute,
	// through the same Redis as Limiter.
	SignInLimiter *ratelimit.Limiter

	startJobs func(ctx context.Context, deps jobs.Deps, opts jobs.Options) (*jobs.Runner, error)
	jobs      *jobs.Runner
	server    *http.Server
	listener  net.Listener
	served    chan error
	pprof     *http.Server // PAY_PPROF_ADDR's server; nil when unset
	now       func() time.Time
}

// Options are what tests and the binary may set beyond Config.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time
	// Sandbox is the sandbox provider to use; nil is sandbox.New().
	Sandbox *sandbox.Provider
}

// OpenStore opens the store that cfg.DatabaseURL names and runs its migrations.
func OpenStore(ctx context.Context, cfg config.Config) (store.Store, error) {
	s, _, err := openStore(ctx, cfg)
	return s, err
}

func openStore(ctx context.Context, cfg config.Config) (store.Store, func(context.Context, jobs.Deps, jobs.Options) (*jobs.Runner, error), error) {
	engine, source, err := cfg.Database()
	if err != nil {
		return nil, nil, err
	}
	switch engine {
	case config.SQLite:
		s, err := sqlite.Open(ctx, source)
		if err != nil {
			return nil, nil, err
		}
		return s, func(ctx context.Context, d jobs.Deps, o jobs.Options) (*jobs.Runner, error) {
			return jobs.Start(ctx, riversqlite.New(s.DB()), d, o)
		}, nil
	default:
		s, err := postgres.Open(ctx, source)
		if err != nil {
			return nil, nil, err
		}
		return s, func(ctx context.Context, d jobs.Deps, o jobs.Options) (*jobs.Runner, error) {
			return jobs.Start(ctx, riverpgxv5.New(s.Pool()), d, o)
		}, nil
	}
}

// Open opens the database (migrating it), loads or creates the instance
// secret and builds the domain. It does not listen or run jobs yet.
func Open(ctx context.Context, cfg config.Config, opts Options) (*App, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	st, startJobs, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Logger: logger, Store: st, startJobs: startJobs, Metrics: telemetry.NewMetrics(), now: opts.Now}
	if a.Secret, err = loadSecret(ctx, st, cfg.Secret); err != nil {
		st.Close()
		return nil, err
	}
	if a.now == nil {
		a.now = time.Now
	}
	if opts.Sandbox == nil {
		opts.Sandbox = sandbox.New()
	}
	a.Accounts = &pay.Accounts{Store: st, Secret: a.Secret, Now: a.now}
	a.Stripe = a.newStripe()
	a.Payments = &pay.Payments{Store: st, Now: a.now,
		Providers: map[string]pay.Provider{pay.ProviderSandbox: opts.Sandbox, pay.ProviderStripe: a.Stripe}}
	a.Links = &pay.Links{Store: st, Payments: a.Payments, PublicURL: cfg.PublicURL}
	a.Users = &team.Users{Store: st, Now: a.now, Require2FA: cfg.Require2FA}
	a.Emails = &pay.Emails{Store: st, Now: a.now}
	a.Webhooks = &pay.Webhooks{Store: st, Now: a.now, Resource: (&api.API{PublicURL: cfg.PublicURL}).PaymentResource}
	if err := a.openEmail(cfg); err != nil {
		st.Close()
		return nil, err
	}
	a.wireTeamMail()
	if a.Limiter, err = newLimiter(cfg, logger, a.now); err != nil {
		st.Close()
		return nil, err
	}
	a.SignInLimiter = &ratelimit.Limiter{Shared: a.Limiter.Shared, Logger: logger, Now: a.now, Window: time.Minute}
	return a, nil
}

// openEmail parses the email templates and chooses the sender: SMTP when
// SMTP_URL is set, the outbox otherwise.
func (a *App) openEmail(cfg config.Config) error {
	var err error
	if a.Templates, err = notify.Parse(); err != nil {
		return err
	}
	a.Sender = notify.Outbox{}
	if cfg.SMTPURL != "" {
		a.Sender, err = notify.NewSMTP(cfg.SMTPURL, cfg.EmailFrom)
	}
	return err
}

// wireTeamMail sends the team's emails through Pay's sender: invitations
// and reset links, whose addresses are on the public URL, and word to a user who failed
// sign-ins locked out, with a link that lets them back in.
func (a *App) wireTeamMail() {
	a.Users.Mailer = &teamMailer{sender: a.Sender, store: a.Store}
	a.Users.ResetURL = func(token string) string { return a.Config.PublicURL + "/admin/reset-password/" + token }
	a.Users.InviteURL = func(token string) string { return a.Config.PublicURL + "/admin/invitations/" + token }
	a.Users.LockedOut = a.Users.TellLockedOut
}

// newStripe returns the Stripe provider: each live account's key comes
// from its sealed credentials, and a payer who authenticates at Stripe comes
// back to the payment's 3-D Secure page.
func (a *App) newStripe() *stripe.Provider {
	return &stripe.Provider{URL: a.Config.StripeAPIURL, Keys: a.Accounts, ReturnURL: func(p *pay.Payment) string {
		return a.Config.PublicURL + "/card_details/" + p.ID + "/3ds_required?" + pay.ChallengeReturnParam + "=1"
	}}
}

// newLimiter counts API requests per instance, or in Redis when REDIS_URL
// is set, falling back to per-instance counts while Redis is unreachable.
func newLimiter(cfg config.Config, logger *slog.Logger, now func() time.Time) (*ratelimit.Limiter, error) {
	l := &ratelimit.Limiter{Logger: logger, Now: now}
	if cfg.RedisURL == "" {
		return l, nil
	}
	shared, err := ratelimit.NewRedis(cfg.RedisURL, "pay:ratelimit:")
	if err != nil {
		return nil, err
	}
	l.Shared = shared
	return l, nil
}

// secretSetting is where a generated instance secret is kept.
const secretSetting = "secret"

// loadSecret returns PAY_SECRET if set, else the secret stored in the
// database, creating it on first start. Every instance on one database
// must share it: it checks API key checksums.
func loadSecret(ctx context.Context, st pay.Store, configured string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	for range 2 {
		s, err := st.SettingGet(ctx, secretSetting)
		if err == nil {
			return []byte(s), nil
		}
		if !pay.IsKind(err, pay.KindNotFound) {
			return nil, err
		}
		fresh := newSecret()
		err = st.SettingInsert(ctx, secretSetting, fresh)
		if err == nil {
			return []byte(fresh), nil
		}
		if !pay.IsKind(err, pay.KindConflict) {
			return nil, err
		}
		// Another instance stored its secret first: read that one.
	}
	return nil, errors.New("app: could not load or create the instance secret")
}

// newSecret returns 256 random bits in hex.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Handler returns everything Pay serves over HTTP.
func (a *App) Handler() (http.Handler, error) {
	mux := http.NewServeMux()
	(&api.API{Payments: a.Payments, Accounts: a.Accounts, Store: a.Store, PublicURL: a.Config.PublicURL,
		Logger: a.Logger, Limiter: a.Limiter}).Register(mux)
	cards, err := card.New(card.Config{Payments: a.Payments, Store: a.Store, Secret: a.Secret,
		SecureCookies: a.Config.SecureCookies(), Logger: a.Logger, Now: a.now})
	if err != nil {
		return nil, err
	}
	cards.Register(mux)
	admins, err := admin.New(admin.Config{Store: a.Store, Payments: a.Payments, Accounts: a.Accounts, Links: a.Links, Users: a.Users,
		Secret: a.Secret, Emails: a.Emails, EmailTemplates: a.Templates, Outbox: a.Sender.Outbox(),
		PublicURL: a.Config.PublicURL, SecureCookies: a.Config.SecureCookies(), Logger: a.Logger, Now: a.now,
		SignInLimiter: a.SignInLimiter, CheckStripeKey: a.Stripe.CheckKey, Webhooks: a.Webhooks,
		CreateService: a.createServiceFor})
	if err != nil {
		return nil, err
	}
	admins.Register(mux)
	payerLinks, err := links.New(links.Config{Links: a.Links, Store: a.Store, Logger: a.Logger})
	if err != nil {
		return nil, err
	}
	payerLinks.Register(mux)
	mux.Handle("POST /webhooks/stripe/{service}", &stripe.Webhook{Provider: a.Stripe, Accounts: a.Accounts, Events: a.Payments,
		Logger: a.Logger})
	mux.Handle("GET /static/", web.Static())
	mux.Handle("/", cards.NotFound())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"ok"}`+"\n")
	})
	mux.HandleFunc("GET /readyz", a.ready)
	mux.Handle("GET /metrics", a.Metrics.Handler())
	h := telemetry.Middleware(a.Logger, a.Metrics, mux)
	if a.Config.SecureCookies() { // Pay is reached over https
		h = web.StrictTransport(h)
	}
	return h, nil
}

// ready reports whether the database answers.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	if err := a.Store.Ping(ctx); err != nil {
		a.Logger.WarnContext(ctx, "not ready", slog.Any("error", err))
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"status":"unavailable","database":"unreachable"}`+"\n")
		return
	}
	io.WriteString(w, `{"status":"ok","database":"ok"}`+"\n")
}

// Start listens on the configured address, starts the jobs and serves in
// the background. Addr tells where it listens. The job timeout and rescue
// come from the configuration unless jobOpts sets them.
func (a *App) Start(ctx context.Context, jobOpts jobs.Options) error {
	var err error
	jobOpts.JobTimeout = cmp.Or(jobOpts.JobTimeout, a.Config.JobTimeout)
	jobOpts.RescueAfter = cmp.Or(jobOpts.RescueAfter, a.Config.JobRescueAfter)
	a.jobs, err = a.startJobs(context.WithoutCancel(ctx), jobs.Deps{Payments: a.Payments, Emails: a.Emails, Webhooks: a.Webhooks,
		Templates: a.Templates, Sender: a.Sender, Logger: a.Logger}, jobOpts)
	if err != nil {
		return err
	}
	if a.listener, err = net.Listen("tcp", a.Config.Addr); err != nil {
		return fmt.Errorf("listen on %s: %w", a.Config.Addr, err)
	}
	if a.Config.PublicURL == "http://"+a.Config.Addr {
		// The public URL was derived from PAY_ADDR: use the port actually
		// bound (PAY_ADDR may ask for any free port with :0).
		a.Config.PublicURL = "http://" + a.listener.Addr().String()
		a.Links.PublicURL = a.Config.PublicURL
	}
	handler, err := a.Handler()
	if err != nil {
		return err
	}
	a.server = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
	}
	a.served = make(chan error, 1)
	go func() { a.served <- a.server.Serve(a.listener) }()
	return a.startPprof()
}

// startPprof serves Go's profiles on PAY_PPROF_ADDR (loopback only, checked
// by config), on a listener apart from Pay's, when it is set.
func (a *App) startPprof() error {
	if a.Config.PprofAddr == "" {
		return nil
	}
	l, err := net.Listen("tcp", a.Config.PprofAddr)
	if err != nil {
		return fmt.Errorf("listen on PAY_PPROF_ADDR %s: %w", a.Config.PprofAddr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	a.pprof = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	a.Logger.Info("serving profiles", "addr", l.Addr().String())
	go func() { _ = a.pprof.Serve(l) }() // Shutdown ends it; its failure must not stop Pay
	return nil
}

// Addr is the address the server listens on, once started.
func (a *App) Addr() string { return a.listener.Addr().String() }

// Wait blocks until ctx is done or the server fails, then shuts down.
func (a *App) Wait(ctx context.Context) error {
	var err error
	select {
	case <-ctx.Done():
	case err = <-a.served:
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 20*time.Second)
	defer cancel()
	return errors.Join(err, a.Shutdown(shutdownCtx))
}

// Shutdown stops accepting requests, lets those in flight finish, stops the
// jobs and closes the store.
func (a *App) Shutdown(ctx context.Context) error {
	var errs []error
	if a.server != nil {
		errs = append(errs, a.server.Shutdown(ctx))
	}
	if a.pprof != nil {
		errs = append(errs, a.pprof.Close())
	}
	if a.jobs != nil {
		errs = append(errs, a.jobs.Stop(ctx))
	}
	if c, ok := a.Limiter.Shared.(io.Closer); ok {
		errs = append(errs, c.Close())
	}
	errs = append(errs, a.Store.Close())
	return errors.Join(errs...)
}

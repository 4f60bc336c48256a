// Package config reads Pay's configuration from the environment.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"pay/internal/jobs"
)

// Config is everything Pay reads from its environment.
type Config struct {
	Addr        string // PAY_ADDR: where the server listens
	PublicURL   string // PAY_PUBLIC_URL: base of every URL Pay hands out
	DatabaseURL string // DATABASE_URL: sqlite:PATH or postgres://…
	Secret      string // PAY_SECRET: API-key checksums and session keys; generated and stored if unset
	RedisURL    string // REDIS_URL: shared rate-limit counters
	AdminEmail  string // PAY_ADMIN_EMAIL: the first admin user's email
	LogLevel    string // PAY_LOG_LEVEL: debug, info, warn or error
	SMTPURL     string // SMTP_URL: where emails to payers go; unset, they stay in the admin site's outbox
	EmailFrom   string // PAY_EMAIL_FROM: the From address of emails to payers

	// Require2FA (PAY_REQUIRE_2FA=true) makes every admin user set up an
	// authenticator app before they can use the admin site.
	Require2FA bool

	// JobTimeout (PAY_JOB_TIMEOUT) is how long one run of a background job
	// (a provider call and its record) may take before it is cancelled and
	// retried.
	JobTimeout time.Duration
	// JobRescueAfter (PAY_JOB_RESCUE_AFTER) is how long a job may stay
	// running before it counts as stuck, its process having died, and runs
	// again. It must be longer than JobTimeout, so that a live job is never
	// rescued while it may still be working.
	JobRescueAfter time.Duration
	// StripeAPIURL (PAY_STRIPE_API_URL) sends every Stripe call to another
	// server than Stripe's, such as stripe-mock in tests; "" is Stripe's.
	// While it is set, test-mode keys are accepted for live accounts.
	StripeAPIURL string
	// PprofAddr (PAY_PPROF_ADDR) serves Go's profiles (/debug/pprof/) on a
	// loopback address of its own, so an operator can take a CPU profile of
	// a live server; "" serves none.
	PprofAddr string
}

// Defaults.
const (
	DefaultAddr           = "127.0.0.1:8080"
	DefaultDatabaseURL    = "sqlite:./pay-data/pay.db"
	DefaultAdminEmail     = "admin@pay.localhost"
	DefaultEmailFrom      = "Pay <noreply@pay.localhost>"
	DefaultJobTimeout     = jobs.DefaultJobTimeout
	DefaultJobRescueAfter = jobs.DefaultRescueAfter
)

// Variables lists every environment variable Pay reads, for help texts.
var Variables = []string{"PAY_ADDR", "PAY_PUBLIC_URL", "DATABASE_URL", "PAY_SECRET", "REDIS_URL",
	"PAY_ADMIN_EMAIL", "PAY_LOG_LEVEL", "PAY_REQUIRE_2FA", "SMTP_URL", "PAY_EMAIL_FROM", "PAY_JOB_TIMEOUT",
	"PAY_JOB_RESCUE_AFTER", "PAY_STRIPE_API_URL", "PAY_PPROF_ADDR"}

// FromEnv reads the configuration with getenv and fills in defaults.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:           getenv("PAY_ADDR"),
		PublicURL:      getenv("PAY_PUBLIC_URL"),
		DatabaseURL:    getenv("DATABASE_URL"),
		Secret:         getenv("PAY_SECRET"),
		RedisURL:       getenv("REDIS_URL"),
		AdminEmail:     getenv("PAY_ADMIN_EMAIL"),
		LogLevel:       getenv("PAY_LOG_LEVEL"),
		SMTPURL:        getenv("SMTP_URL"),
		EmailFrom:      getenv("PAY_EMAIL_FROM"),
		JobTimeout:     DefaultJobTimeout,
		JobRescueAfter: DefaultJobRescueAfter,
		StripeAPIURL:   strings.TrimSuffix(getenv("PAY_STRIPE_API_URL"), "/"),
		PprofAddr:      getenv("PAY_PPROF_ADDR"),
	}
	if c.EmailFrom == "" {
		c.EmailFrom = DefaultEmailFrom
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	}
	c.PublicURL = strings.TrimSuffix(c.PublicURL, "/")
	if c.DatabaseURL == "" {
		c.DatabaseURL = DefaultDatabaseURL
	}
	if c.AdminEmail == "" {
		c.AdminEmail = DefaultAdminEmail
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	if v := getenv("PAY_REQUIRE_2FA"); v != "" {
		var err error
		if c.Require2FA, err = strconv.ParseBool(v); err != nil {
			return c, fmt.Errorf("PAY_REQUIRE_2FA %q: want true or false", v)
		}
	}
	if err := durationFromEnv(getenv, "PAY_JOB_TIMEOUT", &c.JobTimeout); err != nil {
		return c, err
	}
	if err := durationFromEnv(getenv, "PAY_JOB_RESCUE_AFTER", &c.JobRescueAfter); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// durationFromEnv sets *d from the variable name when it is set: a Go
// duration such as 90s or 2m.
func durationFromEnv(getenv func(string) string, name string, d *time.Duration) error {
	v := getenv(name)
	if v == "" {
		return nil
	}
	parsed, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%s %q: want a duration such as 90s or 2m", name, v)
	}
	*d = parsed
	return nil
}

// Validate reports the first problem with c.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("PAY_ADDR %q: want host:port: %w", c.Addr, err)
	}
	u, err := url.Parse(c.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("PAY_PUBLIC_URL %q: want an http:// or https:// URL", c.PublicURL)
	}
	if _, _, err := c.Database(); err != nil {
		return err
	}
	if u, err := url.Parse(c.StripeAPIURL); c.StripeAPIURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		return fmt.Errorf("PAY_STRIPE_API_URL %q: want an http:// or https:// URL", c.StripeAPIURL)
	}
	if err := c.validatePprof(); err != nil {
		return err
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		return errors.New("PAY_SECRET: use at least 32 characters")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("PAY_LOG_LEVEL %q: want debug, info, warn or error", c.LogLevel)
	}
	return c.validateJobs()
}

// validatePprof checks PAY_PPROF_ADDR is on loopback: profiles show the
// program's memory and must never be reachable from the network.
func (c Config) validatePprof() error {
	if c.PprofAddr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(c.PprofAddr)
	if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
		return fmt.Errorf("PAY_PPROF_ADDR %q: want a loopback host:port such as 127.0.0.1:6060", c.PprofAddr)
	}
	return nil
}

// validateJobs checks the job timings: a job rescued before its timeout
// could run twice at once for no reason.
func (c Config) validateJobs() error {
	if c.JobTimeout < time.Second {
		return fmt.Errorf("PAY_JOB_TIMEOUT %s: use at least 1s", c.JobTimeout)
	}
	if c.JobRescueAfter <= c.JobTimeout {
		return fmt.Errorf("PAY_JOB_RESCUE_AFTER %s: must be longer than PAY_JOB_TIMEOUT (%s)", c.JobRescueAfter, c.JobTimeout)
	}
	return nil
}

// Database engines.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Database returns the engine and its data source: a file path for SQLite,
// the URL itself for PostgreSQL.
func (c Config) Database() (engine, source string, err error) {
	switch {
	case strings.HasPrefix(c.DatabaseURL, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(c.DatabaseURL, "sqlite:"), "//")
		if path == "" {
			return "", "", errors.New("DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./pay-data/pay.db")
		}
		return SQLite, path, nil
	case strings.HasPrefix(c.DatabaseURL, "postgres://"), strings.HasPrefix(c.DatabaseURL, "postgresql://"):
		return Postgres, c.DatabaseURL, nil
	}
	return "", "", fmt.Errorf("DATABASE_URL %q: want sqlite:PATH or postgres://…", redact(c.DatabaseURL))
}

// SecureCookies reports whether cookies must be marked Secure: when Pay is
// reached over https.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.PublicURL, "https://") }

// String describes c with secrets masked, for logs.
func (c Config) String() string {
	secret := ""
	if c.Secret != "" {
		secret = "(set)"
	}
	return fmt.Sprintf("addr=%s public_url=%s database=%s secret=%s redis=%s admin_email=%s log_level=%s require_2fa=%t"+
		" smtp=%s email_from=%s job_timeout=%s job_rescue_after=%s",
		c.Addr, c.PublicURL, redact(c.DatabaseURL), secret, redact(c.RedisURL), c.AdminEmail, c.LogLevel, c.Require2FA,
		redact(c.SMTPURL), c.EmailFrom, c.JobTimeout, c.JobRescueAfter)
}

// redact hides the password in a URL.
func redact(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Package config reads Pay's configuration from the environment.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
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

	// Require2FA (PAY_REQUIRE_2FA=true) makes every admin user set up an
	// authenticator app before they can use the admin site.
	Require2FA bool

	// StripeAPIURL (PAY_STRIPE_API_URL) sends every Stripe call to another
	// server than Stripe's, such as stripe-mock in tests; "" is Stripe's.
	// While it is set, test-mode keys are accepted for live accounts.
	StripeAPIURL string
}

// Defaults.
const (
	DefaultAddr        = "127.0.0.1:8080"
	DefaultDatabaseURL = "sqlite:./pay-data/pay.db"
	DefaultAdminEmail  = "admin@pay.localhost"
)

// Variables lists every environment variable Pay reads, for help texts.
var Variables = []string{"PAY_ADDR", "PAY_PUBLIC_URL", "DATABASE_URL", "PAY_SECRET", "REDIS_URL",
	"PAY_ADMIN_EMAIL", "PAY_LOG_LEVEL", "PAY_REQUIRE_2FA", "PAY_STRIPE_API_URL"}

// FromEnv reads the configuration with getenv and fills in defaults.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:        getenv("PAY_ADDR"),
		PublicURL:   getenv("PAY_PUBLIC_URL"),
		DatabaseURL: getenv("DATABASE_URL"),
		Secret:      getenv("PAY_SECRET"),
		RedisURL:    getenv("REDIS_URL"),
		AdminEmail:  getenv("PAY_ADMIN_EMAIL"),
		LogLevel:    getenv("PAY_LOG_LEVEL"),

		StripeAPIURL: strings.TrimSuffix(getenv("PAY_STRIPE_API_URL"), "/"),
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
	return c, c.Validate()
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
	if c.Secret != "" && len(c.Secret) < 32 {
		return errors.New("PAY_SECRET: use at least 32 characters")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("PAY_LOG_LEVEL %q: want debug, info, warn or error", c.LogLevel)
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
	return fmt.Sprintf("addr=%s public_url=%s database=%s secret=%s redis=%s admin_email=%s log_level=%s require_2fa=%t",
		c.Addr, c.PublicURL, redact(c.DatabaseURL), secret, redact(c.RedisURL), c.AdminEmail, c.LogLevel, c.Require2FA)
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

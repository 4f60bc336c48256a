package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := FromEnv(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.PublicURL != "http://127.0.0.1:8080" || c.DatabaseURL != "sqlite:./pay-data/pay.db" {
		t.Fatalf("defaults: %+v", c)
	}
	engine, path, _ := c.Database()
	if engine != SQLite || path != "./pay-data/pay.db" {
		t.Fatalf("Database() = %s %s", engine, path)
	}
	if c.SecureCookies() {
		t.Fatal("http public URL must not ask for Secure cookies")
	}
	if c.JobTimeout != time.Minute || c.JobRescueAfter != 80*time.Second {
		t.Fatalf("job timeout %s, rescue after %s", c.JobTimeout, c.JobRescueAfter)
	}
}

// The crash tests shorten the rescue window through the environment.
func TestJobTimings(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"PAY_JOB_TIMEOUT": "3s", "PAY_JOB_RESCUE_AFTER": "8s"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.JobTimeout != 3*time.Second || c.JobRescueAfter != 8*time.Second {
		t.Fatalf("job timeout %s, rescue after %s", c.JobTimeout, c.JobRescueAfter)
	}
	if s := c.String(); !strings.Contains(s, "job_timeout=3s job_rescue_after=8s") {
		t.Fatalf("String() = %s", s)
	}
}

func TestPostgresAndMasking(t *testing.T) {
	c, err := FromEnv(env(map[string]string{
		"DATABASE_URL":   "postgres://pay:hunter2@db.internal:5432/pay",
		"PAY_PUBLIC_URL": "https://pay.example.org/",
		"PAY_SECRET":     strings.Repeat("s", 40),
		"REDIS_URL":      "redis://:mailpass@redis.example.org:6379/0",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if engine, _, _ := c.Database(); engine != Postgres {
		t.Fatalf("engine = %s", engine)
	}
	if c.PublicURL != "https://pay.example.org" || !c.SecureCookies() {
		t.Fatalf("public URL %q secure %v", c.PublicURL, c.SecureCookies())
	}
	s := c.String()
	for _, secret := range []string{"hunter2", "mailpass", strings.Repeat("s", 40)} {
		if strings.Contains(s, secret) {
			t.Fatalf("String() shows a secret: %s", s)
		}
	}
}

func TestInvalid(t *testing.T) {
	for name, e := range map[string]map[string]string{
		"addr":                  {"PAY_ADDR": "8080"},
		"public url":            {"PAY_PUBLIC_URL": "ftp://x"},
		"database":              {"DATABASE_URL": "mysql://x"},
		"empty path":            {"DATABASE_URL": "sqlite:"},
		"secret":                {"PAY_SECRET": "short"},
		"log level":             {"PAY_LOG_LEVEL": "loud"},
		"timeout":               {"PAY_JOB_TIMEOUT": "soon"},
		"rescue":                {"PAY_JOB_RESCUE_AFTER": "-1s"},
		"rescue before timeout": {"PAY_JOB_TIMEOUT": "2m", "PAY_JOB_RESCUE_AFTER": "2m"},
		"tiny timeout":          {"PAY_JOB_TIMEOUT": "10ms", "PAY_JOB_RESCUE_AFTER": "5s"},
		"stripe url":            {"PAY_STRIPE_API_URL": "127.0.0.1:12111"},
		"pprof on every host":   {"PAY_PPROF_ADDR": "0.0.0.0:6060"},
		"pprof on a name":       {"PAY_PPROF_ADDR": "example.org:6060"},
		"pprof without port":    {"PAY_PPROF_ADDR": "127.0.0.1"},
	} {
		if _, err := FromEnv(env(e)); err == nil {
			t.Errorf("%s: %v accepted", name, e)
		}
	}
}

func TestStripeAPIURL(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"PAY_STRIPE_API_URL": "http://127.0.0.1:12111/"}))
	if err != nil || c.StripeAPIURL != "http://127.0.0.1:12111" {
		t.Fatalf("PAY_STRIPE_API_URL: %q, %v", c.StripeAPIURL, err)
	}
	if c, _ := FromEnv(env(nil)); c.StripeAPIURL != "" {
		t.Fatalf("default PAY_STRIPE_API_URL %q, want Stripe's (empty)", c.StripeAPIURL)
	}
}

func TestPprofAddr(t *testing.T) {
	for _, addr := range []string{"127.0.0.1:6060", "[::1]:6060", "localhost:0"} {
		c, err := FromEnv(env(map[string]string{"PAY_PPROF_ADDR": addr}))
		if err != nil || c.PprofAddr != addr {
			t.Errorf("PAY_PPROF_ADDR %s: %q, %v", addr, c.PprofAddr, err)
		}
	}
}

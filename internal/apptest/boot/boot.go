// Package boot starts the real App in tests as pay serve runs it, on
// 127.0.0.1 on a free port. It is apart from package apptest so that tests
// inside the packages the App is made of can use apptest.
package boot

import (
	"context"
	"testing"
	"time"

	"pay/internal/app"
	"pay/internal/config"
	"pay/internal/jobs"
)

// FastJobs makes River pick jobs up quickly in tests.
var FastJobs = jobs.Options{PollInterval: 20 * time.Millisecond, CleanupInterval: time.Hour}

// Start boots the real App as pay serve runs it, on 127.0.0.1 on a free
// port, with the given environment (DATABASE_URL at least) and options, and
// shuts it down when the test ends. It returns the app, the credentials of
// a first start (nil on a later one) and the app's base URL.
func Start(t testing.TB, env map[string]string, opts app.Options) (*app.App, *app.Credentials, string) {
	t.Helper()
	return StartJobs(t, env, opts, FastJobs)
}

// StartJobs is Start with the given job options.
func StartJobs(t testing.TB, env map[string]string, opts app.Options, jobOpts jobs.Options) (*app.App, *app.Credentials, string) {
	t.Helper()
	a, creds, err := appWith(env, opts, jobOpts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Shutdown(context.Background()) })
	return a, creds, "http://" + a.Addr()
}

// App opens, sets up and starts an App on 127.0.0.1 on a free port,
// returning errors rather than failing a test, so that goroutines may call
// it. The caller shuts the app down.
func App(env map[string]string, opts app.Options) (*app.App, *app.Credentials, error) {
	return appWith(env, opts, FastJobs)
}

func appWith(env map[string]string, opts app.Options, jobOpts jobs.Options) (*app.App, *app.Credentials, error) {
	cfg, err := config.FromEnv(func(k string) string {
		if k == "PAY_ADDR" {
			return "127.0.0.1:0"
		}
		return env[k]
	})
	if err != nil {
		return nil, nil, err
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, opts)
	if err != nil {
		return nil, nil, err
	}
	creds, err := a.Bootstrap(ctx)
	if err == nil {
		err = a.Start(ctx, jobOpts)
	}
	if err != nil {
		a.Shutdown(ctx)
		return nil, nil, err
	}
	return a, creds, nil
}

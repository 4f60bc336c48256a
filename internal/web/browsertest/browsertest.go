// Package browsertest runs page tests in a real headless Chromium: one
// browser per test binary, a fresh incognito context per test, and an
// accessibility check with axe-core.
//
// PAY_TEST_CHROMIUM names the Chromium binary and PAY_TEST_AXE the path of
// axe.min.js. Without them the tests skip, except under CI, where a skipped
// browser test is a failure.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"pay/internal/team"
	"pay/internal/testenv"

	"github.com/chromedp/chromedp"
)

// Environment variables.
const (
	EnvChromium = "PAY_TEST_CHROMIUM"
	EnvAxe      = "PAY_TEST_AXE"
)

var shared struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	err    error
}

// Main runs the package's tests and then closes the shared browser. Call it
// from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if shared.cancel != nil {
		shared.cancel()
	}
	os.Exit(code)
}

// browser starts Chromium once per test binary.
func browser(t testing.TB) context.Context {
	t.Helper()
	path := testenv.Require(t, EnvChromium)
	shared.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
			chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1024, 900),
			chromedp.UserDataDir(must(os.MkdirTemp("", "pay-chromium-"))),
		)
		allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelBrowser := chromedp.NewContext(allocCtx)
		shared.err = chromedp.Do(ctx) // start the browser
		shared.ctx = ctx
		shared.cancel = func() { cancelBrowser(); cancelAlloc() }
	})
	if shared.err != nil {
		t.Fatalf("starting Chromium: %v", shared.err)
	}
	return shared.ctx
}

func must(dir string, err error) string {
	if err != nil {
		panic(err)
	}
	return dir
}

// tabLifetime bounds everything a tab does, so that a page that never shows
// what a test waits for fails the test instead of hanging it. It is a guard
// against hangs, not a speed target: a whole journey under the race detector,
// beside every other package's tests on two cores, takes well over a minute.
const tabLifetime = 5 * time.Minute

// Tab opens a new tab in its own browser context (its own cookies), closed
// when the test ends. Actions in it time out after tabLifetime.
func Tab(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser(t), chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, tabLifetime)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return ctx
}

// Do runs browser steps and fails the test on error.
func Do(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		url, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("browser at %s: %v", url, err)
	}
}

// Get runs one action that returns a value and fails the test on error.
func Get[T any](t testing.TB, ctx context.Context, action chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		url, _ := chromedp.Run(ctx, chromedp.Location())
		t.Fatalf("browser at %s: %v", url, err)
	}
	return v
}

// Text returns the text of the first element matching a CSS selector.
func Text(t testing.TB, ctx context.Context, selector string) string {
	t.Helper()
	return strings.TrimSpace(Get(t, ctx, chromedp.Text(chromedp.CSS(selector))))
}

// Location returns the tab's URL.
func Location(t testing.TB, ctx context.Context) string {
	t.Helper()
	return Get(t, ctx, chromedp.Location())
}

// axeViolation is the part of an axe-core result the tests report.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// Accessible runs axe-core on the page (WCAG 2.0, 2.1 and 2.2 A and AA
// rules) and fails the test on any serious or critical violation.
func Accessible(t testing.TB, ctx context.Context) {
	t.Helper()
	src, err := os.ReadFile(testenv.Require(t, EnvAxe))
	if err != nil {
		t.Fatalf("reading axe-core: %v", err)
	}
	Get(t, ctx, chromedp.Evaluate[bool](string(src)+";true"))
	script := `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']}})
		.then(r => JSON.stringify(r.violations))`
	raw := Get(t, ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	var violations []axeViolation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		t.Fatalf("axe-core result: %v", err)
	}
	for _, v := range violations {
		if v.Impact == "serious" || v.Impact == "critical" {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprint(n.Target...))
			}
			t.Errorf("accessibility (%s, %s): %s at %s", v.Impact, v.ID, v.Help, strings.Join(where, "; "))
		}
	}
}

// FillCard types a card into Pay's card form by GOV.UK Pay's element ids, as
// browser automation written for GOV.UK Pay does, without submitting it.
func FillCard(number string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.WaitVisible(chromedp.ID("card-no")),
		chromedp.SendKeys(chromedp.ID("card-no"), number),
		chromedp.SendKeys(chromedp.ID("expiry-month"), "12"),
		chromedp.SendKeys(chromedp.ID("expiry-year"), "2030"),
		chromedp.SendKeys(chromedp.ID("cardholder-name"), "J Bloggs"),
		chromedp.SendKeys(chromedp.ID("cvc"), "123"),
		chromedp.SendKeys(chromedp.ID("address-line-1"), "1 High Street"),
		chromedp.SendKeys(chromedp.ID("address-city"), "London"),
		chromedp.SendKeys(chromedp.ID("address-postcode"), "SW1A 1AA"),
		chromedp.SendKeys(chromedp.ID("email"), "payer@example.org"),
	)
}

// SignInFirstTime signs a new admin user in at base's admin site, setting
// up their authenticator app as the site asks on a first sign-in, and waits
// for the dashboard. now is the app's clock, for the authenticator's code;
// it must be past the step in which the secret was shown.
func SignInFirstTime(t testing.TB, tab context.Context, base, email, password string, now func() time.Time) {
	t.Helper()
	Do(t, tab, chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("continue")), chromedp.WaitVisible(chromedp.ID("totp-secret")))
	secret := strings.ReplaceAll(Text(t, tab, "#totp-secret"), " ", "")
	code, err := team.TOTPCode(secret, now())
	if err != nil {
		t.Fatal(err)
	}
	Do(t, tab, chromedp.SendKeys(chromedp.ID("code"), code), chromedp.Click(chromedp.ID("complete")),
		chromedp.WaitVisible(chromedp.ID("account-mode")))
}

package app_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pay/internal/api/apitest"
	"pay/internal/app"
	"pay/internal/apptest"
	"pay/internal/apptest/boot"
	"pay/internal/pay"
	"pay/internal/provider/stripe/stripetest"
	"pay/internal/store/pgtest"
	"pay/internal/store/postgres"
)

// lockedBuffer collects log output from many goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The card number every journey below uses, in the forms a payer types it.
const (
	cardNumber       = "4444333322221111"
	cardNumberSpaced = "4444 3333 2222 1111"
)

// payByCard runs the payer's journey over HTTP with a cookie jar, as a
// browser does, and returns the status the payment ends in.
func payByCard(t *testing.T, a *app.App, c *apitest.Client, form url.Values) pay.Status {
	t.Helper()
	res := c.Do("POST", "/v1/payments", map[string]any{"amount": 2500, "reference": "sec", "description": "Security check",
		"return_url": "https://service.example/done"})
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host == "service.example" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	get := func(u string) {
		r, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	post := func(u string, v url.Values) {
		r, err := client.PostForm(u, v)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	get(res.Str("_links.next_url.href"))
	base := c.BaseURL + "/card_details/" + res.Str("payment_id")
	post(base, form)
	post(base+"/confirm", nil)
	p, err := a.Store.PaymentGet(context.Background(), 0, res.Str("payment_id"))
	if err != nil {
		t.Fatal(err)
	}
	return p.Status
}

func card(number string, change ...string) url.Values {
	v := url.Values{"cardNo": {number}, "expiryMonth": {"11"}, "expiryYear": {"2031"}, "cardholderName": {"Sec Tester"},
		"cvc": {"987"}, "addressLine1": {"1 Secure Street"}, "addressCity": {"Leeds"}, "addressPostcode": {"LS1 1AA"},
		"addressCountry": {"GB"}, "email": {"sec@example.org"}}
	for i := 0; i+1 < len(change); i += 2 {
		v.Set(change[i], change[i+1])
	}
	return v
}

// goLive gives the service its live Stripe account, with the recorded
// Stripe's key, and returns a live API key.
func goLive(t *testing.T, a *app.App, serviceID int64) string {
	t.Helper()
	ctx := context.Background()
	live, err := a.Accounts.GoLive(ctx, serviceID, &pay.Organisation{Name: "Borough Council"},
		pay.Credentials{StripeSecretKey: stripetest.Key, StripeWebhookSecret: "whsec_test"})
	if err != nil {
		t.Fatal(err)
	}
	key, _, err := a.Accounts.CreateKey(ctx, live, "live", "test")
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// runJourneys takes payments through every path with the card number and
// checks none of it leaks into the logs.
func runJourneys(t *testing.T, databaseURL string) *app.App {
	t.Helper()
	logs := &lockedBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	stripeAPI := stripetest.New(t)
	a, creds, base := boot.Start(t, map[string]string{"DATABASE_URL": databaseURL, "PAY_STRIPE_API_URL": stripeAPI.URL},
		app.Options{Logger: logger})
	c := &apitest.Client{T: t, BaseURL: base, Key: creds.APIKey}

	// The capture job may already have run by the time we look.
	if st := payByCard(t, a, c, card(cardNumberSpaced)); !st.In(pay.StatusCaptureApproved, pay.StatusCaptureReady, pay.StatusCaptured) {
		t.Fatalf("good card: %s", st)
	}
	// A card number typed into the name and address fields is refused and not kept.
	payByCard(t, a, c, card(cardNumber, "cardholderName", cardNumber, "addressLine1", cardNumberSpaced, "expiryMonth", "13"))
	payByCard(t, a, c, card("4000000000000002"))
	payByCard(t, a, c, card("4000000000000119"))
	// The same through Stripe, on a live account: the card goes to Stripe and
	// nowhere else.
	live := &apitest.Client{T: t, BaseURL: base, Key: goLive(t, a, creds.Account.ServiceID)}
	if st := payByCard(t, a, live, card(stripetest.CardSuccess)); !st.In(pay.StatusCaptureApproved, pay.StatusCaptureReady, pay.StatusCaptured) {
		t.Fatalf("Stripe card: %s", st)
	}
	payByCard(t, a, live, card(stripetest.CardDeclined))
	sentToStripe := false
	for _, call := range stripeAPI.Calls() {
		sentToStripe = sentToStripe || call.Form.Get("card[number]") == stripetest.CardSuccess
	}
	if !sentToStripe {
		t.Error("the Stripe card never reached Stripe, so the check proves nothing")
	}
	eventually(t, "the capture jobs", func() bool { return jobCount(t, a, pay.CaptureJob{}.Kind(), "completed") >= 2 })
	time.Sleep(100 * time.Millisecond) // let the last log lines land

	for _, secret := range []string{cardNumber, cardNumberSpaced, "4444+3333", stripetest.CardSuccess, stripetest.CardDeclined} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the logs contain %q", secret)
		}
	}
	if !strings.Contains(logs.String(), `"route":"POST /card_details/{id}"`) {
		t.Error("the card form requests were not logged at all, so the log check proves nothing")
	}
	return a
}

func TestCardNumberNeverStoredSQLite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := runJourneys(t, "sqlite:"+filepath.Join(dir, "pay.db"))
	a.Shutdown(context.Background())
	files, _ := filepath.Glob(filepath.Join(dir, "pay.db*"))
	if len(files) == 0 {
		t.Fatal("no database files")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{cardNumber, cardNumberSpaced, stripetest.CardSuccess, stripetest.CardDeclined} {
			if bytes.Contains(b, []byte(secret)) {
				t.Errorf("%s contains %q", filepath.Base(f), secret)
			}
		}
		if filepath.Base(f) == "pay.db" && !bytes.Contains(b, []byte("444433")) {
			t.Error("the database does not even hold the first six digits, so the check proves nothing")
		}
	}
}

func TestCardNumberNeverStoredPostgres(t *testing.T) {
	t.Parallel()
	a := runJourneys(t, pgtest.URL(t))
	pool := a.Store.(*postgres.Store).Pool()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 5 {
		t.Fatalf("found only tables %v", tables)
	}
	for _, table := range tables {
		var hits int
		err := pool.QueryRow(ctx, `SELECT count(*) FROM "`+table+`" t WHERE t::text LIKE '%' || $1 || '%' OR t::text LIKE '%' || $2 || '%'
			OR t::text LIKE '%' || $3 || '%'`, cardNumber, cardNumberSpaced, stripetest.CardSuccess).Scan(&hits)
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		if hits > 0 {
			t.Errorf("table %s holds the card number in %d rows", table, hits)
		}
	}
}

// With an https public URL every answer carries HSTS, though Pay itself
// serves plain HTTP (as behind a proxy that ends TLS); with an http one,
// none does.
func TestStrictTransportSecurity(t *testing.T) {
	t.Parallel()
	paths := []string{"/healthz", "/readyz", "/metrics", "/static/pay.css", "/v1/payments", "/v1/openapi.json",
		"/secure/no-such-token", "/card_details/nosuchpayment", "/admin", "/admin/sign-in", "/no-such-page"}
	for _, tc := range []struct {
		publicURL, want string
	}{{"https://pay.example.org", "max-age=31536000"}, {"http://pay.example.org", ""}} {
		_, creds, base := boot.Start(t, map[string]string{"DATABASE_URL": apptest.SQLiteURL(t), "PAY_PUBLIC_URL": tc.publicURL}, app.Options{})
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		check := func(req *http.Request) {
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if got := res.Header.Get("Strict-Transport-Security"); got != tc.want {
				t.Errorf("%s: %s %s (%d): Strict-Transport-Security %q, want %q", tc.publicURL, req.Method, req.URL.Path, res.StatusCode, got, tc.want)
			}
		}
		for _, p := range paths {
			req, _ := http.NewRequest("GET", base+p, nil)
			check(req)
		}
		req, _ := http.NewRequest("POST", base+"/v1/payments", strings.NewReader(`{}`))
		req.Header.Set("Authorization", "Bearer "+creds.APIKey)
		check(req)
	}
}

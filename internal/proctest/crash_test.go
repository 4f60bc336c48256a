package proctest_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"pay/internal/store/pgtest"
)

// The crash test's timings. The rescue window is made short through the
// configuration, as an operator could; production keeps the defaults.
const (
	crashKills       = 3
	crashWorkers     = 6
	crashLoadFor     = 4 * time.Second
	crashJobTimeout  = 3 * time.Second
	crashRescueAfter = 6 * time.Second
	// crashSettle is how long after the last restart every follow-up must
	// be done: the rescue window, River's rescuer pass (every 30 s) and the
	// dead leader's lease (15 s) running out, with room for the work itself.
	crashSettle = crashRescueAfter + 30*time.Second + 15*time.Second + 20*time.Second
	// crashCard is a sandbox card that pays.
	crashCard = "4444333322221111"
	// crashAmount and crashRefund are each payment's amount and refund.
	crashAmount, crashRefund = 1000, 300
)

// TestCrash puts Pay under load (create, pay, capture, refund, recurring
// payments), kills it with SIGKILL several times, restarts it, and checks
// that everything Pay acknowledged before a kill is there after it, and
// that no follow-up stays undone: captures, refunds and recurring payments
// all complete within crashSettle of the last restart.
func TestCrash(t *testing.T) {
	optIn(t, "PAY_TEST_CRASH")
	t.Run("SQLite", func(t *testing.T) {
		crash(t, "sqlite:"+filepath.Join(t.TempDir(), "pay.db"))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		crash(t, pgtest.URL(t))
	})
}

func crash(t *testing.T, databaseURL string) {
	in := newInstance(t, "DATABASE_URL="+databaseURL,
		"PAY_JOB_TIMEOUT="+crashJobTimeout.String(), "PAY_JOB_RESCUE_AFTER="+crashRescueAfter.String())
	in.start()
	in.command("accounts", "set", "1", "rate_limit_post=100000", "rate_limit_other=100000", "recurring_enabled=true")
	c := newClient(in.URL(), in.apiKey())
	hooks := newHookReceiver(t)
	hooks.secret = secretPattern.FindString(in.command("webhooks", "create", "--url", hooks.srv.URL, "--events", "card_payment_captured"))
	l := &ledger{agreement: setUpAgreement(t, c), created: map[string]bool{}, captured: map[string]bool{}, refunds: map[string]string{},
		hooks: hooks}
	for range crashKills {
		ctx, cancel := context.WithCancel(context.Background())
		done := l.load(ctx, c)
		time.Sleep(crashLoadFor)
		in.kill()
		cancel()
		done.Wait()
		in.start()
	}
	restarted := time.Now()
	atRestart := len(l.stuck(t, c))
	problems := l.settle(t, c, restarted.Add(crashSettle))
	f := l.figures(t, c)
	t.Logf("%d kills; acknowledged: %d payments created, %d confirmed or captured, %d refunds; "+
		"found after the restarts: %d payments, %d captured, %d refunds succeeded; "+
		"in a transient status at the last restart: %d; stuck %s later: %d; card_payment_captured messages received: %d",
		crashKills, len(l.created), len(l.captured), len(l.refunds), f.found, f.captured, f.refunded,
		atRestart, time.Since(restarted).Round(time.Second), len(problems), l.hooks.count())
	for _, p := range append(l.unexpected, problems...) {
		t.Error(p)
	}
	if len(l.created) < 20 || len(l.refunds) < 5 {
		t.Errorf("too little load to test anything: %d payments, %d refunds", len(l.created), len(l.refunds))
	}
	if t.Failed() {
		t.Logf("log of the last start:\n%s", in.logTail())
	}
}

// secretPattern finds a sandbox webhook's signing secret in what pay printed.
var secretPattern = regexp.MustCompile(`webhook_test_[0-9a-v]{26}`)

// setUpAgreement creates an agreement and pays its set-up payment, so the
// load can take recurring payments on it.
func setUpAgreement(t *testing.T, c *client) string {
	t.Helper()
	ctx := context.Background()
	ag, err := c.want(ctx, http.StatusCreated, "POST", "/v1/agreements", map[string]any{"reference": "crash", "description": "Crash test"})
	if err != nil {
		t.Fatal(err)
	}
	id := ag.Str("agreement_id")
	p, err := c.want(ctx, http.StatusCreated, "POST", "/v1/payments", payment(map[string]any{"set_up_agreement": id,
		"agreement_payment_type": "recurring"}))
	if err == nil {
		err = newPayer().pay(ctx, []string{c.base}, p.Str("_links.next_url.href"), crashCard)
	}
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// payment is a create-payment body with the fields of extra added.
func payment(extra map[string]any) map[string]any {
	body := map[string]any{"amount": crashAmount, "reference": "crash", "description": "Crash test",
		"return_url": "https://service.example.org/done"}
	for k, v := range extra {
		body[k] = v
	}
	return body
}

// ledger records what Pay acknowledged: payments it created (201), payments
// it must capture (the payer's confirmation, a 204 capture, a 201 recurring
// payment) and refunds it accepted (202).
type ledger struct {
	agreement  string
	mu         sync.Mutex
	created    map[string]bool
	captured   map[string]bool
	refunds    map[string]string // refund id → payment id
	hooks      *hookReceiver     // gets the card_payment_captured messages
	unexpected []string
}

func (l *ledger) record(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	f()
}

// load runs crashWorkers workers until ctx is done or the instance stops
// answering.
func (l *ledger) load(ctx context.Context, c *client) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range crashWorkers {
		wg.Go(func() {
			for i := w; ctx.Err() == nil; i += crashWorkers {
				err := l.cycle(ctx, c, i)
				if isTransport(err) {
					return // killed
				} else if err != nil {
					l.record(func() { l.unexpected = append(l.unexpected, err.Error()) })
				}
			}
		})
	}
	return &wg
}

// cycle is one payer's and service's work: a recurring payment, or a
// payment paid on the card pages (captured at once or, one in four, with
// delayed capture), then partly refunded.
func (l *ledger) cycle(ctx context.Context, c *client, i int) error {
	if i%4 == 3 {
		res, err := c.want(ctx, http.StatusCreated, "POST", "/v1/payments", map[string]any{"amount": crashAmount, "reference": "crash",
			"description": "Crash test", "authorisation_mode": "agreement", "agreement_id": l.agreement})
		if err == nil {
			l.record(func() { l.created[res.Str("payment_id")], l.captured[res.Str("payment_id")] = true, true })
		}
		return err
	}
	delayed := i%4 == 2
	res, err := c.want(ctx, http.StatusCreated, "POST", "/v1/payments", payment(map[string]any{"delayed_capture": delayed}))
	if err != nil {
		return err
	}
	id := res.Str("payment_id")
	l.record(func() { l.created[id] = true })
	if err := newPayer().pay(ctx, []string{c.base}, res.Str("_links.next_url.href"), crashCard); err != nil {
		return err
	}
	if delayed {
		if _, err := c.want(ctx, http.StatusNoContent, "POST", "/v1/payments/"+id+"/capture", nil); err != nil {
			return err
		}
	}
	l.record(func() { l.captured[id] = true })
	return l.refund(ctx, c, id)
}

// refund waits for the payment's capture, then refunds part of it.
func (l *ledger) refund(ctx context.Context, c *client, id string) error {
	for range 50 {
		res, err := c.want(ctx, http.StatusOK, "GET", "/v1/payments/"+id, nil)
		if err != nil {
			return err
		}
		if res.Str("refund_summary.status") == "available" {
			r, err := c.want(ctx, http.StatusAccepted, "POST", "/v1/payments/"+id+"/refunds",
				map[string]any{"amount": crashRefund, "refund_amount_available": crashAmount})
			if err == nil {
				l.record(func() { l.refunds[r.Str("refund_id")] = id })
			}
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nil // not captured yet: the check after the restarts will see to it
}

// settle waits until every acknowledged payment and refund is where it
// should be and nothing is stuck, or until the deadline, and returns what
// is still wrong.
func (l *ledger) settle(t *testing.T, c *client, deadline time.Time) []string {
	for {
		problems := append(l.missing(t, c), l.stuck(t, c)...)
		if len(problems) == 0 || time.Now().After(deadline) {
			return problems
		}
		time.Sleep(2 * time.Second)
	}
}

// missing lists the acknowledged payments that are not captured and the
// accepted refunds that have not succeeded.
func (l *ledger) missing(t *testing.T, c *client) []string {
	var out []string
	for id := range l.captured {
		if res := get(t, c, "/v1/payments/"+id); res.Str("settlement_summary.captured_date") == "" {
			out = append(out, fmt.Sprintf("payment %s acknowledged but not captured: state %s", id, res.Str("state.status")))
		} else if !l.hooks.got(id) {
			out = append(out, fmt.Sprintf("payment %s captured but no card_payment_captured message received", id))
		}
	}
	for rid, pid := range l.refunds {
		if res := get(t, c, "/v1/payments/"+pid+"/refunds/"+rid); res.Str("status") != "success" {
			out = append(out, fmt.Sprintf("refund %s accepted but %s", rid, res.Str("status")))
		}
	}
	return out
}

// stuck lists every payment of the account in a status that a background
// job should have moved on (success not captured, a recurring payment not
// authorised) and every refund still submitted, acknowledged or not.
func (l *ledger) stuck(t *testing.T, c *client) []string {
	var out []string
	for _, p := range list(t, c, "/v1/payments") {
		state := str(p, "state.status")
		if (state == "success" && str(p, "settlement_summary.captured_date") == "") ||
			(str(p, "authorisation_mode") == "agreement" && (state == "created" || state == "started")) {
			out = append(out, fmt.Sprintf("payment %s stuck: %s", str(p, "payment_id"), state))
		}
	}
	for _, r := range list(t, c, "/v1/refunds") {
		if str(r, "status") == "submitted" {
			out = append(out, fmt.Sprintf("refund %s stuck: submitted", str(r, "refund_id")))
		}
	}
	sort.Strings(out)
	return out
}

// figures counts what the restarted instance has of what was acknowledged.
type figures struct{ found, captured, refunded int }

func (l *ledger) figures(t *testing.T, c *client) figures {
	var f figures
	for id := range l.created {
		res := get(t, c, "/v1/payments/"+id)
		if res.Status == http.StatusOK {
			f.found++
		} else {
			l.unexpected = append(l.unexpected, fmt.Sprintf("payment %s acknowledged (201) but %d after the restarts", id, res.Status))
		}
		if l.captured[id] && res.Str("settlement_summary.captured_date") != "" {
			f.captured++
		}
	}
	for rid, pid := range l.refunds {
		if get(t, c, "/v1/payments/"+pid+"/refunds/"+rid).Str("status") == "success" {
			f.refunded++
		}
	}
	return f
}

// get reads one API resource; the instance must answer.
func get(t *testing.T, c *client, path string) *response {
	t.Helper()
	res, err := c.do(context.Background(), "GET", path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// list reads every page of a search.
func list(t *testing.T, c *client, path string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for page := 1; ; page++ {
		res := get(t, c, fmt.Sprintf("%s?display_size=500&page=%d", path, page))
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, res.Status, res.Str("description"))
		}
		results, _ := res.Body["results"].([]any)
		for _, r := range results {
			out = append(out, r.(map[string]any))
		}
		if len(results) < 500 || !strings.Contains(res.Str("_links.next_page.href"), "page=") {
			return out
		}
	}
}

package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"pay/internal/app"
	"pay/internal/config"
	"pay/internal/pay"
)

func TestWebhooksCommands(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	serveOnce(t, env)
	secret, _, err := runCmd(t, env, "webhooks", "create", "--url", "https://service.example/hooks",
		"--events", "card_payment_succeeded,card_payment_refunded", "--description", "Back office")
	if err != nil || !regexp.MustCompile(`^webhook_test_[0-9a-v]{26}\n$`).MatchString(secret) {
		t.Fatalf("webhooks create printed %q, %v; want only the signing secret", secret, err)
	}
	list, _, err := runCmd(t, env, "webhooks", "list")
	if err != nil || !strings.Contains(list, "https://service.example/hooks") ||
		!strings.Contains(list, "card_payment_succeeded,card_payment_refunded") || !strings.Contains(list, "active") {
		t.Fatalf("webhooks list:\n%s %v", list, err)
	}
	id := strings.Fields(strings.Split(list, "\n")[1])[0]
	if out, _, err := runCmd(t, env, "webhooks", "disable", id); err != nil || !strings.Contains(out, "Deactivated webhook "+id) {
		t.Fatalf("webhooks disable: %q %v", out, err)
	}
	if list, _, _ := runCmd(t, env, "webhooks", "list"); !strings.Contains(list, "inactive") {
		t.Fatalf("after disable:\n%s", list)
	}
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"create", "--url", "http://service.example/h", "--events", "card_payment_failed"}, "--url: Callback URL must use HTTPS protocol"},
		{[]string{"create", "--url", "https://service.example/h"}, "--events: Select at least one event"},
		{[]string{"create", "--url", "https://service.example/h", "--events", "card_payment_started"}, "--events: Unknown event card_payment_started"},
		{[]string{"create", "--url", "https://service.example/h", "--events", "card_payment_failed", "--description", strings.Repeat("x", 51)},
			"--description: Description must be 50 characters or fewer"},
		{[]string{"disable", "0123456789abcdef0123456789"}, "not found"},
		{[]string{"listen"}, "--forward-to"},
	} {
		if _, _, err := runCmd(t, env, append([]string{"webhooks"}, tt.args...)...); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("webhooks %q: %v, want %q", tt.args, err, tt.msg)
		}
	}
}

// TestWebhooksListen runs pay serve and pay webhooks listen side by side:
// an event of the sandbox account reaches the local receiver, listen
// prints the delivery, and the webhook is gone once listen stops.
func TestWebhooksListen(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	serveOnce(t, env)
	got := make(chan string, 10)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- string(b)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer rcv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var serveOut, listenOut syncBuffer
	served, listened := make(chan error, 1), make(chan error, 1)
	go func() { served <- run(ctx, nil, env, &serveOut, io.Discard) }()
	listenCtx, stopListen := context.WithCancel(ctx)
	go func() {
		listened <- run(listenCtx, []string{"webhooks", "listen", "--forward-to", rcv.URL + "/hook"}, env, &listenOut, io.Discard)
	}()
	waitFor(t, "listen to start", func() bool { return strings.Contains(listenOut.String(), "Press Ctrl-C to stop") })

	id := cancelledPayment(t, env)
	select {
	case body := <-got:
		if !strings.Contains(body, `"event_type":"card_payment_failed"`) || !strings.Contains(body, id) {
			t.Fatalf("receiver got %s", body)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the receiver got nothing")
	}
	waitFor(t, "listen to print the delivery", func() bool {
		return strings.Contains(listenOut.String(), "card_payment_failed  payment "+id+"  --> 202")
	})
	stopListen()
	if err := <-listened; err != nil {
		t.Fatalf("listen: %v", err)
	}
	cancel()
	<-served
	if list, _, _ := runCmd(t, env, "webhooks", "list"); strings.Count(list, "\n") != 1 {
		t.Fatalf("the webhook outlived listen:\n%s", list)
	}
}

// cancelledPayment makes a card_payment_failed event on the first account.
func cancelledPayment(t *testing.T, env func(string) string) string {
	t.Helper()
	cfg, err := config.FromEnv(env)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Shutdown(ctx)
	p := &pay.Payment{ID: pay.NewID(), AccountID: 1, Amount: 500, Reference: "L", Description: "Listen", ReturnURL: "https://example.org",
		Language: pay.LanguageEnglish, AuthorisationMode: pay.ModeWeb, Source: pay.SourceAPI, Status: pay.StatusCreated, Provider: pay.ProviderSandbox}
	if err := pay.InsertPayment(ctx, a.Store, &pay.PaymentInsertParams{Payment: p}); err != nil {
		t.Fatal(err)
	}
	if _, err := pay.TransitionPayment(ctx, a.Store, &pay.PaymentTransitionParams{PaymentID: p.ID, To: pay.StatusUserCancelled}); err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

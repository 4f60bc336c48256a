package admin_test

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pay/internal/pay"
	"pay/internal/team"
)

func TestEmailSettings(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.user("admin@example.org", team.RoleAdmin, false))
	path := e.accountPath("/settings/email-notifications")

	p := b.get(path)
	if p.status != http.StatusOK || p.heading() != "Email notifications" || !p.has(`value="MANDATORY" checked`) ||
		!p.has(`id="confirmationEmails-on" name="confirmationEmails" value="on" checked`) ||
		!p.has("Your payment of £[amount] to Licence service was successful") ||
		!p.has("You have been refunded £[amount] by Licence service") {
		t.Fatalf("email settings page:\n%s", p.body)
	}

	t.Run("PreviewWithoutSaving", func(t *testing.T) {
		p := b.post(path, url.Values{"action": {"preview"}, "emailCollection": {"OPTIONAL"}, "confirmationEmails": {"on"},
			"refundEmails": {"on"}, "customParagraph": {"Quote $reference & wait."}})
		if p.status != http.StatusOK || strings.Count(p.body, "Quote [reference] &amp; wait.") != 2 || // both previews
			!p.has(">Quote $reference &amp; wait.</textarea>") {
			t.Fatalf("preview: %d\n%s", p.status, p.body)
		}
		if s := e.settings(t); s.EmailParagraph != "" || s.EmailCollection != pay.EmailMandatory {
			t.Fatalf("a preview saved the settings: %+v", s)
		}
	})

	t.Run("TooLong", func(t *testing.T) {
		p := b.post(path, url.Values{"action": {"save"}, "emailCollection": {"OFF"}, "customParagraph": {strings.Repeat("a", 5001)}})
		want := []string{"custom-paragraph: Custom paragraph name must be 5000 characters or fewer"}
		if !slices.Equal(p.errors(), want) {
			t.Fatalf("errors %v, want %v", p.errors(), want)
		}
		if s := e.settings(t); s.EmailCollection != pay.EmailMandatory {
			t.Fatalf("an invalid form saved the settings: %+v", s)
		}
		p = b.post(path, url.Values{"action": {"save"}, "emailCollection": {"SOMETIMES"}})
		if !slices.Equal(p.errors(), []string{"email-collection: Select whether the payment pages ask for an email address"}) {
			t.Fatalf("unknown mode: %v", p.errors())
		}
	})

	t.Run("Save", func(t *testing.T) {
		p := b.post(path, url.Values{"action": {"save"}, "emailCollection": {"OFF"}, "confirmationEmails": {"off"},
			"refundEmails": {"on"}, "customParagraph": {"  Quote $reference.\r\nThanks.  "}})
		if p.status != http.StatusSeeOther || !b.follow(p).has(`id="settings-saved"`) {
			t.Fatalf("save: %d %v", p.status, p.errors())
		}
		s := e.settings(t)
		if s.EmailCollection != pay.EmailOff || s.ConfirmationEmails || !s.RefundEmails || s.EmailParagraph != "Quote $reference.\nThanks." {
			t.Fatalf("stored %+v", s)
		}
	})

	t.Run("OnlyAdmins", func(t *testing.T) {
		v := e.browser()
		v.signIn(e.user("viewer@example.org", team.RoleViewOnly, false))
		if p := v.get(path); p.status != http.StatusForbidden {
			t.Fatalf("view-only GET: %d", p.status)
		}
		r := e.browser()
		r.signIn(e.user("refunder@example.org", team.RoleViewAndRefund, false))
		r.get(e.accountPath("/transactions"))
		if p := r.post(path, url.Values{"action": {"save"}, "emailCollection": {"MANDATORY"}}); p.status != http.StatusForbidden {
			t.Fatalf("view-and-refund POST: %d", p.status)
		}
	})
}

func (e *env) settings(t *testing.T) pay.AccountSettings {
	t.Helper()
	a, err := e.Store.AccountGet(e.Ctx, e.account.ID)
	must(t, err)
	return a.Settings
}

// sendToOutbox does what the email job does without SMTP.
func (e *env) sendToOutbox(t *testing.T, id string) {
	t.Helper()
	d, err := e.emails.Data(e.Ctx, 0, id)
	must(t, err)
	c, err := e.mail.Render(d)
	must(t, err)
	must(t, e.emails.RecordSent(e.Ctx, d.Email, c, true))
}

func TestEmailsOutbox(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.pay(e.newPayment(nil), "4444333322221111") // with payer@example.org
	list, err := e.Store.EmailList(e.Ctx, e.account.ID, p.ID, pay.EmailListLimit)
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("%d emails after capture, want 1", len(list))
	}
	sent := list[0]
	e.sendToOutbox(t, sent.ID)
	q := e.pay(e.newPayment(nil), "4444333322221111")
	list, err = e.Store.EmailList(e.Ctx, e.account.ID, q.ID, pay.EmailListLimit)
	must(t, err)
	must(t, e.emails.RecordFailure(e.Ctx, list[0], errors.New("421 try later"), false))

	b := e.browser()
	b.signIn(e.user("viewer@example.org", team.RoleViewOnly, false))
	page := b.get(e.accountPath("/emails"))
	if page.status != http.StatusOK || !page.has(`id="outbox-notice"`) || strings.Count(page.body, `class="email-row"`) != 2 ||
		!page.has("Your payment of £120.00 to Licence service was successful</a>") || !page.has("In the outbox") ||
		!page.has("Retrying") || !page.has(`<p class="hint email-error">421 try later</p>`) {
		t.Fatalf("emails page: %d\n%s", page.status, page.body)
	}

	detail := b.get(e.accountPath("/transactions/" + q.ID))
	if !detail.has(`id="payment-emails"`) || !detail.has(`class="email-kind">Payment confirmation</a>`) || !detail.has("421 try later") {
		t.Fatalf("transaction page lacks its email:\n%s", detail.body)
	}
	view := b.get(e.accountPath("/emails/" + sent.ID))
	if view.status != http.StatusOK || !view.has("Payment for: New passport application") || !view.has(`id="email-to">payer@example.org`) {
		t.Fatalf("email page: %d\n%s", view.status, view.body)
	}
	html := b.get(e.accountPath("/emails/" + sent.ID + "/html"))
	if html.status != http.StatusOK || !strings.HasPrefix(html.body, "<!DOCTYPE html>") ||
		!strings.HasPrefix(html.header.Get("Content-Security-Policy"), "sandbox;") {
		t.Fatalf("HTML part: %d %q\n%s", html.status, html.header.Get("Content-Security-Policy"), html.body)
	}

	for _, path := range []string{e.accountPath("/emails/" + pay.NewID()), e.accountPath("/emails/nope"),
		"/admin/accounts/" + strconv.FormatInt(e.other.ID, 10) + "/emails/" + sent.ID} {
		if got := b.get(path); got.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, got.status)
		}
	}
}

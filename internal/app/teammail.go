package app

import (
	"context"
	"html"
	"strings"

	"pay/internal/notify"
	"pay/internal/pay"
	"pay/internal/team"
)

// teamMailer sends emails to the admin site's users through Pay's email
// sending: over SMTP when SMTP_URL is set, else into the outbox that
// operators read with `pay emails list` (the user, who may be locked out
// or have forgotten their password, often cannot sign in to read it).
// Emails go at once, not through a job: the person is waiting for them.
type teamMailer struct {
	sender notify.Sender
	store  team.Store
}

// SendTeamEmail sends e, or keeps it in the outbox. The SMTP error names
// the recipient at most, never the text, which may hold a reset link.
func (m *teamMailer) SendTeamEmail(ctx context.Context, e *team.Email) error {
	if m.sender.Outbox() {
		return m.store.OutboxInsert(ctx, e)
	}
	return m.sender.Send(ctx, &notify.Message{ID: pay.NewID(), To: e.To,
		Content: &pay.EmailContent{Subject: e.Subject, Text: e.Text, HTML: textHTML(e.Text)}})
}

// textHTML is a plain text email as HTML: a paragraph for each block of
// text, for mail programs that show the HTML part.
func textHTML(text string) string {
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><body>")
	for _, p := range strings.Split(strings.TrimSpace(text), "\n\n") {
		b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(p), "\n", "<br>") + "</p>")
	}
	b.WriteString("</body></html>")
	return b.String()
}

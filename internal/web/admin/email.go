package admin

import (
	"io"
	"net/http"
	"slices"

	"pay/internal/notify"
	"pay/internal/pay"
)

// emailSettingsData is the Email notifications page: the settings and a
// preview of both emails written from them.
type emailSettingsData struct {
	page
	Modes        []option
	Confirmation bool
	Refund       bool
	Paragraph    string
	Previews     []emailPreview
	Saved        bool
}

// emailPreview is an email as the payer would read it, with placeholders
// for what depends on the payment.
type emailPreview struct {
	ID, Heading string
	Subject     string
	Text        string
}

func (h *Handler) emailSettingsPage(q *request) {
	d := h.emailSettingsData(q, q.account.Settings)
	d.Saved = q.r.URL.Query().Has("saved")
	h.render(q, http.StatusOK, "email_settings", d)
}

func (h *Handler) emailSettingsData(q *request, s pay.AccountSettings) *emailSettingsData {
	d := &emailSettingsData{page: h.page(q, "Email notifications", "Settings"), Confirmation: s.ConfirmationEmails,
		Refund: s.RefundEmails, Paragraph: s.EmailParagraph}
	for _, m := range []struct {
		mode  pay.EmailCollection
		label string
	}{{pay.EmailMandatory, "On – the payer must enter an email address"},
		{pay.EmailOptional, "Optional – the payer may enter an email address"},
		{pay.EmailOff, "Off – the card page does not ask for an email address, and Pay sends no emails"}} {
		d.Modes = append(d.Modes, option{string(m.mode), m.label, s.EmailCollection == m.mode})
	}
	d.Previews = h.emailPreviews(q.account, s.EmailParagraph)
	return d
}

// emailPreviews writes both emails with the service's name and paragraph
// and placeholders for the rest, as GOV.UK Pay's preview does. A template
// that fails to render is left out (the notify tests catch that).
func (h *Handler) emailPreviews(a *pay.Account, paragraph string) []emailPreview {
	f := &notify.Fields{Language: pay.LanguageEnglish, ServiceName: a.ServiceName, Reference: "[reference]",
		Description: "[description]", Date: "[date]", Amount: "[amount]", Paragraph: notify.Paragraph(paragraph, "[reference]")}
	var out []emailPreview
	for _, p := range []emailPreview{{ID: "preview-confirmation", Heading: "Payment confirmation email"},
		{ID: "preview-refund", Heading: "Refund email"}} {
		kind := pay.EmailPaymentConfirmed
		if p.ID == "preview-refund" {
			kind = pay.EmailRefundIssued
		}
		c, err := h.mail.Write(kind, f)
		if err != nil {
			h.logger.Error("email preview failed", "error", err)
			continue
		}
		p.Subject, p.Text = c.Subject, c.Text
		out = append(out, p)
	}
	return out
}

// emailSettings previews (action=preview) or saves the email settings. The
// preview is the page again, written from the form: it needs no JavaScript.
func (h *Handler) emailSettings(q *request) {
	form := q.r.PostForm
	s := q.account.Settings
	var errs []fieldError
	mode := pay.EmailCollection(form.Get("emailCollection"))
	if slices.Contains([]pay.EmailCollection{pay.EmailMandatory, pay.EmailOptional, pay.EmailOff}, mode) {
		s.EmailCollection = mode
	} else {
		errs = append(errs, fieldError{"email-collection", "Select whether the payment pages ask for an email address"})
	}
	s.ConfirmationEmails = form.Get("confirmationEmails") == "on"
	s.RefundEmails = form.Get("refundEmails") == "on"
	paragraph := form.Get("customParagraph")
	if err := s.SetEmailParagraph(paragraph); pay.IsKind(err, pay.KindInvalid) {
		errs = append(errs, fieldError{"custom-paragraph", err.(*pay.Error).Message})
		s.EmailParagraph = paragraph
	}
	if len(errs) > 0 || form.Get("action") == "preview" {
		d := h.emailSettingsData(q, s)
		d.Errors = errs
		h.render(q, http.StatusOK, "email_settings", d)
		return
	}
	a := *q.account
	a.Settings = s
	if err := h.accounts.SaveSettings(q.ctx, &a); err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	q.redirect(q.accountPath("/settings/email-notifications?saved"))
}

// emailsData is the list of the account's emails.
type emailsData struct {
	page
	Outbox bool
	Rows   []emailRow
}

// emailRow is one email in a list.
type emailRow struct {
	Href, To, Subject, Kind, Created, Status, StatusID, Error string
}

var emailKindNames = map[pay.EmailKind]string{
	pay.EmailPaymentConfirmed: "Payment confirmation",
	pay.EmailRefundIssued:     "Refund",
}

var emailStatusNames = map[pay.EmailStatus]string{
	pay.EmailPending:  "Waiting to send",
	pay.EmailSent:     "Sent",
	pay.EmailOutbox:   "In the outbox",
	pay.EmailRetrying: "Retrying",
	pay.EmailFailed:   "Failed",
}

func (h *Handler) emails(q *request) {
	list, err := h.store.EmailList(q.ctx, q.account.ID, "", pay.EmailListLimit)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	d := &emailsData{page: h.page(q, "Emails", "Emails"), Outbox: h.outbox}
	for _, e := range list {
		d.Rows = append(d.Rows, h.emailRow(q, e))
	}
	h.render(q, http.StatusOK, "emails", d)
}

func (h *Handler) emailRow(q *request, e *pay.Email) emailRow {
	return emailRow{Href: q.accountPath("/emails/" + e.ID), To: e.To, Subject: e.Subject, Kind: emailKindNames[e.Kind],
		Created: h.displayTime(e.CreatedAt), Status: emailStatusNames[e.Status], StatusID: string(e.Status), Error: e.Error}
}

// emailData is one email as it was sent (or kept in the outbox).
type emailData struct {
	page
	Email       emailRow
	Attempts    int
	Sent        string
	Text        string
	HTMLHref    string
	PaymentHref string
	Reference   string
}

func (h *Handler) email(q *request) {
	d, ok := h.emailOf(q)
	if !ok {
		return
	}
	e := d.Email
	v := &emailData{page: h.page(q, "Email to "+e.To, "Emails"), Email: h.emailRow(q, e), Attempts: e.Attempts, Text: e.Text,
		PaymentHref: q.accountPath("/transactions/" + e.PaymentID), Reference: d.Payment.Reference}
	if e.SentAt != nil {
		v.Sent = h.displayTime(*e.SentAt)
	}
	if e.HTML != "" {
		v.HTMLHref = q.accountPath("/emails/" + e.ID + "/html")
	}
	h.render(q, http.StatusOK, "email", v)
}

// emailHTML shows an email's HTML part on its own, sandboxed: no script,
// no request to anywhere, and not in a frame of another site.
func (h *Handler) emailHTML(q *request) {
	d, ok := h.emailOf(q)
	if !ok {
		return
	}
	q.w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	io.WriteString(q.w, d.Email.HTML)
}

// emailOf reads the email the path names, showing "not found" when the
// account has none such (another account's email is not found).
func (h *Handler) emailOf(q *request) (*pay.EmailData, bool) {
	id := q.r.PathValue("id")
	if !pay.ValidID(id) {
		h.notFound(q.w, q.r)
		return nil, false
	}
	d, err := h.emailService.Data(q.ctx, q.account.ID, id)
	return d, h.found(q, err)
}

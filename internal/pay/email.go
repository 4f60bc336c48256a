package pay

import (
	"context"
	"time"
)

// EmailKind is which email a payer gets.
type EmailKind string

const (
	EmailPaymentConfirmed EmailKind = "payment_confirmed"
	EmailRefundIssued     EmailKind = "refund_issued"
)

// EmailStatus is where an email is on its way to the payer.
type EmailStatus string

const (
	EmailPending  EmailStatus = "pending"  // waiting for its job
	EmailSent     EmailStatus = "sent"     // the SMTP server took it
	EmailOutbox   EmailStatus = "outbox"   // kept in the outbox: no SMTP server is configured
	EmailRetrying EmailStatus = "retrying" // sending failed; its job tries again later
	EmailFailed   EmailStatus = "failed"   // sending failed for good
)

// Done reports whether nothing more will happen to the email: sending it
// again would send it twice.
func (s EmailStatus) Done() bool { return s == EmailSent || s == EmailOutbox || s == EmailFailed }

// Email is one email to a payer, about a payment or one of its refunds. It
// is stored when the change that causes it commits, and rendered and sent
// by its job, which keeps what was sent so people can read it back.
type Email struct {
	ID        string
	AccountID int64
	PaymentID string
	RefundID  string // "" for a payment confirmation
	Kind      EmailKind
	To        string
	Status    EmailStatus
	Attempts  int    // sending attempts so far
	Error     string // the last attempt's error, "" if it worked
	Subject   string // what was sent (or kept in the outbox), once it was
	Text      string
	HTML      string
	CreatedAt time.Time
	UpdatedAt time.Time
	SentAt    *time.Time
}

// EmailJob renders and sends one stored email.
type EmailJob struct {
	EmailID string `json:"email_id"`
}

func (EmailJob) Kind() string { return "send_email" }

// EmailDue reports whether the payer of p gets an email of this kind, by
// GOV.UK Pay's rule: the account sends that kind, it collects email
// addresses at all, and the payer gave one.
func EmailDue(s *AccountSettings, p *Payment, kind EmailKind) bool {
	on := s.ConfirmationEmails
	if kind == EmailRefundIssued {
		on = s.RefundEmails
	}
	return on && s.EmailCollection != EmailOff && p.Email != ""
}

// emailsFor returns the email of this kind due to p's payer (none or one),
// reading p's account for its settings.
func (s *Payments) emailsFor(ctx context.Context, p *Payment, kind EmailKind, refundID string) ([]*Email, error) {
	acct, err := s.Store.AccountGet(ctx, p.AccountID)
	if err != nil {
		return nil, err
	}
	if !EmailDue(&acct.Settings, p, kind) {
		return nil, nil
	}
	return []*Email{{ID: NewID(), AccountID: p.AccountID, PaymentID: p.ID, RefundID: refundID, Kind: kind, To: p.Email}}, nil
}

// insertEmails stores new emails and enqueues a job for each, in tx: an
// email exists, and will be sent, exactly when the change causing it commits.
func insertEmails(ctx context.Context, tx Tx, emails []*Email) error {
	jobs := make([]Job, 0, len(emails))
	for _, e := range emails {
		e.Status, e.CreatedAt, e.UpdatedAt = EmailPending, tx.Now(), tx.Now()
		if err := tx.EmailInsert(ctx, e); err != nil {
			return err
		}
		jobs = append(jobs, Job{Args: EmailJob{EmailID: e.ID}})
	}
	return tx.JobInsert(ctx, jobs)
}

// EmailStore is the part of Store that keeps emails. New emails are
// inserted only with the change that causes them (Tx.EmailInsert).
type EmailStore interface {
	// EmailGet returns an email of the account (any account for 0); not
	// found if there is none.
	EmailGet(ctx context.Context, accountID int64, id string) (*Email, error)
	// EmailList returns the account's emails, newest first: at most limit,
	// and only the payment's when paymentID is set.
	EmailList(ctx context.Context, accountID int64, paymentID string, limit int) ([]*Email, error)
	// EmailUpdate stores an email's status, attempts, error, content and
	// sending time; not found if there is no such email.
	EmailUpdate(ctx context.Context, e *Email) error
}

// EmailContent is an email as rendered: what a sender sends.
type EmailContent struct {
	Subject string
	Text    string
	HTML    string
}

// EmailData is everything an email's text is made of.
type EmailData struct {
	Email   *Email
	Payment *Payment
	Refund  *Refund // nil for a payment confirmation
	Account *Account
}

// Emails is the domain's service for emails to payers: their jobs read
// what they need through it and record how sending went.
type Emails struct {
	Store Store
	Now   func() time.Time
}

func (s *Emails) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

// Data reads an email and what its text is made of. Not found if the email
// is not the account's (any account for 0).
func (s *Emails) Data(ctx context.Context, accountID int64, id string) (*EmailData, error) {
	e, err := s.Store.EmailGet(ctx, accountID, id)
	if err != nil {
		return nil, err
	}
	d := &EmailData{Email: e}
	if d.Payment, err = s.Store.PaymentGet(ctx, e.AccountID, e.PaymentID); err != nil {
		return nil, err
	}
	if e.RefundID != "" {
		if d.Refund, err = s.Store.RefundGet(ctx, e.AccountID, e.RefundID); err != nil {
			return nil, err
		}
	}
	if d.Account, err = s.Store.AccountGet(ctx, e.AccountID); err != nil {
		return nil, err
	}
	return d, nil
}

// RecordSent records that an email was sent (or, for the outbox, kept) as
// c, so that a job run again does not send it twice.
func (s *Emails) RecordSent(ctx context.Context, e *Email, c *EmailContent, outbox bool) error {
	now := s.now()
	e.Status, e.Error, e.SentAt, e.UpdatedAt = EmailSent, "", &now, now
	if outbox {
		e.Status = EmailOutbox
	}
	e.Attempts++
	e.Subject, e.Text, e.HTML = c.Subject, c.Text, c.HTML
	return s.Store.EmailUpdate(ctx, e)
}

// RecordFailure records a failed attempt and its error: the email is
// retrying, or failed once final (no attempt is left).
func (s *Emails) RecordFailure(ctx context.Context, e *Email, sendErr error, final bool) error {
	e.Status, e.Error, e.UpdatedAt = EmailRetrying, sendErr.Error(), s.now()
	if final {
		e.Status = EmailFailed
	}
	e.Attempts++
	return s.Store.EmailUpdate(ctx, e)
}

// EmailListLimit is how many emails the admin site lists.
const EmailListLimit = 100

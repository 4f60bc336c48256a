package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"

	"pay/internal/notify"
	"pay/internal/pay"
)

// DefaultEmailRetryDelay is how long a failed email waits before the next
// attempt: GOV.UK Pay retries after an hour.
const DefaultEmailRetryDelay = time.Hour

// emailWorker renders a stored email, sends it and records how that went.
type emailWorker struct {
	river.WorkerDefaults[pay.EmailJob]
	emails     *pay.Emails
	templates  *notify.Templates
	sender     notify.Sender
	retryDelay time.Duration
}

// NextRetry waits retryDelay after each failure, rather than River's
// quickly growing default, which suits a mail server that is down for a
// while.
func (w *emailWorker) NextRetry(*river.Job[pay.EmailJob]) time.Time {
	return time.Now().Add(w.retryDelay)
}

// Work sends the email once. "Sent" is recorded before the job is
// acknowledged and checked first, so a job that runs again (a retry after a
// failure to record, or a job rescued after a crash) does not send twice.
// A sending failure is recorded (retrying, or failed on the last attempt)
// and returned, so River tries again; an address that is not one fails at
// once, and the job is cancelled.
func (w *emailWorker) Work(ctx context.Context, job *river.Job[pay.EmailJob]) error {
	d, err := w.emails.Data(ctx, 0, job.Args.EmailID)
	if err != nil {
		return err
	}
	if d.Email.Status.Done() {
		return nil
	}
	content, err := w.templates.Render(d)
	if err == nil {
		err = w.sender.Send(ctx, &notify.Message{ID: d.Email.ID, To: d.Email.To, Content: content})
	}
	if err != nil {
		// A bad address fails for good at once; River retries the rest.
		permanent := errors.Is(err, notify.ErrBadAddress)
		final := permanent || job.Attempt >= job.MaxAttempts
		if rerr := w.emails.RecordFailure(ctx, d.Email, err, final); rerr != nil {
			return errors.Join(err, rerr)
		}
		if permanent {
			return river.JobCancel(err)
		}
		return err
	}
	return w.emails.RecordSent(ctx, d.Email, content, w.sender.Outbox())
}

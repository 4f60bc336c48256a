// Package jobs runs Pay's background work on River: the workers for the
// jobs the domain enqueues, and the periodic jobs, which River's leader
// election runs on one instance only.
package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"pay/internal/notify"
	"pay/internal/pay"
)

// Deps are what the workers need.
type Deps struct {
	Payments *pay.Payments
	Emails   *pay.Emails // nil: on the payments' store
	// Webhooks delivers webhook messages (nil: on the payments' store,
	// which cannot render a message's body: set it when any webhook exists).
	Webhooks *pay.Webhooks
	// Templates write the emails (nil: package notify's), and Sender sends
	// them (nil: notify.Outbox{}, which keeps them for the admin site).
	Templates *notify.Templates
	Sender    notify.Sender
	Logger    *slog.Logger
}

// Options tune the runner; zero values take the defaults.
type Options struct {
	CleanupInterval time.Duration // default 1 hour
	ExpiryInterval  time.Duration // how often unfinished payments are expired; default 1 minute
	PollInterval    time.Duration // how often idle workers look for jobs; default 1 s
	Workers         int           // concurrent jobs per instance; default 20
	EmailRetryDelay time.Duration // wait after a failed email; default DefaultEmailRetryDelay
	// JobTimeout cancels one run of a job that takes longer; River then
	// retries it. Default DefaultJobTimeout.
	JobTimeout time.Duration
	// WebhookWorkers bounds the webhook deliveries running at once on an
	// instance, and WebhookPerHook those of one webhook. Defaults
	// DefaultWebhookWorkers and DefaultWebhookPerHook.
	WebhookWorkers int
	WebhookPerHook int
	// RescueAfter is how long a job may stay running before River's
	// rescuer, on the leader, counts it as stuck (its process died) and
	// schedules it again. It must be longer than JobTimeout. Default
	// DefaultRescueAfter.
	RescueAfter time.Duration
}

// setDefaults fills in the zero values.
func (o *Options) setDefaults() {
	if o.CleanupInterval == 0 {
		o.CleanupInterval = time.Hour
	}
	if o.ExpiryInterval == 0 {
		o.ExpiryInterval = time.Minute
	}
	if o.PollInterval == 0 {
		o.PollInterval = time.Second
	}
	if o.Workers == 0 {
		o.Workers = 20
	}
	if o.EmailRetryDelay == 0 {
		o.EmailRetryDelay = DefaultEmailRetryDelay
	}
	o.WebhookWorkers = cmp.Or(o.WebhookWorkers, DefaultWebhookWorkers)
	o.WebhookPerHook = cmp.Or(o.WebhookPerHook, DefaultWebhookPerHook)
	o.JobTimeout = cmp.Or(o.JobTimeout, DefaultJobTimeout)
	o.RescueAfter = cmp.Or(o.RescueAfter, DefaultRescueAfter)
}

// setDefaults fills in the nil email dependencies.
func (d *Deps) setDefaults() error {
	if d.Emails == nil {
		d.Emails = &pay.Emails{Store: d.Payments.Store, Now: d.Payments.Now}
	}
	if d.Webhooks == nil {
		d.Webhooks = &pay.Webhooks{Store: d.Payments.Store, Now: d.Payments.Now}
	}
	if d.Sender == nil {
		d.Sender = notify.Outbox{}
	}
	var err error
	if d.Templates == nil {
		d.Templates, err = notify.Parse()
	}
	return err
}

// Job timings. Every job is safe to run twice, so a rescue that catches a
// job still working costs a repeated provider call, never a double charge.
const (
	// DefaultJobTimeout bounds a provider call and its record.
	DefaultJobTimeout = time.Minute
	// DefaultRescueAfter leaves a cancelled job 20 seconds to record its
	// result, and is short enough that, with River's rescuer passing every
	// 30 seconds, work taken by a process that died is done again within
	// two minutes.
	DefaultRescueAfter = 80 * time.Second
)

// Runner is a started River client.
type Runner struct {
	client interface {
		Stop(ctx context.Context) error
	}
}

// Start registers the workers and periodic jobs and starts working.
func Start[TTx any](ctx context.Context, driver riverdriver.Driver[TTx], deps Deps, opts Options) (*Runner, error) {
	opts.setDefaults()
	if err := deps.setDefaults(); err != nil {
		return nil, err
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &captureWorker{payments: deps.Payments})
	river.AddWorker(workers, &refundWorker{payments: deps.Payments})
	river.AddWorker(workers, &disputeWorker{payments: deps.Payments})
	river.AddWorker(workers, &cleanupWorker{payments: deps.Payments, logger: deps.Logger})
	river.AddWorker(workers, &expiryWorker{payments: deps.Payments, logger: deps.Logger})
	river.AddWorker(workers, &agreementPaymentWorker{payments: deps.Payments})
	river.AddWorker(workers, &emailWorker{emails: deps.Emails, templates: deps.Templates, sender: deps.Sender,
		retryDelay: opts.EmailRetryDelay})
	river.AddWorker(workers, &webhookWorker{hooks: deps.Webhooks, sandbox: newWebhookClient(false),
		live: newWebhookClient(true), slots: newKeyedSlots(opts.WebhookPerHook)})
	river.AddWorker(workers, &webhookCleanupWorker{hooks: deps.Webhooks})
	client, err := river.NewClient(driver, &river.Config{
		Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: opts.Workers},
			pay.WebhookQueue: {MaxWorkers: opts.WebhookWorkers}},
		Workers:           workers,
		FetchPollInterval: opts.PollInterval,
		FetchCooldown:     min(opts.PollInterval, river.FetchCooldownDefault),
		// River's default rescue, an hour, left work a crashed process had
		// taken undone for that long.
		JobTimeout:           opts.JobTimeout,
		RescueStuckJobsAfter: opts.RescueAfter,
		Logger:               deps.Logger,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(opts.CleanupInterval),
				func() (river.JobArgs, *river.InsertOpts) { return pay.CleanupJob{}, nil },
				&river.PeriodicJobOpts{ID: "cleanup", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(opts.ExpiryInterval),
				func() (river.JobArgs, *river.InsertOpts) { return pay.ExpiryJob{}, nil },
				&river.PeriodicJobOpts{ID: "expiry", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(opts.CleanupInterval),
				func() (river.JobArgs, *river.InsertOpts) { return pay.WebhookCleanupJob{}, nil },
				&river.PeriodicJobOpts{ID: "webhook_cleanup", RunOnStart: true}),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if err := client.Start(ctx); err != nil {
		return nil, fmt.Errorf("jobs: start: %w", err)
	}
	return &Runner{client: client}, nil
}

// Stop lets running jobs finish (until ctx is done) and stops the client.
func (r *Runner) Stop(ctx context.Context) error { return r.client.Stop(ctx) }

// captureWorker asks the provider to capture an approved payment.
type captureWorker struct {
	river.WorkerDefaults[pay.CaptureJob]
	payments *pay.Payments
}

func (w *captureWorker) Work(ctx context.Context, job *river.Job[pay.CaptureJob]) error {
	err := w.payments.ProcessCapture(ctx, job.Args.PaymentID)
	if err != nil && job.Attempt >= job.MaxAttempts {
		// River gives up after this attempt: record that capture failed for good.
		if aerr := w.payments.AbandonCapture(ctx, job.Args.PaymentID); aerr != nil {
			return fmt.Errorf("%w; and recording the failure: %v", err, aerr)
		}
	}
	return err
}

// cleanupWorker deletes expired idempotency keys and old next_url tokens.
type cleanupWorker struct {
	river.WorkerDefaults[pay.CleanupJob]
	payments *pay.Payments
	logger   *slog.Logger
}

func (w *cleanupWorker) Work(ctx context.Context, _ *river.Job[pay.CleanupJob]) error {
	n, err := w.payments.Cleanup(ctx)
	if err != nil {
		return err
	}
	w.logger.InfoContext(ctx, "cleanup", slog.Int("deleted", n))
	return nil
}

// expiryWorker expires payments that were not finished in time, and takes
// up work left stuck (see pay.SweepStuck).
type expiryWorker struct {
	river.WorkerDefaults[pay.ExpiryJob]
	payments *pay.Payments
	logger   *slog.Logger
}

func (w *expiryWorker) Work(ctx context.Context, _ *river.Job[pay.ExpiryJob]) error {
	n, err := w.payments.ExpireStale(ctx)
	if n > 0 {
		w.logger.InfoContext(ctx, "expired payments", slog.Int("expired", n))
	}
	stuck, serr := w.payments.SweepStuck(ctx)
	if stuck > 0 {
		w.logger.DebugContext(ctx, "stuck work taken up; jobs still queued are left alone", slog.Int("payments_and_refunds", stuck))
	}
	return errors.Join(err, serr)
}

// agreementPaymentWorker takes a payment on an agreement's saved card.
type agreementPaymentWorker struct {
	river.WorkerDefaults[pay.AgreementPaymentJob]
	payments *pay.Payments
}

func (w *agreementPaymentWorker) Work(ctx context.Context, job *river.Job[pay.AgreementPaymentJob]) error {
	return w.payments.AuthoriseWithAgreement(ctx, job.Args.PaymentID)
}

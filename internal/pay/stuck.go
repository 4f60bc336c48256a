package pay

import (
	"context"
	"errors"
	"time"
)

// StuckAfter is how long a payment or refund may wait, unchanged, in a
// status that a job or a request in progress should move on, before the
// sweep takes it up again. River rescues the jobs of a process that died
// well within it; the sweep is for what has no job left (River gave up on
// it, or the process died in the middle of a cancel, which is no job).
const StuckAfter = 5 * time.Minute

// stuckBatch bounds each kind of stuck work one sweep takes up.
const stuckBatch = 500

// jobFollowUps are the statuses a job moves on, and that job.
var jobFollowUps = []struct {
	statuses []Status
	job      func(paymentID string) JobArgs
}{
	{[]Status{StatusCaptureApproved, StatusCaptureApprovedRetry, StatusCaptureReady},
		func(id string) JobArgs { return CaptureJob{PaymentID: id} }},
	{[]Status{StatusAuthorisationUserNotPresentQd},
		func(id string) JobArgs { return AgreementPaymentJob{PaymentID: id} }},
}

// cancelFollowUps are the statuses a cancel with the provider starts from,
// and where it ends when the provider answers yes or no.
var cancelFollowUps = map[Status][2]Status{
	StatusSystemCancelReady: {StatusSystemCancelled, StatusSystemCancelError},
	StatusUserCancelReady:   {StatusUserCancelled, StatusUserCancelError},
	StatusExpireCancelReady: {StatusExpired, StatusExpireCancelFailed},
}

// SweepStuck takes up work that has waited longer than StuckAfter: it
// enqueues again the capture, recurring payment and refund jobs (jobs are
// unique while not done, so one still queued or running is left alone),
// and finishes interrupted cancels with the provider. It reports how many
// payments and refunds it took up; errors of single payments are joined.
func (s *Payments) SweepStuck(ctx context.Context) (int, error) {
	horizon := s.now().Add(-StuckAfter)
	jobs, err := s.stuckJobs(ctx, horizon)
	if err != nil {
		return 0, err
	}
	if len(jobs) > 0 {
		if err := s.Store.Update(ctx, func(tx Tx) error { return tx.JobInsert(ctx, jobs) }); err != nil {
			return 0, err
		}
	}
	n, err := s.finishCancels(ctx, horizon)
	return len(jobs) + n, err
}

// stuckJobs returns a job for every payment and refund left waiting for one
// since before horizon.
func (s *Payments) stuckJobs(ctx context.Context, horizon time.Time) ([]Job, error) {
	var jobs []Job
	for _, f := range jobFollowUps {
		ids, err := s.stuckPayments(ctx, f.statuses, horizon)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			jobs = append(jobs, Job{Args: f.job(id)})
		}
	}
	ids, err := s.Store.RefundListUnfinished(ctx, horizon, stuckBatch)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		jobs = append(jobs, Job{Args: RefundJob{RefundID: id}})
	}
	return jobs, nil
}

func (s *Payments) stuckPayments(ctx context.Context, statuses []Status, horizon time.Time) ([]string, error) {
	return s.Store.PaymentListExpirable(ctx, &PaymentExpirableParams{
		Statuses: statuses, CreatedBefore: horizon, UpdatedBefore: horizon, Limit: stuckBatch,
	})
}

// finishCancels asks the provider again to cancel the payments whose
// cancel stopped half way, and records its answer.
func (s *Payments) finishCancels(ctx context.Context, horizon time.Time) (int, error) {
	var statuses []Status
	for st := range cancelFollowUps {
		statuses = append(statuses, st)
	}
	ids, err := s.stuckPayments(ctx, statuses, horizon)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, id := range ids {
		errs = append(errs, s.finishCancel(ctx, id))
	}
	return len(ids), errors.Join(errs...)
}

func (s *Payments) finishCancel(ctx context.Context, id string) error {
	p, err := s.Store.PaymentGet(ctx, 0, id)
	if err != nil {
		return err
	}
	outcome, ok := cancelFollowUps[p.Status]
	if !ok {
		return nil // finished meanwhile
	}
	err = s.cancelWithProvider(ctx, p, outcome[0], outcome[1])
	_, err = lostRace(err)
	return err
}

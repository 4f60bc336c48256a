package jobs

import (
	"context"
	"fmt"

	"github.com/riverqueue/river"

	"pay/internal/pay"
)

// refundWorker sends a refund to the provider and records the answer.
type refundWorker struct {
	river.WorkerDefaults[pay.RefundJob]
	payments *pay.Payments
}

func (w *refundWorker) Work(ctx context.Context, job *river.Job[pay.RefundJob]) error {
	err := w.payments.ProcessRefund(ctx, job.Args.RefundID)
	if err != nil && job.Attempt >= job.MaxAttempts {
		// River gives up after this attempt: the refund failed for good, and
		// its amount becomes available again.
		if aerr := w.payments.AbandonRefund(ctx, job.Args.RefundID); aerr != nil {
			return fmt.Errorf("%w; and recording the failure: %v", err, aerr)
		}
	}
	return err
}

// disputeWorker takes one step of a sandbox dispute.
type disputeWorker struct {
	river.WorkerDefaults[pay.DisputeJob]
	payments *pay.Payments
}

func (w *disputeWorker) Work(ctx context.Context, job *river.Job[pay.DisputeJob]) error {
	return w.payments.AdvanceDispute(ctx, job.Args)
}

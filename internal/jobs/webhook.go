package jobs

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/riverqueue/river"

	"pay/internal/pay"
)

// Webhook delivery limits, per instance: the webhooks queue's workers bound
// all deliveries, and each webhook may use only a few of them, so a slow or
// dead receiver holds up nothing but its own messages.
const (
	DefaultWebhookWorkers = 10
	DefaultWebhookPerHook = 3
)

// webhookWorker sends one attempt of a webhook message and records it.
type webhookWorker struct {
	river.WorkerDefaults[pay.WebhookJob]
	hooks   *pay.Webhooks
	sandbox *http.Client // for sandbox accounts
	live    *http.Client // for live accounts: public addresses only
	slots   *keyedSlots
}

// Work makes the job's attempt. The message's lease (pay.Webhooks.Prepare)
// keeps two senders, on any instances, from sending it at once; an attempt
// not yet due, or a message another sender holds, waits a little and looks
// again. A crash after sending and before recording sends the message again
// later: receivers drop duplicates by webhook_message_id.
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[pay.WebhookJob]) error {
	d, err := w.hooks.Prepare(ctx, job.Args)
	var wait *pay.WebhookWaitError
	switch {
	case errors.As(err, &wait):
		return river.JobSnooze(min(wait.Wait, time.Second))
	case errors.Is(err, pay.ErrWebhookBusy):
		return river.JobSnooze(time.Second)
	case pay.IsKind(err, pay.KindNotFound):
		return river.JobCancel(err) // the message was deleted
	case err != nil || d == nil:
		return err
	}
	if d.WillNotSend {
		return w.hooks.Record(ctx, d, &pay.WebhookResult{})
	}
	if !w.slots.take(d.Webhook.ID) {
		return errors.Join(w.hooks.Release(ctx, d), river.JobSnooze(time.Second))
	}
	defer w.slots.give(d.Webhook.ID)
	return w.hooks.Record(ctx, d, w.send(ctx, d))
}

// send posts the message's body, signed, to its webhook, and says how it went.
func (w *webhookWorker) send(ctx context.Context, d *pay.Delivery) *pay.WebhookResult {
	start := time.Now()
	res := &pay.WebhookResult{}
	client := w.sandbox
	if d.Live {
		client = w.live
	}
	body := []byte(d.Message.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.Webhook.CallbackURL, bytes.NewReader(body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Pay-Signature", Sign(d.Webhook.Secret, body))
		var resp *http.Response
		if resp, err = client.Do(req); err == nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			res.StatusCode = resp.StatusCode
		}
	}
	res.Duration = time.Since(start)
	if err != nil {
		res.Err = describeSendError(err)
	}
	return res
}

// Sign is GOV.UK Pay's Pay-Signature: the lowercase hex HMAC-SHA256 of the
// exact body, keyed with the webhook's signing secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// describeSendError names a failed request as the delivery log shows it.
func describeSendError(err error) string {
	var nerr net.Error
	if errors.As(err, &nerr) && nerr.Timeout() {
		return "HTTP Timeout"
	}
	return err.Error()
}

// newWebhookClient returns the client webhooks are sent with: GOV.UK Pay's
// 3 second timeout, no redirects followed, no proxy. With publicOnly, it
// refuses to connect to loopback, private, link-local and other
// non-public addresses, checked on the address dialled, after DNS
// resolution, so a name that resolves to one is refused too.
func newWebhookClient(publicOnly bool) *http.Client {
	dialer := &net.Dialer{Timeout: pay.WebhookTimeout}
	if publicOnly {
		dialer.Control = refusePrivate
	}
	return &http.Client{
		Timeout:       pay.WebhookTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: pay.WebhookTimeout,
			ResponseHeaderTimeout: pay.WebhookTimeout, MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute},
	}
}

// errPrivateAddress refuses a live webhook's connection to an address that
// is not public (server-side request forgery).
var errPrivateAddress = errors.New("violates security rules: the callback address is not public")

// refusePrivate is a dialer's Control: it refuses addresses that are not
// public.
func refusePrivate(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !publicIP(ip) {
		return errPrivateAddress
	}
	return nil
}

// cgnat is shared address space (RFC 6598), private in all but name.
var cgnat = &net.IPNet{IP: net.IPv4(100, 64, 0, 0), Mask: net.CIDRMask(10, 32)}

// publicIP reports whether ip is a public unicast address.
func publicIP(ip net.IP) bool {
	return !(ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || cgnat.Contains(ip))
}

// keyedSlots bounds how many things of one key run at once.
type keyedSlots struct {
	mu    sync.Mutex
	max   int
	inUse map[string]int
}

func newKeyedSlots(max int) *keyedSlots { return &keyedSlots{max: max, inUse: map[string]int{}} }

// take takes a slot of key, and reports false if all are in use.
func (s *keyedSlots) take(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inUse[key] >= s.max {
		return false
	}
	s.inUse[key]++
	return true
}

// give returns a slot taken with take.
func (s *keyedSlots) give(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inUse[key]--; s.inUse[key] == 0 {
		delete(s.inUse, key)
	}
}

// webhookCleanupWorker deletes webhook messages older than 7 days.
type webhookCleanupWorker struct {
	river.WorkerDefaults[pay.WebhookCleanupJob]
	hooks *pay.Webhooks
}

func (w *webhookCleanupWorker) Work(ctx context.Context, _ *river.Job[pay.WebhookCleanupJob]) error {
	_, err := w.hooks.Cleanup(ctx)
	return err
}

package proctest_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// hookReceiver is a service's webhook endpoint: it keeps the payments it
// got a correctly signed message about, whatever the repeats.
type hookReceiver struct {
	srv      *httptest.Server
	secret   string
	mu       sync.Mutex
	payments map[string]bool
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{payments: map[string]bool{}}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var m struct {
			ResourceID string `json:"resource_id"`
		}
		if json.Unmarshal(body, &m) != nil || !h.signed(body, r.Header.Get("Pay-Signature")) {
			t.Errorf("webhook message badly signed or formed: %s", body)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		h.payments[m.ResourceID] = true
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// signed checks Pay-Signature as a service's receiver does.
func (h *hookReceiver) signed(body []byte, signature string) bool {
	mac := hmac.New(sha256.New, []byte(h.secret))
	mac.Write(body)
	return hmac.Equal([]byte(hex.EncodeToString(mac.Sum(nil))), []byte(signature))
}

func (h *hookReceiver) got(paymentID string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.payments[paymentID]
}

func (h *hookReceiver) count() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.payments)
}

package jobs

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPublicIP(t *testing.T) {
	for _, tc := range []struct {
		ip     string
		public bool
	}{
		{"93.184.216.34", true}, {"2606:2800:220:1::1", true},
		{"127.0.0.1", false}, {"::1", false}, {"10.1.2.3", false}, {"172.16.0.1", false}, {"192.168.1.1", false},
		{"169.254.169.254", false}, {"fe80::1", false}, {"fc00::1", false}, {"0.0.0.0", false}, {"100.64.0.1", false},
		{"::ffff:127.0.0.1", false},
	} {
		if got := publicIP(net.ParseIP(tc.ip)); got != tc.public {
			t.Errorf("publicIP(%s) = %v, want %v", tc.ip, got, tc.public)
		}
	}
}

// TestWebhookClient checks the live client refuses a receiver on loopback,
// after resolving its name, and that no client follows redirects.
func TestWebhookClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://example.org/", http.StatusFound)
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	_, err := newWebhookClient(true).Post("http://localhost"+port, "application/json", nil)
	if err == nil || !strings.Contains(err.Error(), "violates security rules") {
		t.Fatalf("live client to localhost: %v, want refused", err)
	}
	resp, err := newWebhookClient(false).Post(srv.URL, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("sandbox client answered %d, want the redirect itself (302)", resp.StatusCode)
	}
}

func TestSign(t *testing.T) {
	// HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog"), a published test vector.
	got := Sign("key", []byte("The quick brown fox jumps over the lazy dog"))
	if got != "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8" {
		t.Fatalf("Sign = %s", got)
	}
}

package pay

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var fixedTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if !ValidID(id) || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
	for _, bad := range []string{"", "short", strings.Repeat("w", 26), strings.Repeat("A", 26), strings.Repeat("0", 27)} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q)", bad)
		}
	}
}

func TestAPIKey(t *testing.T) {
	secret := []byte("secret")
	key := GenerateAPIKey(AccountTest, secret)
	if !strings.HasPrefix(key, "api_test_") || len(key) != 9+26+32 || !CheckAPIKey(key, secret) {
		t.Fatalf("test key %q", key)
	}
	live := GenerateAPIKey(AccountLive, secret)
	if !strings.HasPrefix(live, "api_live_") || !CheckAPIKey(live, secret) {
		t.Fatalf("live key %q", live)
	}
	if CheckAPIKey(key, []byte("other")) || CheckAPIKey(key[:len(key)-1]+"x", secret) || CheckAPIKey("api_test_", secret) ||
		CheckAPIKey(strings.Repeat("a", 200), secret) {
		t.Fatal("a bad key passed its checksum")
	}
	if HashAPIKey(key) == HashAPIKey(live) || strings.Contains(HashAPIKey(key), key) || len(HashAPIKey(key)) != 64 {
		t.Fatal("hash")
	}
	if hint := APIKeyHint(key); hint != "api_test_…"+key[len(key)-4:] {
		t.Fatalf("hint %q", hint)
	}
}

func TestLuhnAndBrands(t *testing.T) {
	tests := []struct {
		number string
		luhn   bool
		brand  string
	}{
		{"4444333322221111", true, "visa"},
		{"4917610000000000003", true, "visa"},
		{"5105105105105100", true, "master-card"},
		{"2221000000000009", true, "master-card"},
		{"371449635398431", true, "american-express"},
		{"36148900647913", true, "diners-club"},
		{"6011000990139424", true, "discover"},
		{"3566002020360505", true, "jcb"},
		{"6240008631401148", true, "unionpay"},
		{"6759649826438453", true, "maestro"},
		{"4444333322221112", false, "visa"},
		{"9999999999999995", true, ""},
		{"", false, ""},
		{"4a", false, "visa"},
	}
	for _, tt := range tests {
		if Luhn(tt.number) != tt.luhn || DetectBrand(tt.number) != tt.brand {
			t.Errorf("%s: Luhn %v brand %q, want %v %q", tt.number, Luhn(tt.number), DetectBrand(tt.number), tt.luhn, tt.brand)
		}
	}
	if !LooksLikeCardNumber("4444 3333-2222 1111") || LooksLikeCardNumber("12345") || LooksLikeCardNumber("INV-2024-0001") {
		t.Fatal("LooksLikeCardNumber")
	}
}

func TestCardNeverPrintsNumber(t *testing.T) {
	c := &Card{Number: "4444333322221111", CVC: "987", ExpiryMonth: 3, ExpiryYear: 2031}
	for _, s := range []string{c.String(), c.GoString(), c.LogValue().String()} {
		if strings.Contains(s, "4444333322221111") || strings.Contains(s, "987") {
			t.Fatalf("card printed as %q", s)
		}
	}
	if d := c.Details(); d.FirstDigits != "444433" || d.LastDigits != "1111" || d.ExpiryDate != "03/31" {
		t.Fatalf("details %+v", d)
	}
}

func TestValidateMetadata(t *testing.T) {
	ok := Metadata{"a": "x", "n": json.Number("1.5"), "b": true}
	if err := ValidateMetadata(ok); err != nil {
		t.Fatal(err)
	}
	err := ValidateMetadata(Metadata{"a": nil, "k": []any{}})
	if e, _ := err.(*Error); e == nil || e.Message != "Invalid attribute value: metadata. Values must be of type String, Boolean or Number. Must not have null values" {
		t.Fatalf("got %v", err)
	}
}

func TestValidReturnURL(t *testing.T) {
	good := []string{"https://service.gov.uk/x?y=1", "http://localhost:8080/r", "https://a.b.internal/", "http://svc.local",
		"https://127.0.0.1:9000/", "https://[::1]/x", "https://xn--bcher-kva.example/"}
	bad := []string{"", "service.gov.uk", "ftp://service.gov.uk", "https://", "https://exa mple.com", "javascript:alert(1)",
		"https://user:pw@example.com/", "https://-bad-.com/", "https://example.c0m/", "https://example.com:/"}
	for _, u := range good {
		if !ValidReturnURL(u) {
			t.Errorf("%q refused", u)
		}
	}
	for _, u := range bad {
		if ValidReturnURL(u) {
			t.Errorf("%q accepted", u)
		}
	}
}

func TestAccountSettings(t *testing.T) {
	s := DefaultAccountSettings()
	if !s.AcceptsCard("visa", "debit") || s.AcceptsCard("maestro", "") || !s.AcceptsCard("american-express", "") {
		t.Fatal("default card types")
	}
	for _, tt := range []struct{ name, value string }{
		{"allow_moto", "true"}, {"card_types", "visa-debit, master-card-credit"}, {"email_collection", "optional"},
		{"default_billing_country", "IE"}, {"rate_limit_post", "40"},
	} {
		if err := s.Set(tt.name, tt.value); err != nil {
			t.Fatalf("Set(%s, %s): %v", tt.name, tt.value, err)
		}
	}
	if !s.AllowMoto || len(s.CardTypes) != 2 || s.EmailCollection != EmailOptional || s.DefaultBillingCountry != "IE" || s.RateLimitPost != 40 {
		t.Fatalf("after Set: %+v", s)
	}
	for _, tt := range []struct{ name, value string }{
		{"allow_moto", "maybe"}, {"card_types", "visa-gold"}, {"card_types", ""}, {"email_collection", "sometimes"},
		{"default_billing_country", "gbr"}, {"rate_limit_post", "0"}, {"nonsense", "1"},
	} {
		if err := s.Set(tt.name, tt.value); err == nil {
			t.Errorf("Set(%s, %s) accepted", tt.name, tt.value)
		}
	}
}

// TestAccountSettingsGet checks that every setting Set knows reads back in
// the form Set takes, so pay accounts list shows what pay accounts set sets.
func TestAccountSettingsGet(t *testing.T) {
	changed := map[string]string{
		"card_types": "visa-debit,master-card-credit", "collect_billing_address": "false", "default_billing_country": "IE",
		"email_collection": "OFF", "allow_zero_amount": "true", "allow_moto": "true", "allow_moto_api": "true",
		"recurring_enabled": "true", "rate_limit_post": "40", "rate_limit_other": "90", "allow_delayed_capture": "false",
		"confirmation_emails": "false", "refund_emails": "false", "email_custom_paragraph": "Quote $reference.",
	}
	s := DefaultAccountSettings()
	for _, name := range SettingNames {
		def := s.Get(name)
		// Only the custom paragraph is empty by default.
		if (def == "" && name != "email_custom_paragraph") || def == changed[name] {
			t.Fatalf("%s: default %q, test value %q", name, def, changed[name])
		}
		if err := s.Set(name, changed[name]); err != nil {
			t.Fatal(err)
		}
		if got := s.Get(name); got != changed[name] {
			t.Errorf("%s reads back %q after Set(%q)", name, got, changed[name])
		}
		// Setting what Get returned changes nothing.
		if err := s.Set(name, def); err != nil || s.Get(name) != def {
			t.Errorf("%s: Set(Get()) = %v, %q, want %q", name, err, s.Get(name), def)
		}
	}
	if s.Get("nonsense") != "" || len(changed) != len(SettingNames) {
		t.Fatalf("unknown names read %q; the test covers %d of %d settings", s.Get("nonsense"), len(changed), len(SettingNames))
	}
}

func TestRefundSummary(t *testing.T) {
	p := &Payment{Amount: 1000, Status: StatusCreated}
	if rs := p.RefundSummary(); rs.Status != RefundPending || rs.AmountAvailable != 1000 {
		t.Fatalf("%+v", rs)
	}
	p.Status = StatusCaptured
	p.RefundedAmount = 400
	if rs := p.RefundSummary(); rs.Status != RefundAvailable || rs.AmountAvailable != 600 || rs.AmountSubmitted != 400 {
		t.Fatalf("%+v", rs)
	}
	p.RefundedAmount = 1000
	if rs := p.RefundSummary(); rs.Status != RefundFull {
		t.Fatalf("%+v", rs)
	}
	p.Status = StatusAuthorisationRejected
	if rs := p.RefundSummary(); rs.Status != RefundUnavailable {
		t.Fatalf("%+v", rs)
	}
}

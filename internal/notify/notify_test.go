package notify_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pay/internal/notify"
	"pay/internal/pay"
)

var update = flag.Bool("update", false, "update golden files")

func mustParse(t *testing.T) *notify.Templates {
	t.Helper()
	tpl, err := notify.Parse()
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// data is an email's data as the job reads it: a Welsh-named service, a
// payment made in British Summer Time with a corporate card fee.
func data(kind pay.EmailKind, lang pay.Language) *pay.EmailData {
	settings := pay.DefaultAccountSettings()
	settings.EmailParagraph = "Quote $reference when you call us.\nLines are kept: $reference <b>is</b> not HTML."
	d := &pay.EmailData{
		Email: &pay.Email{ID: "e1", Kind: kind, To: "payer@example.org"},
		Payment: &pay.Payment{ID: "p1", Amount: 12000, CorporateSurcharge: 250, Reference: "REF-123", Language: lang,
			Description: "New passport <application>", CreatedAt: time.Date(2026, 7, 4, 23, 30, 5, 0, time.UTC)},
		Account: &pay.Account{ServiceName: "Passport Office", ServiceNameWelsh: "Swyddfa Basbort", Settings: settings},
	}
	if kind == pay.EmailRefundIssued {
		d.Refund = &pay.Refund{ID: "r1", Amount: 2050}
	}
	return d
}

// TestTemplates compares each email, in each language, with its golden file.
func TestTemplates(t *testing.T) {
	t.Parallel()
	tpl := mustParse(t)
	for _, kind := range []pay.EmailKind{pay.EmailPaymentConfirmed, pay.EmailRefundIssued} {
		for _, lang := range []pay.Language{pay.LanguageEnglish, pay.LanguageWelsh} {
			c, err := tpl.Render(data(kind, lang))
			if err != nil {
				t.Fatal(err)
			}
			got := "Subject: " + c.Subject + "\n\n--- text\n" + c.Text + "\n--- html\n" + c.HTML
			golden(t, filepath.Join("testdata", string(kind)+"."+string(lang)+".golden"), got)
		}
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs; got:\n%s", path, got)
	}
}

// TestRules checks what the golden files show, so that a careless -update
// cannot hide a broken rule.
func TestRules(t *testing.T) {
	t.Parallel()
	tpl := mustParse(t)
	c, err := tpl.Render(data(pay.EmailPaymentConfirmed, pay.LanguageEnglish))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Payment for: New passport <application>\n", "Reference: REF-123\n",
		"Date of payment: 5 July 2026 - 00:30:05\n", // British Summer Time
		"Your payment includes a fee of £2.50 for using a corporate credit or debit card.",
		"Quote REF-123 when you call us.\nLines are kept: REF-123 <b>is</b> not HTML.",
		"This email address is not monitored.",
	} {
		if !strings.Contains(c.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, c.Text)
		}
	}
	if c.Subject != "Your payment of £122.50 to Passport Office was successful" {
		t.Errorf("subject %q", c.Subject)
	}
	for _, want := range []string{"New passport &lt;application&gt;", "REF-123 &lt;b&gt;is&lt;/b&gt; not HTML", `<html lang="en">`} {
		if !strings.Contains(c.HTML, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}

	d := data(pay.EmailRefundIssued, pay.LanguageWelsh)
	d.Account.Settings.EmailParagraph = ""
	c, err = tpl.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != "Rydych wedi cael ad-daliad o £20.50 gan Swyddfa Basbort" {
		t.Errorf("Welsh refund subject %q", c.Subject)
	}
	if !strings.Contains(c.Text, "Dyddiad y taliad gwreiddiol: 5 Gorffennaf 2026 - 00:30:05\n") || strings.Contains(c.Text, "ffi o") {
		t.Errorf("Welsh refund text:\n%s", c.Text)
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pence int64
		want  string
	}{{0, "0.00"}, {5, "0.05"}, {12000, "120.00"}, {123456789, "1234567.89"}} {
		if got := notify.Pounds(tc.pence); got != tc.want {
			t.Errorf("Pounds(%d) = %q, want %q", tc.pence, got, tc.want)
		}
	}
	winter := time.Date(2026, 1, 2, 9, 5, 7, 0, time.UTC)
	if got := notify.FormatDate(winter, pay.LanguageEnglish); got != "2 January 2026 - 09:05:07" {
		t.Errorf("winter date %q", got)
	}
	if got := notify.FormatDate(winter, pay.LanguageWelsh); got != "2 Ionawr 2026 - 09:05:07" {
		t.Errorf("Welsh date %q", got)
	}
	if got := notify.Paragraph("$reference and $reference", "A1"); got != "A1 and A1" {
		t.Errorf("Paragraph = %q", got)
	}
}

// Package notify writes and sends the emails Pay sends payers: a payment's
// confirmation and a refund's notice, in English or Welsh, each with a
// plain text and an HTML part, in GOV.UK Pay's words. Templates are
// embedded and parsed once; a Sender delivers over SMTP or keeps messages
// in the outbox that the admin site shows.
package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"
	"time"
	_ "time/tzdata" // payers' dates are in Europe/London wherever Pay runs

	"pay/internal/pay"
)

//go:embed templates
var templateFS embed.FS

// Fields are the values an email is written from, already formatted. The
// admin site's preview fills them with placeholders.
type Fields struct {
	Language     pay.Language
	ServiceName  string
	Reference    string
	Description  string
	Date         string // the payment's date, as the email prints it
	Amount       string // pounds and pence, "12.00": the total paid, or the refund's amount
	CorporateFee string // the corporate card fee in pounds, "" when there is none
	Paragraph    string // the service's custom paragraph, $reference replaced
}

// view is what the templates see: the fields and the language's texts.
type view struct {
	Fields
	L       *locale
	Subject string
}

// CorporateFeeSentence is the sentence about the corporate card fee, or "".
func (v *view) CorporateFeeSentence() string {
	if v.CorporateFee == "" {
		return ""
	}
	return fmt.Sprintf(v.L.CorporateFee, v.CorporateFee)
}

// ParagraphLines splits the custom paragraph into the lines the HTML part
// breaks it into.
func (v *view) ParagraphLines() []string {
	if v.Paragraph == "" {
		return nil
	}
	return strings.Split(v.Paragraph, "\n")
}

// Templates are the parsed email templates.
type Templates struct {
	text map[pay.EmailKind]*texttemplate.Template
	html map[pay.EmailKind]*htmltemplate.Template
}

// Parse parses the embedded templates. It fails only if they are broken,
// which the package's tests catch.
func Parse() (*Templates, error) {
	t := &Templates{text: map[pay.EmailKind]*texttemplate.Template{}, html: map[pay.EmailKind]*htmltemplate.Template{}}
	for _, kind := range []pay.EmailKind{pay.EmailPaymentConfirmed, pay.EmailRefundIssued} {
		text, err := texttemplate.ParseFS(templateFS, "templates/"+string(kind)+".txt", "templates/footer.txt")
		if err != nil {
			return nil, fmt.Errorf("notify: %w", err)
		}
		html, err := htmltemplate.ParseFS(templateFS, "templates/layout.html", "templates/"+string(kind)+".html")
		if err != nil {
			return nil, fmt.Errorf("notify: %w", err)
		}
		t.text[kind], t.html[kind] = text, html
	}
	return t, nil
}

// Write renders an email of kind from f: its subject, text and HTML.
// It fails for an unknown kind.
func (t *Templates) Write(kind pay.EmailKind, f *Fields) (*pay.EmailContent, error) {
	textT, html := t.text[kind], t.html[kind]
	if textT == nil || html == nil {
		return nil, fmt.Errorf("notify: no template for %q emails", kind)
	}
	l := localeFor(f.Language)
	v := &view{Fields: *f, L: l}
	v.Subject = fmt.Sprintf(l.subject(kind), f.Amount, f.ServiceName)
	var tb, hb bytes.Buffer
	if err := textT.Execute(&tb, v); err != nil {
		return nil, fmt.Errorf("notify: %s text: %w", kind, err)
	}
	if err := html.ExecuteTemplate(&hb, "layout", v); err != nil {
		return nil, fmt.Errorf("notify: %s html: %w", kind, err)
	}
	// The templates' optional blocks leave blank lines at the end.
	text := strings.TrimSpace(tb.String()) + "\n"
	return &pay.EmailContent{Subject: v.Subject, Text: text, HTML: hb.String()}, nil
}

// Render writes the email d describes, from its payment, refund and account.
func (t *Templates) Render(d *pay.EmailData) (*pay.EmailContent, error) {
	return t.Write(d.Email.Kind, FieldsOf(d))
}

// FieldsOf formats what an email says about its payment (and refund), as
// GOV.UK Pay does: the payment's creation date in London, the total paid
// (surcharge included) or the refund's amount, the service's Welsh name for
// Welsh payments when it has one.
func FieldsOf(d *pay.EmailData) *Fields {
	p, acct := d.Payment, d.Account
	f := &Fields{
		Language:    p.Language,
		ServiceName: acct.ServiceName,
		Reference:   p.Reference,
		Description: p.Description,
		Date:        FormatDate(p.CreatedAt, p.Language),
		Amount:      Pounds(p.TotalAmount()),
		Paragraph:   Paragraph(acct.Settings.EmailParagraph, p.Reference),
	}
	if p.Language == pay.LanguageWelsh && acct.ServiceNameWelsh != "" {
		f.ServiceName = acct.ServiceNameWelsh
	}
	if d.Refund != nil {
		f.Amount = Pounds(d.Refund.Amount)
	} else if p.CorporateSurcharge > 0 {
		f.CorporateFee = Pounds(p.CorporateSurcharge)
	}
	return f
}

// Paragraph is the custom paragraph with every "$reference" replaced.
func Paragraph(text, reference string) string {
	return strings.ReplaceAll(text, "$reference", reference)
}

// Pounds formats pence as pounds with two decimals, as GOV.UK Pay's emails do.
func Pounds(pence int64) string {
	sign := ""
	if pence < 0 {
		sign, pence = "-", -pence
	}
	return fmt.Sprintf("%s%d.%02d", sign, pence/100, pence%100)
}

var london = mustLoadLocation("Europe/London")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // time/tzdata is embedded, so this cannot happen
	}
	return loc
}

// FormatDate writes t in London time as GOV.UK Pay's emails do
// ("14 March 2026 - 09:26:53"), with Welsh month names for Welsh emails.
func FormatDate(t time.Time, lang pay.Language) string {
	t = t.In(london)
	month := localeFor(lang).Months[t.Month()-1]
	return fmt.Sprintf("%d %s %d - %s", t.Day(), month, t.Year(), t.Format("15:04:05"))
}

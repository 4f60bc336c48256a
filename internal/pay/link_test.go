package pay

import (
	"errors"
	"strings"
	"testing"
)

func validLink() *Link {
	return &Link{Title: "Pay for a parking permit", Language: LanguageEnglish, ReferenceLabel: "Permit number",
		Metadata: Metadata{"cost_code": "AB12"}}
}

func TestValidateLink(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name   string
		change func(l *Link)
		field  string
		msg    string
	}{
		{"OK", func(l *Link) {}, "", ""},
		{"TitleMissing", func(l *Link) { l.Title = "  " }, FieldTitle, "Enter a title"},
		{"TitleLongest", func(l *Link) { l.Title = long(230) }, "", ""},
		{"TitleTooLong", func(l *Link) { l.Title = long(231) }, FieldTitle, "Title must be 230 characters or fewer"},
		{"TitleChars", func(l *Link) { l.Title = "a < b" }, FieldTitle, "You cannot use any of the following characters < > | in the Title"},
		{"DetailsTooLong", func(l *Link) { l.Details = long(5001) }, FieldDetails, "Details must be less than 5000 characters"},
		{"DetailsChars", func(l *Link) { l.Details = "a|b" }, FieldDetails, "You cannot use any of the following characters < > | in the Details"},
		{"Language", func(l *Link) { l.Language = "fr" }, "language", "Select English or Welsh"},
		{"LabelTooLong", func(l *Link) { l.ReferenceLabel = long(51) }, FieldReferenceLabel, "Reference must be be 50 characters or fewer"},
		{"LabelChars", func(l *Link) { l.ReferenceLabel = "a>b" }, FieldReferenceLabel, "You cannot use any of the following characters < > | in the Reference"},
		{"ReferenceHintTooLong", func(l *Link) { l.ReferenceHint = long(256) }, FieldReferenceHint, "Hint text must be be 255 characters or fewer"},
		{"ReferenceHintChars", func(l *Link) { l.ReferenceHint = "<" }, FieldReferenceHint, "You cannot use any of the following characters < > | in the Reference Hint"},
		{"AmountHintTooLong", func(l *Link) { l.AmountHint = long(256) }, FieldAmountHint, "Hint text must be be 255 characters or fewer"},
		{"AmountHintChars", func(l *Link) { l.AmountHint = "|" }, FieldAmountHint, "You cannot use any of the following characters < > | in the Amount Hint"},
		{"AmountTooBig", func(l *Link) { l.Amount = MaxAmount + 1 }, FieldAmount, MsgAmountTooBig},
		{"ColumnHeaderTooLong", func(l *Link) { l.Metadata = Metadata{long(31): "x"} }, FieldColumnHeader, "Column header must be 30 characters or fewer"},
		{"ColumnValueTooLong", func(l *Link) { l.Metadata = Metadata{"a": long(101)} }, FieldColumnValue, "Cell content must be 100 characters or fewer"},
		{"ColumnValueEmpty", func(l *Link) { l.Metadata = Metadata{"a": " "} }, FieldColumnValue, "Enter the cell content"},
		{"TooManyColumns", func(l *Link) {
			l.Metadata = Metadata{}
			for i := range 16 {
				l.Metadata[string(rune('a'+i))] = "x"
			}
		}, FieldColumnHeader, MsgTooManyColumns},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := validLink()
			tt.change(l)
			err := ValidateLink(l)
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("ValidateLink = %v, want nil", err)
				}
				return
			}
			var fe FieldErrors
			if !errors.As(err, &fe) || !IsKind(err, KindInvalid) {
				t.Fatalf("ValidateLink = %v, want invalid FieldErrors", err)
			}
			if got := fe.Message(tt.field); got != tt.msg {
				t.Fatalf("message for %s = %q, want %q (all: %v)", tt.field, got, tt.msg, fe)
			}
		})
	}
}

func TestCheckLinkColumn(t *testing.T) {
	fe := CheckLinkColumn("", "")
	if fe.Message(FieldColumnHeader) != "Enter the column header" || fe.Message(FieldColumnValue) != "Enter the cell content" {
		t.Fatalf("CheckLinkColumn(\"\", \"\") = %v", fe)
	}
	if fe := CheckLinkColumn("cost_code", "AB12"); fe != nil {
		t.Fatalf("CheckLinkColumn of a good column = %v", fe)
	}
}

func TestCheckAmount(t *testing.T) {
	for v, want := range map[int64]string{1: "", MaxAmount: "", 0: MsgAmountTooLow, -5: MsgAmountTooLow, MaxAmount + 1: MsgAmountTooBig} {
		if got := CheckAmount(v).Message(""); got != want {
			t.Errorf("CheckAmount(%d) = %q, want %q", v, got, want)
		}
	}
	stripe, sandbox := &Account{Provider: ProviderStripe}, &Account{Provider: ProviderSandbox}
	if CheckPayerAmount(stripe, 29).Message("") != MsgAmountStripe || CheckPayerAmount(stripe, 30) != "" || CheckPayerAmount(sandbox, 1) != "" {
		t.Error("CheckPayerAmount: Stripe takes 30p or more, the sandbox anything")
	}
}

func TestParsePrefillAmount(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "2000": 2000, "10000000": 10000000} {
		if got, ok := ParsePrefillAmount(in); !ok || got != want {
			t.Errorf("ParsePrefillAmount(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "0", "10000001", "12.50", "-5", "abc", "1e3", "9999999999"} {
		if _, ok := ParsePrefillAmount(bad); ok {
			t.Errorf("ParsePrefillAmount(%q) ok, want refused", bad)
		}
	}
}

func TestCheckPayerReference(t *testing.T) {
	const label = "Invoice number"
	tests := []struct{ ref, msg string }{
		{"INV-123", ""},
		{"", "You must enter your Invoice number"},
		{"   ", "You must enter your Invoice number"},
		{strings.Repeat("a", 256), "Invoice number must be 255 characters or fewer"},
		{"a;b", "Invoice number must not include any of the following characters < > ; : ` ( ) \" = | \",\" ~ [ ]"},
		{"a,b", "Invoice number must not include any of the following characters < > ; : ` ( ) \" = | \",\" ~ [ ]"},
		{"4444333322221111", "Invoice number must not be a card number"},
	}
	for _, tt := range tests {
		if got := CheckPayerReference(tt.ref).Message(label); got != tt.msg {
			t.Errorf("CheckPayerReference(%q) = %q, want %q", tt.ref, got, tt.msg)
		}
	}
	if !ValidPrefillReference("INV-1") || ValidPrefillReference("") || ValidPrefillReference("a[1]") ||
		ValidPrefillReference(strings.Repeat("a", 256)) {
		t.Error("ValidPrefillReference")
	}
}

func TestSlugify(t *testing.T) {
	tests := map[string]string{
		"Pay for a parking permit":  "pay-for-a-parking-permit",
		"  Café: tickets (2026)!  ": "caf-tickets-2026",
		"Apply -- for   a  licence": "apply-for-a-licence",
		"???":                       "",
		strings.Repeat("ab ", 100):  strings.TrimRight(strings.Repeat("ab-", 77)[:230], "-"),
	}
	for in, want := range tests {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewLinkReference(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		ref := NewLinkReference()
		if len(ref) != LinkReferenceLength {
			t.Fatalf("reference %q has %d characters, want 10", ref, len(ref))
		}
		for i, c := range ref {
			set := referenceAlphabet
			if i == 2 || i == 6 {
				set = referenceDigits
			}
			if !strings.ContainsRune(set, c) {
				t.Fatalf("reference %q: %q at %d is not in %q", ref, c, i, set)
			}
		}
		seen[ref] = true
	}
	if len(seen) < 1990 {
		t.Fatalf("only %d distinct references of 2000", len(seen))
	}
}

func TestLinkID(t *testing.T) {
	id := NewLinkID()
	if !ValidLinkID(id) || ValidLinkID(strings.ToUpper(id)) || ValidLinkID(id[1:]) || ValidLinkID(strings.Repeat("g", 32)) {
		t.Fatalf("NewLinkID/ValidLinkID: %q", id)
	}
}

package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestLocalesMatch(t *testing.T) {
	en, cy := LocaleFor("en").Keys(), LocaleFor("cy").Keys()
	slices.Sort(en)
	slices.Sort(cy)
	if !slices.Equal(en, cy) {
		t.Fatalf("English and Welsh have different keys:\nen %v\ncy %v", en, cy)
	}
	for _, k := range en {
		e, c := LocaleFor("en").T(k), LocaleFor("cy").T(k)
		if e == "" || c == "" || strings.Count(e, "%s") != strings.Count(c, "%s") {
			t.Errorf("%s: %q / %q", k, e, c)
		}
	}
}

// keyUse finds text keys in templates ({{.L.T "key"}}) and Go code (l.T("key")).
var keyUse = regexp.MustCompile(`\bT[ (]"([a-zA-Z0-9]+(?:\.[a-zA-Z0-9]+)+)"`)

// TestEveryUsedKeyExists checks both ways: every key the pages use is in
// the locales, and every key in the locales is used somewhere.
func TestEveryUsedKeyExists(t *testing.T) {
	n := 0
	var code strings.Builder
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".html") || strings.HasSuffix(path, ".go")) {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		code.Write(b)
		for _, m := range keyUse.FindAllStringSubmatch(string(b), -1) {
			n++
			if !LocaleFor("en").Has(m[1]) {
				t.Errorf("%s uses %q, which the locales lack", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("found only %d uses of text keys: the pattern no longer matches the code", n)
	}
	quoted := func(s string) bool { return strings.Contains(code.String(), `"`+s+`"`) }
	for _, k := range LocaleFor("en").Keys() {
		used := quoted(k)
		// The card form builds fieldErrors.fields.<field>.<reason> from the
		// field's name and its check's reason ("name" and "message" always).
		if field, reason, ok := strings.Cut(strings.TrimPrefix(k, "fieldErrors.fields."), "."); !used && ok && field+"."+reason != k {
			used = quoted(field) && (reason == "name" || reason == "message" || quoted(reason))
		}
		if !used {
			t.Errorf("%q is in the locales but no page uses it", k)
		}
	}
}

func TestCountries(t *testing.T) {
	en, cy := Countries("en"), Countries("cy")
	if len(en) != 250 || len(cy) != len(en) {
		t.Fatalf("%d English and %d Welsh countries, want 249 ISO 3166-1 countries and Kosovo", len(en), len(cy))
	}
	for _, code := range []string{"GB", "IE", "FR", "XK", "US"} {
		if !ValidCountry(code) {
			t.Errorf("%s missing", code)
		}
	}
	for _, code := range []string{"UK", "EU", "ZZ", "AC", ""} {
		if ValidCountry(code) {
			t.Errorf("%s listed", code)
		}
	}
	if en[0].Name != "Afghanistan" || countryName(cy, "GB") != "Y Deyrnas Unedig" {
		t.Errorf("first %q, Welsh GB %q", en[0].Name, countryName(cy, "GB"))
	}
}

func countryName(list []Country, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Name
		}
	}
	return ""
}

func TestCountryOptions(t *testing.T) {
	got := string(CountryOptions("cy", "GB"))
	if n := strings.Count(got, "<option "); n != len(Countries("cy")) {
		t.Fatalf("%d options, want one per country (%d)", n, len(Countries("cy")))
	}
	if strings.Count(got, " selected>") != 1 || !strings.Contains(got, `<option value="GB" selected>Y Deyrnas Unedig</option>`) {
		t.Fatalf("GB is not the one selected option:\n%.300s", got)
	}
	if !strings.Contains(string(CountryOptions("en", "")), `<option value="CW">Curaçao</option>`) {
		t.Fatal("English names missing or escaped twice")
	}
	if strings.Contains(string(CountryOptions("en", "ZZ")), "selected") {
		t.Fatal("an unknown code selects an option")
	}
}

package web

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pay/internal/web/internal/cldrcountries"
)

func TestCountryNames(t *testing.T) {
	tests := []struct{ code, lang, want string }{
		{"GB", "en", "United Kingdom"},
		{"SZ", "en", "Eswatini"},
		{"MK", "en", "North Macedonia"},
		{"KN", "en", "St Kitts and Nevis"},
		{"CI", "en", "Ivory Coast"},
		{"SZ", "cy", "Eswatini"},
		{"GB", "cy", "Y Deyrnas Unedig"},
		{"ZZ", "en", "ZZ"},
	}
	for _, tt := range tests {
		if got := CountryName(tt.code, tt.lang); got != tt.want {
			t.Errorf("CountryName(%s, %s) = %q, want %q", tt.code, tt.lang, got, tt.want)
		}
	}
	for _, c := range Countries("en") {
		if strings.ContainsAny(c.Name, "&") || strings.Contains(c.Name, "St. ") || strings.Contains(c.Name, "Swaziland") {
			t.Errorf("%s is named in CLDR's style, not GOV.UK's: %q", c.Code, c.Name)
		}
	}
}

func TestPostcode(t *testing.T) {
	tests := []struct{ in, country, want string }{
		{"sw1a1aa", "GB", "SW1A 1AA"},
		{" sw1a 1aa ", "GB", "SW1A 1AA"},
		{"M11AE", "GB", "M1 1AE"},
		{"not a postcode", "GB", "not a postcode"},
		{"10115", "DE", "10115"},
		{"sw1a1aa", "FR", "sw1a1aa"},
	}
	for _, tt := range tests {
		if got := Postcode(tt.in, tt.country); got != tt.want {
			t.Errorf("Postcode(%q, %s) = %q, want %q", tt.in, tt.country, got, tt.want)
		}
	}
	got := strings.Join(AddressParts("1 High Street", "", "London", "sw1a1aa", "GB", "en"), ", ")
	if got != "1 High Street, London, SW1A 1AA, United Kingdom" {
		t.Errorf("address %q", got)
	}
}

// TestCountryListIsGenerated fails when country_list.go is not the lists
// CLDR gives, names and order: after changing the names in cldrcountries or
// updating golang.org/x/text, run go generate ./internal/web.
func TestCountryListIsGenerated(t *testing.T) {
	if len(countries) != len(cldrcountries.Languages) {
		t.Errorf("country lists in %d languages, want %d", len(countries), len(cldrcountries.Languages))
	}
	for _, lang := range cldrcountries.Languages {
		var want []Country
		for _, c := range cldrcountries.List(lang) {
			want = append(want, Country(c))
		}
		if diff := cmp.Diff(want, countries[lang]); diff != "" {
			t.Errorf("%s: country_list.go is stale; run go generate ./internal/web (-CLDR +generated):\n%s", lang, diff)
		}
	}
}

// TestCountryOrder checks the lists are in each language's order, not
// byte order: accents do not count, and Welsh's ch, ff and ng are letters
// of their own (ch after c, ff after f, ng after g).
func TestCountryOrder(t *testing.T) {
	tests := []struct {
		lang    string
		inOrder []string
	}{
		{"en", []string{"Afghanistan", "Åland Islands", "Albania"}},
		{"en", []string{"Cuba", "Curaçao", "Cyprus"}},
		{"en", []string{"Réunion", "Romania"}},
		{"cy", []string{"Cyprus", "Chile", "De Affrica"}},
		{"cy", []string{"Fiji", "Ffrainc", "Gabon"}},
		{"cy", []string{"Afghanistan", "Angola", "Albania"}},
	}
	for _, tt := range tests {
		index := map[string]int{}
		for i, c := range Countries(tt.lang) {
			index[c.Name] = i
		}
		for i, name := range tt.inOrder {
			if _, ok := index[name]; !ok {
				t.Errorf("%s: %q is not in the list", tt.lang, name)
			} else if i > 0 && index[name] < index[tt.inOrder[i-1]] {
				t.Errorf("%s: %q is before %q", tt.lang, name, tt.inOrder[i-1])
			}
		}
	}
}

package web

import (
	"strings"
	"testing"
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

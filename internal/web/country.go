package web

import (
	"sort"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Country is one choice in the billing address's country list.
type Country struct {
	Code string // ISO 3166-1 alpha-2
	Name string
}

// notISO are regions CLDR knows that are not ISO 3166-1 countries
// (exceptional reservations, deprecated codes and groupings).
var notISO = map[string]bool{
	"AC": true, "AN": true, "BU": true, "CP": true, "CQ": true, "CS": true, "CT": true, "DD": true, "DG": true,
	"DY": true, "EA": true, "EZ": true, "FQ": true, "FX": true, "HV": true, "IC": true, "JT": true, "MI": true,
	"NH": true, "NQ": true, "NT": true, "PC": true, "PU": true, "PZ": true, "RH": true, "SU": true, "TA": true,
	"TP": true, "UK": true, "UN": true, "VD": true, "WK": true, "YD": true, "YU": true, "ZR": true,
}

var countries = map[string][]Country{"en": countryList("en"), "cy": countryList("cy")}

// countryList names every ISO 3166-1 country (and Kosovo, XK) in a language,
// sorted as that language sorts.
func countryList(lang string) []Country {
	tag := language.MustParse(lang)
	names := display.Regions(tag)
	var out []Country
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			if err != nil || !r.IsCountry() || r.String() != code || notISO[code] {
				continue
			}
			out = append(out, Country{Code: code, Name: names.Name(r)})
		}
	}
	c := collate.New(tag, collate.Loose)
	sort.Slice(out, func(i, j int) bool { return c.CompareString(out[i].Name, out[j].Name) < 0 })
	return out
}

// Countries returns the country list in a language.
func Countries(lang string) []Country {
	if list, ok := countries[lang]; ok {
		return list
	}
	return countries["en"]
}

// ValidCountry reports whether code is in the list.
func ValidCountry(code string) bool {
	for _, c := range countries["en"] {
		if c.Code == code {
			return true
		}
	}
	return false
}

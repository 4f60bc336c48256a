// Package cldrcountries makes the billing address's country list from the
// Unicode CLDR (golang.org/x/text): every ISO 3166-1 country and Kosovo,
// named and sorted as a language names and sorts them. go generate writes
// the lists into package web, so that the binary carries neither CLDR's
// names nor its collation tables (2 MB); a test there checks they are the
// lists this package makes.
package cldrcountries

import (
	"sort"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Country is one choice in the list.
type Country struct {
	Code string // ISO 3166-1 alpha-2
	Name string
}

// Languages are the languages Pay's pages are in.
var Languages = []string{"en", "cy"}

// notISO are regions CLDR knows that are not ISO 3166-1 countries
// (exceptional reservations, deprecated codes and groupings).
var notISO = map[string]bool{
	"AC": true, "AN": true, "BU": true, "CP": true, "CQ": true, "CS": true, "CT": true, "DD": true, "DG": true,
	"DY": true, "EA": true, "EZ": true, "FQ": true, "FX": true, "HV": true, "IC": true, "JT": true, "MI": true,
	"NH": true, "NQ": true, "NT": true, "PC": true, "PU": true, "PZ": true, "RH": true, "SU": true, "TA": true,
	"TP": true, "UK": true, "UN": true, "VD": true, "WK": true, "YD": true, "YU": true, "ZR": true,
}

// registerNames are the names GOV.UK's country and territory registers give
// where CLDR's differ (CLDR's are older, "Swaziland", or in another style,
// "St. Kitts & Nevis"), so that payers see the names GOV.UK uses.
var registerNames = map[string]map[string]string{
	"en": {
		"AG": "Antigua and Barbuda", "BA": "Bosnia and Herzegovina", "BQ": "Bonaire, Sint Eustatius and Saba",
		"BS": "The Bahamas", "CD": "Congo (Democratic Republic)", "CG": "Congo", "CI": "Ivory Coast",
		"GM": "The Gambia", "GS": "South Georgia and South Sandwich Islands",
		"HK": "Hong Kong", "HM": "Heard Island and McDonald Islands", "MK": "North Macedonia", "MO": "Macao",
		"PN": "Pitcairn, Henderson, Ducie and Oeno Islands", "PS": "Occupied Palestinian Territories",
		"ST": "Sao Tome and Principe", "SH": "St Helena, Ascension and Tristan da Cunha", "BL": "St Barthélemy",
		"KN": "St Kitts and Nevis", "LC": "St Lucia", "MF": "St Martin (French part)", "PM": "St Pierre and Miquelon",
		"VC": "St Vincent", "SJ": "Svalbard and Jan Mayen", "SX": "Sint Maarten (Dutch part)", "SZ": "Eswatini",
		"TL": "East Timor", "TT": "Trinidad and Tobago", "TC": "Turks and Caicos Islands",
		"UM": "United States Minor Outlying Islands", "VI": "United States Virgin Islands", "WF": "Wallis and Futuna",
	},
	"cy": {"SZ": "Eswatini", "MK": "Gogledd Macedonia", "HK": "Hong Kong", "MO": "Macao"},
}

// List names every ISO 3166-1 country (and Kosovo, XK) in a language,
// sorted as that language sorts.
func List(lang string) []Country {
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
			name := names.Name(r)
			if own, ok := registerNames[lang][code]; ok {
				name = own
			}
			out = append(out, Country{Code: code, Name: name})
		}
	}
	c := collate.New(tag, collate.Loose)
	sort.Slice(out, func(i, j int) bool { return c.CompareString(out[i].Name, out[j].Name) < 0 })
	return out
}

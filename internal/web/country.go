package web

import (
	"html/template"
	"regexp"
	"sort"
	"strings"

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

// Countries returns the country list in a language.
func Countries(lang string) []Country {
	if list, ok := countries[lang]; ok {
		return list
	}
	return countries["en"]
}

// countryOptions are, per language, the country list's <option> elements,
// escaped once at start: ranging over 250 countries in a template, with a
// comparison each, was a third of the CPU of a payer's whole journey.
var countryOptions = map[string][]string{"en": optionList(countries["en"]), "cy": optionList(countries["cy"])}

// optionList renders each country as an <option> element, unselected.
func optionList(list []Country) []string {
	out := make([]string, len(list))
	for i, c := range list {
		out[i] = `<option value="` + template.HTMLEscapeString(c.Code) + `">` + template.HTMLEscapeString(c.Name) + "</option>\n"
	}
	return out
}

// CountryOptions returns the <option> elements of the country list in a
// language, the country whose code is selected marked selected, for a
// <select> in a template.
func CountryOptions(lang, selected string) template.HTML {
	list, ok := countryOptions[lang]
	if !ok {
		list = countryOptions["en"]
	}
	var b strings.Builder
	b.Grow(len(list) * 40)
	for i, c := range Countries(lang) {
		if c.Code == selected {
			b.WriteString(strings.Replace(list[i], `">`, `" selected>`, 1))
			continue
		}
		b.WriteString(list[i])
	}
	return template.HTML(b.String()) // escaped by optionList
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

// CountryName is a country's name in a language, or its code if Pay does
// not know it.
func CountryName(code, lang string) string {
	for _, c := range Countries(lang) {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}

// ukPostcode is a complete UK postcode, with or without its space.
var ukPostcode = regexp.MustCompile(`(?i)^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]([0-9ABEHMNPRV-Y])?|[0-9][A-HJKPS-UW]) ?[0-9][ABD-HJLNP-UW-Z]{2})$`)

// ValidUKPostcode reports whether v is a complete UK postcode.
func ValidUKPostcode(v string) bool { return ukPostcode.MatchString(v) }

// Postcode is a postcode as it is shown: a UK one in capitals with its
// space ("sw1a1aa" → "SW1A 1AA"); any other as it was given.
func Postcode(v, country string) string {
	v = strings.TrimSpace(v)
	if country != "GB" || !ukPostcode.MatchString(v) {
		return v
	}
	v = strings.ToUpper(strings.ReplaceAll(v, " ", ""))
	return v[:len(v)-3] + " " + v[len(v)-3:]
}

// AddressParts are an address's non-empty parts as they are shown, the
// country by its name.
func AddressParts(line1, line2, city, postcode, country, lang string) []string {
	var out []string
	for _, part := range []string{line1, line2, city, Postcode(postcode, country), CountryName(country, lang)} {
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

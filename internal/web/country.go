package web

import (
	"html/template"
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

package web

import (
	"html/template"
	"regexp"
	"strings"
)

//go:generate go run countries_gen.go

// Country is one choice in the billing address's country list. The lists
// are in country_list.go, which go generate writes from CLDR
// (internal/web/internal/cldrcountries) so that the binary does not carry
// CLDR's names and collation tables.
type Country struct {
	Code string // ISO 3166-1 alpha-2
	Name string
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

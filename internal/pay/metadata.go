package pay

import (
	"encoding/json"
	"strings"
	"unicode/utf16"
)

// Metadata limits (GOV.UK Pay's ExternalMetadata).
const (
	MetadataMaxPairs     = 15
	MetadataMaxKeyLength = 30
	MetadataMaxValueLen  = 100
)

// Metadata is a service's own key-value pairs on a payment. Values are
// strings, booleans or numbers; numbers are kept as written (json.Number).
type Metadata map[string]any

// ValidateMetadata checks m against GOV.UK Pay's rules and returns every
// problem, in a fixed order, joined as GOV.UK Pay joins them.
func ValidateMetadata(m Metadata) error {
	var problems []string
	if len(m) > MetadataMaxPairs {
		problems = append(problems, "Cannot have more than 15 key-value pairs")
	}
	var badKey, badValueLen, badType, nullValue bool
	seen := make(map[string]bool, len(m))
	duplicate := false
	for k, v := range m {
		if n := javaLength(k); n < 1 || n > MetadataMaxKeyLength {
			badKey = true
		}
		lk := strings.ToLower(k)
		if seen[lk] {
			duplicate = true
		}
		seen[lk] = true
		switch v := v.(type) {
		case nil:
			nullValue = true
		case string:
			badValueLen = badValueLen || javaLength(v) > MetadataMaxValueLen
		case json.Number:
			badValueLen = badValueLen || len(v) > MetadataMaxValueLen
		case bool:
		default:
			badType = true
		}
	}
	if badKey {
		problems = append(problems, "Keys must be between 1 and 30 characters long")
	}
	if badValueLen {
		problems = append(problems, "Values must be no greater than 100 characters long")
	}
	if badType {
		problems = append(problems, "Values must be of type String, Boolean or Number")
	}
	if nullValue {
		problems = append(problems, "Must not have null values")
	}
	if duplicate {
		problems = append(problems, "Must have case insensitive unique keys")
	}
	if len(problems) == 0 {
		return nil
	}
	return invalidAttribute(KindInvalid, CodeCreatePaymentInvalid, "metadata", strings.Join(problems, ". "))
}

// javaLength counts UTF-16 code units, as GOV.UK Pay's Java limits do, so
// that the same string is accepted by both.
func javaLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// JavaLength is the length GOV.UK Pay's limits use: UTF-16 code units.
func JavaLength(s string) int { return javaLength(s) }

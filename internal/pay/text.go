package pay

import (
	"strings"
	"unicode/utf8"
)

// ValidText reports whether s is text Pay can keep: valid UTF-8 without a
// NUL character. PostgreSQL refuses both while SQLite stores them, so every
// edge (API bodies, query strings, page forms) refuses them alike, with the
// error it gives any other invalid value.
func ValidText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

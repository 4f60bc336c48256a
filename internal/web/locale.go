package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
)

//go:embed locales/*.json
var localeFS embed.FS

// Locale gives a page's texts in one language.
type Locale struct {
	Lang     string
	messages map[string]string
}

var locales = func() map[string]Locale {
	out := map[string]Locale{}
	for _, lang := range []string{"en", "cy"} {
		b, err := localeFS.ReadFile("locales/" + lang + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic("web: locales/" + lang + ".json: " + err.Error())
		}
		out[lang] = Locale{Lang: lang, messages: m}
	}
	return out
}()

// LocaleFor returns the locale for a language code; English by default.
func LocaleFor(lang string) Locale {
	if l, ok := locales[lang]; ok {
		return l
	}
	return locales["en"]
}

// T returns the text for key, with %s filled from args. A missing key shows
// as itself, which the locale tests catch.
func (l Locale) T(key string, args ...any) string {
	msg, ok := l.messages[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Has reports whether the locale has key.
func (l Locale) Has(key string) bool {
	_, ok := l.messages[key]
	return ok
}

// Keys lists the locale's keys, for tests.
func (l Locale) Keys() []string {
	keys := make([]string, 0, len(l.messages))
	for k := range l.messages {
		keys = append(keys, k)
	}
	return keys
}

// Lower returns s with its first letter in lower case, for messages that
// put a word inside a sentence.
func Lower(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

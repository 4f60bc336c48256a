// Package web holds what Pay's server-rendered pages share: the layout and
// stylesheet, template rendering, locales, the country list and the
// security headers every page sends. The card pages, payment links and the
// admin site build on it.
package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

//go:embed templates/*.html
var layoutFS embed.FS

//go:embed static
var staticFS embed.FS

// Page is what every page's data carries for the layout.
type Page struct {
	L           Locale
	Title       string // the page's own title, before the service name
	ServiceName string
	TestBanner  bool // a sandbox payment: say that no money moves
	// ExactTitle shows Title alone, without the service's and Pay's names,
	// as GOV.UK Pay's payer pages do: automation matches titles exactly.
	ExactTitle bool
}

// Lang is the page's language code.
func (p Page) Lang() string { return p.L.Lang }

// Templates renders pages. Each page is parsed once, at start, with the
// layout and the partials it needs.
type Templates struct {
	pages  map[string]*template.Template
	logger *slog.Logger
}

// funcs are the helpers every template may use.
var funcs = template.FuncMap{
	"pounds": FormatPounds,
	"Lower":  Lower,
}

// ParseTemplates parses every page in pages (a *.html file) with the shared
// layout and with the package's partials (files named _*.html). extra adds
// the package's own template functions.
func ParseTemplates(pages fs.FS, extra template.FuncMap, logger *slog.Logger) (*Templates, error) {
	t := &Templates{pages: map[string]*template.Template{}, logger: logger}
	names, err := fs.Glob(pages, "*.html")
	if err != nil {
		return nil, err
	}
	partials, _ := fs.Glob(pages, "_*.html")
	for _, name := range names {
		if strings.HasPrefix(name, "_") {
			continue
		}
		tmpl, err := template.New(name).Funcs(funcs).Funcs(extra).ParseFS(layoutFS, "templates/*.html")
		if err != nil {
			return nil, fmt.Errorf("web: layout: %w", err)
		}
		if tmpl, err = tmpl.ParseFS(pages, append([]string{name}, partials...)...); err != nil {
			return nil, fmt.Errorf("web: %s: %w", name, err)
		}
		t.pages[strings.TrimSuffix(name, ".html")] = tmpl
	}
	return t, nil
}

// Render writes the named page with the given status. Rendering into a
// buffer first means a template error never sends half a page.
func (t *Templates) Render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	tmpl, ok := t.pages[name]
	if !ok {
		panic("web: no page " + name) // a programming error, caught by tests
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "layout", data); err != nil {
		t.logger.ErrorContext(r.Context(), "rendering page", slog.String("page", name), slog.Any("error", err))
		http.Error(w, "Sorry, there is a problem with the service.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Static serves the shared stylesheet and scripts under /static/.
func Static() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows nothing but Pay's own origin: no inline
// script, no framing, forms only to Pay (plus, per page, the origin a form's
// redirect ends at).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// Secure sets the headers every page sends and refuses unsafe requests from
// other origins (except the patterns in bypass, such as POST /secure, where
// services post their payers to Pay by design).
func Secure(next http.Handler, bypass ...string) http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, p := range bypass {
		cop.AddInsecureBypassPattern(p)
	}
	return cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Pragma", "no-cache")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		next.ServeHTTP(w, r)
	}))
}

// StrictTransport tells browsers to reach Pay only over https for a year
// (HSTS), on every response next gives. Pay's public URL decides, not the
// request: behind a proxy that ends TLS, Pay itself sees plain HTTP.
func StrictTransport(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
		next.ServeHTTP(w, r)
	})
}

// AllowFormTarget widens form-action to the origin of target, for a page
// whose form ends in a redirect there (browsers check form-action against
// the whole redirect chain).
func AllowFormTarget(w http.ResponseWriter, target string) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return
	}
	origin := u.Scheme + "://" + u.Host
	w.Header().Set("Content-Security-Policy", contentSecurityPolicy+" "+origin)
}

// SameSitePath reports whether p is a local path (for redirects after
// sign-in and the like), never a URL to another site.
func SameSitePath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.Contains(p, "\\")
}

package admin

import (
	"log/slog"
	"net/http"
	"time"

	"pay/internal/team"
	"pay/internal/web"
)

// page is what every admin page carries for the layout and the admin
// header: who is signed in, the account in use and the navigation.
type page struct {
	web.Page
	CSRF    string // the session's CSRF token, for every form
	Email   string // the signed-in user
	Account *accountView
	Nav     []navItem
	Errors  []fieldError
}

// accountView is the account a page is about, as the header shows it.
type accountView struct {
	ID          int64
	ServiceName string
	Sandbox     bool
}

type navItem struct {
	Href    string
	Text    string
	Current bool
}

// fieldError is a form error: ID is the input it links to.
type fieldError struct {
	ID      string
	Message string
}

// ErrorFor returns the error message of an input, or "".
func (p page) ErrorFor(id string) string {
	for _, e := range p.Errors {
		if e.ID == id {
			return e.Message
		}
	}
	return ""
}

// basePage is the page data of a page outside any account (sign-in pages).
func basePage(title string) page {
	return page{Page: web.Page{L: web.LocaleFor("en"), Title: title}}
}

// page is the page data of a page for a signed-in user; current names the
// navigation item to mark. The menu has only the pages the user's role may
// open, each behind the permission its route asks for.
func (h *Handler) page(q *request, title, current string) page {
	p := basePage(title)
	if q.sess != nil {
		p.CSRF = h.csrfToken(q.sess)
	}
	if q.user != nil && q.sess.Stage == team.StageSignedIn {
		p.Email = q.user.Email
	}
	if q.account == nil {
		return p
	}
	a := q.account
	p.ServiceName = a.ServiceName
	p.Account = &accountView{ID: a.ID, ServiceName: a.ServiceName, Sandbox: !a.IsLive()}
	for _, item := range []struct {
		perm team.Permission
		path string
		text string
	}{
		{team.PermTransactionsRead, "", "Dashboard"},
		{team.PermTransactionsRead, "/transactions", "Transactions"},
		{team.PermTransactionsRead, "/emails", "Emails"},
		{team.PermTokensRead, "/api-keys", "API keys"},
		{team.PermTokensCreate, "/payment-links", "Payment links"},
		{team.PermTokensCreate, "/webhooks", "Webhooks"},
		{team.PermPaymentTypesRead, "/settings", "Settings"},
		{team.PermUsersRead, "/team", "Team members"},
		{team.PermTokensRead, "/explorer", "API Explorer"},
	} {
		if q.role.Can(item.perm) {
			p.Nav = append(p.Nav, navItem{Href: q.accountPath(item.path), Text: item.text, Current: item.text == current})
		}
	}
	return p
}

func (h *Handler) render(q *request, status int, name string, data any) {
	h.templates.Render(q.w, q.r, status, name, data)
}

// messagePage is a page that only says something.
type messagePage struct {
	page
	Heading string
	Lines   []string
}

func (h *Handler) message(w http.ResponseWriter, r *http.Request, q *request, status int, heading string, lines ...string) {
	p := basePage(heading)
	if q != nil {
		p = h.page(q, heading, "")
	}
	h.templates.Render(w, r, status, "message", &messagePage{page: p, Heading: heading, Lines: lines})
}

// notFound answers a page that does not exist. A signed-in user keeps the
// header that says so, with a way back to their services rather than an
// offer to sign in.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	var q *request
	if sess, user, err := h.users.Session(r.Context(), sessionToken(r)); err == nil && sess.Stage == team.StageSignedIn {
		q = &request{w: w, r: r, ctx: r.Context(), sess: sess, user: user}
	}
	h.message(w, r, q, http.StatusNotFound, "Page not found",
		"If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.")
}

func (h *Handler) forbidden(q *request, why string) {
	h.message(q.w, q.r, q, http.StatusForbidden, "You cannot do this", why)
}

// systemError logs what went wrong and shows a generic page.
func (h *Handler) systemError(w http.ResponseWriter, r *http.Request, err error) {
	h.logger.ErrorContext(r.Context(), "admin page failed", slog.String("route", r.Pattern), slog.Any("error", err))
	h.message(w, r, nil, http.StatusInternalServerError, "Sorry, there is a problem with the service",
		"Try again later.")
}

// displayTime writes a time as the admin pages show it, in UK time.
func (h *Handler) displayTime(t time.Time) string {
	return t.In(h.london).Format("02 Jan 2006 15:04:05")
}

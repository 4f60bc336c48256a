package admin

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"pay/internal/pay"
	"pay/internal/team"
	"pay/internal/web"
)

// The browser holds the session token in a cookie only the admin site's
// paths see, that scripts cannot read and that other sites' forms do not send.
const (
	sessionCookie = "pay_admin_session"
	cookiePath    = "/admin"
	// maxFormBytes bounds a form post; the API Explorer's body is the largest.
	maxFormBytes = 256 << 10
)

// request is one admin page request and who makes it.
type request struct {
	w       http.ResponseWriter
	r       *http.Request
	ctx     context.Context
	token   string // the session token, from the cookie
	sess    *team.Session
	user    *team.User
	account *pay.Account // on account pages
	role    team.Role    // the user's role in the account's service
}

func (h *Handler) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: cookiePath,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

func (h *Handler) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: cookiePath, MaxAge: -1,
		HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
}

func sessionToken(r *http.Request) string {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// csrfKey derives the key of the forms' CSRF tokens from the instance secret.
func csrfKey(secret []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("pay admin csrf v1"))
	return mac.Sum(nil)
}

// csrfToken is the token every form of a session carries: an HMAC of the
// session, so it needs no storage and changes whenever the session rotates.
// It backs up http.CrossOriginProtection for browsers that send neither
// Sec-Fetch-Site nor Origin.
func (h *Handler) csrfToken(sess *team.Session) string {
	mac := hmac.New(sha256.New, h.csrfKey)
	mac.Write([]byte(sess.Hash))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// session loads the browser's session for a page that needs one. Without a
// live session it sends the browser to sign in and returns nil; a post
// whose CSRF token does not match is refused.
func (h *Handler) session(w http.ResponseWriter, r *http.Request) *request {
	q := &request{w: w, r: r, ctx: r.Context(), token: sessionToken(r)}
	var err error
	q.sess, q.user, err = h.users.Session(q.ctx, q.token)
	if err == team.ErrNoSession {
		h.clearSessionCookie(w)
		h.toSignIn(w, r)
		return nil
	} else if err != nil {
		h.systemError(w, r, err)
		return nil
	}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if !hmac.Equal([]byte(r.PostFormValue("csrfToken")), []byte(h.csrfToken(q.sess))) {
			h.forbidden(q, "Your form could not be sent. Go back, reload the page and try again.")
			return nil
		}
	}
	return q
}

// toSignIn sends the browser to the sign-in page, which brings it back to
// the page it asked for.
func (h *Handler) toSignIn(w http.ResponseWriter, r *http.Request) {
	target := "/admin/sign-in"
	if r.Method == http.MethodGet && r.URL.Path != "/admin" && r.URL.Path != "/admin/" {
		target += "?" + url.Values{"next": {r.URL.RequestURI()}}.Encode()
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// stagePath is the page where a session at a sign-in stage continues.
func stagePath(stage team.SessionStage) string {
	switch stage {
	case team.StageSecurityCode:
		return "/admin/security-code"
	case team.StageNewPassword:
		return "/admin/new-password"
	case team.StageSetUp2FA:
		return "/admin/authenticator"
	}
	return "/admin"
}

// signedIn serves a page to a browser that has finished signing in.
func (h *Handler) signedIn(next func(*request)) http.HandlerFunc {
	return h.atStage(team.StageSignedIn, next)
}

// atStage serves a page to a browser whose sign-in is at one of the given
// stages; a browser at another stage is sent where it continues.
func (h *Handler) atStage(stage team.SessionStage, next func(*request), more ...team.SessionStage) http.HandlerFunc {
	stages := append([]team.SessionStage{stage}, more...)
	return func(w http.ResponseWriter, r *http.Request) {
		q := h.session(w, r)
		if q == nil {
			return
		}
		if !slices.Contains(stages, q.sess.Stage) {
			http.Redirect(w, r, stagePath(q.sess.Stage), http.StatusSeeOther)
			return
		}
		next(q)
	}
}

// withAccount loads the account a page is about and checks the user's role
// in its service allows perm: a service the user has no role in is not
// found, a permission their role lacks is forbidden.
func (h *Handler) withAccount(perm team.Permission, next func(*request)) func(*request) {
	return func(q *request) {
		id, err := strconv.ParseInt(q.r.PathValue("account"), 10, 64)
		if err != nil || id <= 0 {
			h.notFound(q.w, q.r)
			return
		}
		q.account, err = h.store.AccountGet(q.ctx, id)
		if pay.IsKind(err, pay.KindNotFound) {
			h.notFound(q.w, q.r)
			return
		} else if err != nil {
			h.systemError(q.w, q.r, err)
			return
		}
		q.role, err = h.users.Role(q.ctx, q.user.ID, q.account.ServiceID)
		if errors.Is(err, team.ErrForbidden) {
			h.notFound(q.w, q.r)
			return
		} else if err != nil {
			h.systemError(q.w, q.r, err)
			return
		}
		if !q.role.Can(perm) {
			h.forbidden(q, "You do not have the administrator rights to perform this operation.")
			return
		}
		next(q)
	}
}

// accountPath is the path of a page of the request's account.
func (q *request) accountPath(suffix string) string {
	return "/admin/accounts/" + strconv.FormatInt(q.account.ID, 10) + suffix
}

// redirect sends the browser on with a 303, as after every form post.
func (q *request) redirect(path string) {
	http.Redirect(q.w, q.r, path, http.StatusSeeOther)
}

// sameSiteNext returns a local admin path to go back to after sign-in, or "".
func sameSiteNext(next string) string {
	if web.SameSitePath(next) && (next == "/admin" || len(next) > 7 && next[:7] == "/admin/") {
		return next
	}
	return ""
}

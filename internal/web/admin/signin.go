package admin

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"html/template"
	"image/png"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"

	"pay/internal/pay"
	"pay/internal/team"
)

// signInData is the sign-in page.
type signInData struct {
	page
	EmailValue    string
	Next          string
	SignedOut     bool
	PasswordReset bool // the user just chose a new password through a reset link
	Joined        bool // the user just accepted an invitation
}

// The sign-in form, which has no session yet, is protected by a double
// submit: a random cookie that only Pay's pages can put in the form. A
// forged post from another site has neither the cookie (SameSite) nor
// its value.
const signInCookie = "pay_admin_sign_in"

// signInToken returns the browser's sign-in token, setting a fresh one if
// it has none.
func (h *Handler) signInToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(signInCookie); err == nil && len(c.Value) >= 20 {
		return c.Value
	}
	token, _ := team.NewSessionToken()
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Value: token, Path: cookiePath, HttpOnly: true,
		Secure: h.secure, SameSite: http.SameSiteLaxMode})
	return token
}

func (h *Handler) signInPage(w http.ResponseWriter, r *http.Request) {
	if sess, _, err := h.users.Session(r.Context(), sessionToken(r)); err == nil && sess.Stage == team.StageSignedIn {
		http.Redirect(w, r, "/admin", http.StatusSeeOther)
		return
	}
	d := &signInData{page: basePage("Sign in"), Next: sameSiteNext(r.URL.Query().Get("next")),
		SignedOut: r.URL.Query().Has("signed-out"), PasswordReset: r.URL.Query().Has("password-reset"),
		Joined: r.URL.Query().Has("joined")}
	d.CSRF = h.signInToken(w, r)
	h.templates.Render(w, r, http.StatusOK, "sign_in", d)
}

// signIn checks the email and password and opens a session at the next
// stage.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	csrf, ok := h.signInFormValid(w, r)
	if !ok {
		return
	}
	email, password := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	d := &signInData{page: basePage("Sign in"), EmailValue: email, Next: sameSiteNext(r.PostFormValue("next"))}
	d.CSRF = csrf
	if email == "" {
		d.Errors = append(d.Errors, fieldError{"email", "Enter an email address"})
	} else if !pay.ValidText(email) { // no user's address could match it
		d.Errors = append(d.Errors, fieldError{"email", "Enter a valid email address"})
	}
	if password == "" {
		d.Errors = append(d.Errors, fieldError{"password", "Enter a password"})
	}
	if len(d.Errors) > 0 {
		h.templates.Render(w, r, http.StatusOK, "sign_in", d)
		return
	}
	if !h.signInAllowed(r, email) {
		h.signInRefused(w, r, d, http.StatusTooManyRequests, time.Minute, "Too many attempts to sign in. Wait a minute and try again.")
		return
	}
	u, err := h.users.CheckPassword(r.Context(), email, password)
	switch {
	case errors.Is(err, team.ErrUnauthorised):
		// A locked-out user gets this answer too, as an unknown email
		// does: it must not tell which emails have accounts.
		d.Errors = []fieldError{{"email", team.ErrInvalidCredentials.Message}}
		h.templates.Render(w, r, http.StatusOK, "sign_in", d)
	case errors.Is(err, team.ErrUnavailable):
		h.signInRefused(w, r, d, http.StatusServiceUnavailable, 5*time.Second, team.ErrBusy.Message)
	case err != nil:
		h.systemError(w, r, err)
	default:
		h.openSession(w, r, u, d.Next)
	}
}

// Sign-in attempts allowed in a minute from one address and for one
// email, counted before any password is checked, on every instance
// together when the limiter is shared (REDIS_URL).
const (
	signInsPerAddress = 30
	signInsPerEmail   = 5
)

// signInAllowed counts a sign-in attempt from r's address and for email,
// and reports whether both counts are within their limits. Emails are
// counted by a hash, so the shared counter holds none.
func (h *Handler) signInAllowed(r *http.Request, email string) bool {
	if h.signInLimiter == nil {
		return true
	}
	sum := sha256.Sum256([]byte(strings.ToLower(email)))
	return h.signInLimiter.Allow(r.Context(), "signin:address:"+clientAddress(r), signInsPerAddress) &&
		h.signInLimiter.Allow(r.Context(), "signin:email:"+hex.EncodeToString(sum[:16]), signInsPerEmail)
}

// clientAddress is the address a request came from, as the key of its
// rate limit: an IPv6 address by its /64, which one client commonly has
// whole.
func clientAddress(r *http.Request) string {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	addr := ap.Addr().Unmap()
	if addr.Is6() {
		p, _ := addr.Prefix(64)
		return p.String()
	}
	return addr.String()
}

// signInRefused shows the sign-in form again with why the attempt was
// turned away before its password was checked, and when to try again.
func (h *Handler) signInRefused(w http.ResponseWriter, r *http.Request, d *signInData, status int, retry time.Duration, why string) {
	w.Header().Set("Retry-After", strconv.Itoa(int(retry/time.Second)))
	d.Errors = []fieldError{{"email", why}}
	h.templates.Render(w, r, status, "sign_in", d)
}

// openSession starts the session of a user whose password was right.
// Whatever session the browser had is ended: the new one has a new token,
// so a token planted before sign-in opens nothing after it.
func (h *Handler) openSession(w http.ResponseWriter, r *http.Request, u *team.User, next string) {
	if err := h.users.EndSession(r.Context(), sessionToken(r)); err != nil {
		h.systemError(w, r, err)
		return
	}
	stage := h.users.NextStage(u, false)
	if stage == team.StageSignedIn {
		if err := h.users.SignedIn(r.Context(), u); err != nil {
			h.systemError(w, r, err)
			return
		}
	}
	token, _, err := h.users.StartSession(r.Context(), u, stage)
	if err != nil {
		h.systemError(w, r, err)
		return
	}
	h.setSessionCookie(w, token)
	http.Redirect(w, r, h.afterStage(u, stage, next), http.StatusSeeOther)
}

// afterStage is where a browser goes once a sign-in step is done. A user
// who signs in without an authenticator app is offered to set one up.
func (h *Handler) afterStage(u *team.User, stage team.SessionStage, next string) string {
	switch {
	case stage == team.StageSignedIn && u.TOTPSecret == "":
		return "/admin/authenticator" + withNext(next)
	case stage == team.StageSignedIn && next != "":
		return next
	case stage == team.StageSecurityCode:
		return stagePath(stage) + withNext(next)
	}
	return stagePath(stage)
}

func withNext(next string) string {
	if next == "" {
		return ""
	}
	return "?" + url.Values{"next": {next}}.Encode()
}

// locked tells a user who is locked out what to do.
func (h *Handler) locked(w http.ResponseWriter, r *http.Request) {
	h.clearSessionCookie(w)
	h.message(w, r, nil, http.StatusForbidden, "You cannot sign in to Pay",
		"Your account is locked because of too many failed attempts to sign in.",
		"Pay has emailed you a link to choose a new password, which unlocks your account. You can also ask for one with \"Forgot your password?\" on the sign-in page.",
		"Operators unlock users with the command pay users unlock EMAIL.")
}

// codeData is the security code page.
type codeData struct {
	page
	Next string
}

func (h *Handler) securityCodePage(q *request) {
	d := &codeData{page: h.page(q, "Use your authenticator app", ""), Next: sameSiteNext(q.r.URL.Query().Get("next"))}
	h.render(q, http.StatusOK, "security_code", d)
}

// securityCode checks the authenticator's code; a right one moves the
// sign-in on with a fresh session.
func (h *Handler) securityCode(q *request) {
	code := strings.TrimSpace(q.r.PostFormValue("code"))
	d := &codeData{page: h.page(q, "Use your authenticator app", ""), Next: sameSiteNext(q.r.PostFormValue("next"))}
	if code == "" {
		d.Errors = []fieldError{{"code", "Enter your security code"}}
		h.render(q, http.StatusOK, "security_code", d)
		return
	}
	err := h.users.CheckCode(q.ctx, q.user, code)
	switch {
	case err == team.ErrInvalidCode:
		d.Errors = []fieldError{{"code", err.(*team.Error).Message}}
		h.render(q, http.StatusOK, "security_code", d)
		return
	case err == team.ErrLocked:
		if err := h.users.EndSession(q.ctx, q.token); err != nil {
			h.systemError(q.w, q.r, err)
			return
		}
		h.locked(q.w, q.r)
		return
	case err != nil:
		h.systemError(q.w, q.r, err)
		return
	}
	h.advance(q, h.users.NextStage(q.user, true), d.Next)
}

// advance replaces the session with one at the next stage and sends the
// browser there.
func (h *Handler) advance(q *request, stage team.SessionStage, next string) {
	token, _, err := h.users.RotateSession(q.ctx, q.sess, q.user, stage)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	h.setSessionCookie(q.w, token)
	q.redirect(h.afterStage(q.user, stage, next))
}

// statusOf is the status of a page that shows a team error in its form:
// 503 when Pay is too busy to do it now, 200 for the user's own mistakes.
func statusOf(err error) int {
	if errors.Is(err, team.ErrUnavailable) {
		return http.StatusServiceUnavailable
	}
	return http.StatusOK
}

func (h *Handler) newPasswordPage(q *request) {
	h.render(q, http.StatusOK, "new_password", h.page(q, "Choose your password", ""))
}

// newPassword replaces a one-time password with the user's own.
func (h *Handler) newPassword(q *request) {
	d := h.page(q, "Choose your password", "")
	password := q.r.PostFormValue("password")
	if password == "" {
		d.Errors = []fieldError{{"password", "Enter a password"}}
		h.render(q, http.StatusOK, "new_password", d)
		return
	}
	err := h.users.ChangePassword(q.ctx, q.user, password)
	if err == team.ErrPasswordTooShort || err == team.ErrBusy {
		d.Errors = []fieldError{{"password", err.(*team.Error).Message}}
		h.render(q, statusOf(err), "new_password", d)
		return
	} else if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	// Changing the password ended every session of the user, this one too.
	stage := h.users.NextStage(q.user, true)
	token, _, err := h.users.StartSession(q.ctx, q.user, stage)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	h.setSessionCookie(q.w, token)
	q.redirect(h.afterStage(q.user, stage, ""))
}

// authenticatorData is the page that sets up an authenticator app.
type authenticatorData struct {
	page
	QR       template.URL // a PNG of the otpauth:// URL, as a data: URI
	Secret   string       // the secret in groups of four, to type in
	Optional bool         // the user may skip this for now
	Next     string
	// Replacing says a signed-in user is replacing the app they have.
	Replacing bool
}

func (h *Handler) authenticatorPage(q *request) {
	h.renderAuthenticator(q, nil)
}

func (h *Handler) renderAuthenticator(q *request, errs []fieldError) {
	// A signed-in user may replace their app from their profile.
	replacing := q.sess.Stage == team.StageSignedIn && q.r.URL.Query().Has("replace")
	if q.user.TOTPSecret != "" && !replacing {
		q.redirect("/admin") // already set up
		return
	}
	secret, err := h.users.OfferTOTP(q.ctx, q.sess)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	qr, err := qrDataURI(team.TOTPURL(secret, team.TOTPIssuer, q.user.Email))
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	next := sameSiteNext(q.r.FormValue("next"))
	d := &authenticatorData{page: h.page(q, "Set up an authenticator app", ""), QR: qr,
		Secret: groupSecret(secret), Optional: q.sess.Stage == team.StageSignedIn, Next: next, Replacing: replacing}
	d.Errors = errs
	h.render(q, http.StatusOK, "authenticator", d)
}

// authenticator turns the app on once the user types a code it shows.
func (h *Handler) authenticator(q *request) {
	code := strings.TrimSpace(q.r.PostFormValue("code"))
	if code == "" {
		h.renderAuthenticator(q, []fieldError{{"code", "Enter your security code"}})
		return
	}
	err := h.users.SetUpTOTP(q.ctx, q.sess, q.user, code)
	if err == team.ErrInvalidCode {
		h.renderAuthenticator(q, []fieldError{{"code", err.(*team.Error).Message}})
		return
	} else if errors.Is(err, team.ErrConflict) {
		q.redirect("/admin/authenticator")
		return
	} else if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	h.advance(q, h.users.NextStage(q.user, true), sameSiteNext(q.r.PostFormValue("next")))
}

// qrDataURI draws an otpauth:// URL as a QR code in a PNG data: URI, which
// the pages' Content-Security-Policy allows as an image.
func qrDataURI(otpURL string) (template.URL, error) {
	key, err := otp.NewKeyFromURL(otpURL)
	if err != nil {
		return "", err
	}
	img, err := key.Image(220, 220)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", err
	}
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())), nil
}

// groupSecret writes a secret in groups of four characters, easier to type.
func groupSecret(s string) string {
	var groups []string
	for len(s) > 4 {
		groups = append(groups, s[:4])
		s = s[4:]
	}
	return strings.Join(append(groups, s), " ")
}

// signOut ends the session.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request) {
	q := h.session(w, r)
	if q == nil {
		return
	}
	if err := h.users.EndSession(q.ctx, q.token); err != nil {
		h.systemError(w, r, err)
		return
	}
	h.clearSessionCookie(w)
	http.Redirect(w, r, "/admin/sign-in?signed-out", http.StatusSeeOther)
}

package admin

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"errors"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"strings"

	"github.com/pquerna/otp"

	"pay/internal/pay"
	"pay/internal/team"
)

// signInData is the sign-in page.
type signInData struct {
	page
	EmailValue string
	Next       string
	SignedOut  bool
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
		SignedOut: r.URL.Query().Has("signed-out")}
	d.CSRF = h.signInToken(w, r)
	h.templates.Render(w, r, http.StatusOK, "sign_in", d)
}

// signIn checks the email and password and opens a session at the next
// stage.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	c, err := r.Cookie(signInCookie)
	if err != nil || !hmac.Equal([]byte(c.Value), []byte(r.PostFormValue("csrfToken"))) {
		h.message(w, r, nil, http.StatusForbidden, "Your form could not be sent",
			"Go back to the sign-in page, reload it and try again. Your browser must accept cookies from Pay.")
		return
	}
	email, password := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password")
	d := &signInData{page: basePage("Sign in"), EmailValue: email, Next: sameSiteNext(r.PostFormValue("next"))}
	d.CSRF = c.Value
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
	u, err := h.users.CheckPassword(r.Context(), email, password)
	switch {
	case err == team.ErrInvalidCredentials:
		d.Errors = []fieldError{{"email", err.(*team.Error).Message}}
		h.templates.Render(w, r, http.StatusOK, "sign_in", d)
	case err == team.ErrLocked:
		h.locked(w, r)
	case err != nil:
		h.systemError(w, r, err)
	default:
		h.openSession(w, r, u, d.Next)
	}
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
		"Ask an administrator of your service to unlock it. Operators unlock users with the command pay users unlock EMAIL.")
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
	if err == team.ErrPasswordTooShort {
		d.Errors = []fieldError{{"password", err.(*team.Error).Message}}
		h.render(q, http.StatusOK, "new_password", d)
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
}

func (h *Handler) authenticatorPage(q *request) {
	h.renderAuthenticator(q, nil)
}

func (h *Handler) renderAuthenticator(q *request, errs []fieldError) {
	if q.user.TOTPSecret != "" {
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
		Secret: groupSecret(secret), Optional: q.sess.Stage == team.StageSignedIn, Next: next}
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

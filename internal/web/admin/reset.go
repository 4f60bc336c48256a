package admin

import (
	"crypto/hmac"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"pay/internal/pay"
	"pay/internal/team"
)

// forgotData is the page that asks for a reset link.
type forgotData struct {
	page
	EmailValue string
}

// resetData is the page that a reset link opens.
type resetData struct {
	page
	Action string
}

func (h *Handler) forgotPasswordPage(w http.ResponseWriter, r *http.Request) {
	d := &forgotData{page: basePage("Forgot your password?")}
	d.CSRF = h.signInToken(w, r)
	h.templates.Render(w, r, http.StatusOK, "forgot_password", d)
}

// signInFormValid reports whether a form posted before sign-in carries the
// browser's sign-in token, and answers it with 403 when it does not.
func (h *Handler) signInFormValid(w http.ResponseWriter, r *http.Request) (string, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	c, err := r.Cookie(signInCookie)
	if err != nil || !hmac.Equal([]byte(c.Value), []byte(r.PostFormValue("csrfToken"))) {
		h.message(w, r, nil, http.StatusForbidden, "Your form could not be sent",
			"Go back, reload the page and try again. Your browser must accept cookies from Pay.")
		return "", false
	}
	return c.Value, true
}

// forgotPassword sends a reset link to the address, if it has an account,
// and shows the same page whether or not it has: the answer must not tell
// which emails have accounts. Requests count against the sign-in limits,
// so the form cannot flood someone's inbox.
func (h *Handler) forgotPassword(w http.ResponseWriter, r *http.Request) {
	csrf, ok := h.signInFormValid(w, r)
	if !ok {
		return
	}
	email := strings.TrimSpace(r.PostFormValue("email"))
	d := &forgotData{page: basePage("Forgot your password?"), EmailValue: email}
	d.CSRF = csrf
	if email == "" || !strings.Contains(email, "@") || !pay.ValidText(email) {
		d.Errors = []fieldError{{"email", "Enter a valid email address"}}
		h.templates.Render(w, r, http.StatusOK, "forgot_password", d)
		return
	}
	if !h.signInAllowed(r, email) {
		w.Header().Set("Retry-After", "60")
		d.Errors = []fieldError{{"email", "Too many attempts. Wait a minute and try again."}}
		h.templates.Render(w, r, http.StatusTooManyRequests, "forgot_password", d)
		return
	}
	if err := h.users.RequestPasswordReset(r.Context(), email); err != nil {
		// Logged, not shown: an error only for addresses with accounts
		// would tell which have one. The error holds no link.
		h.logger.ErrorContext(r.Context(), "password reset email failed", slog.Any("error", err))
	}
	h.message(w, r, nil, http.StatusOK, "Check your email",
		"If "+email+" has a Pay account, we have sent it a link to choose a new password.",
		"The link works once, within 90 minutes. If no email arrives, check your spam folder or ask an administrator of your service.")
}

// resetPasswordPage shows the new password form for a link that still
// works, and says so for one that does not.
func (h *Handler) resetPasswordPage(w http.ResponseWriter, r *http.Request) {
	ok, err := h.users.ResetLinkValid(r.Context(), r.PathValue("token"))
	if err != nil {
		h.systemError(w, r, err)
		return
	} else if !ok {
		h.resetLinkInvalid(w, r)
		return
	}
	d := &resetData{page: basePage("Choose a new password"), Action: r.URL.Path}
	d.CSRF = h.signInToken(w, r)
	h.templates.Render(w, r, http.StatusOK, "reset_password", d)
}

// resetPassword sets the new password and sends the browser to sign in.
func (h *Handler) resetPassword(w http.ResponseWriter, r *http.Request) {
	csrf, ok := h.signInFormValid(w, r)
	if !ok {
		return
	}
	d := &resetData{page: basePage("Choose a new password"), Action: r.URL.Path}
	d.CSRF = csrf
	password := r.PostFormValue("password")
	if password == "" {
		d.Errors = []fieldError{{"password", "Enter a password"}}
		h.templates.Render(w, r, http.StatusOK, "reset_password", d)
		return
	}
	_, err := h.users.ResetPassword(r.Context(), r.PathValue("token"), password)
	switch {
	case err == team.ErrPasswordTooShort || errors.Is(err, team.ErrUnavailable):
		if errors.Is(err, team.ErrUnavailable) {
			w.Header().Set("Retry-After", "5")
		}
		d.Errors = []fieldError{{"password", err.(*team.Error).Message}}
		h.templates.Render(w, r, statusOf(err), "reset_password", d)
	case err == team.ErrResetLinkInvalid:
		h.resetLinkInvalid(w, r)
	case err != nil:
		h.systemError(w, r, err)
	default:
		// The reset ended every session of the user, this browser's too.
		h.clearSessionCookie(w)
		http.Redirect(w, r, "/admin/sign-in?password-reset", http.StatusSeeOther)
	}
}

// resetLinkInvalid answers a reset link that is unknown, expired or used.
func (h *Handler) resetLinkInvalid(w http.ResponseWriter, r *http.Request) {
	h.message(w, r, nil, http.StatusNotFound, "This link does not work any more",
		team.ErrResetLinkInvalid.Message,
		"Links to choose a new password work once, within 90 minutes. Ask for a new one with \"Forgot your password?\" on the sign-in page.")
}

package admin

import (
	"errors"
	"net/http"

	"pay/internal/team"
)

// profileData is the user's own page: who they are, their services, and
// the ways to change how they sign in.
type profileData struct {
	page
	Services      []*team.Membership
	Authenticator bool // the user has an authenticator app
	Changed       bool // the password was just changed
}

func (h *Handler) profile(q *request) {
	list, err := h.store.MembershipList(q.ctx, q.user.ID)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	h.render(q, http.StatusOK, "profile", &profileData{page: h.page(q, "My profile", ""), Services: list,
		Authenticator: q.user.TOTPSecret != "", Changed: q.r.URL.Query().Has("password-changed")})
}

func (h *Handler) passwordPage(q *request) {
	h.render(q, http.StatusOK, "change_password", h.page(q, "Change your password", ""))
}

// changePassword changes the user's password once the current one is
// right, and opens a fresh session: the change ended every other.
func (h *Handler) changePassword(q *request) {
	d := h.page(q, "Change your password", "")
	err := h.users.ChangeOwnPassword(q.ctx, q.user, q.r.PostFormValue("current-password"), q.r.PostFormValue("password"))
	var te *team.Error
	switch {
	case err == nil:
	case errors.As(err, &te) && te.Field != "":
		d.Errors = []fieldError{{te.Field, te.Message}}
		h.render(q, statusOf(err), "change_password", d)
		return
	default:
		h.systemError(q.w, q.r, err)
		return
	}
	token, _, err := h.users.StartSession(q.ctx, q.user, team.StageSignedIn)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	h.setSessionCookie(q.w, token)
	q.redirect("/admin/profile?password-changed")
}

// resetMemberTOTP removes a member's authenticator app.
func (h *Handler) resetMemberTOTP(q *request) {
	if id, ok := h.pathID(q, "user"); ok {
		h.teamChanged(q, h.users.ResetMemberTOTP(q.ctx, q.user, q.account.ServiceID, id))
	}
}

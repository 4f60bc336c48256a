package admin

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"pay/internal/team"
)

// inviteData is the form that invites a person to the team.
type inviteData struct {
	page
	EmailValue string
	RoleValue  team.Role
	Roles      []team.Role
}

// inviteView is a pending invitation on the team page.
type inviteView struct {
	ID        int64
	Email     string
	RoleLabel string
	InvitedBy string
	Expires   string
	Expired   bool
	Action    string // where its forms post, under which /cancel and /resend
}

func (h *Handler) invitePage(q *request) {
	h.render(q, http.StatusOK, "invite", &inviteData{page: h.page(q, "Invite a team member", "Team members"),
		RoleValue: team.RoleViewOnly, Roles: team.Roles})
}

// invite sends an invitation to join the account's service.
func (h *Handler) invite(q *request) {
	d := &inviteData{page: h.page(q, "Invite a team member", "Team members"), Roles: team.Roles,
		EmailValue: strings.TrimSpace(q.r.PostFormValue("email")), RoleValue: team.Role(q.r.PostFormValue("role"))}
	if !d.RoleValue.Valid() {
		d.Errors = append(d.Errors, fieldError{"role-" + string(team.RoleAdmin), "Choose a role"})
	}
	if len(d.Errors) == 0 {
		_, err := h.users.Invite(q.ctx, q.user, q.account.ServiceID, q.account.ServiceName, d.EmailValue, d.RoleValue)
		var te *team.Error
		switch {
		case err == nil:
			q.redirect(q.accountPath("/team?invited"))
			return
		case errors.As(err, &te) && te.Field == "email":
			d.Errors = append(d.Errors, fieldError{"email", te.Message})
		default:
			h.inviteSendFailed(q, err)
			return
		}
	}
	h.render(q, http.StatusOK, "invite", d)
}

// inviteSendFailed answers an invitation that is stored but whose email
// failed: the team page lists it, to be sent again.
func (h *Handler) inviteSendFailed(q *request, err error) {
	h.logger.ErrorContext(q.ctx, "invitation failed", slog.Any("error", err))
	h.renderTeam(q, http.StatusBadGateway, []fieldError{{"invitations",
		"The invitation could not be sent. Try again later with Send again."}})
}

// cancelInvite cancels an invitation of the account's service.
func (h *Handler) cancelInvite(q *request) {
	if id, ok := h.pathID(q, "invite"); ok {
		h.teamChanged(q, h.users.CancelInvite(q.ctx, q.user, q.account.ServiceID, id))
	}
}

// resendInvite sends an invitation of the account's service again, with a
// fresh link.
func (h *Handler) resendInvite(q *request) {
	id, ok := h.pathID(q, "invite")
	if !ok {
		return
	}
	_, err := h.users.ResendInvite(q.ctx, q.user, q.account.ServiceID, id)
	if err != nil && !errors.Is(err, team.ErrNotFound) {
		h.inviteSendFailed(q, err)
		return
	}
	h.teamChanged(q, err)
}

// acceptData is the page an invitation's link opens.
type acceptData struct {
	page
	ServiceName string
	RoleLabel   string
	NewUser     bool // the person has no account yet: they choose a password
	Action      string
}

// invitationPage shows an invitation: a new person chooses a password, an
// existing user joins with one button.
func (h *Handler) invitationPage(w http.ResponseWriter, r *http.Request) {
	inv, u, err := h.users.OpenInvite(r.Context(), r.PathValue("token"))
	if err != nil {
		h.invitationFailed(w, r, err)
		return
	}
	d := h.acceptData(r, inv, u == nil)
	d.CSRF = h.signInToken(w, r)
	h.templates.Render(w, r, http.StatusOK, "invitation", d)
}

func (h *Handler) acceptData(r *http.Request, inv *team.Invite, newUser bool) *acceptData {
	return &acceptData{page: basePage("Join " + inv.ServiceName), ServiceName: inv.ServiceName,
		RoleLabel: strings.ToLower(inv.Role.Label()), NewUser: newUser, Action: r.URL.Path}
}

// acceptInvitation accepts an invitation and sends the browser to sign in.
func (h *Handler) acceptInvitation(w http.ResponseWriter, r *http.Request) {
	csrf, ok := h.signInFormValid(w, r)
	if !ok {
		return
	}
	token := r.PathValue("token")
	inv, u, err := h.users.OpenInvite(r.Context(), token)
	if err != nil {
		h.invitationFailed(w, r, err)
		return
	}
	password := r.PostFormValue("password")
	if u == nil && password == "" {
		err = &team.Error{Kind: team.ErrInvalid, Field: "password", Message: "Enter a password"}
	} else {
		_, _, err = h.users.AcceptInvite(r.Context(), token, password)
	}
	if err == team.ErrPasswordTooShort || errors.Is(err, team.ErrUnavailable) || errors.Is(err, team.ErrInvalid) {
		d := h.acceptData(r, inv, u == nil)
		d.CSRF = csrf
		d.Errors = []fieldError{{"password", err.(*team.Error).Message}}
		h.templates.Render(w, r, statusOf(err), "invitation", d)
		return
	} else if err != nil {
		h.invitationFailed(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/sign-in?joined", http.StatusSeeOther)
}

// invitationFailed answers a link that no longer works, or a failure.
func (h *Handler) invitationFailed(w http.ResponseWriter, r *http.Request, err error) {
	if err != team.ErrInviteInvalid {
		h.systemError(w, r, err)
		return
	}
	h.message(w, r, nil, http.StatusNotFound, "This invitation does not work any more", err.(*team.Error).Message)
}

package admin

import (
	"errors"
	"net/http"
	"strconv"

	"pay/internal/team"
)

// teamData is a service's team page: its members and roles, and for
// administrators the forms that change them, with the team's history.
type teamData struct {
	page
	Members []memberView
	Invites []inviteView
	Events  []eventView
	Invited bool // an invitation was just sent
	Manage  bool // the user may change the team
	Roles   []team.Role
}

type memberView struct {
	UserID    int64
	Email     string
	Role      team.Role
	RoleLabel string
	Since     string
	You       bool
	Action    string // where the member's forms post, under which /role and /remove
}

type eventView struct {
	When, Who, What string
}

func (h *Handler) teamPage(q *request) { h.renderTeam(q, http.StatusOK, nil) }

// renderTeam shows the team of the account's service, with errs from a
// change that was refused.
func (h *Handler) renderTeam(q *request, status int, errs []fieldError) {
	members, events, err := h.users.Team(q.ctx, q.account.ServiceID)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	d := &teamData{page: h.page(q, "Team members", "Team members"), Manage: q.role.Can(team.PermUsersManage), Roles: team.Roles}
	d.Errors = errs
	for _, m := range members {
		d.Members = append(d.Members, memberView{UserID: m.UserID, Email: m.Email, Role: m.Role, RoleLabel: m.Role.Label(),
			Since: h.displayTime(m.Since), You: m.UserID == q.user.ID,
			Action: q.accountPath("/team/" + strconv.FormatInt(m.UserID, 10))})
	}
	if d.Manage {
		if d.Invites, err = h.invites(q); err != nil {
			h.systemError(q.w, q.r, err)
			return
		}
	}
	d.Invited = q.r.URL.Query().Has("invited")
	for _, e := range events {
		d.Events = append(d.Events, eventView{When: h.displayTime(e.CreatedAt), Who: e.ActorEmail, What: e.Summary})
	}
	h.render(q, status, "team", d)
}

// invites lists the account's service's pending invitations.
func (h *Handler) invites(q *request) ([]inviteView, error) {
	list, err := h.store.InviteList(q.ctx, q.account.ServiceID)
	var out []inviteView
	for _, inv := range list {
		out = append(out, inviteView{ID: inv.ID, Email: inv.Email, RoleLabel: inv.Role.Label(), InvitedBy: inv.InvitedBy,
			Expires: h.displayTime(inv.ExpiresAt), Expired: !inv.Pending(h.now().UTC()),
			Action: q.accountPath("/team/invitations/" + strconv.FormatInt(inv.ID, 10))})
	}
	return out, err
}

// pathID reads the id named name from the path; false, having answered
// 404, if it is not one.
func (h *Handler) pathID(q *request, name string) (int64, bool) {
	id, err := strconv.ParseInt(q.r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		h.notFound(q.w, q.r)
		return 0, false
	}
	return id, true
}

// changeRole gives a member of the account's service another role.
func (h *Handler) changeRole(q *request) {
	id, ok := h.pathID(q, "user")
	if !ok {
		return
	}
	role, err := team.ParseRole(q.r.PostFormValue("role"))
	if err != nil {
		h.renderTeam(q, http.StatusOK, []fieldError{{"members", "Choose a role"}})
		return
	}
	h.teamChanged(q, h.users.ChangeRole(q.ctx, q.user, q.account.ServiceID, id, role))
}

// removeMember takes a member out of the account's service.
func (h *Handler) removeMember(q *request) {
	if id, ok := h.pathID(q, "user"); ok {
		h.teamChanged(q, h.users.RemoveMember(q.ctx, q.user, q.account.ServiceID, id))
	}
}

// teamChanged answers a change to the team: back to the team page, or the
// page with why the change was refused. A member of another service is
// not found, as another service's account is.
func (h *Handler) teamChanged(q *request, err error) {
	var te *team.Error
	switch {
	case err == nil:
		q.redirect(q.accountPath("/team"))
	case errors.Is(err, team.ErrNotFound):
		h.notFound(q.w, q.r)
	case errors.Is(err, team.ErrForbidden):
		h.renderTeam(q, http.StatusForbidden, []fieldError{{"members", err.(*team.Error).Message}})
	case errors.Is(err, team.ErrConflict) && errors.As(err, &te):
		h.renderTeam(q, http.StatusConflict, []fieldError{{"members", te.Message}})
	default:
		h.systemError(q.w, q.r, err)
	}
}

package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"pay/internal/team"
)

// newServiceData is the form that adds a service.
type newServiceData struct {
	page
	Name, NameWelsh string
}

func (h *Handler) newServicePage(q *request) {
	if h.createService == nil {
		h.notFound(q.w, q.r)
		return
	}
	h.render(q, http.StatusOK, "new_service", &newServiceData{page: h.page(q, "Add a new service", "")})
}

// newService adds a service with a sandbox account, the user its admin,
// and opens the new account's dashboard.
func (h *Handler) newService(q *request) {
	if h.createService == nil {
		h.notFound(q.w, q.r)
		return
	}
	d := &newServiceData{page: h.page(q, "Add a new service", ""), Name: strings.TrimSpace(q.r.PostFormValue("service-name")),
		NameWelsh: strings.TrimSpace(q.r.PostFormValue("service-name-welsh"))}
	acct, err := h.createService(q.ctx, d.Name, d.NameWelsh, q.user)
	var te *team.Error
	switch {
	case err == nil:
		q.redirect("/admin/accounts/" + strconv.FormatInt(acct.ID, 10))
	case errors.Is(err, team.ErrInvalid) && errors.As(err, &te):
		d.Errors = []fieldError{{"service-name", te.Message}}
		h.render(q, http.StatusOK, "new_service", d)
	default:
		h.systemError(q.w, q.r, err)
	}
}

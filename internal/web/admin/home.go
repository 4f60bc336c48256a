package admin

import (
	"net/http"
	"net/url"
	"strconv"

	"pay/internal/pay"
	"pay/internal/team"
)

// homeData lists the services the user belongs to and their accounts.
type homeData struct {
	page
	Services []serviceView
	// CanAddService offers "Add a new service".
	CanAddService bool
}

type serviceView struct {
	Name     string
	Role     string
	Accounts []accountLink
}

type accountLink struct {
	Href    string
	Sandbox bool
}

// home sends the user to their account, or lists them if there are several.
func (h *Handler) home(q *request) {
	d, n, ok := h.homeData(q)
	if !ok {
		return
	}
	if n == 1 {
		for _, sv := range d.Services {
			for _, a := range sv.Accounts {
				q.redirect(a.Href)
				return
			}
		}
	}
	h.render(q, http.StatusOK, "home", d)
}

// services always lists the user's services, to switch between accounts.
func (h *Handler) services(q *request) {
	if d, _, ok := h.homeData(q); ok {
		h.render(q, http.StatusOK, "home", d)
	}
}

// homeData reads the user's services and accounts, and counts the accounts.
func (h *Handler) homeData(q *request) (*homeData, int, bool) {
	memberships, err := h.store.MembershipList(q.ctx, q.user.ID)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return nil, 0, false
	}
	accounts, err := h.store.AccountListForUser(q.ctx, q.user.ID)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return nil, 0, false
	}
	d := &homeData{page: h.page(q, "Your services", ""), CanAddService: h.createService != nil}
	n := 0
	for _, m := range memberships {
		sv := serviceView{Name: m.ServiceName, Role: m.Role.Label()}
		for _, a := range accounts {
			if a.ServiceID != m.ServiceID {
				continue
			}
			sv.Accounts = append(sv.Accounts, accountLink{Href: "/admin/accounts/" + strconv.FormatInt(a.ID, 10), Sandbox: !a.IsLive()})
			n++
		}
		d.Services = append(d.Services, sv)
	}
	return d, n, true
}

// dashboardData is an account's takings over three periods.
type dashboardData struct {
	page
	Periods []periodView
	// LinksPath offers "Create a payment link" to those who may.
	LinksPath string
	GoLive    bool // a sandbox account of a service without a live account, seen by an admin
	WentLive  bool // the live account was just created
	// DemoPath offers "Make a demo payment" on sandbox accounts to those
	// who may; Demo is the demo payment the user just came back from.
	DemoPath string
	Demo     *demoResult
}

type periodView struct {
	Label        string
	Summary      *pay.Summary
	PaymentsLink string // the successful payments of the period, in the transaction list
	RefundsLink  string // and its successful refunds
}

// dashboardPeriods are the periods the dashboard shows.
var dashboardPeriods = []string{periodToday, periodLast7Days, periodLast30Days}

func (h *Handler) dashboard(q *request) {
	d := &dashboardData{page: h.page(q, "Dashboard", "Dashboard"), WentLive: q.account.IsLive() && q.r.URL.Query().Has("live")}
	if q.role.Can(team.PermTokensCreate) {
		d.LinksPath = q.accountPath("/payment-links/new")
		if !q.account.IsLive() {
			d.DemoPath, d.Demo = q.accountPath("/demo-payment"), h.demoOutcome(q)
		}
	}
	if !q.account.IsLive() && q.role.Can(team.PermGoLive) {
		live, err := h.liveAccountOf(q)
		if err != nil {
			h.systemError(q.w, q.r, err)
			return
		}
		d.GoLive = live == 0
	}
	now := h.now()
	for _, id := range dashboardPeriods {
		from, to := periodRange(id, now, h.london)
		sum, err := h.payments.Summary(q.ctx, q.account.ID, from, to)
		if err != nil {
			h.systemError(q.w, q.r, err)
			return
		}
		link := func(state pay.DisplayState) string {
			return q.accountPath("/transactions") + "?" + url.Values{"state": {state.ID}, "dateFilter": {id}}.Encode()
		}
		d.Periods = append(d.Periods, periodView{Label: periodLabels[id], Summary: sum,
			PaymentsLink: link(pay.DisplaySuccess), RefundsLink: link(pay.DisplayRefundSuccess)})
	}
	h.render(q, http.StatusOK, "dashboard", d)
}

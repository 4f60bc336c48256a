package admin_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"pay/internal/pay"
	"pay/internal/team"
)

// linkForm is a complete draft, as the review page posts it.
func linkForm(changes map[string]string) url.Values {
	f := url.Values{"step": {"review"}, "language": {"en"}, "name": {"Pay for a parking permit"},
		"description": {"A year's permit"}, "referenceTypeGroup": {"custom"}, "referenceLabel": {"Permit number"},
		"referenceHint": {"On your letter"}, "amountTypeGroup": {"fixed"}, "payment-amount": {"25.00"},
		"column-header": {"cost_code"}, "column-value": {"PARK-1"}}
	for k, v := range changes {
		f.Set(k, v)
	}
	return f
}

func TestPaymentLinkSteps(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.user("admin@example.org", team.RoleAdmin, false))
	if p := b.get(e.accountPath("")); !p.has(`id="dashboard-create-payment-link"`) || !p.has(">Payment links</a>") {
		t.Fatal("the dashboard offers no payment link")
	}
	newPath := e.accountPath("/payment-links/new")
	if p := b.get(newPath); p.heading() != "Set payment link information" {
		t.Fatalf("first step: %q", p.heading())
	}
	step := func(step string, form url.Values) *page {
		t.Helper()
		form.Set("step", step)
		return b.post(newPath, form)
	}
	long := func(n int) string { return strings.Repeat("a", n) }
	for _, tt := range []struct {
		step string
		form url.Values
		want string
	}{
		{"information", url.Values{"name": {" "}}, "link-title: Enter a title"},
		{"information", url.Values{"name": {long(231)}}, "link-title: Title must be 230 characters or fewer"},
		{"information", url.Values{"name": {"a|b"}}, "link-title: You cannot use any of the following characters < > | in the Title"},
		{"information", url.Values{"name": {"Fee"}, "description": {long(5001)}}, "link-details: Details must be less than 5000 characters"},
		{"information", url.Values{"name": {"Fee"}, "description": {"<b>"}}, "link-details: You cannot use any of the following characters < > | in the Details"},
		{"reference", url.Values{"name": {"Fee"}}, "reference-type-custom: Please select an option"},
		{"reference", url.Values{"referenceTypeGroup": {"custom"}}, "reference-label: Please enter a reference"},
		{"reference", url.Values{"referenceTypeGroup": {"custom"}, "referenceLabel": {long(51)}}, "reference-label: Reference must be be 50 characters or fewer"},
		{"reference", url.Values{"referenceTypeGroup": {"custom"}, "referenceLabel": {"a>"}}, "reference-label: You cannot use any of the following characters < > | in the Reference"},
		{"reference", url.Values{"referenceTypeGroup": {"custom"}, "referenceLabel": {"Ref"}, "referenceHint": {long(256)}}, "reference-hint: Hint text must be be 255 characters or fewer"},
		{"amount", url.Values{}, "amount-type-fixed: Please select an option"},
		{"amount", url.Values{"amountTypeGroup": {"fixed"}}, "payment-amount: Enter an amount of money to pay"},
		{"amount", url.Values{"amountTypeGroup": {"fixed"}, "payment-amount": {"1.5"}}, "payment-amount: " + pay.MsgAmountFormat},
		{"amount", url.Values{"amountTypeGroup": {"fixed"}, "payment-amount": {"100000.01"}}, "payment-amount: Enter an amount that is £100,000 or less"},
		{"amount", url.Values{"amountTypeGroup": {"fixed"}, "payment-amount": {"0.00"}}, "payment-amount: Amount must be £0.01 or more"},
		{"amount", url.Values{"amountTypeGroup": {"variable"}, "amountHint": {"|"}}, "amount-hint: You cannot use any of the following characters < > | in the Amount Hint"},
	} {
		if p := step(tt.step, tt.form); !slices.Equal(p.errors(), []string{tt.want}) {
			t.Errorf("%s %v: %v, want %q", tt.step, tt.form, p.errors(), tt.want)
		}
	}
	// Each step leads to the next, carrying the answers so far.
	p := step("information", url.Values{"name": {"Pay for a parking permit"}})
	if p.heading() != "Do your users already have a payment reference?" || !p.has(`name="name" value="Pay for a parking permit"`) {
		t.Fatalf("after information: %q", p.heading())
	}
	p = step("reference", url.Values{"name": {"Pay for a parking permit"}, "referenceTypeGroup": {"standard"}})
	if p.heading() != "Is the payment for a fixed amount?" {
		t.Fatalf("after reference: %q", p.heading())
	}
	p = step("amount", url.Values{"name": {"Pay for a parking permit"}, "referenceTypeGroup": {"standard"}, "amountTypeGroup": {"variable"}})
	if p.heading() != "Check your payment link" || !p.has("Create link") || !p.has(e.server.URL+"/redirect/licence-service/pay-for-a-parking-permit") {
		t.Fatalf("review:\n%s", p.body)
	}
	if p := b.post(newPath, linkForm(map[string]string{"goto": "amount"})); p.heading() != "Is the payment for a fixed amount?" ||
		!p.has(`value="25.00"`) {
		t.Fatalf("Change amount: %q", p.heading())
	}
}

func TestPaymentLinkColumns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.user("admin@example.org", team.RoleAdmin, false))
	path := e.accountPath("/payment-links/new")
	add := func(form url.Values, header, value string) *page {
		form.Set("action", "add-column")
		form.Set("reportingColumn", header)
		form.Set("cellContent", value)
		return b.post(path, form)
	}
	for _, tt := range []struct{ header, value, want string }{
		{"", "x", "column-header: Enter the column header"},
		{strings.Repeat("h", 31), "x", "column-header: Column header must be 30 characters or fewer"},
		{"h", "", "column-value: Enter the cell content"},
		{"h", strings.Repeat("v", 101), "column-value: Cell content must be 100 characters or fewer"},
		{"cost_code", "x", "column-header: Column header must not already exist"},
	} {
		if p := add(linkForm(nil), tt.header, tt.value); !slices.Equal(p.errors(), []string{tt.want}) {
			t.Errorf("column %q=%q: %v, want %q", tt.header, tt.value, p.errors(), tt.want)
		}
	}
	full := linkForm(nil)
	for i := range 14 {
		full.Add("column-header", "col"+string(rune('a'+i)))
		full.Add("column-value", "v")
	}
	if p := add(full, "one-more", "v"); !slices.Equal(p.errors(), []string{"column-header: " + pay.MsgTooManyColumns}) {
		t.Errorf("a 16th column: %v", p.errors())
	}
	p := add(linkForm(nil), "team", "Parking")
	if !p.has(`name="column-header" value="team"`) || len(p.errors()) != 0 {
		t.Fatalf("adding a column: %v", p.errors())
	}
	remove := linkForm(nil)
	remove.Set("action", "remove-column-0")
	if p := b.post(path, remove); p.has(`name="column-header" value="cost_code"`) {
		t.Fatal("the column was not removed")
	}
}

func TestPaymentLinkLife(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.user("admin@example.org", team.RoleAdmin, false))
	p := b.post(e.accountPath("/payment-links/new"), linkForm(map[string]string{"action": "create"}))
	address := e.server.URL + "/redirect/licence-service/pay-for-a-parking-permit"
	if p.status != http.StatusCreated || !p.has(`id="link-address"`) || !p.has(address) || !p.has("copy-link-button") {
		t.Fatalf("create: %d\n%s", p.status, p.body)
	}
	list, err := e.Store.LinkList(e.Ctx, e.account.ID)
	must(t, err)
	if len(list) != 1 || list[0].Amount != 2500 || list[0].ReferenceLabel != "Permit number" || list[0].Metadata["cost_code"] != "PARK-1" {
		t.Fatalf("stored links: %+v", list)
	}
	l := list[0]
	if p := b.post(e.accountPath("/payment-links/new"), linkForm(map[string]string{"action": "create"})); !slices.Equal(p.errors(),
		[]string{"link-title: The website address is already taken"}) {
		t.Fatalf("a second link at the address: %v", p.errors())
	}
	if p := b.get(e.accountPath("/payment-links")); !p.has(address) || !p.has("£25.00") || !p.has("Active") {
		t.Fatalf("the list:\n%s", p.body)
	}
	// Change it: the same checks, then saved.
	edit := e.accountPath("/payment-links/" + l.ID + "/edit")
	if p := b.get(edit); !p.has("Save changes") || !p.has(`value="PARK-1"`) {
		t.Fatalf("edit page:\n%s", p.body)
	}
	if p := b.post(edit, linkForm(map[string]string{"action": "create", "payment-amount": "x"})); !slices.Equal(p.errors(),
		[]string{"payment-amount: " + pay.MsgAmountFormat}) {
		t.Fatalf("a bad change: %v", p.errors())
	}
	p = b.post(edit, linkForm(map[string]string{"action": "create", "amountTypeGroup": "variable", "name": "Resident parking"}))
	if p.status != http.StatusSeeOther {
		t.Fatalf("save: %d %v", p.status, p.errors())
	}
	got, err := e.Store.LinkGet(e.Ctx, e.account.ID, l.ID)
	must(t, err)
	if got.Amount != 0 || got.Slug != "resident-parking" || got.Status != pay.LinkActive {
		t.Fatalf("after the change: %+v", got)
	}
	// Deactivate, reactivate, delete.
	status := e.accountPath("/payment-links/" + l.ID + "/status")
	b.get(e.accountPath("/payment-links"))
	if p := b.post(status, url.Values{"status": {"inactive"}}); p.status != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", p.status)
	}
	if got, _ := e.Store.LinkGet(e.Ctx, 0, l.ID); got.Status != pay.LinkInactive {
		t.Fatal("still active")
	}
	b.post(status, url.Values{"status": {"active"}})
	if got, _ := e.Store.LinkGet(e.Ctx, 0, l.ID); got.Status != pay.LinkActive {
		t.Fatal("not reactivated")
	}
	if p := b.get(e.accountPath("/payment-links/" + l.ID + "/delete")); !p.has("Are you sure you want to delete Resident parking?") {
		t.Fatalf("delete page: %q", p.heading())
	}
	if p := b.post(e.accountPath("/payment-links/"+l.ID+"/delete"), nil); p.status != http.StatusSeeOther {
		t.Fatalf("delete: %d", p.status)
	}
	if _, err := e.Store.LinkGet(e.Ctx, 0, l.ID); !pay.IsKind(err, pay.KindNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if p := b.get(edit); p.status != http.StatusNotFound {
		t.Fatalf("editing a deleted link: %d", p.status)
	}
}

func TestPaymentLinkWelshName(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b := e.browser()
	b.signIn(e.user("admin@example.org", team.RoleAdmin, false))
	path := e.accountPath("/payment-links/new")
	if p := b.get(path + "?language=cy"); p.heading() != "Enter your Welsh service name" {
		t.Fatalf("a Welsh link without a Welsh name: %q", p.heading())
	}
	form := url.Values{"step": {"welsh-name"}, "language": {"cy"}}
	if p := b.post(path, form); !slices.Equal(p.errors(), []string{"welsh-name: Enter a Welsh service name"}) {
		t.Fatalf("no name: %v", p.errors())
	}
	form.Set("welsh-name", "Gwasanaeth trwyddedau")
	if p := b.post(path, form); p.heading() != "Set payment link information" || !p.has(`name="language" value="cy"`) {
		t.Fatalf("after the Welsh name: %q", p.heading())
	}
	acct, err := e.Store.AccountGet(e.Ctx, e.account.ID)
	must(t, err)
	if acct.ServiceNameWelsh != "Gwasanaeth trwyddedau" {
		t.Fatalf("Welsh name %q", acct.ServiceNameWelsh)
	}
	if p := b.get(path + "?language=cy"); p.heading() != "Set payment link information" {
		t.Fatalf("with a Welsh name: %q", p.heading())
	}
}

func TestPaymentLinkPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	l := &pay.Link{Title: "Fee"}
	must(t, e.links.Create(e.Ctx, e.account, l))
	b := e.browser()
	b.signIn(e.user("viewer@example.org", team.RoleViewOnly, false))
	if p := b.get(e.accountPath("")); p.has("dashboard-create-payment-link") || p.has(">Payment links</a>") {
		t.Fatal("a view-only user is offered payment links")
	}
	for _, path := range []string{"/payment-links", "/payment-links/new", "/payment-links/" + l.ID + "/edit", "/payment-links/" + l.ID + "/delete"} {
		if p := b.get(e.accountPath(path)); p.status != http.StatusForbidden {
			t.Errorf("view-only GET %s: %d, want 403", path, p.status)
		}
	}
	if p := b.post(e.accountPath("/payment-links/"+l.ID+"/delete"), nil); p.status != http.StatusForbidden {
		t.Errorf("view-only delete: %d", p.status)
	}
	if _, err := e.Store.LinkGet(e.Ctx, 0, l.ID); err != nil {
		t.Fatalf("the link after a refused delete: %v", err)
	}
}

package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"pay/internal/pay"
	"pay/internal/web"
)

// The steps of creating (or changing) a payment link, as GOV.UK Pay's
// selfservice asks them: the answers so far travel in hidden fields, so
// the pages need no session state and work without JavaScript.
const (
	stepWelshName = "welsh-name"
	stepInfo      = "information"
	stepReference = "reference"
	stepAmount    = "amount"
	stepReview    = "review"
)

// linkDraft is a payment link being made or changed, as its forms hold it.
type linkDraft struct {
	ID         string // the link being changed; "" for a new one
	Language   string
	Title      string
	Details    string
	RefType    string // "custom" (the payer's own) or "standard" (Pay makes it)
	RefLabel   string
	RefHint    string
	AmountType string // "fixed" or "variable"
	Price      string // as typed, in pounds and pence
	AmountHint string
	Columns    []linkColumn
}

type linkColumn struct{ Header, Value string }

// readDraft reads every answer from the posted form.
func readDraft(r *http.Request) *linkDraft {
	f := r.PostForm
	d := &linkDraft{ID: f.Get("link-id"), Language: f.Get("language"), Title: f.Get("name"), Details: f.Get("description"),
		RefType: f.Get("referenceTypeGroup"), RefLabel: f.Get("referenceLabel"), RefHint: f.Get("referenceHint"),
		AmountType: f.Get("amountTypeGroup"), Price: f.Get("payment-amount"), AmountHint: f.Get("amountHint")}
	values := f["column-value"]
	for i, h := range f["column-header"] {
		if i < len(values) {
			d.Columns = append(d.Columns, linkColumn{h, values[i]})
		}
	}
	if d.Language != string(pay.LanguageWelsh) {
		d.Language = string(pay.LanguageEnglish)
	}
	return d
}

// draftOf is the draft of an existing link, to change it.
func draftOf(l *pay.Link) *linkDraft {
	d := &linkDraft{ID: l.ID, Language: string(l.Language), Title: l.Title, Details: l.Details,
		RefType: "standard", RefLabel: l.ReferenceLabel, RefHint: l.ReferenceHint,
		AmountType: "variable", AmountHint: l.AmountHint}
	if l.OwnReference() {
		d.RefType = "custom"
	}
	if l.FixedAmount() {
		d.AmountType, d.Price = "fixed", web.FormatPounds(l.Amount)
	}
	for k, v := range l.Metadata {
		d.Columns = append(d.Columns, linkColumn{k, fmt.Sprint(v)})
	}
	sortColumns(d.Columns)
	return d
}

func sortColumns(c []linkColumn) {
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j].Header < c[j-1].Header; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
}

// link is the draft as the domain's link; problems are the form errors of
// the amount, which only the form can read.
func (d *linkDraft) link() (*pay.Link, []fieldError) {
	l := &pay.Link{ID: d.ID, Language: pay.Language(d.Language), Title: d.Title, Details: d.Details, AmountHint: d.AmountHint}
	if d.RefType == "custom" {
		l.ReferenceLabel, l.ReferenceHint = d.RefLabel, d.RefHint
	}
	if len(d.Columns) > 0 {
		l.Metadata = pay.Metadata{}
		for _, c := range d.Columns {
			l.Metadata[strings.TrimSpace(c.Header)] = strings.TrimSpace(c.Value)
		}
	}
	if d.AmountType != "fixed" {
		return l, nil
	}
	l.AmountHint = ""
	pence, p := web.ParseLinkAmount(d.Price)
	if p != "" {
		return l, []fieldError{{"payment-amount", p.Message("")}}
	}
	l.Amount = pence
	return l, nil
}

// checkStep validates the answers of one step, in the form's words.
func (h *Handler) checkStep(q *request, step string, d *linkDraft) []fieldError {
	l, amountErrs := d.link()
	var fe pay.FieldErrors
	errors.As(pay.ValidateLink(l), &fe)
	var errs []fieldError
	pick := func(fields ...string) {
		for _, p := range fe {
			for _, f := range fields {
				if p.Field == f {
					errs = append(errs, fieldError{linkFieldIDs[f], p.Message})
				}
			}
		}
	}
	switch step {
	case stepInfo:
		pick(pay.FieldTitle, pay.FieldDetails)
		if len(errs) == 0 && h.slugTaken(q, d) {
			errs = append(errs, fieldError{"link-title", pay.MsgSlugTaken})
		}
	case stepReference:
		if d.RefType != "custom" && d.RefType != "standard" {
			return []fieldError{{"reference-type-custom", "Please select an option"}}
		}
		if d.RefType == "custom" && strings.TrimSpace(d.RefLabel) == "" {
			// A link without a label is one whose references Pay makes: the form says which.
			return []fieldError{{"reference-label", "Please enter a reference"}}
		}
		pick(pay.FieldReferenceLabel, pay.FieldReferenceHint)
	case stepAmount:
		if d.AmountType != "fixed" && d.AmountType != "variable" {
			return []fieldError{{"amount-type-fixed", "Please select an option"}}
		}
		errs = append(errs, amountErrs...)
		pick(pay.FieldAmountHint)
	}
	return errs
}

// linkFieldIDs are the inputs the domain's fields are typed in.
var linkFieldIDs = map[string]string{
	pay.FieldTitle: "link-title", pay.FieldDetails: "link-details", pay.FieldReferenceLabel: "reference-label",
	pay.FieldReferenceHint: "reference-hint", pay.FieldAmountHint: "amount-hint", pay.FieldAmount: "payment-amount",
	pay.FieldColumnHeader: "column-header", pay.FieldColumnValue: "column-value", pay.FieldSlug: "link-title",
}

// slugTaken reports whether another link already has the draft's address.
func (h *Handler) slugTaken(q *request, d *linkDraft) bool {
	other, err := h.store.LinkGetByPath(q.ctx, pay.Slugify(q.account.ServiceName), pay.Slugify(d.Title))
	return err == nil && other.ID != d.ID
}

// linkFormData is every page of the link forms.
type linkFormData struct {
	page
	Draft     *linkDraft
	Step      string
	Action    string
	Address   string // the payer's address as it will be
	Amount    string // the price as shown
	Column    linkColumn
	MaxReach  bool // 15 reporting columns already
	WelshName string
}

func (h *Handler) linkForm(q *request, status int, step string, d *linkDraft, errs []fieldError) {
	title := map[string]string{
		stepWelshName: "Enter your Welsh service name", stepInfo: "Set payment link information",
		stepReference: "Do your users already have a payment reference?", stepAmount: "Is the payment for a fixed amount?",
		stepReview: "Check your payment link",
	}[step]
	data := &linkFormData{page: h.page(q, title, "Payment links"), Draft: d, Step: step,
		Action: q.accountPath("/payment-links/new"), MaxReach: len(d.Columns) >= pay.LinkMaxColumns}
	data.Errors = errs
	if step == stepReview && len(errs) > 0 { // the column typed stays, to be corrected
		data.Column = linkColumn{q.r.PostFormValue("reportingColumn"), q.r.PostFormValue("cellContent")}
	}
	if d.ID != "" {
		data.Action = q.accountPath("/payment-links/" + d.ID + "/edit")
	}
	data.Address = strings.TrimRight(h.publicURL, "/") + "/redirect/" + pay.Slugify(q.account.ServiceName) + "/" + pay.Slugify(d.Title)
	if l, amountErrs := d.link(); len(amountErrs) == 0 && l.FixedAmount() {
		data.Amount = web.FormatMoney(l.Amount)
	}
	h.render(q, status, "link_"+strings.ReplaceAll(step, "-", "_"), data)
}

// linksData is the list of an account's payment links.
type linksData struct {
	page
	Links []linkView
}

type linkView struct {
	*pay.Link
	Address string
	Amount  string
	Path    string // the link's admin pages
}

func (h *Handler) linkView(q *request, l *pay.Link) linkView {
	v := linkView{Link: l, Address: strings.TrimRight(h.publicURL, "/") + l.FriendlyPath(), Amount: "User can choose",
		Path: q.accountPath("/payment-links/" + l.ID)}
	if l.FixedAmount() {
		v.Amount = web.FormatMoney(l.Amount)
	}
	return v
}

func (h *Handler) links(q *request) {
	list, err := h.store.LinkList(q.ctx, q.account.ID)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	d := &linksData{page: h.page(q, "Payment links", "Payment links")}
	for _, l := range list {
		d.Links = append(d.Links, h.linkView(q, l))
	}
	h.render(q, http.StatusOK, "links", d)
}

// newLinkPage starts a link: ?language=cy makes a Welsh one, which first
// asks for the service's Welsh name if it has none.
func (h *Handler) newLinkPage(q *request) {
	d := &linkDraft{Language: string(pay.LanguageEnglish)}
	if q.r.URL.Query().Get("language") == string(pay.LanguageWelsh) {
		d.Language = string(pay.LanguageWelsh)
		if q.account.ServiceNameWelsh == "" {
			h.linkForm(q, http.StatusOK, stepWelshName, d, nil)
			return
		}
	}
	h.linkForm(q, http.StatusOK, stepInfo, d, nil)
}

// linkFormPost is one step's answer: the step posted, then where to go.
// "goto" (a Change button) jumps to a step; on the review page, columns
// are added and removed, and "create" makes (or saves) the link.
func (h *Handler) linkFormPost(q *request) {
	d := readDraft(q.r)
	step, action := q.r.PostFormValue("step"), q.r.PostFormValue("action")
	if to := q.r.PostFormValue("goto"); to != "" {
		h.linkForm(q, http.StatusOK, knownStep(to), d, nil)
		return
	}
	switch step {
	case stepWelshName:
		h.welshName(q, d)
	case stepInfo, stepReference, stepAmount:
		if errs := h.checkStep(q, step, d); len(errs) > 0 {
			h.linkForm(q, http.StatusOK, step, d, errs)
			return
		}
		h.linkForm(q, http.StatusOK, nextStep(step, d), d, nil)
	case stepReview:
		h.review(q, d, action)
	default:
		h.linkForm(q, http.StatusOK, stepInfo, d, nil)
	}
}

func knownStep(s string) string {
	switch s {
	case stepInfo, stepReference, stepAmount, stepReview:
		return s
	}
	return stepInfo
}

// nextStep follows a step; a draft already complete goes back to review.
func nextStep(step string, d *linkDraft) string {
	complete := d.RefType != "" && d.AmountType != ""
	switch {
	case complete:
		return stepReview
	case step == stepInfo:
		return stepReference
	case step == stepReference:
		return stepAmount
	}
	return stepReview
}

// welshName stores the service's Welsh name, which a Welsh link shows.
func (h *Handler) welshName(q *request, d *linkDraft) {
	name := strings.TrimSpace(q.r.PostFormValue("welsh-name"))
	var errs []fieldError
	switch {
	case name == "":
		errs = []fieldError{{"welsh-name", "Enter a Welsh service name"}}
	case len([]rune(name)) > MaxServiceNameLength:
		errs = []fieldError{{"welsh-name", "Welsh service name must be 50 characters or fewer"}}
	}
	if errs != nil {
		h.linkForm(q, http.StatusOK, stepWelshName, d, errs)
		return
	}
	if err := h.saveSettings(q, q.account.Settings, q.account.ServiceName, name); err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	q.account.ServiceNameWelsh = name
	h.linkForm(q, http.StatusOK, stepInfo, d, nil)
}

// review adds or removes a reporting column, or creates the link.
func (h *Handler) review(q *request, d *linkDraft, action string) {
	switch {
	case action == "add-column":
		h.addColumn(q, d)
	case strings.HasPrefix(action, "remove-column-"):
		if i, err := strconv.Atoi(strings.TrimPrefix(action, "remove-column-")); err == nil && i >= 0 && i < len(d.Columns) {
			d.Columns = append(d.Columns[:i], d.Columns[i+1:]...)
		}
		h.linkForm(q, http.StatusOK, stepReview, d, nil)
	default:
		h.saveLink(q, d)
	}
}

func (h *Handler) addColumn(q *request, d *linkDraft) {
	c := linkColumn{strings.TrimSpace(q.r.PostFormValue("reportingColumn")), strings.TrimSpace(q.r.PostFormValue("cellContent"))}
	var errs []fieldError
	for _, p := range pay.CheckLinkColumn(c.Header, c.Value) {
		errs = append(errs, fieldError{linkFieldIDs[p.Field], p.Message})
	}
	for _, old := range d.Columns {
		if errs == nil && old.Header == c.Header {
			errs = []fieldError{{"column-header", "Column header must not already exist"}}
		}
	}
	if errs == nil && len(d.Columns) >= pay.LinkMaxColumns {
		errs = []fieldError{{"column-header", pay.MsgTooManyColumns}}
	}
	if errs != nil {
		h.linkForm(q, http.StatusOK, stepReview, d, errs)
		return
	}
	d.Columns = append(d.Columns, c)
	h.linkForm(q, http.StatusOK, stepReview, d, nil)
}

// saveLink creates the link, or saves the changed one, and shows where
// payers find it. A problem sends the admin back to its step.
func (h *Handler) saveLink(q *request, d *linkDraft) {
	for _, step := range []string{stepInfo, stepReference, stepAmount} {
		if errs := h.checkStep(q, step, d); len(errs) > 0 {
			h.linkForm(q, http.StatusOK, step, d, errs)
			return
		}
	}
	l, _ := d.link()
	var err error
	if d.ID == "" {
		err = h.linksSvc.Create(q.ctx, q.account, l)
	} else {
		err = h.updateLink(q, l)
	}
	var fe pay.FieldErrors
	switch {
	case errors.As(err, &fe):
		h.linkForm(q, http.StatusOK, stepInfo, d, []fieldError{{linkFieldIDs[fe[0].Field], fe[0].Message}})
	case err != nil:
		h.systemError(q.w, q.r, err)
	case d.ID == "":
		h.render(q, http.StatusCreated, "link_created", &linkPage{page: h.page(q, "Your payment link is ready", "Payment links"),
			Link: h.linkView(q, l)})
	default:
		q.redirect(q.accountPath("/payment-links?saved=" + l.ID))
	}
}

// updateLink saves changed answers on the stored link, keeping its status.
func (h *Handler) updateLink(q *request, l *pay.Link) error {
	old, err := h.linksSvc.Get(q.ctx, q.account.ID, l.ID)
	if err != nil {
		return err
	}
	l.AccountID, l.ServiceSlug, l.Status, l.CreatedAt = old.AccountID, old.ServiceSlug, old.Status, old.CreatedAt
	return h.linksSvc.Update(q.ctx, l)
}

// linkPage is a page about one link.
type linkPage struct {
	page
	Link linkView
}

// withLink loads the account's link a page is about.
func (h *Handler) withLink(q *request) *pay.Link {
	l, err := h.linksSvc.Get(q.ctx, q.account.ID, q.r.PathValue("link"))
	if pay.IsKind(err, pay.KindNotFound) {
		h.notFound(q.w, q.r)
		return nil
	} else if err != nil {
		h.systemError(q.w, q.r, err)
		return nil
	}
	return l
}

func (h *Handler) editLinkPage(q *request) {
	if l := h.withLink(q); l != nil {
		h.linkForm(q, http.StatusOK, stepReview, draftOf(l), nil)
	}
}

func (h *Handler) editLink(q *request) {
	if l := h.withLink(q); l != nil {
		q.r.PostForm.Set("link-id", l.ID)
		h.linkFormPost(q)
	}
}

// linkStatus deactivates or reactivates a link.
func (h *Handler) linkStatus(q *request) {
	l := h.withLink(q)
	if l == nil {
		return
	}
	status := pay.LinkInactive
	if q.r.PostFormValue("status") == "active" {
		status = pay.LinkActive
	}
	if err := h.linksSvc.SetStatus(q.ctx, q.account.ID, l.ID, status); err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	q.redirect(q.accountPath("/payment-links"))
}

func (h *Handler) deleteLinkPage(q *request) {
	if l := h.withLink(q); l != nil {
		h.render(q, http.StatusOK, "link_delete", &linkPage{page: h.page(q, "Are you sure you want to delete "+l.Title+"?", "Payment links"),
			Link: h.linkView(q, l)})
	}
}

func (h *Handler) deleteLink(q *request) {
	l := h.withLink(q)
	if l == nil {
		return
	}
	if err := h.linksSvc.Delete(q.ctx, q.account.ID, l.ID); err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	q.redirect(q.accountPath("/payment-links?deleted"))
}

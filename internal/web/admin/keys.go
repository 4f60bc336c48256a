package admin

import (
	"net/http"
	"strconv"

	"pay/internal/pay"
)

// keysData lists an account's API keys, active or revoked.
type keysData struct {
	page
	Keys    []keyView
	Revoked bool // this is the list of revoked keys
	// HasRevoked offers the list of revoked keys.
	HasRevoked bool
	TestKeys   bool // the account is a sandbox account: its keys start api_test_
}

type keyView struct {
	ID          int64
	Description string
	CreatedBy   string
	Created     string
	LastUsed    string
	RevokedAt   string
	NameLink    string
	RevokeLink  string
}

func (h *Handler) keys(q *request)        { h.listKeys(q, false) }
func (h *Handler) revokedKeys(q *request) { h.listKeys(q, true) }

func (h *Handler) listKeys(q *request, revoked bool) {
	list, err := h.store.APIKeyList(q.ctx, q.account.ID)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	title := "API keys"
	if revoked {
		title = "Revoked API keys"
	}
	d := &keysData{page: h.page(q, title, "API keys"), Revoked: revoked, TestKeys: !q.account.IsLive()}
	for _, k := range list {
		if k.Revoked() != revoked {
			d.HasRevoked = d.HasRevoked || k.Revoked()
			continue
		}
		d.Keys = append(d.Keys, h.keyView(q, k))
	}
	h.render(q, http.StatusOK, "keys", d)
}

func (h *Handler) keyView(q *request, k *pay.APIKey) keyView {
	v := keyView{ID: k.ID, Description: k.Description, CreatedBy: k.CreatedBy, Created: h.displayTime(k.CreatedAt)}
	if k.LastUsedAt != nil {
		v.LastUsed = h.displayTime(*k.LastUsedAt)
	}
	if k.RevokedAt != nil {
		v.RevokedAt = h.displayTime(*k.RevokedAt)
	}
	base := q.accountPath("/api-keys/" + strconv.FormatInt(k.ID, 10))
	v.NameLink, v.RevokeLink = base+"/name", base+"/revoke"
	return v
}

// keyNameData is the form that names a key, new or existing.
type keyNameData struct {
	page
	Name   string
	Action string
}

func (h *Handler) newKeyPage(q *request) {
	h.render(q, http.StatusOK, "key_name", &keyNameData{page: h.page(q, "API key name", "API keys"),
		Action: q.accountPath("/api-keys/new")})
}

// newKeyData shows a new key, the only time it is ever shown.
type newKeyData struct {
	page
	Name     string
	Key      string
	Explorer string
	Keys     string
}

// newKey creates a key and shows it in the answer to the post itself: it
// is never stored, so there is nothing to show it from again.
func (h *Handler) newKey(q *request) {
	d := &keyNameData{page: h.page(q, "API key name", "API keys"), Name: q.r.PostFormValue("keyName"),
		Action: q.accountPath("/api-keys/new")}
	key, k, err := h.accounts.CreateKey(q.ctx, q.account, d.Name, q.user.Email)
	if pay.IsKind(err, pay.KindInvalid) {
		d.Errors = []fieldError{{"key-name", err.(*pay.Error).Message}}
		h.render(q, http.StatusOK, "key_name", d)
		return
	} else if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	h.render(q, http.StatusCreated, "key_new", &newKeyData{page: h.page(q, "New API key", "API keys"), Name: k.Description, Key: key,
		Explorer: q.accountPath("/explorer"), Keys: q.accountPath("/api-keys")})
}

// withKey loads the active key a page is about; a revoked key or another
// account's is not found.
func (h *Handler) withKey(q *request) *pay.APIKey {
	id, err := strconv.ParseInt(q.r.PathValue("key"), 10, 64)
	if err != nil {
		h.notFound(q.w, q.r)
		return nil
	}
	k, err := h.store.APIKeyGet(q.ctx, q.account.ID, id)
	if pay.IsKind(err, pay.KindNotFound) || (err == nil && k.Revoked()) {
		h.notFound(q.w, q.r)
		return nil
	} else if err != nil {
		h.systemError(q.w, q.r, err)
		return nil
	}
	return k
}

func (h *Handler) keyNamePage(q *request) {
	if k := h.withKey(q); k != nil {
		h.render(q, http.StatusOK, "key_name", &keyNameData{page: h.page(q, "Change API key name", "API keys"),
			Name: k.Description, Action: q.accountPath("/api-keys/" + q.r.PathValue("key") + "/name")})
	}
}

func (h *Handler) keyName(q *request) {
	k := h.withKey(q)
	if k == nil {
		return
	}
	d := &keyNameData{page: h.page(q, "Change API key name", "API keys"), Name: q.r.PostFormValue("keyName"),
		Action: q.accountPath("/api-keys/" + q.r.PathValue("key") + "/name")}
	err := h.accounts.RenameKey(q.ctx, q.account.ID, k.ID, d.Name)
	if pay.IsKind(err, pay.KindInvalid) {
		d.Errors = []fieldError{{"key-name", err.(*pay.Error).Message}}
		h.render(q, http.StatusOK, "key_name", d)
		return
	}
	if err != nil && !pay.IsKind(err, pay.KindConflict) {
		h.systemError(q.w, q.r, err)
		return
	}
	q.redirect(q.accountPath("/api-keys"))
}

// revokeData asks to confirm a revocation.
type revokeData struct {
	page
	Name string
}

func (h *Handler) revokeKeyPage(q *request) {
	if k := h.withKey(q); k != nil {
		h.render(q, http.StatusOK, "key_revoke", &revokeData{page: h.page(q, "Revoke "+k.Description, "API keys"), Name: k.Description})
	}
}

// revokeKey revokes a key once the user confirms; it stops working at once.
func (h *Handler) revokeKey(q *request) {
	k := h.withKey(q)
	if k == nil {
		return
	}
	switch q.r.PostFormValue("revokeKey") {
	case "yes":
		err := h.accounts.RevokeKey(q.ctx, q.account.ID, k.ID)
		if err != nil && !pay.IsKind(err, pay.KindConflict) {
			h.systemError(q.w, q.r, err)
			return
		}
		q.redirect(q.accountPath("/api-keys"))
	case "no":
		q.redirect(q.accountPath("/api-keys"))
	default:
		d := &revokeData{page: h.page(q, "Revoke "+k.Description, "API keys"), Name: k.Description}
		d.Errors = []fieldError{{"revoke-yes", "Confirm if you want to revoke " + k.Description}}
		h.render(q, http.StatusOK, "key_revoke", d)
	}
}

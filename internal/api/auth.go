package api

import (
	"context"
	"net/http"
	"strings"

	"pay/internal/pay"
)

type accountKey struct{}

// accountFrom returns the account the request's API key belongs to.
func accountFrom(ctx context.Context) *pay.Account {
	return ctx.Value(accountKey{}).(*pay.Account)
}

// authenticate admits requests that carry a valid, unrevoked API key
// (pay.Accounts.Authenticate) and records the key's use.
func (a *API) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			unauthorised(w)
			return
		}
		ctx := r.Context()
		k, acct, err := a.Accounts.Authenticate(ctx, key)
		if pay.IsKind(err, pay.KindUnauthorised) {
			unauthorised(w)
			return
		} else if err != nil {
			a.fail(w, r, err, authCodes)
			return
		}
		// A failure to record the key's use must not fail the request.
		if err := a.Accounts.Touch(ctx, k); err != nil {
			a.Logger.WarnContext(ctx, "recording API key use", "key_id", k.ID, "error", err)
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, accountKey{}, acct)))
	})
}

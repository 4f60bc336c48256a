package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"pay/internal/pay"
)

type accountKey struct{}

// accountFrom returns the account the request's API key belongs to.
func accountFrom(ctx context.Context) *pay.Account {
	return ctx.Value(accountKey{}).(*pay.Account)
}

// lastUsedResolution limits how often a key's "last used" time is written:
// often enough for people, rarely enough to keep writes off the hot path.
const lastUsedResolution = time.Minute

// authenticate admits requests that carry a valid, unrevoked API key. The
// checksum is verified before any database work, so forged keys cost
// nothing; revocation takes effect at once because every request reads the
// key's row.
func (a *API) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !pay.CheckAPIKey(key, a.Secret) {
			unauthorised(w)
			return
		}
		ctx := r.Context()
		k, err := a.Store.APIKeyGetByHash(ctx, pay.HashAPIKey(key))
		if pay.IsKind(err, pay.KindNotFound) || (err == nil && k.Revoked()) {
			unauthorised(w)
			return
		} else if err != nil {
			a.fail(w, r, err, internalCodes)
			return
		}
		acct, err := a.Store.AccountGet(ctx, k.AccountID)
		if err != nil {
			a.fail(w, r, err, codes{notFound: pay.CodeAccountError, downstream: pay.CodeInternal})
			return
		}
		a.touch(ctx, k)
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, accountKey{}, acct)))
	})
}

// touch records the key's use, at most once per lastUsedResolution. A
// failure to record it must not fail the request.
func (a *API) touch(ctx context.Context, k *pay.APIKey) {
	now := a.now()
	if k.LastUsedAt != nil && now.Sub(*k.LastUsedAt) < lastUsedResolution {
		return
	}
	if err := a.Store.APIKeyTouch(ctx, k.ID, now); err != nil {
		a.Logger.WarnContext(ctx, "recording API key use", "key_id", k.ID, "error", err)
	}
}

package api

import (
	"net/http"
	"strconv"
	"strings"

	"pay/internal/pay"
)

var errTooManyRequests = &pay.Error{Kind: pay.KindTooManyRequests, Code: pay.CodeTooManyRequests, Message: "Too many requests"}

// Rate-limit buckets, as GOV.UK Pay keys them: creating payments, capturing
// them and other POSTs are counted apart, each with the POST limit; every
// other request shares the other limit.
const (
	bucketCreatePayment  = "create_payment"
	bucketCapturePayment = "capture_payment"
	bucketPost           = "post"
	bucketOther          = "other"
)

// rateBucket returns the bucket r counts in.
func rateBucket(r *http.Request) string {
	switch {
	case r.Method != http.MethodPost:
		return bucketOther
	case r.URL.Path == "/v1/payments":
		return bucketCreatePayment
	case strings.HasPrefix(r.URL.Path, "/v1/payments/") && strings.HasSuffix(r.URL.Path, "/capture"):
		return bucketCapturePayment
	}
	return bucketPost
}

// rateLimit answers 429 P0900 once the request's account has made more
// requests in its bucket this second than its settings allow (GOV.UK Pay's
// 15 POSTs per bucket and 75 others by default). It runs after
// authentication, which puts the account in the context; with no Limiter
// it lets everything through.
func (a *API) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.Limiter == nil {
			next.ServeHTTP(w, r)
			return
		}
		acct := accountFrom(r.Context())
		bucket := rateBucket(r)
		if !a.Limiter.Allow(r.Context(), strconv.FormatInt(acct.ID, 10)+":"+bucket, rateLimitOf(acct.Settings, bucket)) {
			a.fail(w, r, errTooManyRequests, codes{})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// rateLimitOf returns the account's limit for a bucket; a limit that is not
// set (0) is GOV.UK Pay's default.
func rateLimitOf(s pay.AccountSettings, bucket string) int {
	limit, def := s.RateLimitPost, pay.DefaultRateLimitPost
	if bucket == bucketOther {
		limit, def = s.RateLimitOther, pay.DefaultRateLimitOther
	}
	if limit <= 0 {
		return def
	}
	return limit
}

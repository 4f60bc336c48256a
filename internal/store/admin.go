package store

import "time"

// SummaryWhere builds the condition shared by both halves of a summary:
// one account, created in the period, in one of the statuses.
func SummaryWhere[S ~string](c Codec, accountID int64, from, to time.Time, statuses []S) *Where {
	w := newWhere(c)
	w.Add("account_id = ?", accountID)
	w.Add("created_at >= ?", c.TimeArg(from))
	w.Add("created_at < ?", c.TimeArg(to))
	if len(statuses) == 0 {
		w.Add("1 = 0")
	} else {
		w.In("status", anyList(statuses))
	}
	return w
}

// anyList turns strings, or string-typed statuses, into query arguments.
func anyList[S ~string](list []S) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = string(s)
	}
	return out
}

package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
)

func testPaymentSearch(t *testing.T, open Opener) {
	f := setup(t, open)
	day := func(d int) *time.Time {
		v := time.Date(2026, 4, d, 0, 0, 0, 0, time.UTC)
		return &v
	}
	at := func(d int, h int) *time.Time {
		v := day(d).Add(time.Duration(h) * time.Hour)
		return &v
	}
	type spec struct {
		name     string
		ref      string
		email    string
		status   pay.Status
		brand    string
		holder   string
		first    string
		last     string
		agree    string
		settled  *time.Time
		otherAcc bool
	}
	agreement := pay.NewID()
	specs := []spec{
		{name: "alice", ref: "ABC", email: "Alice@Example.org", status: pay.StatusCaptured, brand: "visa", holder: "Alice Smith",
			first: "424242", last: "4242", settled: at(2, 15)},
		{name: "bob", ref: "abc", email: "bob@example.org", status: pay.StatusAuthorisationRejected, brand: "master-card",
			holder: "Bob Jones", first: "510510", last: "5100", settled: at(3, 0)},
		{name: "underscore", ref: "X%Y", email: "c_d@example.org", status: pay.StatusCreated},
		{name: "lookalike", ref: "XzY", email: "cxd@example.org", status: pay.StatusEnteringCardDetails},
		{name: "percent", ref: "other", email: "100%@example.org", status: pay.StatusExpired, agree: agreement},
		{name: "elsewhere", ref: "ABC", email: "alice@example.org", status: pay.StatusCaptured, brand: "visa", otherAcc: true},
	}
	for i := 0; i < 7; i++ {
		specs = append(specs, spec{name: "filler" + string(rune('a'+i)), ref: "filler", email: "f@example.org", status: pay.StatusCreated})
	}
	byName := map[string]*pay.Payment{}
	for i, s := range specs {
		p := f.newPayment()
		p.Reference, p.Email, p.Status, p.AgreementID, p.SettledAt = s.ref, s.email, s.status, s.agree, s.settled
		p.Card = pay.CardDetails{Brand: s.brand, CardholderName: s.holder, FirstDigits: s.first, LastDigits: s.last}
		if s.otherAcc {
			p.AccountID = f.other.ID
		}
		if i != len(specs)-1 { // the last two share a creation time, to test the tie-break
			f.Clock.Advance(time.Minute)
		}
		byName[s.name] = f.insert(t, p)
	}
	ids := func(ps []*pay.Payment) []string {
		var out []string
		for _, p := range ps {
			for name, q := range byName {
				if q.ID == p.ID {
					out = append(out, name)
				}
			}
		}
		return out
	}
	search := func(t *testing.T, q pay.PaymentSearch) *pay.PaymentPage {
		t.Helper()
		q.AccountID = f.account.ID
		if q.Page == 0 {
			q.Page = 1
		}
		if q.DisplaySize == 0 {
			q.DisplaySize = pay.DefaultDisplaySize
		}
		page, err := f.Store.PaymentSearch(f.ctx, &q)
		mustOK(t, err)
		return page
	}
	sorted := func(names ...string) []string { slices.Sort(names); return names }

	filters := []struct {
		name string
		q    pay.PaymentSearch
		want []string
	}{
		{"ReferenceExactIgnoringCase", pay.PaymentSearch{Reference: "abc"}, []string{"alice", "bob"}},
		{"ReferenceNotPartial", pay.PaymentSearch{Reference: "AB"}, nil},
		{"ReferenceWildcardIsLiteral", pay.PaymentSearch{Reference: "X%Y"}, []string{"underscore"}},
		{"EmailPartialIgnoringCase", pay.PaymentSearch{Email: "ALICE"}, []string{"alice"}},
		{"EmailUnderscoreIsLiteral", pay.PaymentSearch{Email: "c_d"}, []string{"underscore"}},
		{"EmailPercentIsLiteral", pay.PaymentSearch{Email: "%"}, []string{"percent"}},
		{"FailedStates", pay.PaymentSearch{Statuses: pay.StatusesForState(pay.StateFailed)}, []string{"bob", "percent"}},
		{"SuccessState", pay.PaymentSearch{Statuses: pay.StatusesForState(pay.StateSuccess)}, []string{"alice"}},
		{"BrandID", pay.PaymentSearch{CardBrand: "master-card"}, []string{"bob"}},
		{"BrandLabel", pay.PaymentSearch{CardBrand: "Mastercard"}, []string{"bob"}},
		{"BrandAnyCase", pay.PaymentSearch{CardBrand: "VISA"}, []string{"alice"}},
		{"CardholderPartial", pay.PaymentSearch{CardholderName: "smi"}, []string{"alice"}},
		{"FirstDigits", pay.PaymentSearch{FirstDigits: "510510"}, []string{"bob"}},
		{"LastDigits", pay.PaymentSearch{LastDigits: "4242"}, []string{"alice"}},
		{"Agreement", pay.PaymentSearch{AgreementID: agreement}, []string{"percent"}},
		{"FromDateInclusive", pay.PaymentSearch{FromDate: &byName["fillerg"].CreatedAt}, []string{"fillerf", "fillerg"}},
		{"ToDateExclusive", pay.PaymentSearch{ToDate: &byName["underscore"].CreatedAt}, []string{"alice", "bob"}},
		{"DateRange", pay.PaymentSearch{FromDate: &byName["bob"].CreatedAt, ToDate: &byName["lookalike"].CreatedAt}, []string{"bob", "underscore"}},
		{"SettledDayInclusive", pay.PaymentSearch{FromSettled: day(2), ToSettled: day(2)}, []string{"alice"}},
		{"SettledFrom", pay.PaymentSearch{FromSettled: day(3)}, []string{"bob"}},
		{"SettledTo", pay.PaymentSearch{ToSettled: day(2)}, []string{"alice"}},
		{"Combined", pay.PaymentSearch{Reference: "ABC", Statuses: pay.StatusesForState(pay.StateSuccess), CardBrand: "visa"}, []string{"alice"}},
		{"NoMatch", pay.PaymentSearch{Email: "nobody"}, nil},
	}
	for _, tt := range filters {
		t.Run(tt.name, func(t *testing.T) {
			page := search(t, tt.q)
			if diff := cmp.Diff(sorted(tt.want...), sorted(ids(page.Payments)...)); diff != "" {
				t.Fatalf("results (-want +got):\n%s", diff)
			}
			if page.Total != len(tt.want) {
				t.Fatalf("Total = %d, want %d", page.Total, len(tt.want))
			}
		})
	}

	t.Run("NewestFirstWithTieBreak", func(t *testing.T) {
		page := search(t, pay.PaymentSearch{Reference: "filler"})
		got := ids(page.Payments)
		if len(got) != 7 || got[2] != "fillere" {
			t.Fatalf("order = %v", got)
		}
		// fillerf and fillerg were created at the same instant: the larger id comes first.
		f6, g7 := byName["fillerf"], byName["fillerg"]
		first, second := g7, f6
		if f6.ID > g7.ID {
			first, second = f6, g7
		}
		if page.Payments[0].ID != first.ID || page.Payments[1].ID != second.ID {
			t.Fatalf("tie not broken by id: %s, %s", page.Payments[0].ID, page.Payments[1].ID)
		}
		for i := 1; i < len(page.Payments); i++ {
			if page.Payments[i].CreatedAt.After(page.Payments[i-1].CreatedAt) {
				t.Fatalf("not newest first at %d", i)
			}
		}
	})
	t.Run("Paging", func(t *testing.T) {
		all := search(t, pay.PaymentSearch{})
		if all.Total != 12 || len(all.Payments) != 12 {
			t.Fatalf("all: total %d, %d results; want 12 (the other account's payment excluded)", all.Total, len(all.Payments))
		}
		var seen []string
		for page := 1; page <= 5; page++ {
			p := search(t, pay.PaymentSearch{Page: page, DisplaySize: 5})
			wantLen := map[int]int{1: 5, 2: 5, 3: 2, 4: 0, 5: 0}[page]
			if p.Total != 12 || len(p.Payments) != wantLen {
				t.Fatalf("page %d: total %d, %d results; want 12, %d", page, p.Total, len(p.Payments), wantLen)
			}
			for _, x := range p.Payments {
				seen = append(seen, x.ID)
			}
		}
		var want []string
		for _, p := range all.Payments {
			want = append(want, p.ID)
		}
		if diff := cmp.Diff(want, seen); diff != "" {
			t.Fatalf("pages do not tile the full result (-want +got):\n%s", diff)
		}
		one := search(t, pay.PaymentSearch{DisplaySize: 1, Page: 12})
		if len(one.Payments) != 1 || one.Payments[0].ID != all.Payments[11].ID || one.Total != 12 {
			t.Fatalf("last page of size 1 = %v", ids(one.Payments))
		}
	})
	t.Run("ChangedEmailAndName", func(t *testing.T) {
		// An engine indexing substrings apart from the table must follow changes.
		p := byName["lookalike"]
		mustOK(t, f.Store.Update(f.ctx, func(tx pay.Tx) error {
			locked, err := tx.PaymentLock(f.ctx, 0, p.ID)
			mustOK(t, err)
			locked.Email, locked.Card.CardholderName = "renamed@example.net", "Zed Quinn"
			return tx.PaymentUpdate(f.ctx, locked)
		}))
		for _, q := range []pay.PaymentSearch{{Email: "renamed@"}, {CardholderName: "ZED QU"}} {
			if got := ids(search(t, q).Payments); len(got) != 1 || got[0] != "lookalike" {
				t.Fatalf("%+v finds %v, want the changed payment", q, got)
			}
		}
		if got := ids(search(t, pay.PaymentSearch{Email: "cxd@example"}).Payments); len(got) != 0 {
			t.Fatalf("the old email still finds %v", got)
		}
	})
	t.Run("ResultsAreFullPayments", func(t *testing.T) {
		page := search(t, pay.PaymentSearch{LastDigits: "4242"})
		if diff := cmp.Diff(byName["alice"], page.Payments[0]); diff != "" {
			t.Fatalf("search result differs from the stored payment (-want +got):\n%s", diff)
		}
	})
	t.Run("OtherAccount", func(t *testing.T) {
		q := pay.PaymentSearch{AccountID: f.other.ID, Page: 1, DisplaySize: 10}
		page, err := f.Store.PaymentSearch(f.ctx, &q)
		mustOK(t, err)
		if page.Total != 1 || page.Payments[0].ID != byName["elsewhere"].ID || !strings.EqualFold(page.Payments[0].Reference, "abc") {
			t.Fatalf("other account sees %v", ids(page.Payments))
		}
	})
}

// testPaymentSearchTotals checks the exact totals of searches by state
// alone and of all an account's payments, which an engine may keep apart
// from the payments (SQLite's counts per status), after creates and status
// changes in both accounts, a change undone in its own transaction and a
// transaction rolled back. Page 2 of size 1 makes every search count.
func testPaymentSearchTotals(t *testing.T, open Opener) {
	f := setup(t, open)
	statusOf := map[string]pay.Status{}
	accountOf := map[string]int64{}
	add := func(account *pay.Account, status pay.Status) *pay.Payment {
		p := f.newPayment()
		p.AccountID, p.Status = account.ID, status
		f.Clock.Advance(time.Second)
		f.insert(t, p)
		statusOf[p.ID], accountOf[p.ID] = status, account.ID
		return p
	}
	change := func(p *pay.Payment, statuses ...pay.Status) {
		t.Helper()
		mustOK(t, f.Store.Update(f.ctx, func(tx pay.Tx) error {
			for _, s := range statuses {
				locked, err := tx.PaymentLock(f.ctx, 0, p.ID)
				mustOK(t, err)
				locked.Status, locked.UpdatedAt = s, tx.Now()
				mustOK(t, tx.PaymentUpdate(f.ctx, locked))
			}
			return nil
		}))
		statusOf[p.ID] = statuses[len(statuses)-1]
	}
	var created []*pay.Payment
	for range 5 {
		created = append(created, add(f.account, pay.StatusCreated))
	}
	captured := add(f.account, pay.StatusCaptured)
	add(f.account, pay.StatusCaptured)
	add(f.account, pay.StatusAuthorisationRejected)
	add(f.other, pay.StatusCaptured)
	otherCreated := add(f.other, pay.StatusCreated)

	for _, p := range created[:2] {
		_, err := pay.TransitionPayment(f.ctx, f.Store, &pay.PaymentTransitionParams{PaymentID: p.ID, To: pay.StatusEnteringCardDetails})
		mustOK(t, err)
		statusOf[p.ID] = pay.StatusEnteringCardDetails
	}
	change(created[2], pay.StatusCaptured)
	change(created[3], pay.StatusExpired, pay.StatusCreated) // undone before commit
	change(otherCreated, pay.StatusUserCancelled)
	mustOK(t, f.Store.Update(f.ctx, func(tx pay.Tx) error { // a change of another column only
		locked, err := tx.PaymentLock(f.ctx, 0, captured.ID)
		mustOK(t, err)
		locked.Email = "changed@example.org"
		return tx.PaymentUpdate(f.ctx, locked)
	}))
	mustOK(t, f.Store.Update(f.ctx, func(tx pay.Tx) error { // created and changed in one transaction
		p := f.newPayment()
		p.CreatedAt, p.UpdatedAt = tx.Now(), tx.Now()
		mustOK(t, tx.PaymentInsert(f.ctx, p))
		p.Status = pay.StatusExpired
		mustOK(t, tx.PaymentUpdate(f.ctx, p))
		statusOf[p.ID], accountOf[p.ID] = p.Status, p.AccountID
		return nil
	}))
	err := f.Store.Update(f.ctx, func(tx pay.Tx) error { // rolled back
		locked, err := tx.PaymentLock(f.ctx, 0, created[4].ID)
		mustOK(t, err)
		locked.Status = pay.StatusCaptured
		mustOK(t, tx.PaymentUpdate(f.ctx, locked))
		mustOK(t, tx.PaymentInsert(f.ctx, f.newPayment()))
		return errStop
	})
	if !errors.Is(err, errStop) {
		t.Fatalf("rolled back update: %v", err)
	}

	want := func(account int64, statuses []pay.Status) int {
		n := 0
		for id, s := range statusOf {
			if accountOf[id] == account && (len(statuses) == 0 || slices.Contains(statuses, s)) {
				n++
			}
		}
		return n
	}
	searches := map[string][]pay.Status{"all": nil, "success and failed": append(
		pay.StatusesForState(pay.StateSuccess), pay.StatusesForState(pay.StateFailed)...)}
	for _, state := range []string{pay.StateCreated, pay.StateStarted, pay.StateSubmitted, pay.StateCapturable,
		pay.StateSuccess, pay.StateFailed, pay.StateCancelled, pay.StateError} {
		searches[state] = pay.StatusesForState(state)
	}
	for _, account := range []*pay.Account{f.account, f.other} {
		for name, statuses := range searches {
			q := pay.PaymentSearch{AccountID: account.ID, Statuses: statuses, Page: 2, DisplaySize: 1}
			page, err := f.Store.PaymentSearch(f.ctx, &q)
			mustOK(t, err)
			if w := want(account.ID, statuses); page.Total != w {
				t.Errorf("account %d, %s: total %d, want %d", account.ID, name, page.Total, w)
			}
		}
	}
}

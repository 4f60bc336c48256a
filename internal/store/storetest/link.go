package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
)

// newLink returns an unsaved link of the fixture's account at slug.
func (f *fixture) newLink(slug string) *pay.Link {
	return &pay.Link{
		ID: pay.NewLinkID(), AccountID: f.account.ID, ServiceSlug: "apply-for-a-licence", Slug: slug,
		Title: "Pay for " + slug, Details: "Details", Language: pay.LanguageWelsh,
		ReferenceLabel: "Invoice number", ReferenceHint: "On the letter", Amount: 0, AmountHint: "See the letter",
		Metadata: pay.Metadata{"cost_code": "AB12"}, Status: pay.LinkActive,
	}
}

// testLink covers the link table: a round trip of every field, the unique
// friendly address, updates, deletes and the account's scope.
func testLink(t *testing.T, open Opener) {
	f := setup(t, open)
	l := f.newLink("parking-permit")
	mustOK(t, f.Store.LinkInsert(f.ctx, l))
	if !l.CreatedAt.Equal(f.Clock.Now()) || !l.UpdatedAt.Equal(f.Clock.Now()) {
		t.Fatalf("CreatedAt, UpdatedAt = %v, %v; want the clock's %v", l.CreatedAt, l.UpdatedAt, f.Clock.Now())
	}
	got, err := f.Store.LinkGet(f.ctx, f.account.ID, l.ID)
	mustOK(t, err)
	if diff := cmp.Diff(l, got); diff != "" {
		t.Fatalf("LinkGet differs from what was inserted (-want +got):\n%s", diff)
	}
	byPath, err := f.Store.LinkGetByPath(f.ctx, l.ServiceSlug, l.Slug)
	mustOK(t, err)
	if byPath.ID != l.ID {
		t.Fatalf("LinkGetByPath = %s, want %s", byPath.ID, l.ID)
	}

	t.Run("AddressIsUnique", func(t *testing.T) {
		f.Clock.Advance(time.Second) // later links list after l
		wantKind(t, f.Store.LinkInsert(f.ctx, f.newLink("parking-permit")), pay.KindConflict)
		other := f.newLink("parking-permit")
		other.ServiceSlug = "another-service"
		mustOK(t, f.Store.LinkInsert(f.ctx, other))
		taken := f.newLink("blue-badge")
		mustOK(t, f.Store.LinkInsert(f.ctx, taken))
		taken.Slug = "parking-permit"
		wantKind(t, f.Store.LinkUpdate(f.ctx, taken), pay.KindConflict)
	})

	t.Run("Update", func(t *testing.T) {
		f.Clock.Advance(time.Second)
		l.Title, l.Slug, l.Amount, l.ReferenceLabel, l.ReferenceHint = "Renewal", "renewal", 1250, "", ""
		l.Metadata, l.Status, l.Language = nil, pay.LinkInactive, pay.LanguageEnglish
		mustOK(t, f.Store.LinkUpdate(f.ctx, l))
		got, err := f.Store.LinkGet(f.ctx, 0, l.ID)
		mustOK(t, err)
		if diff := cmp.Diff(l, got); diff != "" {
			t.Fatalf("after LinkUpdate (-want +got):\n%s", diff)
		}
		if !got.UpdatedAt.Equal(f.Clock.Now()) || got.CreatedAt.Equal(got.UpdatedAt) {
			t.Fatalf("UpdatedAt = %v, CreatedAt = %v; want UpdatedAt at the clock's %v", got.UpdatedAt, got.CreatedAt, f.Clock.Now())
		}
	})

	t.Run("OtherAccount", func(t *testing.T) {
		_, err := f.Store.LinkGet(f.ctx, f.other.ID, l.ID)
		wantKind(t, err, pay.KindNotFound)
		moved := *l
		moved.AccountID = f.other.ID
		wantKind(t, f.Store.LinkUpdate(f.ctx, &moved), pay.KindNotFound)
		wantKind(t, f.Store.LinkDelete(f.ctx, f.other.ID, l.ID), pay.KindNotFound)
		list, err := f.Store.LinkList(f.ctx, f.other.ID)
		mustOK(t, err)
		if len(list) != 0 {
			t.Fatalf("LinkList of the other account = %d links, want 0", len(list))
		}
	})

	t.Run("ListAndDelete", func(t *testing.T) {
		list, err := f.Store.LinkList(f.ctx, f.account.ID)
		mustOK(t, err)
		if len(list) != 3 || list[0].ID != l.ID {
			t.Fatalf("LinkList = %d links, first %v; want 3, oldest first", len(list), list)
		}
		mustOK(t, f.Store.LinkDelete(f.ctx, f.account.ID, l.ID))
		_, err = f.Store.LinkGet(f.ctx, 0, l.ID)
		wantKind(t, err, pay.KindNotFound)
		_, err = f.Store.LinkGetByPath(f.ctx, "apply-for-a-licence", "renewal")
		wantKind(t, err, pay.KindNotFound)
		wantKind(t, f.Store.LinkDelete(f.ctx, f.account.ID, l.ID), pay.KindNotFound)
	})
}

// testLinkPayment covers payments made through a link: the tie is stored
// with the payment, and a generated reference is unique in its account,
// by the database.
func testLinkPayment(t *testing.T, open Opener) {
	f := setup(t, open)
	insert := func(accountID int64, ref string, generated bool) (*pay.Payment, error) {
		p := f.newPayment()
		p.AccountID, p.Reference, p.Source = accountID, ref, pay.SourcePaymentLink
		lp := &pay.LinkPayment{PaymentID: p.ID, LinkID: pay.NewLinkID(), AccountID: accountID, Reference: ref, Generated: generated}
		return p, pay.InsertPayment(f.ctx, f.Store, &pay.PaymentInsertParams{Payment: p, Link: lp})
	}
	p, err := insert(f.account.ID, "AB2CDE3FGH", true)
	mustOK(t, err)
	lp, err := f.Store.LinkPaymentGet(f.ctx, p.ID)
	mustOK(t, err)
	if lp.PaymentID != p.ID || lp.Reference != "AB2CDE3FGH" || !lp.Generated || lp.AccountID != f.account.ID {
		t.Fatalf("LinkPaymentGet = %+v", lp)
	}

	t.Run("GeneratedReferenceClash", func(t *testing.T) {
		clash, err := insert(f.account.ID, "AB2CDE3FGH", true)
		wantKind(t, err, pay.KindConflict)
		_, err = f.Store.PaymentGet(f.ctx, 0, clash.ID)
		wantKind(t, err, pay.KindNotFound) // nothing of the clashing payment was written
	})
	t.Run("OwnReferencesMayRepeat", func(t *testing.T) {
		for range 2 {
			_, err := insert(f.account.ID, "AB2CDE3FGH", false)
			mustOK(t, err)
		}
	})
	t.Run("OtherAccountMayHaveIt", func(t *testing.T) {
		_, err := insert(f.other.ID, "AB2CDE3FGH", true)
		mustOK(t, err)
	})
	t.Run("NotALinkPayment", func(t *testing.T) {
		q := f.insert(t, f.newPayment())
		_, err := f.Store.LinkPaymentGet(f.ctx, q.ID)
		wantKind(t, err, pay.KindNotFound)
	})
}

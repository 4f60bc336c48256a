package pay_test

import (
	"errors"
	"testing"

	"pay/internal/apptest"
	"pay/internal/pay"
)

type linkEnv struct {
	*apptest.Env
	acct  *pay.Account
	links *pay.Links
}

func newLinkEnv(t *testing.T, eng apptest.Engine) *linkEnv {
	e := apptest.New(t, eng)
	acct := e.NewAccount(&pay.Service{Name: "Apply for a licence"}, pay.AccountTest, pay.ProviderSandbox)
	acct, err := e.Store.AccountGet(e.Ctx, acct.ID) // with its service's name
	if err != nil {
		t.Fatal(err)
	}
	return &linkEnv{Env: e, acct: acct,
		links: &pay.Links{Store: e.Store, Payments: e.Payments, PublicURL: "https://pay.example/"}}
}

func (e *linkEnv) create(l *pay.Link) *pay.Link {
	e.T.Helper()
	if err := e.links.Create(e.Ctx, e.acct, l); err != nil {
		e.T.Fatal(err)
	}
	return l
}

func TestLinksCreate(t *testing.T) {
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		e := newLinkEnv(t, eng)
		l := e.create(&pay.Link{Title: " Parking permit ", ReferenceHint: "dropped: Pay makes the reference"})
		if !pay.ValidLinkID(l.ID) || l.Slug != "parking-permit" || l.ServiceSlug != "apply-for-a-licence" ||
			l.Status != pay.LinkActive || l.Language != pay.LanguageEnglish || l.Title != "Parking permit" || l.ReferenceHint != "" {
			t.Fatalf("created link = %+v", l)
		}
		if l.FriendlyPath() != "/redirect/apply-for-a-licence/parking-permit" {
			t.Fatalf("FriendlyPath = %q", l.FriendlyPath())
		}
		err := e.links.Create(e.Ctx, e.acct, &pay.Link{Title: "Parking  permit!"})
		var fe pay.FieldErrors
		if !errors.As(err, &fe) || fe.Message(pay.FieldSlug) != pay.MsgSlugTaken {
			t.Fatalf("a second link at the same address: %v, want %q", err, pay.MsgSlugTaken)
		}
		err = e.links.Create(e.Ctx, e.acct, &pay.Link{Title: "!!!"})
		if !errors.As(err, &fe) || fe.Message(pay.FieldTitle) != "Title must contain letters or numbers" {
			t.Fatalf("a title with no address: %v", err)
		}
		if err := e.links.Create(e.Ctx, e.acct, &pay.Link{Title: ""}); !pay.IsKind(err, pay.KindInvalid) {
			t.Fatalf("no title: %v, want invalid", err)
		}
	})
}

func TestLinksStripeMinimum(t *testing.T) {
	e := newLinkEnv(t, apptest.SQLite)
	stripe := e.NewAccount(&pay.Service{Name: "Stripe service"}, pay.AccountLive, pay.ProviderStripe)
	var fe pay.FieldErrors
	if err := e.links.Create(e.Ctx, stripe, &pay.Link{Title: "Fee", Amount: 29}); !errors.As(err, &fe) ||
		fe.Message(pay.FieldAmount) != pay.MsgAmountStripe {
		t.Fatalf("a 29p link on Stripe: %v", err)
	}
	if err := e.links.Create(e.Ctx, stripe, &pay.Link{Title: "Fee", Amount: 30}); err != nil {
		t.Fatal(err)
	}
}

func TestLinksUpdateDisableDelete(t *testing.T) {
	e := newLinkEnv(t, apptest.SQLite)
	l := e.create(&pay.Link{Title: "Parking permit"})
	other := e.create(&pay.Link{Title: "Blue badge"})
	other.Title = "Parking permit"
	var fe pay.FieldErrors
	if err := e.links.Update(e.Ctx, other); !errors.As(err, &fe) || fe.Message(pay.FieldSlug) != pay.MsgSlugTaken {
		t.Fatalf("Update to a taken address: %v", err)
	}
	l.Title, l.Amount = "Resident parking", 2500
	if err := e.links.Update(e.Ctx, l); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.links.Get(e.Ctx, e.acct.ID, l.ID); got.Slug != "resident-parking" || got.Amount != 2500 {
		t.Fatalf("after Update: %+v", got)
	}
	if err := e.links.SetStatus(e.Ctx, e.acct.ID, l.ID, pay.LinkInactive); err != nil {
		t.Fatal(err)
	}
	if _, err := e.links.Start(e.Ctx, mustLink(t, e, l.ID), "", 0); !pay.IsKind(err, pay.KindNotFound) {
		t.Fatalf("Start of an inactive link: %v, want not found", err)
	}
	if err := e.links.Delete(e.Ctx, e.acct.ID, l.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.links.Get(e.Ctx, e.acct.ID, l.ID); !pay.IsKind(err, pay.KindNotFound) {
		t.Fatalf("Get after Delete: %v", err)
	}
	if err := e.links.Delete(e.Ctx, e.acct.ID, "not-an-id"); !pay.IsKind(err, pay.KindNotFound) {
		t.Fatalf("Delete of a bad id: %v", err)
	}
}

func mustLink(t *testing.T, e *linkEnv, id string) *pay.Link {
	t.Helper()
	l, err := e.links.Get(e.Ctx, 0, id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLinksStartOwnReference(t *testing.T) {
	e := newLinkEnv(t, apptest.SQLite)
	l := e.create(&pay.Link{Title: "Parking permit", Language: pay.LanguageWelsh, ReferenceLabel: "Permit number",
		Metadata: pay.Metadata{"cost_code": "AB12"}})
	var fe pay.FieldErrors
	if _, err := e.links.Start(e.Ctx, l, "", 1500); !errors.As(err, &fe) || fe.Message("reference") != "You must enter your Permit number" {
		t.Fatalf("Start without a reference: %v", err)
	}
	c, err := e.links.Start(e.Ctx, l, " PER-1 ", 1500)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.Store.PaymentGet(e.Ctx, e.acct.ID, c.Payment.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Reference != "PER-1" || p.Amount != 1500 || p.Description != "Parking permit" || p.Source != pay.SourcePaymentLink ||
		p.Language != pay.LanguageWelsh || p.Metadata["cost_code"] != "AB12" ||
		p.ReturnURL != "https://pay.example/payment-complete/"+p.ID || c.Token == "" {
		t.Fatalf("payment of the link = %+v", p)
	}
	lp, err := e.Store.LinkPaymentGet(e.Ctx, p.ID)
	if err != nil || lp.LinkID != l.ID || lp.Generated {
		t.Fatalf("LinkPaymentGet = %+v, %v", lp, err)
	}
}

func TestLinksStartGeneratedReference(t *testing.T) {
	apptest.ForEachEngine(t, func(t *testing.T, eng apptest.Engine) {
		e := newLinkEnv(t, eng)
		l := e.create(&pay.Link{Title: "Parking permit", Amount: 2000})
		// Two payers draw the same reference: the second is given the next one.
		refs := []string{"AB2CDE3FGH", "AB2CDE3FGH", "ZZ9ZZZ9ZZZ"}
		e.links.NewReference = func() string { r := refs[0]; refs = refs[1:]; return r }
		first, err := e.links.Start(e.Ctx, l, "ignored", 1)
		if err != nil {
			t.Fatal(err)
		}
		second, err := e.links.Start(e.Ctx, l, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if first.Payment.Reference != "AB2CDE3FGH" || second.Payment.Reference != "ZZ9ZZZ9ZZZ" {
			t.Fatalf("references = %q, %q", first.Payment.Reference, second.Payment.Reference)
		}
		if first.Payment.Amount != 2000 || second.Payment.Amount != 2000 {
			t.Fatalf("amounts = %d, %d; want the link's 2000", first.Payment.Amount, second.Payment.Amount)
		}
		e.links.NewReference = func() string { return "AB2CDE3FGH" }
		if _, err := e.links.Start(e.Ctx, l, "", 0); !pay.IsKind(err, pay.KindInternal) {
			t.Fatalf("Start when every reference is taken: %v, want internal", err)
		}
	})
}

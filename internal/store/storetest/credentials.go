package storetest

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
)

// testCredentials: an account's sealed credentials are stored as they are,
// replaced in place, kept apart from other accounts', and not found when
// there are none; a rolled-back put leaves nothing.
func testCredentials(t *testing.T, open Opener) {
	f := setup(t, open)
	put := func(id int64, sealed []byte) error {
		return f.Store.Update(f.ctx, func(tx pay.Tx) error { return tx.CredentialsPut(f.ctx, id, sealed) })
	}
	_, err := f.Store.CredentialsGet(f.ctx, f.other.ID)
	wantKind(t, err, pay.KindNotFound)
	first, second := []byte{0, 1, 2, 255}, []byte("second sealed box")
	mustOK(t, put(f.other.ID, first))
	got, err := f.Store.CredentialsGet(f.ctx, f.other.ID)
	mustOK(t, err)
	if !bytes.Equal(got, first) {
		t.Fatalf("CredentialsGet = %v, want %v", got, first)
	}
	mustOK(t, put(f.other.ID, second))
	if got, _ := f.Store.CredentialsGet(f.ctx, f.other.ID); !bytes.Equal(got, second) {
		t.Fatalf("after replacing: %q", got)
	}
	_, err = f.Store.CredentialsGet(f.ctx, f.account.ID)
	wantKind(t, err, pay.KindNotFound)
	err = f.Store.Update(f.ctx, func(tx pay.Tx) error {
		mustOK(t, tx.CredentialsPut(f.ctx, f.account.ID, first))
		return pay.Errorf(pay.KindInvalid, "roll back")
	})
	wantKind(t, err, pay.KindInvalid)
	_, err = f.Store.CredentialsGet(f.ctx, f.account.ID)
	wantKind(t, err, pay.KindNotFound)
}

// testOrganisation: a service's organisation is stored as it is, replaced
// in place, and not found when there is none.
func testOrganisation(t *testing.T, open Opener) {
	f := setup(t, open)
	_, err := f.Store.OrganisationGet(f.ctx, f.service.ID)
	wantKind(t, err, pay.KindNotFound)
	org := &pay.Organisation{Name: "Borough Council", AcceptedBy: "admin@example.org", AcceptedAt: f.Clock.Now(),
		Address: pay.Address{Line1: "1 High Street", Line2: "Floor 2", City: "London", Postcode: "SW1A 1AA", Country: "GB"}}
	for _, name := range []string{"Borough Council", "County Council"} {
		org.Name = name
		mustOK(t, f.Store.Update(f.ctx, func(tx pay.Tx) error { return tx.OrganisationPut(f.ctx, f.service.ID, org) }))
		got, err := f.Store.OrganisationGet(f.ctx, f.service.ID)
		mustOK(t, err)
		if diff := cmp.Diff(org, got); diff != "" {
			t.Fatalf("OrganisationGet (-want +got):\n%s", diff)
		}
	}
}

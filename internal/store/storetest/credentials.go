package storetest

import (
	"bytes"
	"testing"

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

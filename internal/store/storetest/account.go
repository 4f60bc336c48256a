package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"pay/internal/pay"
)

func testSetting(t *testing.T, open Opener) {
	f := setup(t, open)
	_, err := f.Store.SettingGet(f.ctx, "secret")
	wantKind(t, err, pay.KindNotFound)
	mustOK(t, f.Store.SettingInsert(f.ctx, "secret", "s3cret"))
	got, err := f.Store.SettingGet(f.ctx, "secret")
	mustOK(t, err)
	if got != "s3cret" {
		t.Fatalf("SettingGet = %q, want s3cret", got)
	}
	wantKind(t, f.Store.SettingInsert(f.ctx, "secret", "other"), pay.KindConflict)
	if got, _ := f.Store.SettingGet(f.ctx, "secret"); got != "s3cret" {
		t.Fatalf("a refused insert changed the setting to %q", got)
	}
}

func testAccount(t *testing.T, open Opener) {
	f := setup(t, open)
	t.Run("ServiceList", func(t *testing.T) {
		list, err := f.Store.ServiceList(f.ctx)
		mustOK(t, err)
		if len(list) != 1 || list[0].ID != f.service.ID || list[0].Name != f.service.Name ||
			list[0].NameWelsh != f.service.NameWelsh || !list[0].CreatedAt.Equal(f.Clock.Now()) {
			t.Fatalf("ServiceList = %+v", list)
		}
	})
	t.Run("ServiceDuplicateExternalID", func(t *testing.T) {
		dup := &pay.Service{ExternalID: f.service.ExternalID, Name: "x"}
		wantKind(t, f.Store.ServiceInsert(f.ctx, dup), pay.KindConflict)
	})
	t.Run("Get", func(t *testing.T) {
		got, err := f.Store.AccountGet(f.ctx, f.account.ID)
		mustOK(t, err)
		want := *f.account
		want.ServiceName, want.ServiceNameWelsh = f.service.Name, f.service.NameWelsh
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Fatalf("AccountGet (-want +got):\n%s", diff)
		}
	})
	t.Run("GetMissing", func(t *testing.T) {
		_, err := f.Store.AccountGet(f.ctx, 999999)
		wantKind(t, err, pay.KindNotFound)
	})
	t.Run("List", func(t *testing.T) {
		list, err := f.Store.AccountList(f.ctx)
		mustOK(t, err)
		if len(list) != 2 || list[0].ID != f.account.ID || list[1].ID != f.other.ID || list[1].Type != pay.AccountLive {
			t.Fatalf("AccountList = %+v", list)
		}
	})
	t.Run("Update", func(t *testing.T) {
		a, err := f.Store.AccountGet(f.ctx, f.other.ID)
		mustOK(t, err)
		a.Disabled = true
		a.Settings.AllowMoto = true
		a.Settings.CardTypes = []string{"visa-debit"}
		a.Settings.EmailCollection = pay.EmailOff
		a.Settings.RateLimitPost = 40
		mustOK(t, f.Store.AccountUpdate(f.ctx, a))
		got, err := f.Store.AccountGet(f.ctx, f.other.ID)
		mustOK(t, err)
		if diff := cmp.Diff(a, got); diff != "" {
			t.Fatalf("after AccountUpdate (-want +got):\n%s", diff)
		}
	})
	t.Run("UpdateMissing", func(t *testing.T) {
		a := *f.account
		a.ID = 999999
		wantKind(t, f.Store.AccountUpdate(f.ctx, &a), pay.KindNotFound)
	})
}

func testAPIKey(t *testing.T, open Opener) {
	f := setup(t, open)
	newKey := func(account *pay.Account, description string) *pay.APIKey {
		t.Helper()
		key := pay.GenerateAPIKey(account.Type, []byte("secret"))
		k := &pay.APIKey{AccountID: account.ID, Description: description, Hash: pay.HashAPIKey(key),
			Hint: pay.APIKeyHint(key), CreatedBy: "admin@example.org"}
		mustOK(t, f.Store.APIKeyInsert(f.ctx, k))
		f.Clock.Advance(time.Second)
		return k
	}
	first := newKey(f.account, "first")
	second := newKey(f.account, "second")
	otherKey := newKey(f.other, "other")

	t.Run("GetByHash", func(t *testing.T) {
		got, err := f.Store.APIKeyGetByHash(f.ctx, first.Hash)
		mustOK(t, err)
		if diff := cmp.Diff(first, got); diff != "" {
			t.Fatalf("APIKeyGetByHash (-want +got):\n%s", diff)
		}
		_, err = f.Store.APIKeyGetByHash(f.ctx, pay.HashAPIKey("nope"))
		wantKind(t, err, pay.KindNotFound)
	})
	t.Run("GetWithAccount", func(t *testing.T) {
		testAPIKeyGetWithAccount(t, f, otherKey)
	})
	t.Run("DuplicateHash", func(t *testing.T) {
		dup := &pay.APIKey{AccountID: f.account.ID, Description: "dup", Hash: first.Hash, Hint: "x"}
		wantKind(t, f.Store.APIKeyInsert(f.ctx, dup), pay.KindConflict)
	})
	t.Run("List", func(t *testing.T) {
		list, err := f.Store.APIKeyList(f.ctx, f.account.ID)
		mustOK(t, err)
		if len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID {
			t.Fatalf("APIKeyList(account) = %+v, want second then first", list)
		}
		all, err := f.Store.APIKeyList(f.ctx, 0)
		mustOK(t, err)
		if len(all) != 3 || all[0].ID != otherKey.ID {
			t.Fatalf("APIKeyList(0) = %+v, want all three, newest first", all)
		}
	})
	t.Run("Touch", func(t *testing.T) {
		at := f.Clock.Now().Add(time.Minute)
		mustOK(t, f.Store.APIKeyTouch(f.ctx, first.ID, at))
		got, err := f.Store.APIKeyGetByHash(f.ctx, first.Hash)
		mustOK(t, err)
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(at) {
			t.Fatalf("LastUsedAt = %v, want %v", got.LastUsedAt, at)
		}
		wantKind(t, f.Store.APIKeyTouch(f.ctx, 999999, at), pay.KindNotFound)
	})
	t.Run("Revoke", func(t *testing.T) {
		at := f.Clock.Now()
		wantKind(t, f.Store.APIKeyRevoke(f.ctx, f.other.ID, second.ID, at), pay.KindNotFound)
		mustOK(t, f.Store.APIKeyRevoke(f.ctx, f.account.ID, second.ID, at))
		got, err := f.Store.APIKeyGetByHash(f.ctx, second.Hash)
		mustOK(t, err)
		if !got.Revoked() || !got.RevokedAt.Equal(at) {
			t.Fatalf("RevokedAt = %v, want %v", got.RevokedAt, at)
		}
		wantKind(t, f.Store.APIKeyRevoke(f.ctx, f.account.ID, second.ID, at), pay.KindConflict)
		wantKind(t, f.Store.APIKeyRevoke(f.ctx, 0, 999999, at), pay.KindNotFound)
		mustOK(t, f.Store.APIKeyRevoke(f.ctx, 0, otherKey.ID, at))
	})
	t.Run("ConcurrentRevoke", func(t *testing.T) {
		k := &pay.APIKey{AccountID: f.account.ID, Description: "raced", Hash: pay.HashAPIKey("raced"), Hint: "x"}
		mustOK(t, f.Store.APIKeyInsert(f.ctx, k))
		wantOneWinner(t, "APIKeyRevoke", race(8, func(int) error {
			return f.Store.APIKeyRevoke(f.ctx, f.account.ID, k.ID, f.Clock.Now())
		}))
	})
}

// testAPIKeyGetWithAccount checks a key is read with its account, and that
// a settings change shows in the next read although decoded settings are kept.
func testAPIKeyGetWithAccount(t *testing.T, f *fixture, k *pay.APIKey) {
	t.Helper()
	read := func() (*pay.APIKey, *pay.Account) {
		t.Helper()
		gotKey, gotAcct, err := f.Store.APIKeyGetWithAccount(f.ctx, k.Hash)
		mustOK(t, err)
		wantAcct, err := f.Store.AccountGet(f.ctx, k.AccountID)
		mustOK(t, err)
		if diff := cmp.Diff(wantAcct, gotAcct); diff != "" {
			t.Fatalf("account (-AccountGet +APIKeyGetWithAccount):\n%s", diff)
		}
		return gotKey, gotAcct
	}
	gotKey, acct := read()
	if diff := cmp.Diff(k, gotKey); diff != "" {
		t.Fatalf("key (-want +got):\n%s", diff)
	}
	first := acct.Settings.CardTypes[0]
	acct.Settings.CardTypes[0] = "changed by the caller" // must not reach the next read
	if _, again := read(); again.Settings.CardTypes[0] != first {
		t.Fatalf("a caller's change reached the next read: %v", again.Settings.CardTypes)
	}
	acct.Settings.CardTypes[0] = first
	acct.Settings.RateLimitPost = 7
	mustOK(t, f.Store.AccountUpdate(f.ctx, acct))
	if _, again := read(); again.Settings.RateLimitPost != 7 {
		t.Fatalf("settings after the change = %+v", again.Settings)
	}
	_, _, err := f.Store.APIKeyGetWithAccount(f.ctx, pay.HashAPIKey("nope"))
	wantKind(t, err, pay.KindNotFound)
}

package team

import (
	"errors"
	"testing"
	"time"
)

func TestRolePermissions(t *testing.T) {
	for _, tt := range []struct {
		role Role
		can  []Permission
		not  []Permission
	}{
		{RoleViewOnly, []Permission{PermTransactionsRead, PermTransactionsDetails, PermTransactionsDownload, PermUsersRead},
			[]Permission{PermUsersManage, PermRefundsCreate, PermTokensRead, PermTokensCreate, PermTokensDelete, PermPaymentTypesRead, PermPaymentTypesUpdate}},
		{RoleViewAndRefund, []Permission{PermTransactionsRead, PermTransactionsDownload, PermRefundsCreate},
			[]Permission{PermTokensRead, PermTokensCreate, PermPaymentTypesUpdate, PermServiceNameUpdate, PermGoLive, PermUsersManage}},
		{RoleAdmin, []Permission{PermTransactionsRead, PermRefundsCreate, PermTokensRead, PermTokensCreate, PermTokensUpdate,
			PermTokensDelete, PermTokensRevokedRead, PermPaymentTypesRead, PermPaymentTypesUpdate, PermServiceNameUpdate, PermGoLive, PermUsersRead, PermUsersManage}, nil},
		{Role("super-admin"), nil, []Permission{PermTransactionsRead}},
	} {
		for _, p := range tt.can {
			if !tt.role.Can(p) {
				t.Errorf("%s cannot %s", tt.role, p)
			}
		}
		for _, p := range tt.not {
			if tt.role.Can(p) {
				t.Errorf("%s can %s", tt.role, p)
			}
		}
	}
	if r, err := ParseRole(" View-Only "); err != nil || r != RoleViewOnly {
		t.Errorf("ParseRole: %q %v", r, err)
	}
	if _, err := ParseRole("owner"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseRole(owner): %v", err)
	}
}

func TestMatchTOTP(t *testing.T) {
	secret := NewTOTPSecret()
	now := time.Date(2026, 5, 1, 10, 0, 15, 0, time.UTC)
	code := func(at time.Time) string {
		c, err := TOTPCode(secret, at)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tt := range []struct {
		name string
		code string
		ok   bool
		step int64
	}{
		{"Now", code(now), true, TOTPStep(now)},
		{"OneStepBack", code(now.Add(-30 * time.Second)), true, TOTPStep(now) - 1},
		{"OneStepAhead", code(now.Add(30 * time.Second)), true, TOTPStep(now) + 1},
		{"TwoStepsBack", code(now.Add(-60 * time.Second)), false, 0},
		{"TwoStepsAhead", code(now.Add(60 * time.Second)), false, 0},
		{"Spaced", code(now)[:3] + " " + code(now)[3:], true, TOTPStep(now)},
		{"Short", code(now)[:5], false, 0},
		{"Empty", "", false, 0},
	} {
		step, ok := MatchTOTP(secret, tt.code, now)
		if ok != tt.ok || step != tt.step {
			t.Errorf("%s: step %d ok %v, want %d %v", tt.name, step, ok, tt.step, tt.ok)
		}
	}
	if _, ok := MatchTOTP(NewTOTPSecret(), code(now), now); ok {
		t.Error("a code matched another secret")
	}
	u := TOTPURL("ABC", "Pay", "a@example.org")
	if u != "otpauth://totp/Pay:a@example.org?algorithm=SHA1&digits=6&issuer=Pay&period=30&secret=ABC" {
		t.Errorf("TOTPURL = %s", u)
	}
}

func TestNextStage(t *testing.T) {
	users := &Users{}
	required := &Users{Require2FA: true}
	for _, tt := range []struct {
		name        string
		s           *Users
		u           User
		codeChecked bool
		want        SessionStage
	}{
		{"NoAppOptional", users, User{}, false, StageSignedIn},
		{"NoAppRequired", required, User{}, false, StageSetUp2FA},
		{"AppNeedsCode", users, User{TOTPSecret: "S"}, false, StageSecurityCode},
		{"AppCodeChecked", required, User{TOTPSecret: "S"}, true, StageSignedIn},
		{"OneTimePasswordAfterCode", users, User{TOTPSecret: "S", PasswordChangeRequired: true}, true, StageNewPassword},
		{"OneTimePasswordBeforeSetUp", required, User{PasswordChangeRequired: true}, false, StageNewPassword},
	} {
		if got := tt.s.NextStage(&tt.u, tt.codeChecked); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestSessionExpiry(t *testing.T) {
	start := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	s := &Session{CreatedAt: start, LastSeenAt: start}
	if s.Expired(start.Add(SessionIdleTimeout - time.Second)) {
		t.Error("expired before the idle timeout")
	}
	if !s.Expired(start.Add(SessionIdleTimeout)) {
		t.Error("alive after the idle timeout")
	}
	s.LastSeenAt = start.Add(SessionMaxLifetime - time.Minute)
	if !s.Expired(start.Add(SessionMaxLifetime)) {
		t.Error("an active session outlived its maximum lifetime")
	}
	token, hash := NewSessionToken()
	if len(token) != 43 || HashSessionToken(token) != hash || hash == token {
		t.Errorf("token %q hash %q", token, hash)
	}
}

func TestPassword(t *testing.T) {
	h := HashPassword("correct horse battery staple")
	if !CheckPassword(h, "correct horse battery staple") || CheckPassword(h, "wrong") || CheckPassword("garbage", "x") {
		t.Fatal("password check")
	}
	if first, second := HashPassword("same"), HashPassword("same"); first == second {
		t.Fatal("hashes are not salted")
	}
}

package config

import "testing"

func TestRequire2FA(t *testing.T) {
	for v, want := range map[string]bool{"": false, "true": true, "1": true, "false": false} {
		c, err := FromEnv(env(map[string]string{"PAY_REQUIRE_2FA": v}))
		if err != nil || c.Require2FA != want {
			t.Errorf("PAY_REQUIRE_2FA=%q: %v, %v", v, c.Require2FA, err)
		}
	}
	if _, err := FromEnv(env(map[string]string{"PAY_REQUIRE_2FA": "sometimes"})); err == nil {
		t.Error("PAY_REQUIRE_2FA=sometimes was accepted")
	}
}

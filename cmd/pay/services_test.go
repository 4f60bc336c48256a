package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestServicesCommands: pay services create adds a service with a sandbox
// account and an admin (new, with a one-time password, or existing), and
// pay services list shows it; a bad name is refused.
func TestServicesCommands(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	serveOnce(t, env)
	out, _, err := runCmd(t, env, "services", "create", "--name", "Fishing licences", "--welsh-name", "Trwyddedau pysgota",
		"--admin", "warden@example.org")
	m := regexp.MustCompile(`Service (\d+): Fishing licences\nSandbox account: (\d+)\nAdministrator: warden@example.org, a new user with password (\S+)\n`).
		FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("services create: %q %v", out, err)
	}
	out, _, err = runCmd(t, env, "services", "create", "--name", "Parking", "--admin", "warden@example.org")
	if err != nil || !strings.Contains(out, "Administrator: warden@example.org\n") || strings.Contains(out, "password") {
		t.Fatalf("services create with an existing admin: %q %v", out, err)
	}
	list, _, err := runCmd(t, env, "services", "list")
	if err != nil || !strings.Contains(list, "Service "+m[1]+": Fishing licences (Welsh: Trwyddedau pysgota)\n  account "+m[2]+", test, provider sandbox\n") {
		t.Fatalf("services list: %q %v", list, err)
	}
	users, _, _ := runCmd(t, env, "users", "list")
	if !regexp.MustCompile(`warden@example.org.*admin in Fishing licences.*admin in Parking`).MatchString(users) {
		t.Fatalf("users list: %q", users)
	}
	for _, args := range [][]string{
		{"services", "create"},
		{"services", "create", "--name", strings.Repeat("x", 51)},
		{"services", "create", "--name", "X", "--admin", "not an email"},
		{"services", "delete"},
	} {
		if _, _, err := runCmd(t, env, args...); err == nil {
			t.Errorf("%v succeeded", args)
		}
	}
}

package main

import (
	"strings"
	"testing"
)

func TestLinks(t *testing.T) {
	t.Parallel()
	env := testEnv(t)
	serveOnce(t, env) // first start: the sandbox service and its account
	out, _, err := runCmd(t, env, "links", "create", "--title", "Parking permit", "--amount", "2500",
		"--reference-label", "Permit number", "--details", "Pay for a year", "--language", "cy")
	want := "http://127.0.0.1:0/redirect/sandbox-service/parking-permit\n"
	if err != nil || out != want {
		t.Fatalf("links create printed %q, %v; want only %q", out, err, want)
	}
	if out, _, err := runCmd(t, env, "links", "create", "--title", "Donation"); err != nil ||
		out != "http://127.0.0.1:0/redirect/sandbox-service/donation\n" {
		t.Fatalf("links create without --amount: %q, %v", out, err)
	}
	list, _, err := runCmd(t, env, "links", "list")
	if err != nil || !strings.Contains(list, "£25.00") || !strings.Contains(list, "payer chooses") ||
		!strings.Contains(list, "/redirect/sandbox-service/donation") || strings.Count(list, "active") != 2 {
		t.Fatalf("links list:\n%s %v", list, err)
	}
	id := strings.Fields(strings.Split(list, "\n")[1])[0]
	if out, _, err := runCmd(t, env, "links", "disable", id); err != nil || !strings.Contains(out, "Disabled payment link "+id) {
		t.Fatalf("links disable: %q %v", out, err)
	}
	if list, _, _ := runCmd(t, env, "links", "list"); strings.Count(list, "inactive") != 1 {
		t.Fatalf("after disable:\n%s", list)
	}
	for _, tt := range []struct {
		args []string
		msg  string
	}{
		{[]string{"create", "--title", "Parking permit"}, "--title: The website address is already taken"},
		{[]string{"create"}, "--title: Enter a title"},
		{[]string{"create", "--title", "a", "--amount", "10000001"}, "--amount: Enter an amount that is £100,000 or less"},
		{[]string{"create", "--title", "b", "--amount", "-1"}, "--amount: Amount must be £0.01 or more"},
		{[]string{"create", "--title", "c", "--language", "fr"}, "--language: Select English or Welsh"},
		{[]string{"create", "--title", "d", "--reference-label", strings.Repeat("x", 51)}, "--reference-label: Reference must be be 50 characters or fewer"},
		{[]string{"create", "--title", "e", "--account", "42"}, "account"},
		{[]string{"disable", "0123456789abcdef0123456789abcdef"}, "not found"},
		{[]string{"disable"}, "links disable takes one link ID"},
	} {
		if _, _, err := runCmd(t, env, append([]string{"links"}, tt.args...)...); err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("links %q: %v, want %q", tt.args, err, tt.msg)
		}
	}
}

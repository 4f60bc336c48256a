package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pay/internal/ratelimit"
	"pay/internal/team"
)

func TestSignInErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("admin@example.org", team.RoleAdmin, false)
	b := e.browser()
	if p := b.get("/admin/sign-in"); p.status != http.StatusOK || p.heading() != "Sign in" {
		t.Fatalf("sign-in page: %d %q", p.status, p.heading())
	}
	for _, tt := range []struct {
		email, password string
		want            []string
	}{
		{"", "", []string{"email: Enter an email address", "password: Enter a password"}},
		{u.Email, "", []string{"password: Enter a password"}},
		{u.Email, "wrong password", []string{"email: Invalid email or password"}},
		{"nobody@example.org", testPassword, []string{"email: Invalid email or password"}},
	} {
		p := b.postSignIn(url.Values{"email": {tt.email}, "password": {tt.password}})
		if p.status != http.StatusOK || !slices.Equal(p.errors(), tt.want) {
			t.Errorf("%q/%q: %d %v, want %v", tt.email, tt.password, p.status, p.errors(), tt.want)
		}
		if c := sessionCookie(p); c != nil {
			t.Errorf("a failed sign-in set a session cookie")
		}
	}
	if p := b.get("/admin"); p.status != http.StatusSeeOther || p.location != "/admin/sign-in" {
		t.Fatalf("the admin site without signing in: %d %s", p.status, p.location)
	}
	if p := b.get(e.accountPath("/transactions?state=success")); p.location != "/admin/sign-in?next=%2Fadmin%2Faccounts%2F1%2Ftransactions%3Fstate%3Dsuccess" {
		t.Fatalf("a deep link without signing in goes to %s", p.location)
	}
	// The sign-in form, which has no session yet, needs the token its page gave.
	fresh := e.browser()
	if p := fresh.post("/admin/sign-in", url.Values{"email": {u.Email}, "password": {testPassword}}); p.status != http.StatusForbidden {
		t.Fatalf("a sign-in post without the form's token: %d", p.status)
	}
	fresh.get("/admin/sign-in")
	if p := fresh.post("/admin/sign-in", url.Values{"email": {u.Email}, "password": {testPassword}, "csrfToken": {"forged-forged-forged-forged"}}); p.status != http.StatusForbidden {
		t.Fatalf("a sign-in post with a forged token: %d", p.status)
	}
}

func sessionCookie(p *page) *http.Cookie {
	for _, c := range (&http.Response{Header: p.header}).Cookies() {
		if c.Name == "pay_admin_session" {
			return c
		}
	}
	return nil
}

func TestSignInWithPassword(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		e := newEnv(t, func(o *options) { o.secureCookies = secure })
		u := e.user("admin@example.org", team.RoleAdmin, false)
		b := e.browser()
		p := b.postSignIn(url.Values{"email": {"ADMIN@example.org"}, "password": {testPassword},
			"next": {e.accountPath("/api-keys")}})
		c := sessionCookie(p)
		if p.status != http.StatusSeeOther || c == nil {
			t.Fatalf("sign-in: %d, cookie %v", p.status, c)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/admin" || c.Secure != secure || len(c.Value) < 40 {
			t.Fatalf("session cookie %+v (secure cookies %v)", c, secure)
		}
		// A user without an authenticator app is offered one, and may skip it.
		if p.location != "/admin/authenticator?next=%2Fadmin%2Faccounts%2F1%2Fapi-keys" {
			t.Fatalf("after sign-in: %s", p.location)
		}
		offer := b.get(p.location)
		if offer.heading() != "Set up an authenticator app" || !offer.has(`id="skip"`) || !offer.has(`href="/admin/accounts/1/api-keys" id="skip"`) {
			t.Fatalf("the offer: %q\n%s", offer.heading(), offer.body)
		}
		if keys := b.get(e.accountPath("/api-keys")); keys.status != http.StatusOK || keys.heading() != "API keys" {
			t.Fatalf("after skipping: %d %q", keys.status, keys.heading())
		}
		if home := b.get("/admin"); home.location != e.accountPath("") {
			t.Fatalf("/admin with one account goes to %q", home.location)
		}
		if got, _ := e.Store.UserGet(e.Ctx, u.ID); got.TOTPSecret != "" {
			t.Fatal("skipping set an authenticator secret")
		}
	}
}

func TestSecurityCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("admin@example.org", team.RoleAdmin, true)
	b := e.browser()
	p := b.postSignIn(url.Values{"email": {u.Email}, "password": {testPassword}})
	if p.location != "/admin/security-code" {
		t.Fatalf("after the password: %s", p.location)
	}
	first := sessionCookie(p).Value
	// Before the code, the site stays shut.
	if p := b.get(e.accountPath("")); p.location != "/admin/security-code" {
		t.Fatalf("the dashboard before the code: %d %s", p.status, p.location)
	}
	if p := b.get("/admin/security-code"); p.heading() != "Use your authenticator app" {
		t.Fatalf("code page: %q", p.heading())
	}
	if p := b.post("/admin/security-code", url.Values{"code": {"000000"}}); !slices.Equal(p.errors(), []string{"code: Invalid security code."}) &&
		p.status != http.StatusSeeOther {
		t.Fatalf("wrong code: %v", p.errors())
	}
	code := e.code(u)
	p = b.post("/admin/security-code", url.Values{"code": {code}})
	if p.status != http.StatusSeeOther || p.location != "/admin" {
		t.Fatalf("right code: %d %s %v", p.status, p.location, p.errors())
	}
	if c := sessionCookie(p); c == nil || c.Value == first {
		t.Fatal("the session token did not change after the security code")
	}
	if d := b.follow(p); d.heading() != "Dashboard" {
		t.Fatalf("signed in: %q", d.heading())
	}
	// The same code cannot open a second sign-in, even within its time step.
	other := e.browser()
	other.postSignIn(url.Values{"email": {u.Email}, "password": {testPassword}})
	other.get("/admin/security-code")
	if p := other.post("/admin/security-code", url.Values{"code": {code}}); !slices.Equal(p.errors(), []string{"code: Invalid security code."}) {
		t.Fatalf("a replayed code: %d %v", p.status, p.errors())
	}
}

func TestSessionRotatesOnSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	victimUser := e.user("victim@example.org", team.RoleAdmin, false)
	attackerUser := e.user("attacker@example.org", team.RoleViewOnly, true)
	// An attacker starts a sign-in (a session waiting for a security code)
	// and plants its token in the victim's browser.
	attacker := e.browser()
	attacker.postSignIn(url.Values{"email": {attackerUser.Email}, "password": {testPassword}})
	planted := cookieValue(attacker.client.Jar.Cookies(mustURL(e.server.URL+"/admin")), "pay_admin_session")
	victim := e.browser()
	victim.client.Jar.SetCookies(mustURL(e.server.URL+"/admin"), []*http.Cookie{{Name: "pay_admin_session", Value: planted, Path: "/admin"}})
	p := victim.postSignIn(url.Values{"email": {victimUser.Email}, "password": {testPassword}})
	c := sessionCookie(p)
	if planted == "" || c == nil || c.Value == planted {
		t.Fatalf("signing in kept the token the browser had (%v)", c)
	}
	// The planted token opens nothing now, let alone the victim's session.
	if _, _, err := e.users.Session(e.Ctx, planted); err != team.ErrNoSession {
		t.Fatalf("the planted token after the victim signed in: %v", err)
	}
	if p := attacker.get(e.accountPath("")); p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/admin/sign-in") {
		t.Fatalf("the attacker after the victim signed in: %d %s", p.status, p.location)
	}
}

func cookieValue(list []*http.Cookie, name string) string {
	for _, c := range list {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestSessionExpiresWhenIdle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("admin@example.org", team.RoleAdmin, false)
	b := e.browser()
	b.signIn(u)
	for range 3 {
		e.Clock.Advance(team.SessionIdleTimeout - time.Minute)
		if p := b.get(e.accountPath("")); p.status != http.StatusOK {
			t.Fatalf("a session in use expired: %d %s", p.status, p.location)
		}
	}
	e.Clock.Advance(team.SessionIdleTimeout)
	p := b.get(e.accountPath("/transactions"))
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/admin/sign-in?next=") {
		t.Fatalf("an idle session: %d %s", p.status, p.location)
	}
	if c := sessionCookie(p); c == nil || c.MaxAge >= 0 {
		t.Fatalf("the expired session's cookie was not cleared: %+v", c)
	}
}

func TestLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("admin@example.org", team.RoleAdmin, true)
	b := e.browser()
	for i := 1; i < team.MaxFailedSignIns; i++ {
		p := b.postSignIn(url.Values{"email": {u.Email}, "password": {"wrong password"}})
		if !slices.Equal(p.errors(), []string{"email: Invalid email or password"}) {
			t.Fatalf("failure %d: %d %v", i, p.status, p.errors())
		}
	}
	// The last failure is a wrong security code: codes and passwords count together.
	b.postSignIn(url.Values{"email": {u.Email}, "password": {testPassword}})
	b.get("/admin/security-code")
	p := b.post("/admin/security-code", url.Values{"code": {"12345x"}})
	if p.status != http.StatusForbidden || p.heading() != "You cannot sign in to Pay" || !p.has("pay users unlock") {
		t.Fatalf("the tenth failure: %d %q", p.status, p.heading())
	}
	// Locked out, even the right password gets the answer an unknown email
	// gets: the page must not tell which emails have accounts.
	locked := b.postSignIn(url.Values{"email": {u.Email}, "password": {testPassword}})
	unknown := b.postSignIn(url.Values{"email": {"nobody@example.org"}, "password": {testPassword}})
	want := []string{"email: Invalid email or password"}
	if locked.status != http.StatusOK || !slices.Equal(locked.errors(), want) || locked.has("locked") ||
		locked.status != unknown.status || !slices.Equal(locked.errors(), unknown.errors()) {
		t.Fatalf("the right password when locked out: %d %v; an unknown email: %d %v", locked.status, locked.errors(),
			unknown.status, unknown.errors())
	}
	if strings.ReplaceAll(locked.body, u.Email, "nobody@example.org") != unknown.body {
		t.Fatal("the page for a locked-out user differs from the page for an unknown email")
	}
	if _, err := e.users.Unlock(e.Ctx, u.Email); err != nil {
		t.Fatal(err)
	}
	if p := b.signIn(u); p.heading() != "Dashboard" {
		t.Fatalf("after unlocking: %q", p.heading())
	}
}

func TestSignOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("admin@example.org", team.RoleAdmin, false)
	b := e.browser()
	b.signIn(u)
	token := cookieValue(b.client.Jar.Cookies(mustURL(e.server.URL+"/admin")), "pay_admin_session")
	p := b.post("/admin/sign-out", nil)
	if p.status != http.StatusSeeOther || p.location != "/admin/sign-in?signed-out" {
		t.Fatalf("sign out: %d %s", p.status, p.location)
	}
	if _, _, err := e.users.Session(e.Ctx, token); err != team.ErrNoSession {
		t.Fatalf("the session outlived sign-out: %v", err)
	}
	if p := b.get(e.accountPath("")); !strings.HasPrefix(p.location, "/admin/sign-in") {
		t.Fatalf("after sign-out: %d %s", p.status, p.location)
	}
}

var secretPattern = regexp.MustCompile(`id="totp-secret">([A-Z2-7 ]+)<`)

func TestAuthenticatorSetUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("admin@example.org", team.RoleAdmin, false)
	b := e.browser()
	b.postSignIn(url.Values{"email": {u.Email}, "password": {testPassword}})
	p := b.get("/admin/authenticator")
	m := secretPattern.FindStringSubmatch(p.body)
	if m == nil || !p.has(`src="data:image/png;base64,`) {
		t.Fatalf("the set-up page shows no QR code or secret:\n%s", p.body)
	}
	u.Secret = strings.ReplaceAll(m[1], " ", "")
	if again := b.get("/admin/authenticator"); !again.has(m[1]) {
		t.Fatal("reloading the page changed the secret")
	}
	if p := b.post("/admin/authenticator", url.Values{"code": {"99999"}}); !slices.Equal(p.errors(), []string{"code: Invalid security code."}) {
		t.Fatalf("a wrong code: %v", p.errors())
	}
	p = b.post("/admin/authenticator", url.Values{"code": {e.code(u)}})
	if p.status != http.StatusSeeOther || p.location != "/admin" {
		t.Fatalf("the right code: %d %s %v", p.status, p.location, p.errors())
	}
	if got, _ := e.Store.UserGet(e.Ctx, u.ID); got.TOTPSecret != u.Secret {
		t.Fatal("the secret was not kept")
	}
	// The next sign-in asks for a code.
	next := e.browser()
	if p := next.postSignIn(url.Values{"email": {u.Email}, "password": {testPassword}}); p.location != "/admin/security-code" {
		t.Fatalf("the next sign-in: %s", p.location)
	}
	if p := next.signIn(u); p.heading() != "Dashboard" {
		t.Fatalf("signing in with the app: %q", p.heading())
	}
}

func TestRequire2FA(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *options) { o.require2FA = true })
	u := e.user("admin@example.org", team.RoleAdmin, false)
	b := e.browser()
	p := b.postSignIn(url.Values{"email": {u.Email}, "password": {testPassword}})
	if p.location != "/admin/authenticator" {
		t.Fatalf("after the password: %s", p.location)
	}
	for _, path := range []string{"/admin", e.accountPath(""), e.accountPath("/api-keys")} {
		if p := b.get(path); p.status != http.StatusSeeOther || p.location != "/admin/authenticator" {
			t.Fatalf("%s before setting up the app: %d %s", path, p.status, p.location)
		}
	}
	setUp := b.get("/admin/authenticator")
	if setUp.has(`id="skip"`) || !setUp.has("You must set up an authenticator app") {
		t.Fatal("the set-up page lets the user skip it")
	}
	u.Secret = strings.ReplaceAll(secretPattern.FindStringSubmatch(setUp.body)[1], " ", "")
	p = b.follow(b.post("/admin/authenticator", url.Values{"code": {e.code(u)}}))
	if p.heading() != "Dashboard" {
		t.Fatalf("after setting up the app: %q", p.heading())
	}
}

func TestOneTimePassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	created, password, err := e.users.Create(e.Ctx, &team.NewUser{Email: "new@example.org", Role: team.RoleViewOnly, ServiceID: e.service.ID})
	must(t, err)
	b := e.browser()
	p := b.postSignIn(url.Values{"email": {created.Email}, "password": {password}})
	if p.location != "/admin/new-password" {
		t.Fatalf("a one-time password leads to %s", p.location)
	}
	if p := b.get(e.accountPath("")); p.location != "/admin/new-password" {
		t.Fatalf("the dashboard before choosing a password: %s", p.location)
	}
	b.get("/admin/new-password")
	if p := b.post("/admin/new-password", url.Values{"password": {"short"}}); !slices.Equal(p.errors(), []string{"password: Password must be 10 characters or more"}) {
		t.Fatalf("a short password: %d %v %s", p.status, p.errors(), p.body)
	}
	p = b.post("/admin/new-password", url.Values{"password": {testPassword}})
	if p.status != http.StatusSeeOther || p.location != "/admin/authenticator" {
		t.Fatalf("after choosing a password: %d %s", p.status, p.location)
	}
	if d := b.get(e.accountPath("")); d.heading() != "Dashboard" {
		t.Fatalf("the dashboard after choosing a password: %d %q", d.status, d.heading())
	}
	again := e.browser()
	if p := again.postSignIn(url.Values{"email": {created.Email}, "password": {password}}); p.status != http.StatusOK {
		t.Fatalf("the one-time password worked twice: %d %s", p.status, p.location)
	}
}

// TestSignInRateLimits counts sign-in attempts per email and per address:
// past a limit the answer is 429 with the form again, and no password is
// checked, so the lockout does not count it.
func TestSignInRateLimits(t *testing.T) {
	t.Parallel()
	// A clock that stands still, so that every attempt falls in one window.
	now := time.Now()
	limiter := &ratelimit.Limiter{Window: time.Minute, Now: func() time.Time { return now }}
	e := newEnv(t, func(o *options) { o.signInLimiter = limiter })
	u := e.user("admin@example.org", team.RoleAdmin, false)
	b := e.browser()
	wrong := url.Values{"email": {u.Email}, "password": {"wrong password"}}
	for i := 1; i <= 5; i++ {
		if p := b.postSignIn(wrong); p.status != http.StatusOK {
			t.Fatalf("attempt %d for one email: %d", i, p.status)
		}
	}
	p := b.postSignIn(url.Values{"email": {strings.ToUpper(u.Email)}, "password": {testPassword}})
	if p.status != http.StatusTooManyRequests || p.header.Get("Retry-After") != "60" ||
		!slices.Equal(p.errors(), []string{"email: Too many attempts to sign in. Wait a minute and try again."}) {
		t.Fatalf("the sixth attempt for one email in a minute: %d %q %v", p.status, p.header.Get("Retry-After"), p.errors())
	}
	if sessionCookie(p) != nil {
		t.Fatal("a refused attempt signed in")
	}
	if got, _ := e.Store.UserGet(e.Ctx, u.ID); got.FailedSignIns != 5 {
		t.Fatalf("FailedSignIns = %d, want the 5 attempts that were checked", got.FailedSignIns)
	}
	// Other emails from the same address count towards its own limit.
	refused := 0
	for i := range 30 {
		p := b.postSignIn(url.Values{"email": {"guess" + strconv.Itoa(i) + "@example.org"}, "password": {"x"}})
		if p.status == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused != 6 {
		t.Fatalf("%d of 30 attempts at other emails refused, want the 6 past the address's 30 a minute", refused)
	}
}

// TestSignInBusy fills the memory bound of password hashing: a sign-in is
// answered 503, with the form and when to try again, and is not counted.
func TestSignInBusy(t *testing.T) {
	t.Parallel()
	hashing := team.NewPasswordHashing(team.DefaultHashingMemory, 10*time.Millisecond)
	e := newEnv(t, func(o *options) { o.hashing = hashing })
	u := e.user("admin@example.org", team.RoleAdmin, false)
	held, release := make(chan struct{}), make(chan struct{})
	go hashing.Do(e.Ctx, team.DefaultHashingMemory, func() error { close(held); <-release; return nil })
	<-held
	b := e.browser()
	p := b.postSignIn(url.Values{"email": {u.Email}, "password": {testPassword}})
	close(release)
	if p.status != http.StatusServiceUnavailable || p.header.Get("Retry-After") != "5" ||
		!slices.Equal(p.errors(), []string{"email: " + team.ErrBusy.Message}) || !p.has(`value="admin@example.org"`) {
		t.Fatalf("a sign-in with hashing at its bound: %d %q %v", p.status, p.header.Get("Retry-After"), p.errors())
	}
	if got, _ := e.Store.UserGet(e.Ctx, u.ID); got.FailedSignIns != 0 {
		t.Fatalf("a turned-away attempt counted: %d", got.FailedSignIns)
	}
	if p := b.postSignIn(url.Values{"email": {u.Email}, "password": {testPassword}}); p.status != http.StatusSeeOther {
		t.Fatalf("once the bound is free: %d %v", p.status, p.errors())
	}
}

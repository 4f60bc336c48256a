// Package proctest runs the pay binary as real processes: killed with
// SIGKILL and restarted (crash_test.go), and as three instances on one
// PostgreSQL database and one Redis (instances_test.go). The tests build the
// binary and take minutes, so they run only when asked for, as CI does:
//
//	PAY_TEST_CRASH=1 go test -v -count=1 -run TestCrash ./internal/proctest
//	PAY_TEST_INSTANCES=1 go test -v -count=1 -run TestInstances ./internal/proctest
package proctest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the pay binary the tests run, built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	if os.Getenv("PAY_TEST_CRASH") == "" && os.Getenv("PAY_TEST_INSTANCES") == "" {
		os.Exit(m.Run()) // every test skips: do not build
	}
	dir, err := os.MkdirTemp("", "pay-proctest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "pay")
	if out, err := exec.Command("go", "build", "-o", binary, "pay/cmd/pay").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// optIn skips the test unless the variable is set: these tests are slow,
// and CI runs them in a step of their own.
func optIn(t *testing.T, name string) {
	t.Helper()
	if os.Getenv(name) == "" {
		t.Skipf("set %s=1 to run the pay binary as real processes", name)
	}
}

// freeAddr returns a 127.0.0.1 address with a port free now, so that an
// instance keeps its address (and the links it handed out) across restarts.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// instance is one pay serve process, which a test may kill and start again.
type instance struct {
	t      *testing.T
	env    []string
	Addr   string
	cmd    *exec.Cmd
	exited chan struct{}
	out    string // standard output of every start, appended
	log    string // standard error of every start, appended
}

// newInstance prepares pay serve on a free address with the environment
// given as NAME=VALUE, and kills it when the test ends.
func newInstance(t *testing.T, env ...string) *instance {
	dir := t.TempDir()
	in := &instance{t: t, Addr: freeAddr(t), out: filepath.Join(dir, "pay.out"), log: filepath.Join(dir, "pay.log")}
	in.env = append(os.Environ(), append([]string{"PAY_ADDR=" + in.Addr, "PAY_LOG_LEVEL=warn"}, env...)...)
	t.Cleanup(in.kill)
	return in
}

// URL is the instance's base URL.
func (in *instance) URL() string { return "http://" + in.Addr }

// start starts the process and waits until it answers /readyz.
func (in *instance) start() {
	in.t.Helper()
	in.cmd = exec.Command(binary)
	in.cmd.Env, in.cmd.Stdout, in.cmd.Stderr = in.env, in.appendTo(in.out), in.appendTo(in.log)
	if err := in.cmd.Start(); err != nil {
		in.t.Fatal(err)
	}
	in.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) { cmd.Wait(); close(exited) }(in.cmd, in.exited)
	in.waitReady()
}

// appendTo opens a file to append a process's output to; the process
// holds it, and the test may read it at any time.
func (in *instance) appendTo(path string) *os.File {
	in.t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		in.t.Fatal(err)
	}
	in.t.Cleanup(func() { f.Close() })
	return f
}

// waitReady polls /readyz until it answers 200, failing the test if the
// process exits or a minute passes.
func (in *instance) waitReady() {
	in.t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		select {
		case <-in.exited:
			in.t.Fatalf("pay exited on start:\n%s", in.logTail())
		default:
		}
		if res, err := client.Get(in.URL() + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
	}
	in.t.Fatalf("pay did not get ready within a minute:\n%s", in.logTail())
}

// kill ends the process with SIGKILL, as a crash would, and waits for it.
func (in *instance) kill() {
	if in.cmd == nil || in.cmd.Process == nil {
		return
	}
	in.cmd.Process.Signal(syscall.SIGKILL)
	<-in.exited
	in.cmd = nil
}

// apiKey returns the test API key a first start printed.
func (in *instance) apiKey() string { return in.printed(`Test API key: (\S+)`) }

// printed returns what the pattern's group matched in what the instance
// printed, failing the test if nothing matches.
func (in *instance) printed(pattern string) string {
	in.t.Helper()
	out, _ := os.ReadFile(in.out)
	m := regexp.MustCompile(pattern).FindStringSubmatch(string(out))
	if m == nil {
		in.t.Fatalf("%s is not in what pay printed:\n%s", pattern, out)
	}
	return m[1]
}

// command runs a pay subcommand on the instance's database and returns
// what it printed.
func (in *instance) command(args ...string) string {
	in.t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = in.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		in.t.Fatalf("pay %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// logTail returns the end of the instance's log, for failure messages.
func (in *instance) logTail() string {
	b, _ := os.ReadFile(in.log)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// client calls Pay's API with a key. Its errors are the transport's: a
// killed instance answers nothing.
type client struct {
	base, key string
	http      *http.Client
}

func newClient(base, key string) *client {
	return &client{base: base, key: key, http: &http.Client{Timeout: 10 * time.Second}}
}

// response is an API answer: its status and its JSON body.
type response struct {
	Status int
	Body   map[string]any
}

// Str returns the body's value at a dotted path as text, "" if absent.
func (r *response) Str(path string) string { return str(r.Body, path) }

func str(v any, path string) string {
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return fmt.Sprint(int64(v))
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// do sends one API request with a JSON body (nil for none).
func (c *client) do(ctx context.Context, method, path string, body any) (*response, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	out := &response{Status: res.StatusCode}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out.Body); err != nil {
			return nil, unexpectedf("%s %s: %d with a body that is not JSON: %.200s", method, path, res.StatusCode, b)
		}
	}
	return out, nil
}

// unexpected is an answer the test did not expect, as opposed to no
// answer from a killed instance.
type unexpected struct{ msg string }

func (e *unexpected) Error() string { return e.msg }

func unexpectedf(format string, args ...any) error {
	return &unexpected{msg: fmt.Sprintf(format, args...)}
}

// want sends one API request and returns the answer if it has the status,
// an *unexpected error if it has another.
func (c *client) want(ctx context.Context, status int, method, path string, body any) (*response, error) {
	res, err := c.do(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	if res.Status != status {
		return nil, unexpectedf("%s %s: %d %s", method, path, res.Status, str(res.Body, "description"))
	}
	return res, nil
}

// payer is a browser on Pay's card pages, over plain HTTP, with its own
// cookies, following no redirect by itself.
type payer struct {
	http *http.Client
}

func newPayer() *payer {
	jar, _ := cookiejar.New(nil)
	return &payer{http: &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// send makes one page request and returns the status and the redirect's
// location as sent (Pay's pages redirect to paths).
func (p *payer) send(ctx context.Context, method, u string, form url.Values) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, "", err
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := p.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return 0, "", err
	}
	return res.StatusCode, res.Header.Get("Location"), nil
}

// pay follows next_url, enters card and confirms, sending each request to
// the next of hosts in turn (base URLs of instances of one Pay). It returns
// nil once Pay has sent the payer back, which is Pay's acknowledgement of
// the confirmation.
func (p *payer) pay(ctx context.Context, hosts []string, nextURL, card string) error {
	u, err := url.Parse(nextURL)
	if err != nil {
		return unexpectedf("next_url %q: %v", nextURL, err)
	}
	steps := []struct {
		method, path string
		form         url.Values
		status       int
		next         string // what the redirect must lead to
	}{
		{http.MethodGet, u.RequestURI(), nil, http.StatusSeeOther, "/card_details/"},
		{http.MethodGet, "", nil, http.StatusOK, ""},
		{http.MethodPost, "", cardForm(card), http.StatusSeeOther, "/confirm"},
		{http.MethodPost, "", nil, http.StatusSeeOther, "/return/"},
	}
	page := ""
	for i, s := range steps {
		path := s.path
		if path == "" {
			path = page
		}
		status, loc, err := p.send(ctx, s.method, hosts[i%len(hosts)]+path, s.form)
		if err != nil {
			return err
		}
		if status != s.status || !strings.Contains(loc, s.next) {
			return unexpectedf("%s %s: %d to %q", s.method, path, status, loc)
		}
		if loc != "" {
			page = loc // the next step's page
		}
	}
	return nil
}

// cardForm is a complete card form for a sandbox card number.
func cardForm(number string) url.Values {
	return url.Values{"cardNo": {number}, "expiryMonth": {"12"}, "expiryYear": {"2030"}, "cardholderName": {"J Bloggs"},
		"cvc": {"123"}, "addressLine1": {"1 High Street"}, "addressCity": {"London"}, "addressPostcode": {"SW1A 1AA"},
		"addressCountry": {"GB"}, "email": {"payer@example.org"}}
}

// isTransport reports whether err means the instance did not answer (it
// was killed), as opposed to answering something unexpected.
func isTransport(err error) bool {
	var u *unexpected
	return err != nil && !errors.As(err, &u)
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Bounds of TestSignInBurstMemory: the peak resident memory of the pay
// process while 100 sign-in attempts arrive at once, and the slowest API
// answer allowed meanwhile.
const (
	burstSignIns   = 100
	burstPeakLimit = 300 << 20
	burstAPILimit  = 2 * time.Second
)

// TestSignInBurstMemory builds pay, runs it on a new SQLite database and
// sends 100 sign-in posts at once, each from its own loopback address and
// for its own email, so that no rate limit turns them away and every one
// would check a password. The process's peak memory (VmHWM) must stay
// within 300 MB, and the API must keep answering throughout.
func TestSignInBurstMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the pay binary")
	}
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc and sends from all of 127.0.0.0/8, as Linux allows")
	}
	t.Parallel()
	srv := startPay(t)
	form := srv.signInForm(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	peak := srv.watchMemory(ctx, t)
	api := srv.pollAPI(ctx)
	statuses := burst(ctx, t, srv.url, form)
	cancel()
	apiResults := <-api
	hwm := <-peak

	for status, n := range statuses {
		if status != http.StatusOK && status != http.StatusServiceUnavailable {
			t.Errorf("%d sign-in answers were %d; want 200 (invalid email or password) or 503 (busy)", n, status)
		}
	}
	if hwm > burstPeakLimit {
		t.Errorf("peak memory of pay under %d sign-ins at once: %d MB, want at most %d MB", burstSignIns, hwm>>20, burstPeakLimit>>20)
	}
	if apiResults.failed > 0 || apiResults.ok < 5 || apiResults.slowest > burstAPILimit {
		t.Errorf("API during the burst: %d answered, %d failed, slowest %v; want every answer 200 within %v",
			apiResults.ok, apiResults.failed, apiResults.slowest, burstAPILimit)
	}
	t.Logf("sign-in answers %v; peak memory %d MB; API: %d answers, slowest %v", statuses, hwm>>20, apiResults.ok, apiResults.slowest)
}

// payProcess is a running pay binary.
type payProcess struct {
	cmd    *exec.Cmd
	url    string
	apiKey string
	admin  string // the admin user's email
}

// startPay builds pay and starts it on a new SQLite database, on a free
// port, and waits for its first-start message. It is killed when the test
// ends.
func startPay(t *testing.T) *payProcess {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "pay")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "DATABASE_URL=sqlite:"+filepath.Join(dir, "pay.db"), "PAY_ADDR=127.0.0.1:0",
		"PAY_LOG_LEVEL=info", "REDIS_URL=")
	// The log says which port pay bound; the first-start message, the rest.
	output, w := io.Pipe()
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); w.Close() })
	p := &payProcess{cmd: cmd}
	if err := p.readStart(output); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, output)
	return p
}

// readStart reads pay's output for the address it listens on, the admin
// user and the API key, within 30 seconds.
func (p *payProcess) readStart(output io.Reader) error {
	patterns := map[*string]*regexp.Regexp{
		&p.url:    regexp.MustCompile(`"listening":"([^"]+)"`),
		&p.admin:  regexp.MustCompile(`Admin user:\s+(\S+)`),
		&p.apiKey: regexp.MustCompile(`Test API key:\s+(\S+)`),
	}
	done := make(chan error, 1)
	go func() {
		var seen strings.Builder
		sc := bufio.NewScanner(output)
		for sc.Scan() && (p.url == "" || p.admin == "" || p.apiKey == "") {
			seen.WriteString(sc.Text() + "\n")
			for dst, re := range patterns {
				if m := re.FindStringSubmatch(sc.Text()); m != nil {
					*dst = m[1]
				}
			}
		}
		if p.url == "" || p.admin == "" || p.apiKey == "" {
			done <- fmt.Errorf("pay did not print its address and first-start message:\n%s", seen.String())
			return
		}
		p.url = "http://" + p.url
		done <- nil
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		return fmt.Errorf("pay did not start within 30 seconds")
	}
}

// signInToken is what every sign-in post needs: the sign-in cookie, and
// the form's copy of its value.
type signInToken struct {
	cookie, value string
}

// signInForm loads the sign-in page for its token.
func (p *payProcess) signInForm(t *testing.T) signInToken {
	t.Helper()
	res, err := http.Get(p.url + "/admin/sign-in")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="csrfToken" value="([^"]+)"`).FindSubmatch(body)
	if m == nil || len(res.Cookies()) == 0 {
		t.Fatalf("the sign-in page has no form token: %d\n%s", res.StatusCode, body)
	}
	return signInToken{cookie: res.Cookies()[0].String(), value: string(m[1])}
}

// memory reads a field in kB of /proc/PID/status, in bytes.
func memory(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	m := regexp.MustCompile(`(?m)^` + field + `:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
	}
	kb, err := strconv.ParseInt(string(m[1]), 10, 64)
	return kb << 10, err
}

// watchMemory samples the process's resident memory until ctx ends, then
// sends its high-water mark. A process that grows past twice the limit is
// killed at once: the test has failed, and the machine is shared.
func (p *payProcess) watchMemory(ctx context.Context, t *testing.T) <-chan int64 {
	peak := make(chan int64, 1)
	pid := p.cmd.Process.Pid
	go func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		var last int64
		killed := false
		for {
			select {
			case <-ctx.Done():
				if hwm, err := memory(pid, "VmHWM"); err == nil {
					last = max(last, hwm)
				}
				peak <- last
				return
			case <-tick.C:
			}
			rss, err := memory(pid, "VmRSS")
			if err != nil {
				continue
			}
			last = max(last, rss)
			if rss > 2*burstPeakLimit && !killed {
				t.Logf("pay reached %d MB: killed", rss>>20)
				p.cmd.Process.Kill()
				killed = true
			}
		}
	}()
	return peak
}

// apiResults are the API's answers during the burst.
type apiResults struct {
	ok, failed int
	slowest    time.Duration
}

// pollAPI gets the payment list with the API key every 50 ms until ctx
// ends, then sends how the API answered.
func (p *payProcess) pollAPI(ctx context.Context) <-chan apiResults {
	out := make(chan apiResults, 1)
	go func() {
		var r apiResults
		client := &http.Client{Timeout: 10 * time.Second}
		for ctx.Err() == nil {
			req, _ := http.NewRequest("GET", p.url+"/v1/payments?display_size=5", nil)
			req.Header.Set("Authorization", "Bearer "+p.apiKey)
			start := time.Now()
			res, err := client.Do(req)
			if err == nil {
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
			r.slowest = max(r.slowest, time.Since(start))
			if err == nil && res.StatusCode == http.StatusOK {
				r.ok++
			} else if ctx.Err() == nil {
				r.failed++
			}
			time.Sleep(50 * time.Millisecond)
		}
		out <- r
	}()
	return out
}

// burst sends burstSignIns sign-in posts at once and counts their answers
// by status. Post i comes from 127.0.0.(i+2) for an email of its own (a
// few for the admin user, the rest unknown), with a wrong password.
func burst(ctx context.Context, t *testing.T, base string, form signInToken) map[int]int {
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	var failures atomic.Int32
	start := make(chan struct{})
	for i := range burstSignIns {
		email := "guess" + strconv.Itoa(i) + "@example.org"
		if i%25 == 0 {
			email = "admin@pay.localhost"
		}
		wg.Go(func() {
			<-start
			status, err := postSignIn(ctx, base, form, net.IPv4(127, 0, 0, byte(i+2)), email)
			if err != nil {
				if failures.Add(1) == 1 {
					t.Errorf("sign-in post: %v", err)
				}
				return
			}
			mu.Lock()
			statuses[status]++
			mu.Unlock()
		})
	}
	close(start)
	wg.Wait()
	return statuses
}

// postSignIn posts the sign-in form from the given loopback address.
func postSignIn(ctx context.Context, base string, form signInToken, from net.IP, email string) (int, error) {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: from}}
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext}}
	defer client.CloseIdleConnections()
	body := url.Values{"email": {email}, "password": {"not the password"}, "csrfToken": {form.value}}
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/admin/sign-in", strings.NewReader(body.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", form.cookie)
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

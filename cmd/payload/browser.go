package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// browser is a person's browser on Pay's pages, over plain HTTP: cookies of
// its own, and Pay's redirects followed, but none to another host (the
// service's return_url), which it stops at.
type browser struct {
	base string
	http *http.Client
}

func newBrowser(cl *client) *browser {
	jar, _ := cookiejar.New(nil)
	host := ""
	if u, err := url.Parse(cl.base); err == nil {
		host = u.Host
	}
	return &browser{base: cl.base, http: &http.Client{Jar: jar, Transport: cl.http.Transport, Timeout: cl.http.Timeout,
		CheckRedirect: func(req *http.Request, _ []*http.Request) error {
			if req.URL.Host != host {
				return http.ErrUseLastResponse
			}
			return nil
		}}}
}

// page is a page as the browser ended up at it.
type page struct {
	status   int
	url      *url.URL // after Pay's redirects
	location string   // a redirect not followed
	body     []byte
}

// send requests target (a path, or a URL of the Pay measured) with the
// form, if any, and reads the whole answer.
func (b *browser) send(ctx context.Context, method, target string, form url.Values) (*page, error) {
	if strings.HasPrefix(target, "/") {
		target = b.base + target
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	p := &page{status: res.StatusCode, url: res.Request.URL, location: res.Header.Get("Location")}
	p.body, err = io.ReadAll(res.Body)
	return p, err
}

// want checks the browser ended up at the path with the status.
func (p *page) want(status int, path string) error {
	if p.status != status || p.url.Path != path {
		return fmt.Errorf("%d at %s, want %d at %s", p.status, p.url.Path, status, path)
	}
	return nil
}

// pageForm is a form of a page: the URL it posts to, the values of its
// hidden fields (a CSRF token, say), and the names of the fields a person
// fills in.
type pageForm struct {
	action string
	hidden url.Values
	fields map[string]bool
}

// form finds the form with the id on the page.
func (p *page) form(id string) (*pageForm, error) {
	z := html.NewTokenizer(bytes.NewReader(p.body))
	var f *pageForm
	for {
		switch z.Next() {
		case html.ErrorToken:
			return nil, fmt.Errorf("%s: no form %q on the page", p.url.Path, id)
		case html.EndTagToken:
			if f != nil && z.Token().DataAtom == atom.Form {
				return f, nil
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			attr := map[string]string{}
			for _, a := range t.Attr {
				attr[a.Key] = a.Val
			}
			switch {
			case t.DataAtom == atom.Form && attr["id"] == id:
				action, err := p.url.Parse(attr["action"])
				if err != nil {
					return nil, fmt.Errorf("%s: form %q: %w", p.url.Path, id, err)
				}
				f = &pageForm{action: action.String(), hidden: url.Values{}, fields: map[string]bool{}}
			case f == nil || attr["name"] == "":
			case t.DataAtom == atom.Input && attr["type"] == "hidden":
				f.hidden.Add(attr["name"], attr["value"])
			case t.DataAtom == atom.Input || t.DataAtom == atom.Select || t.DataAtom == atom.Textarea:
				f.fields[attr["name"]] = true
			}
		}
	}
}

// fill returns the form's hidden values with each of values whose field
// the form has.
func (f *pageForm) fill(values map[string]string) url.Values {
	v := url.Values{}
	for name, list := range f.hidden {
		v[name] = list
	}
	for name, value := range values {
		if f.fields[name] {
			v.Set(name, value)
		}
	}
	return v
}

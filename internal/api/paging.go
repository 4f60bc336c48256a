package api

import (
	"net/url"
	"strconv"
	"strings"
)

// pager builds the page links of a search on Pay's public base, keeping the
// search parameters that were set, in GOV.UK Pay's order.
type pager struct {
	a          *API
	path       string
	names      []string
	values     url.Values
	page, size int
	total      int
}

func (a *API) pager(path string, names []string, values url.Values, page, size, total int) *pager {
	return &pager{a: a, path: path, names: names, values: values, page: page, size: size, total: total}
}

// last is the last page's number: 1 when nothing matches.
func (p *pager) last() int { return max(1, (p.total+p.size-1)/p.size) }

// pastEnd reports a page after the last one of a search with results,
// which GOV.UK Pay answers with 404 "Page not found".
func (p *pager) pastEnd() bool { return p.total > 0 && p.page > p.last() }

func (p *pager) links() searchLinks {
	last := p.last()
	l := searchLinks{Self: p.link(p.page), FirstPage: p.link(1), LastPage: p.link(last)}
	if p.page > 1 {
		l.PrevPage = p.link(p.page - 1)
	}
	if p.page < last {
		l.NextPage = p.link(p.page + 1)
	}
	return l
}

func (p *pager) link(page int) *link {
	var parts []string
	for _, name := range p.names {
		if v := strings.TrimSpace(p.values.Get(name)); v != "" {
			parts = append(parts, url.QueryEscape(name)+"="+url.QueryEscape(v))
		}
	}
	parts = append(parts, "page="+strconv.Itoa(page), "display_size="+strconv.Itoa(p.size))
	return get(p.a.url(p.path + "?" + strings.Join(parts, "&")))
}

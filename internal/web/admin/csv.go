package admin

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"pay/internal/pay"
	"pay/internal/web"
)

// The CSV download follows GOV.UK Pay's (its ledger's CsvTransactionFactory):
// the same columns in the same order, money as #,##0.00, refunds as
// negative rows that say who issued them, the date and time created in UTC,
// and text that a spreadsheet could take for a formula prefixed with '.

// csvColumns decides the header: the fee columns for accounts whose
// provider charges fees (Stripe), MOTO for accounts that take telephone
// payments, and a column for each metadata key.
type csvColumns struct {
	Fees     bool
	Moto     bool
	Metadata []string
}

func (c csvColumns) header() []string {
	h := []string{"Reference", "Description", "Email", "Amount", "Card Brand", "Cardholder Name", "Card Expiry Date",
		"Card Number", "State", "Finished", "Error Code", "Error Message", "Provider ID", "GOV.UK Payment ID", "Issued By",
		"Date Created", "Time Created", "Corporate Card Surcharge", "Total Amount", "Wallet Type"}
	if c.Fees {
		h = append(h, "Fee", "Net", "Fee (transaction)", "Fee (3DS)", "Fee (fraud protection)")
	}
	h = append(h, "Card Type")
	if c.Moto {
		h = append(h, "MOTO")
	}
	h = append(h, "Payment Provider", "3-D Secure Required")
	for _, k := range c.Metadata {
		h = append(h, escapeFormula(k)+" (metadata)")
	}
	return h
}

// csvRow collects one row's values by column name.
type csvRow map[string]string

// row returns the values of one transaction in the order of header, which
// is c.header().
func (c csvColumns) row(header []string, t *pay.Transaction) []string {
	return c.rowInto(csvRow{}, make([]string, len(header)), header, t)
}

// rowInto is row with the map and the slice to fill given, so a download
// reuses them from row to row instead of allocating both for each.
func (c csvColumns) rowInto(r csvRow, out, header []string, t *pay.Transaction) []string {
	clear(r)
	paymentAttributes(r, t.Payment)
	if t.Refund == nil {
		c.paymentValues(r, t.Payment)
	} else {
		refundValues(r, t.Refund)
	}
	for i, h := range header {
		out[i] = r[h]
	}
	return out
}

// paymentAttributes sets the values a payment row and its refunds' rows share.
func paymentAttributes(r csvRow, p *pay.Payment) {
	r["Reference"], r["Description"] = escapeFormula(p.Reference), escapeFormula(p.Description)
	r["Email"], r["Cardholder Name"] = escapeFormula(p.Email), escapeFormula(p.Card.CardholderName)
	r["Card Number"], r["Card Brand"], r["Card Expiry Date"] = p.Card.LastDigits, pay.BrandLabel(p.Card.Brand), p.Card.ExpiryDate
	r["Card Type"], r["Wallet Type"] = strings.ToLower(p.Card.CardType), walletName(p.Card.WalletType)
}

func (c csvColumns) paymentValues(r csvRow, p *pay.Payment) {
	st := p.State()
	r["GOV.UK Payment ID"] = p.ID
	r["Provider ID"] = escapeFormula(p.ProviderID)
	r["Amount"] = web.FormatPoundsGrouped(p.Amount)
	r["State"] = p.Status.DisplayState().Name
	r["Finished"] = strconv.FormatBool(st.Finished)
	r["Error Code"], r["Error Message"] = st.Code, st.Message
	r["Corporate Card Surcharge"] = web.FormatPoundsGrouped(p.CorporateSurcharge)
	r["Payment Provider"] = p.Provider
	r["MOTO"] = strconv.FormatBool(p.Moto)
	r["3-D Secure Required"] = strconv.FormatBool(p.ThreeDSRequired)
	setDate(r, p.CreatedAt)
	success := st.Status == pay.StateSuccess
	switch {
	case success:
		r["Total Amount"] = web.FormatPoundsGrouped(p.TotalAmount())
	case st.Finished:
		r["Total Amount"] = web.FormatPoundsGrouped(0)
	}
	r["Net"] = web.FormatPoundsGrouped(0)
	if p.Fee != nil {
		r["Fee"] = web.FormatPoundsGrouped(*p.Fee)
	}
	if success {
		r["Net"] = web.FormatPoundsGrouped(p.TotalAmount() - ptrValue(p.Fee))
	}
	for _, k := range c.Metadata {
		if v, ok := p.Metadata[k]; ok {
			r[k+" (metadata)"] = metadataText(v)
		}
	}
}

// refundValues fill a refund's row: its amounts negative, issued by the
// user who made it, in the refund's display state.
func refundValues(r csvRow, rf *pay.Refund) {
	r["GOV.UK Payment ID"] = rf.PaymentID
	r["Provider ID"] = escapeFormula(rf.ProviderID)
	r["Amount"] = web.FormatPoundsGrouped(-rf.Amount)
	r["Total Amount"] = web.FormatPoundsGrouped(-rf.Amount)
	r["Net"] = web.FormatPoundsGrouped(-rf.Amount)
	r["Issued By"] = rf.CreatedBy
	r["State"] = pay.RefundDisplayState(rf.Status).Name
	r["Finished"] = strconv.FormatBool(rf.Status.Finished())
	if rf.Status == pay.RefundError {
		r["Error Code"], r["Error Message"] = pay.CodeProviderError, "Payment provider returned an error"
	}
	setDate(r, rf.CreatedAt)
}

func setDate(r csvRow, t time.Time) {
	r["Date Created"] = t.UTC().Format("02 Jan 2006")
	r["Time Created"] = t.UTC().Format("15:04:05")
}

func ptrValue(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// escapeFormula keeps a spreadsheet from running text as a formula, as
// OWASP's CSV injection advice says: text starting with = + - @, a tab or a
// carriage return gets a leading '. Spreadsheets skip leading spaces before
// reading a formula, so = + - @ after whitespace count too.
func escapeFormula(s string) string {
	if strings.HasPrefix(s, "\t") || strings.HasPrefix(s, "\r") {
		return "'" + s
	}
	if t := strings.TrimLeftFunc(s, unicode.IsSpace); t != "" && strings.ContainsAny(t[:1], "=+-@") {
		return "'" + s
	}
	return s
}

// metadataText writes a metadata value as the CSV and the detail page show
// it. Text is escaped like every other text column.
func metadataText(v any) string {
	switch v := v.(type) {
	case string:
		return escapeFormula(v)
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return v.String()
	}
	return fmt.Sprint(v)
}

// csvWriter writes transactions as CSV as they come, so memory does not
// grow with their number.
type csvWriter struct {
	cols   csvColumns
	header []string
	w      *csv.Writer
	rows   int
	values csvRow   // reused for each row
	line   []string // reused for each row: csv.Writer copies it out
}

// newCSVWriter writes the header line and returns the writer.
func newCSVWriter(w io.Writer, cols csvColumns) (*csvWriter, error) {
	h := cols.header()
	cw := &csvWriter{cols: cols, header: h, w: csv.NewWriter(w), values: make(csvRow, len(h)), line: make([]string, len(h))}
	return cw, cw.w.Write(cw.header)
}

func (cw *csvWriter) write(t *pay.Transaction) error {
	cw.rows++
	return cw.w.Write(cw.cols.rowInto(cw.values, cw.line, cw.header, t))
}

// flush sends what is buffered and reports any write error.
func (cw *csvWriter) flush() error {
	cw.w.Flush()
	return cw.w.Error()
}

// download streams the transactions the filters match as a CSV file.
func (h *Handler) download(q *request) {
	f := parseFilters(q.r.URL.Query(), h.now(), h.london)
	if len(f.errors) > 0 {
		h.transactions(q) // shows the errors beside the filters
		return
	}
	search := f.search(q.account.ID)
	keys, err := h.store.PaymentMetadataKeys(q.ctx, &search.PaymentSearch)
	if err != nil {
		h.systemError(q.w, q.r, err)
		return
	}
	cols := csvColumns{Fees: q.account.Provider == pay.ProviderStripe, Moto: q.account.Settings.AllowMoto, Metadata: keys}
	name := "Pay_transactions_" + h.now().In(h.london).Format("2006-01-02_150405") + ".csv"
	q.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	q.w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	if err := h.streamCSV(q, search, cols); err != nil {
		// The status is sent: cut the connection so the file is seen to be
		// incomplete rather than taken for the whole list.
		h.logger.ErrorContext(q.ctx, "CSV download failed", slog.Any("error", err))
		panic(http.ErrAbortHandler)
	}
}

// DownloadSearch is the search the CSV download runs for the transaction
// list's filters in query at now, for tools that run its SQL directly (the
// load tool's anchor). A filter the download would refuse is an error.
func DownloadSearch(query url.Values, accountID int64, now time.Time) (*pay.TransactionSearch, error) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		return nil, err
	}
	f := parseFilters(query, now, london)
	if len(f.errors) > 0 {
		return nil, fmt.Errorf("filter %s: %s", f.errors[0].ID, f.errors[0].Message)
	}
	return f.search(accountID), nil
}

// csvWriteWindow is how long the client has to take each batch of rows: a
// long download is not cut off by the server's overall write timeout.
const csvWriteWindow = time.Minute

func (h *Handler) streamCSV(q *request, search *pay.TransactionSearch, cols csvColumns) error {
	rc := http.NewResponseController(q.w)
	rc.SetWriteDeadline(time.Now().Add(csvWriteWindow))
	cw, err := newCSVWriter(q.w, cols)
	if err != nil {
		return err
	}
	err = h.store.TransactionStream(q.ctx, search, func(t *pay.Transaction) error {
		if err := cw.write(t); err != nil {
			return err
		}
		if cw.rows%1000 == 0 {
			rc.SetWriteDeadline(time.Now().Add(csvWriteWindow))
		}
		return nil
	})
	if err != nil {
		return err
	}
	return cw.flush()
}

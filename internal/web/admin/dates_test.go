package admin

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// flagged names the fields of a date input shown in error.
func (d *dateInput) flagged() string {
	var out []string
	for _, f := range []struct {
		name string
		on   bool
	}{{"day", d.DayError}, {"month", d.MonthError}, {"year", d.YearError}} {
		if f.on {
			out = append(out, d.Name+"."+f.name)
		}
	}
	return strings.Join(out, " ")
}

func TestParseDateRange(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, london)
	// 29 March 2026 is the first day of British Summer Time.
	for _, tt := range []struct {
		name, query string
		from, to    string // RFC 3339 in UTC, or "" for no bound
		errors      []string
		flagged     string // the date fields shown in error
	}{
		{"Range", "fromDateDay=27&fromDateMonth=3&fromDateYear=2026&toDateDay=31&toDateMonth=3&toDateYear=2026",
			"2026-03-27T00:00:00Z", "2026-03-31T23:00:00Z", nil, ""},
		{"StartOnly", "fromDateDay=27&fromDateMonth=3&fromDateYear=2026", "2026-03-27T00:00:00Z", "", nil, ""},
		{"EndOnly", "toDateDay=28&toDateMonth=3&toDateYear=2026", "", "2026-03-29T00:00:00Z", nil, ""},
		{"LeadingZerosAndSpaces", "fromDateDay=+05&fromDateMonth=03&fromDateYear=2026+", "2026-03-05T00:00:00Z", "", nil, ""},
		{"MonthName", "fromDateDay=5&fromDateMonth=Mar&fromDateYear=2026&toDateDay=6&toDateMonth=sept&toDateYear=2026",
			"2026-03-05T00:00:00Z", "2026-09-06T23:00:00Z", nil, ""},
		{"LeapDay", "fromDateDay=29&fromDateMonth=2&fromDateYear=2028", "2028-02-29T00:00:00Z", "", nil, ""},
		{"TimesToTheMinuteAndSecond", "fromDateDay=2&fromDateMonth=3&fromDateYear=2026&fromTime=9:30&toDateDay=2&toDateMonth=3&toDateYear=2026&toTime=17:45",
			"2026-03-02T09:30:00Z", "2026-03-02T17:46:00Z", nil, ""},
		{"TimeWithSeconds", "toDateDay=2&toDateMonth=4&toDateYear=2026&toTime=17:45:30", "", "2026-04-02T16:45:31Z", nil, ""},
		{"SameMinute", "fromDateDay=2&fromDateMonth=3&fromDateYear=2026&fromTime=10:00&toDateDay=2&toDateMonth=3&toDateYear=2026&toTime=10:00",
			"2026-03-02T10:00:00Z", "2026-03-02T10:01:00Z", nil, ""},

		{"MissingMonth", "fromDateDay=27&fromDateYear=2026", "", "", []string{"fromDateMonth: Start date must include a month"}, "fromDate.month"},
		{"MissingDayAndMonth", "fromDateYear=2026", "", "", []string{"fromDateDay: Start date must include a day and month"}, "fromDate.day fromDate.month"},
		{"MissingYear", "toDateDay=1&toDateMonth=3", "", "", []string{"toDateYear: End date must include a year"}, "toDate.year"},
		{"TimeWithoutDate", "fromTime=10:00", "", "", []string{"fromDateDay: Enter a start date"}, "fromDate.day fromDate.month fromDate.year"},
		{"TwoDigitYear", "fromDateDay=27&fromDateMonth=3&fromDateYear=26", "", "",
			[]string{"fromDateYear: Year of the start date must include 4 numbers"}, "fromDate.year"},
		{"ImpossibleDay", "fromDateDay=30&fromDateMonth=2&fromDateYear=2026", "", "",
			[]string{"fromDateDay: Start date must be a real date"}, "fromDate.day fromDate.month fromDate.year"},
		{"NotALeapYear", "toDateDay=29&toDateMonth=2&toDateYear=2026", "", "",
			[]string{"toDateDay: End date must be a real date"}, "toDate.day toDate.month toDate.year"},
		{"MonthThirteen", "fromDateDay=1&fromDateMonth=13&fromDateYear=2026", "", "",
			[]string{"fromDateMonth: Start date must be a real date"}, "fromDate.month"},
		{"DayAndYearNotNumbers", "fromDateDay=x&fromDateMonth=1&fromDateYear=2o26", "", "",
			[]string{"fromDateDay: Start date must be a real date"}, "fromDate.day fromDate.year"},
		{"DayWithThreeDigits", "fromDateDay=001&fromDateMonth=1&fromDateYear=2026", "", "",
			[]string{"fromDateDay: Start date must be a real date"}, "fromDate.day"},
		{"NotText", "fromDateDay=%00&fromDateMonth=1&fromDateYear=2026", "", "",
			[]string{"fromDateDay: Start date must be a real date"}, "fromDate.day"},
		{"BadTime", "toDateDay=1&toDateMonth=3&toDateYear=2026&toTime=25:00", "", "",
			[]string{"toTime: End time must be a real time, like 9:30 or 17:45:30"}, ""},
		{"EndBeforeStart", "fromDateDay=2&fromDateMonth=3&fromDateYear=2026&toDateDay=1&toDateMonth=3&toDateYear=2026", "", "",
			[]string{"toDateDay: End date must be the same as or after the start date"}, "toDate.day toDate.month toDate.year"},
		{"EndTimeBeforeStartTime", "fromDateDay=2&fromDateMonth=3&fromDateYear=2026&fromTime=10:00&toDateDay=02&toDateMonth=3&toDateYear=2026&toTime=9:59:59",
			"", "", []string{"toTime: End time must be the same as or after the start time"}, ""},
		{"BothEndsWrong", "fromDateMonth=3&fromDateYear=2026&fromTime=9&toDateDay=31&toDateMonth=4&toDateYear=2026", "", "",
			[]string{"fromDateDay: Start date must include a day", "fromTime: Start time must be a real time, like 9:30 or 17:45:30",
				"toDateDay: End date must be a real date"}, "fromDate.day toDate.day toDate.month toDate.year"},

		// Links from before the date input, and GOV.UK Pay's.
		{"OldISODates", "fromDate=2026-03-05&fromTime=10:00:00&toDate=2026-03-06", "2026-03-05T10:00:00Z", "2026-03-07T00:00:00Z", nil, ""},
		{"OldUKDates", "fromDate=05/03/2026&toDate=6/3/2026&toTime=12:00:00", "2026-03-05T00:00:00Z", "2026-03-06T12:00:01Z", nil, ""},
		{"OldImpossibleDate", "fromDate=2026-02-30", "", "", []string{"fromDateDay: Start date must be a real date"},
			"fromDate.day fromDate.month fromDate.year"},
		{"OldNotText", "fromDate=%00", "", "", []string{"fromDateDay: Start date must be a real date"},
			"fromDate.day fromDate.month fromDate.year"},
		{"OldNotADate", "toDate=tomorrow", "", "", []string{"toDateDay: End date must be a real date"}, "toDate.day toDate.month toDate.year"},
		{"NewFieldsWinOverOld", "fromDate=2020-01-01&fromDateDay=5&fromDateMonth=3&fromDateYear=2026", "2026-03-05T00:00:00Z", "", nil, ""},

		// A period wins over typed dates, even wrong ones.
		{"PeriodWins", "dateFilter=today&fromDateDay=30&fromDateMonth=2&fromDateYear=2026", "2026-03-14T00:00:00Z", "2026-03-15T00:00:00Z", nil, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			f := parseFilters(v, now, london)
			var errs []string
			for _, e := range f.errors {
				errs = append(errs, e.ID+": "+e.Message)
			}
			if !slices.Equal(errs, tt.errors) {
				t.Errorf("errors %q, want %q", errs, tt.errors)
			}
			if got := strings.TrimSpace(f.From.flagged() + " " + f.To.flagged()); got != tt.flagged {
				t.Errorf("fields in error %q, want %q", got, tt.flagged)
			}
			if got := rfc3339(f.from); tt.errors == nil && got != tt.from {
				t.Errorf("from %s, want %s", got, tt.from)
			}
			if got := rfc3339(f.to); tt.errors == nil && got != tt.to {
				t.Errorf("to %s, want %s", got, tt.to)
			}
		})
	}
}

func rfc3339(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// The list's links (pages, CSV) carry a custom range in the new fields,
// as typed, whichever parameters it came in; read back, they give the
// same range.
func TestDateRangeQuery(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	now := time.Date(2026, 3, 14, 12, 0, 0, 0, london)
	for query, want := range map[string]string{
		"fromDateDay=05&fromDateMonth=mar&fromDateYear=2026&toDateDay=6&toDateMonth=3&toDateYear=2026&toTime=9:30": "dateFilter=custom&fromDateDay=05&fromDateMonth=mar&fromDateYear=2026&toDateDay=6&toDateMonth=3&toDateYear=2026&toTime=9%3A30",
		"fromDate=2026-03-05&fromTime=10:00:00&toDate=06/03/2026&reference=x":                                      "dateFilter=custom&fromDateDay=5&fromDateMonth=3&fromDateYear=2026&fromTime=10%3A00%3A00&reference=x&toDateDay=6&toDateMonth=3&toDateYear=2026",
		"dateFilter=yesterday&fromDateDay=1&fromDateMonth=3&fromDateYear=2026":                                     "dateFilter=yesterday",
	} {
		v, _ := url.ParseQuery(query)
		f := parseFilters(v, now, london)
		got := f.query(1)
		if got.Encode() != want {
			t.Errorf("%s\n gives %s\n want  %s", query, got.Encode(), want)
		}
		again := parseFilters(got, now, london)
		if rfc3339(again.from) != rfc3339(f.from) || rfc3339(again.to) != rfc3339(f.to) || len(again.errors) != 0 {
			t.Errorf("%s read back: %s–%s %v, want %s–%s", query, rfc3339(again.from), rfc3339(again.to), again.errors,
				rfc3339(f.from), rfc3339(f.to))
		}
	}
}

package admin

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"pay/internal/pay"
)

// dateInput is one end of the transaction list's custom date range as the
// form has it: a GOV.UK date input (day, month and year, each in its own
// field, so no browser shows it in another country's order) and an
// optional time of day. Values are kept as typed, to show them back.
type dateInput struct {
	Name     string // the date's id and parameter prefix: fromDate or toDate
	TimeName string // the time's id and parameter: fromTime or toTime
	Legend   string // "Start date": also the start of its error messages
	Hint     string

	Day, Month, Year, Time string

	Error                           string // about the date
	DayError, MonthError, YearError bool   // the fields Error is about
	TimeError                       string

	day time.Time // the midnight starting the day typed, once read
}

func newDateInput(name, timeName, legend, hint string) dateInput {
	return dateInput{Name: name, TimeName: timeName, Legend: legend, Hint: hint}
}

// TimeLabel names the time field: "Start time" beside "Start date".
func (d dateInput) TimeLabel() string { return strings.TrimSuffix(d.Legend, " date") + " time" }

// Empty reports whether nothing was typed in the date or the time.
func (d *dateInput) Empty() bool { return d.Day == "" && d.Month == "" && d.Year == "" && d.Time == "" }

// Old links give a whole date in one parameter, as GOV.UK Pay's do and
// as the form did when it used the browser's date picker.
var (
	isoDate = regexp.MustCompile(`^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$`)
	ukDate  = regexp.MustCompile(`^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$`)
)

// read takes the input's fields from a query. Without any of the day,
// month and year it reads an old link's single date parameter (its own
// Name), split into the three fields.
func (d *dateInput) read(v url.Values) {
	get := func(name string) (string, bool) {
		s := strings.TrimSpace(v.Get(name))
		if !pay.ValidText(s) { // a NUL, or bytes that are not UTF-8, cannot be shown back
			return "", false
		}
		return s, true
	}
	var dayOK, monthOK, yearOK, timeOK bool
	d.Day, dayOK = get(d.Name + "Day")
	d.Month, monthOK = get(d.Name + "Month")
	d.Year, yearOK = get(d.Name + "Year")
	d.Time, timeOK = get(d.TimeName)
	if !dayOK || !monthOK || !yearOK {
		d.fail(d.Legend+" must be a real date", !dayOK, !monthOK, !yearOK)
	}
	if !timeOK {
		d.TimeError = d.TimeLabel() + " must be a real time, like 9:30 or 17:45:30"
	}
	if v.Has(d.Name+"Day") || v.Has(d.Name+"Month") || v.Has(d.Name+"Year") {
		return
	}
	old, ok := get(d.Name)
	if m := isoDate.FindStringSubmatch(old); m != nil {
		d.Year, d.Month, d.Day = m[1], trimZeros(m[2]), trimZeros(m[3])
	} else if m := ukDate.FindStringSubmatch(old); m != nil {
		d.Day, d.Month, d.Year = trimZeros(m[1]), trimZeros(m[2]), m[3]
	} else if old != "" || !ok {
		d.fail(d.Legend+" must be a real date", true, true, true)
	}
}

// trimZeros writes "05" as people type it: "5".
func trimZeros(s string) string {
	if t := strings.TrimLeft(s, "0"); t != "" {
		return t
	}
	return s
}

// fail gives the date an error about the given fields. The first error
// found is the one shown, as GOV.UK's date input asks.
func (d *dateInput) fail(message string, day, month, year bool) {
	if d.Error == "" {
		d.Error, d.DayError, d.MonthError, d.YearError = message, day, month, year
	}
}

// errors are the input's errors for the error summary, each linked to the
// first field it is about.
func (d *dateInput) errors() []fieldError {
	var out []fieldError
	if d.Error != "" {
		id := d.Name + "Year"
		if d.DayError {
			id = d.Name + "Day"
		} else if d.MonthError {
			id = d.Name + "Month"
		}
		out = append(out, fieldError{id, d.Error})
	}
	if d.TimeError != "" {
		out = append(out, fieldError{d.TimeName, d.TimeError})
	}
	return out
}

// moment is the time the input stands for in loc, or nil when it is empty
// or has an error. An end is exclusive: the end of the day, minute or
// second typed, so that "to 31 3 2026" takes in all of that day.
func (d *dateInput) moment(loc *time.Location, end bool) *time.Time {
	if d.Empty() && d.Error == "" {
		return nil
	}
	year, month, day, dateOK := d.date()
	clock, unit, clockOK := d.clock()
	if !dateOK || !clockOK {
		return nil
	}
	d.day = time.Date(year, month, day, 0, 0, 0, 0, loc)
	t := time.Date(year, month, day, clock[0], clock[1], clock[2], 0, loc)
	if end {
		if unit == 0 {
			t = time.Date(year, month, day+1, 0, 0, 0, 0, loc) // the next midnight, however long the day
		} else {
			t = t.Add(unit)
		}
	}
	return &t
}

var (
	dayOrMonthDigits = regexp.MustCompile(`^[0-9]{1,2}$`)
	allDigits        = regexp.MustCompile(`^[0-9]+$`)
)

// date checks the day, month and year as GOV.UK's date input does: first
// for missing fields, then for a year without 4 numbers, then for values
// that cannot be right. A month may be a name, as some people type it.
func (d *dateInput) date() (int, time.Month, int, bool) {
	if d.Error != "" {
		return 0, 0, 0, false
	}
	if d.Day == "" && d.Month == "" && d.Year == "" { // a time alone
		d.fail("Enter "+article(d.Legend)+" "+strings.ToLower(d.Legend), true, true, true)
		return 0, 0, 0, false
	}
	var missing []string
	for _, f := range []struct{ name, value string }{{"day", d.Day}, {"month", d.Month}, {"year", d.Year}} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		d.fail(d.Legend+" must include a "+strings.Join(missing, " and "), d.Day == "", d.Month == "", d.Year == "")
		return 0, 0, 0, false
	}
	if allDigits.MatchString(d.Year) && len(d.Year) != 4 {
		d.fail("Year of the "+strings.ToLower(d.Legend)+" must include 4 numbers", false, false, true)
		return 0, 0, 0, false
	}
	day, dayErr := strconv.Atoi(d.Day)
	dayOK := dayErr == nil && dayOrMonthDigits.MatchString(d.Day) && day >= 1 && day <= 31
	month, monthOK := monthNumber(d.Month)
	year, yearErr := strconv.Atoi(d.Year)
	yearOK := yearErr == nil && allDigits.MatchString(d.Year)
	if !dayOK || !monthOK || !yearOK {
		d.fail(d.Legend+" must be a real date", !dayOK, !monthOK, !yearOK)
		return 0, 0, 0, false
	}
	if t := time.Date(year, month, day, 12, 0, 0, 0, time.UTC); t.Day() != day {
		// 30 2 2026: no one field is wrong on its own.
		d.fail(d.Legend+" must be a real date", true, true, true)
		return 0, 0, 0, false
	}
	return year, month, day, true
}

func article(s string) string {
	if strings.ContainsRune("AEIOUaeiou", rune(s[0])) {
		return "an"
	}
	return "a"
}

// monthNumber reads a month as a number, 1 to 12, or as its English name
// in full or in short ("mar", "sept").
func monthNumber(s string) (time.Month, bool) {
	if dayOrMonthDigits.MatchString(s) {
		n, _ := strconv.Atoi(s)
		return time.Month(n), n >= 1 && n <= 12
	}
	s = strings.ToLower(s)
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if s == name || s == name[:3] || (m == time.September && s == "sept") {
			return m, true
		}
	}
	return 0, false
}

var timeOfDay = regexp.MustCompile(`^([01]?[0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?$`)

// clock reads the time of day, h:mm or h:mm:ss, and the unit it is typed
// to (a minute or a second); without a time, the unit is 0.
func (d *dateInput) clock() ([3]int, time.Duration, bool) {
	if d.TimeError != "" {
		return [3]int{}, 0, false
	}
	if d.Time == "" {
		return [3]int{}, 0, true
	}
	m := timeOfDay.FindStringSubmatch(d.Time)
	if m == nil {
		d.TimeError = d.TimeLabel() + " must be a real time, like 9:30 or 17:45:30"
		return [3]int{}, 0, false
	}
	var hms [3]int
	hms[0], _ = strconv.Atoi(m[1])
	hms[1], _ = strconv.Atoi(m[2])
	if m[3] == "" {
		return hms, time.Minute, true
	}
	hms[2], _ = strconv.Atoi(m[3])
	return hms, time.Second, true
}

// checkRange refuses an end before the start: on the end's time when
// both are on the same day, else on the end's date.
func checkRange(from, to *dateInput, start, end *time.Time) {
	if start == nil || end == nil || start.Before(*end) {
		return
	}
	if from.day.Equal(to.day) {
		to.TimeError = "End time must be the same as or after the start time"
		return
	}
	to.fail("End date must be the same as or after the start date", true, true, true)
}

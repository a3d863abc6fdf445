/* test_calendar.c: loading feeds (files, file:// URLs with a cache) and
 * expanding them into UTC instances. Expected times were worked out by
 * hand and checked with `date -u -d 'TZ="zone" local time'`. */
#include <string.h>
#include <utime.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "calendar.h"
#include "calendar_fetch.h"
#include "error.h"
#include "tap.h"
#include "utc_time.h"

/* Time limits hold for plain and sanitizer builds; valgrind is too slow
 * for them to mean anything. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif
#if defined(__SANITIZE_ADDRESS__)
#define QUICK_USEC (6 * G_USEC_PER_SEC)
#else
#define QUICK_USEC (2 * G_USEC_PER_SEC)
#endif

static char *data_dir;

/* Whether something took a bounded time, when that can be told. */
static bool
quick(gint64 started)
{
	return RUNNING_ON_VALGRIND ||
	    g_get_monotonic_time() - started < QUICK_USEC;
}

/* "start end [all-day] summary", one line per instance. */
static char *
describe(const struct calendar *calendar, const char *from, const char *to,
    bool *truncated)
{
	GArray *instances = calendar_expand(calendar, utc(from), utc(to),
	    truncated);
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < instances->len; i++) {
		const struct calendar_instance *instance =
		    &g_array_index(instances, struct calendar_instance, i);
		g_autofree char *start = format_utc(instance->start);
		g_autofree char *end = format_utc(instance->end);

		g_string_append_printf(out, "%s %s %s%s\n", start, end,
		    instance->all_day ? "all-day " : "", instance->summary);
	}
	g_array_unref(instances);
	return g_string_free(out, false);
}

static char *
data_path(const char *name)
{
	return g_build_filename(data_dir, name, NULL);
}

static struct calendar *
load(const char *name)
{
	g_autofree char *path = data_path(name);
	g_autoptr(GError) error = NULL;
	struct calendar *calendar = calendar_load_file(path, &error);

	if (calendar == NULL)
		diag("%s: %s", name, error->message);
	return calendar;
}

static const struct {
	const char *file, *from, *to, *want;
} expand_cases[] = {
	{ "weekly-exdate.ics", "2026-01-01T00:00Z", "2026-03-01T00:00Z",
	  "2026-01-08T14:30Z 2026-01-08T16:30Z IESG Formal Telechat\n"
	  "2026-01-15T14:30Z 2026-01-15T16:30Z IESG Formal Telechat\n"
	  "2026-01-29T14:30Z 2026-01-29T16:30Z IESG Formal Telechat\n"
	  "2026-02-19T14:30Z 2026-02-19T16:30Z IESG Formal Telechat\n"
	  "2026-02-26T14:30Z 2026-02-26T16:30Z IESG Formal Telechat\n" },
	/* Overlap: one still running at the start, none starting at the
	 * end of the window. */
	{ "weekly-exdate.ics", "2026-01-15T16:00Z", "2026-01-29T14:30Z",
	  "2026-01-15T14:30Z 2026-01-15T16:30Z IESG Formal Telechat\n" },
	{ "weekly-exdate.ics", "2026-01-15T16:30Z", "2026-01-29T14:31Z",
	  "2026-01-29T14:30Z 2026-01-29T16:30Z IESG Formal Telechat\n" },
	/* 10:00 New York is 15:00Z before 8 March (EST), 14:00Z after. */
	{ "dst.ics", "2026-02-20T00:00Z", "2026-03-20T00:00Z",
	  "2026-02-26T15:00Z 2026-02-26T16:00Z IAB Business Meeting\n"
	  "2026-03-05T15:00Z 2026-03-05T16:00Z IAB Business Meeting\n"
	  "2026-03-12T14:00Z 2026-03-12T15:00Z IAB Business Meeting\n"
	  "2026-03-19T14:00Z 2026-03-19T15:00Z IAB Business Meeting\n" },
	/* And back on 1 November; Berlin (no VTIMEZONE: system zone) changes
	 * on 25 October, COUNT=3 ends it. */
	{ "dst.ics", "2026-10-20T00:00Z", "2026-11-13T00:00Z",
	  "2026-10-21T15:00Z 2026-10-21T16:30Z Berlin without VTIMEZONE\n"
	  "2026-10-22T14:00Z 2026-10-22T15:00Z IAB Business Meeting\n"
	  "2026-10-28T16:00Z 2026-10-28T17:30Z Berlin without VTIMEZONE\n"
	  "2026-10-29T14:00Z 2026-10-29T15:00Z IAB Business Meeting\n"
	  "2026-11-04T16:00Z 2026-11-04T17:30Z Berlin without VTIMEZONE\n"
	  "2026-11-05T15:00Z 2026-11-05T16:00Z IAB Business Meeting\n"
	  "2026-11-12T15:00Z 2026-11-12T16:00Z IAB Business Meeting\n" },
	/* A vendor-prefixed TZID finds Asia/Tokyo; a TZID that is a path
	 * is not opened and falls back to UTC. */
	{ "dst.ics", "2026-05-31T00:00Z", "2026-06-03T00:00Z",
	  "2026-06-01T00:00Z 2026-06-01T00:00Z Vendor TZID prefix\n"
	  "2026-06-02T09:00Z 2026-06-02T09:00Z Hostile TZID\n" },
	/* 4 June cancelled by an override, the 20 May meeting and the
	 * daily series (with its moved instance) cancelled outright. */
	{ "cancelled.ics", "2026-05-01T00:00Z", "2026-07-01T00:00Z",
	  "2026-05-07T14:00Z 2026-05-07T16:00Z IESG Formal Telechat\n"
	  "2026-05-21T14:00Z 2026-05-21T16:00Z IESG Formal Telechat\n"
	  "2026-06-18T14:00Z 2026-06-18T16:00Z IESG Formal Telechat\n" },
	/* 9 September moved to the 10th, morning; the 16th later, named by
	 * a UTC RECURRENCE-ID, keeping the master's 90 minutes. */
	{ "moved.ics", "2026-09-01T00:00Z", "2026-10-01T00:00Z",
	  "2026-09-02T16:00Z 2026-09-02T17:30Z IAB Business Meeting\n"
	  "2026-09-10T06:30Z 2026-09-10T08:00Z IAB Business Meeting (moved)\n"
	  "2026-09-16T18:00Z 2026-09-16T19:30Z IAB Business Meeting (late)\n"
	  "2026-09-23T16:00Z 2026-09-23T17:30Z IAB Business Meeting\n"
	  "2026-09-30T16:00Z 2026-09-30T17:30Z IAB Business Meeting\n" },
	{ "moved.ics", "2026-10-20T00:00Z", "2026-11-01T00:00Z",
	  "2026-10-21T16:00Z 2026-10-21T17:30Z IAB Business Meeting\n"
	  "2026-10-28T17:00Z 2026-10-28T18:30Z IAB Business Meeting\n" },
	/* COUNT, UNTIL inclusive across DST, UNTIL as a date. */
	{ "count-until.ics", "2026-01-01T00:00Z", "2026-06-01T00:00Z",
	  "2026-01-31T12:00Z 2026-01-31T12:00Z Month ends\n"
	  "2026-02-28T12:00Z 2026-02-28T12:00Z Month ends\n"
	  "2026-03-02T09:00Z 2026-03-02T10:00Z Three days\n"
	  "2026-03-03T09:00Z 2026-03-03T10:00Z Three days\n"
	  "2026-03-04T09:00Z 2026-03-04T10:00Z Three days\n"
	  "2026-03-05T15:00Z 2026-03-05T15:30Z Until the nineteenth\n"
	  "2026-03-12T14:00Z 2026-03-12T14:30Z Until the nineteenth\n"
	  "2026-03-19T14:00Z 2026-03-19T14:30Z Until the nineteenth\n"
	  "2026-03-31T12:00Z 2026-03-31T12:00Z Month ends\n"
	  "2026-04-30T12:00Z 2026-04-30T12:00Z Month ends\n" },
	/* X-WR-TIMEZONE:Europe/Berlin places all-day and floating times;
	 * RDATEs, one a UTC period with its own length. */
	{ "allday-floating.ics", "2026-03-01T00:00Z", "2026-05-01T00:00Z",
	  "2026-03-23T23:00Z 2026-03-26T23:00Z all-day IAB Retreat\n"
	  "2026-03-31T22:00Z 2026-04-01T22:00Z all-day One day\n"
	  "2026-04-02T07:00Z 2026-04-02T09:00Z Floating with RDATEs\n"
	  "2026-04-09T07:00Z 2026-04-09T09:00Z Floating with RDATEs\n"
	  "2026-04-16T07:00Z 2026-04-16T09:00Z Floating with RDATEs\n"
	  "2026-04-23T15:00Z 2026-04-23T15:30Z Floating with RDATEs\n" },
	/* Events without a usable DTSTART are skipped, a broken or
	 * SECONDLY rule leaves the first instance. */
	{ "broken-events.ics", "2026-01-01T00:00Z", "2026-12-31T00:00Z",
	  "2026-06-01T10:00Z 2026-06-01T10:00Z Bad rule, single instance\n"
	  "2026-06-01T11:00Z 2026-06-01T11:00Z Secondly, not stepped\n"
	  "2026-06-01T12:00Z 2026-06-01T13:00Z Good event\n" },
};

static void
test_expand(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(expand_cases); i++) {
		struct calendar *calendar = load(expand_cases[i].file);
		g_autofree char *got = NULL;
		bool truncated = true;

		if (!ok(calendar != NULL, "expand %zu: %s loads", i,
		    expand_cases[i].file))
			continue;
		got = describe(calendar, expand_cases[i].from,
		    expand_cases[i].to, &truncated);
		is_str(got, expand_cases[i].want, "expand %zu: %s %s..%s", i,
		    expand_cases[i].file, expand_cases[i].from,
		    expand_cases[i].to);
		ok(!truncated, "expand %zu: not truncated", i);
		calendar_free(calendar);
	}
}

static const struct {
	const char *file;		/* NULL: write text to a temp file */
	const char *text;
	int code;
	const char *want;		/* after "path: " */
} load_error_cases[] = {
	{ "not-icalendar.html", NULL, LB_ERROR_CONFIG,
	  "not an iCalendar file (no BEGIN:VCALENDAR at the start)" },
	{ "truncated.ics", NULL, LB_ERROR_CONFIG,
	  "not an iCalendar file (cut short: no END:VCALENDAR at the end)" },
	{ "missing.ics", NULL, LB_ERROR_CONFIG,
	  "No such file or directory" },
	{ NULL, "", LB_ERROR_CONFIG, "not an iCalendar file (empty)" },
	{ NULL, "BEGIN:VCALENDAR\nEND:VCALENDAR\n", -1, NULL },
	{ NULL, "\xef\xbb\xbf\r\n  BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n\r\n",
	  -1, NULL },
	{ NULL, "BEGIN:VCALENDAR\nBEGIN:VEVENT\nEND:VCALENDAR\n",
	  LB_ERROR_CONFIG, "not an iCalendar file (libical cannot parse it)" },
	{ NULL, "BEGIN:VCALENDAR\nEND:VCALENDAR\nBEGIN:VEVENT\n"
	  "DTSTART:20260101T000000Z\nEND:VEVENT\nEND:VCALENDAR\n",
	  LB_ERROR_CONFIG, "not an iCalendar file (not one VCALENDAR)" },
};

static void
test_load_errors(const char *tmp)
{
	for (size_t i = 0; i < G_N_ELEMENTS(load_error_cases); i++) {
		g_autofree char *path = NULL;
		g_autofree char *want = NULL;
		g_autoptr(GError) error = NULL;
		struct calendar *calendar;

		if (load_error_cases[i].file != NULL) {
			path = data_path(load_error_cases[i].file);
		} else {
			path = g_build_filename(tmp, "case.ics", NULL);
			g_file_set_contents(path, load_error_cases[i].text, -1,
			    NULL);
		}
		calendar = calendar_load_file(path, &error);
		if (load_error_cases[i].want == NULL) {
			ok(calendar != NULL && error == NULL,
			    "load %zu: accepted", i);
			calendar_free(calendar);
			continue;
		}
		want = g_strdup_printf("%s: %s", path,
		    load_error_cases[i].want);
		ok(calendar == NULL && g_error_matches(error, LB_ERROR,
		    load_error_cases[i].code), "load %zu: error code", i);
		is_str(error != NULL ? error->message : NULL, want,
		    "load %zu: message", i);
	}
}

/* In memory: NUL bytes refused, several VCALENDARs in one stream used. */
static void
test_load_data(void)
{
	static const char with_nul[] = "BEGIN:VCALENDAR\n\0\nEND:VCALENDAR\n";
	static const char two[] =
	    "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:a\nDTSTART:20260101T100000Z\n"
	    "SUMMARY:First\nEND:VEVENT\nEND:VCALENDAR\n"
	    "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:b\nDTSTART:20260102T100000Z\n"
	    "SUMMARY:Second\nEND:VEVENT\nEND:VCALENDAR\n";
	g_autoptr(GError) error = NULL;
	g_autofree char *got = NULL;
	struct calendar *calendar;

	calendar = calendar_load_data("memory", with_nul, sizeof(with_nul) - 1,
	    &error);
	ok(calendar == NULL, "NUL bytes refused");
	is_str(error ? error->message : NULL,
	    "memory: not an iCalendar file (contains NUL bytes)",
	    "NUL bytes: message");

	calendar = calendar_load_data("two", two, strlen(two), NULL);
	if (!ok(calendar != NULL, "two VCALENDARs in one stream load"))
		return;
	is_int(calendar_event_count(calendar), 2, "two events counted");
	is_str(calendar_name(calendar), "two", "name kept");
	got = describe(calendar, "2026-01-01T00:00Z", "2026-01-03T00:00Z",
	    NULL);
	is_str(got, "2026-01-01T10:00Z 2026-01-01T10:00Z First\n"
	    "2026-01-02T10:00Z 2026-01-02T10:00Z Second\n",
	    "events of both VCALENDARs expanded");
	calendar_free(calendar);
}

/* A VTIMEZONE libical would expand for ever is dropped, and the system
 * zone of the same name used; a sane custom one is used as written. */
static void
test_hostile_zones(void)
{
	static const char text[] =
	    "BEGIN:VCALENDAR\n"
	    "BEGIN:VTIMEZONE\nTZID:America/New_York\n"
	    "BEGIN:DAYLIGHT\nTZOFFSETFROM:+0900\nTZOFFSETTO:+0900\n"
	    "DTSTART:16010101T000000\nRRULE:FREQ=SECONDLY\nEND:DAYLIGHT\n"
	    "END:VTIMEZONE\n"
	    "BEGIN:VTIMEZONE\nTZID:Custom Zone\n"
	    "BEGIN:STANDARD\nTZOFFSETFROM:+0530\nTZOFFSETTO:+0530\n"
	    "DTSTART:19700101T000000\nEND:STANDARD\nEND:VTIMEZONE\n"
	    "BEGIN:VEVENT\nUID:a\nDTSTART;TZID=America/New_York:"
	    "20260312T100000\nSUMMARY:New York\nEND:VEVENT\n"
	    "BEGIN:VEVENT\nUID:b\nDTSTART;TZID=Custom Zone:20260312T100000\n"
	    "SUMMARY:Custom\nEND:VEVENT\n"
	    "END:VCALENDAR\n";
	g_autofree char *got = NULL;
	struct calendar *calendar;
	gint64 before = g_get_monotonic_time();

	calendar = calendar_load_data("zones", text, strlen(text), NULL);
	if (!ok(calendar != NULL, "hostile zones: loads"))
		return;
	got = describe(calendar, "2026-03-12T00:00Z", "2026-03-13T00:00Z",
	    NULL);
	is_str(got, "2026-03-12T04:30Z 2026-03-12T04:30Z Custom\n"
	    "2026-03-12T14:00Z 2026-03-12T14:00Z New York\n",
	    "hostile zones: system New York, custom +05:30");
	ok(quick(before), "hostile zones: quick");
	calendar_free(calendar);
}

static struct calendar *
load_text(const char *text)
{
	g_autoptr(GError) error = NULL;
	struct calendar *calendar;

	calendar = calendar_load_data("generated", text, strlen(text), &error);
	if (calendar == NULL)
		diag("%s", error->message);
	return calendar;
}

static guint
count_instances(const struct calendar *calendar, const char *from,
    const char *to, bool *truncated)
{
	GArray *instances = calendar_expand(calendar, utc(from), utc(to),
	    truncated);
	guint count = instances->len;

	g_array_unref(instances);
	return count;
}

/* Every cap is reached by some feed; none makes us hang. */
static void
test_limits(void)
{
	static const struct {
		const char *rule;
		const char *start;
		guint want;
		bool truncated;
	} cases[] = {
		/* 1000 instances of an hourly rule, then cut. */
		{ "FREQ=HOURLY", "20260101T000000Z", 1000, true },
		/* More than 100000 steps before the window. */
		{ "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,"
		  "17,18,19,20,21,22,23;BYMINUTE=0,15,30,45",
		  "20200101T000000Z", 0, true },
		/* Never matches: UNTIL at the window end stops libical. */
		{ "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "19000101T000000Z", 0,
		  false },
		{ "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", "20220101T000000Z", 0,
		  false },
		/* Too many periods from DTSTART: not stepped at all. */
		{ "FREQ=DAILY;COUNT=1000000", "17000101T000000Z", 0, true },
		{ "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", "20190101T000000Z", 0,
		  true },
		{ "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "00010101T000000Z", 0,
		  false },
		{ "FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", "00010101T000000Z", 0,
		  true },
		{ "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "00010101T000000Z", 0,
		  true },
		{ "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31", "20200101T000000Z", 0,
		  false },
		{ "FREQ=MINUTELY", "20260101T000000Z", 1, false },
		{ "FREQ=WEEKLY;INTERVAL=1;COUNT=2147483647", "20000106T120000Z",
		  53, false },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *text = g_strdup_printf("BEGIN:VCALENDAR\n"
		    "BEGIN:VEVENT\nUID:y\nDTSTART:20260601T000000Z\n"
		    "END:VEVENT\n"
		    "BEGIN:VEVENT\nUID:x\nDTSTART:%s\nRRULE:%s\nEND:VEVENT\n"
		    "END:VCALENDAR\n", cases[i].start, cases[i].rule);
		struct calendar *calendar = load_text(text);
		gint64 before = g_get_monotonic_time();
		bool truncated = false, out_of_time;
		guint count;

		if (!ok(calendar != NULL, "limit %zu: loads", i))
			continue;
		count = count_instances(calendar, "2026-01-01T00:00Z",
		    "2027-01-01T00:00Z", &truncated);
		/* Running out of time (valgrind) may cut anything short. */
		out_of_time = g_get_monotonic_time() - before >
		    CALENDAR_MAX_EXPAND_USEC;
		/* The single event "y" is always there. */
		if (out_of_time)
			ok(count >= 1 && count <= cases[i].want + 1,
			    "limit %zu: %s: out of time, no more", i,
			    cases[i].rule);
		else
			is_int(count, cases[i].want + 1, "limit %zu: %s: "
			    "instances", i, cases[i].rule);
		ok(truncated == cases[i].truncated || out_of_time,
		    "limit %zu: truncated %d", i, cases[i].truncated);
		ok(quick(before), "limit %zu: quick", i);
		calendar_free(calendar);
	}
}

static void
test_window_cap(void)
{
	struct calendar *calendar = load("weekly-exdate.ics");
	GArray *instances;
	bool truncated = false;
	gint64 from = utc("2026-01-01T00:00Z");

	if (!ok(calendar != NULL, "window cap: loads"))
		return;
	instances = calendar_expand(calendar, from,
	    from + 10 * CALENDAR_MAX_WINDOW, &truncated);
	ok(truncated, "window cap: a ten-times window is cut");
	ok(instances->len > 0 && g_array_index(instances,
	    struct calendar_instance, instances->len - 1).start <
	    from + CALENDAR_MAX_WINDOW, "window cap: nothing beyond the cap");
	g_array_unref(instances);
	instances = calendar_expand(calendar, from, from, &truncated);
	ok(instances->len == 0 && !truncated, "empty window: nothing");
	g_array_unref(instances);
	calendar_free(calendar);
}

static void
set_mtime(const char *path, gint64 when)
{
	struct utimbuf times = { .actime = when, .modtime = when };

	g_utime(path, &times);
}

static char *
first_summary(const struct calendar *calendar)
{
	GArray *instances = calendar_expand(calendar, utc("2026-01-01T00:00Z"),
	    utc("2026-12-31T00:00Z"), NULL);
	char *summary = instances->len > 0 ? g_strdup(g_array_index(instances,
	    struct calendar_instance, 0).summary) : NULL;

	g_array_unref(instances);
	return summary;
}

static void
copy_data(const char *name, const char *to)
{
	g_autofree char *path = data_path(name);
	g_autofree char *text = NULL;
	gsize length;

	g_file_get_contents(path, &text, &length, NULL);
	g_file_set_contents(to, text, (gssize)length, NULL);
}

static bool
same_contents(const char *a_path, const char *b_path)
{
	g_autofree char *a = NULL, *b = NULL;

	return g_file_get_contents(a_path, &a, NULL, NULL) &&
	    g_file_get_contents(b_path, &b, NULL, NULL) && strcmp(a, b) == 0;
}

/* One step of the cache story: load, then what we expect. */
static void
cache_step(const char *label, const char *url, const char *cache,
    gint64 refresh, const char *want_summary, bool want_warning)
{
	g_autoptr(GError) warning = NULL;
	g_autoptr(GError) error = NULL;
	g_autofree char *summary = NULL;
	struct calendar *calendar;

	calendar = calendar_load(url, cache, refresh, &warning, &error);
	if (!ok(calendar != NULL, "%s: loads", label)) {
		diag("%s", error->message);
		return;
	}
	summary = first_summary(calendar);
	is_str(summary, want_summary, "%s: content", label);
	ok((warning != NULL) == want_warning, "%s: warning %s", label,
	    want_warning ? "given" : "none");
	if (warning != NULL)
		diag("warning: %s", warning->message);
	calendar_free(calendar);
}

static void
test_url_cache(const char *tmp)
{
	g_autofree char *source = g_build_filename(tmp, "feed.ics", NULL);
	g_autofree char *cache = g_build_filename(tmp, "feed.cache", NULL);
	g_autofree char *url = g_filename_to_uri(source, NULL, NULL);
	g_autofree char *bad_cache = g_build_filename(tmp, "no-such-dir",
	    "feed.cache", NULL);
	g_autoptr(GError) warning = NULL;
	g_autoptr(GError) error = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	struct calendar *calendar;

	copy_data("weekly-exdate.ics", source);
	cache_step("first fetch", url, cache, 3600, "IESG Formal Telechat",
	    false);
	ok(same_contents(source, cache), "first fetch: cache written");

	/* The source changes; a fresh cache is used without a transfer. */
	copy_data("moved.ics", source);
	cache_step("fresh cache", url, cache, 3600, "IESG Formal Telechat",
	    false);

	/* Stale: fetched again and the cache replaced. */
	set_mtime(cache, now - 7200);
	cache_step("stale cache", url, cache, 3600, "IAB Business Meeting",
	    false);
	ok(same_contents(source, cache), "stale cache: cache replaced");

	/* Source gone: the stale cache is kept, with a warning. */
	set_mtime(cache, now - 7200);
	g_unlink(source);
	calendar = calendar_load(url, cache, 3600, &warning, &error);
	ok(calendar != NULL && error == NULL, "source gone: cache used");
	ok(g_error_matches(warning, LB_ERROR, LB_ERROR_TEMPORARY) &&
	    strstr(warning->message, ": fetch failed: ") != NULL &&
	    strstr(warning->message, "; using the copy cached ") != NULL,
	    "source gone: temporary warning names the failure and the cache");
	ok(calendar != NULL && calendar_fetched_at(calendar) == now - 7200,
	    "source gone: dated by the cache");
	calendar_free(calendar);
	g_clear_error(&warning);

	/* Source answers with a web page: the cache is not overwritten. */
	copy_data("not-icalendar.html", source);
	cache_step("not iCalendar", url, cache, 3600, "IAB Business Meeting",
	    true);
	ok(!same_contents(source, cache), "not iCalendar: cache kept");

	/* refresh 0 fetches every time; an unwritable cache warns. */
	copy_data("cancelled.ics", source);
	cache_step("refresh 0", url, cache, 0, "IESG Formal Telechat", false);
	cache_step("unwritable cache", url, bad_cache, 3600,
	    "IESG Formal Telechat", true);

	/* Without a cache, failures are errors. */
	copy_data("not-icalendar.html", source);
	calendar = calendar_load(url, NULL, 3600, &warning, &error);
	ok(calendar == NULL && g_error_matches(error, LB_ERROR,
	    LB_ERROR_CONFIG), "no cache, web page: config error");
	g_clear_error(&error);
	g_unlink(source);
	calendar = calendar_load(url, bad_cache, 3600, &warning, &error);
	ok(calendar == NULL && g_error_matches(error, LB_ERROR,
	    LB_ERROR_TEMPORARY), "no cache, source gone: temporary error");
	if (error != NULL)
		diag("%s", error->message);
	g_clear_error(&error);

	calendar = calendar_load("ftp://user:secret@example.org/cal.ics",
	    NULL, 3600, NULL, &error);
	is_str(error != NULL ? error->message : NULL,
	    "ftp://example.org/...: unsupported URL scheme (expected https, "
	    "http or file)", "ftp: refused without showing the secret");
	g_unlink(cache);
}

static void
test_url_name(void)
{
	static const struct {
		const char *url, *want;
	} cases[] = {
		{ "https://calendar.example.org/private-1234abcd/basic.ics",
		  "https://calendar.example.org/..." },
		{ "http://user:pw@example.org:8080/a.ics?key=secret",
		  "http://example.org:8080/..." },
		{ "file:///var/lib/liaisonbot/iab.ics",
		  "file:///var/lib/liaisonbot/iab.ics" },
		{ "https://", "(calendar URL)" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *name = calendar_url_name(cases[i].url);

		is_str(name, cases[i].want, "url name %zu", i);
	}
}

int
main(void)
{
	const char *srcdir = g_getenv("LIAISONBOT_SRCDIR");
	g_autofree char *tmp = g_dir_make_tmp("test_calendar-XXXXXX", NULL);

	data_dir = g_build_filename(srcdir != NULL ? srcdir : ".", "tests",
	    "data", "calendar", NULL);
	test_expand();
	test_load_errors(tmp);
	test_load_data();
	test_hostile_zones();
	test_limits();
	test_window_cap();
	test_url_cache(tmp);
	test_url_name();

	g_autofree char *leftover = g_build_filename(tmp, "case.ics", NULL);
	g_unlink(leftover);
	g_rmdir(tmp);
	g_free(data_dir);
	return done_testing();
}

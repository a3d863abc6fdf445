/* test_schedule.c: schedule rules, their errors, and next/previous fire
 * times from fixed moments, with and without a calendar. Times were worked
 * out by hand and checked with `date -u -d 'TZ="zone" local time'`. */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "calendar.h"
#include "error.h"
#include "schedule.h"
#include "tap.h"
#include "utc_time.h"

#define MAX_RULES 4

typedef bool (*find_fn)(const struct schedule *, const struct calendar *,
    gint64, gint64 *, const char **, GError **);

/* One fire time; want NULL means "nothing due", a temporary error. */
static void
check_time(const char *label, const char *what, find_fn find,
    const struct schedule *schedule, const struct calendar *calendar,
    const char *around, const char *want, const char *want_rule)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *got = NULL;
	const char *rule = NULL;
	gint64 when = 0;

	if (find(schedule, calendar, utc(around), &when, &rule, &error))
		got = format_utc(when);
	is_str(got, want, "%s: %s from %s", label, what, around);
	if (want != NULL)
		is_str(rule, want_rule, "%s: %s rule", label, what);
	else
		ok(g_error_matches(error, LB_ERROR, LB_ERROR_TEMPORARY),
		    "%s: no %s is a temporary error", label, what);
}

/* Fire times: clock rules, then meeting rules against
 * tests/data/calendar/iab-iesg.ics. */
static const struct {
	const char *rules[MAX_RULES];
	const char *iab_pattern;
	const char *after;
	const char *next, *next_rule;
	const char *previous, *previous_rule;
} time_cases[] = {
	/* 2026-11-23 is a Monday. */
	{ { "thu 18:00 UTC" }, NULL, "2026-11-23T09:00Z",
	  "2026-11-26T18:00Z", "thu 18:00 UTC",
	  "2026-11-19T18:00Z", "thu 18:00 UTC" },
	{ { "  thu\t18:00  " }, NULL, "2026-11-23T09:00Z",
	  "2026-11-26T18:00Z", "thu 18:00",
	  "2026-11-19T18:00Z", "thu 18:00" },
	{ { "Thursday 18:00 utc" }, NULL, "2026-11-23T09:00Z",
	  "2026-11-26T18:00Z", "Thursday 18:00 utc",
	  "2026-11-19T18:00Z", "Thursday 18:00 utc" },
	/* Strictly after; at or before. */
	{ { "MON 09:00" }, NULL, "2026-11-23T09:00Z",
	  "2026-11-30T09:00Z", "MON 09:00",
	  "2026-11-23T09:00Z", "MON 09:00" },
	{ { "daily 07:30 Europe/Berlin" }, NULL, "2026-11-23T09:00Z",
	  "2026-11-24T06:30Z", "daily 07:30 Europe/Berlin",
	  "2026-11-23T06:30Z", "daily 07:30 Europe/Berlin" },
	/* Local dates differ from the UTC date. */
	{ { "fri 23:30 Asia/Tokyo" }, NULL, "2026-11-23T09:00Z",
	  "2026-11-27T14:30Z", "fri 23:30 Asia/Tokyo",
	  "2026-11-20T14:30Z", "fri 23:30 Asia/Tokyo" },
	{ { "tue 00:15 Pacific/Auckland" }, NULL, "2026-11-23T09:00Z",
	  "2026-11-23T11:15Z", "tue 00:15 Pacific/Auckland",
	  "2026-11-16T11:15Z", "tue 00:15 Pacific/Auckland" },
	/* DST gap: 02:30 does not exist on 8 March; it fires when the gap
	 * ends, at 03:00 EDT, as cron would. */
	{ { "sun 02:30 America/New_York" }, NULL, "2026-03-02T00:00Z",
	  "2026-03-08T07:00Z", "sun 02:30 America/New_York",
	  "2026-03-01T07:30Z", "sun 02:30 America/New_York" },
	/* 01:30 occurs twice on 1 November: once, in standard time. */
	{ { "sun 01:30 America/New_York" }, NULL, "2026-10-26T00:00Z",
	  "2026-11-01T06:30Z", "sun 01:30 America/New_York",
	  "2026-10-25T05:30Z", "sun 01:30 America/New_York" },
	{ { "sun 01:30 America/New_York" }, NULL, "2026-11-01T06:00Z",
	  "2026-11-01T06:30Z", "sun 01:30 America/New_York",
	  "2026-10-25T05:30Z", "sun 01:30 America/New_York" },
	/* Several rules: the earliest (latest) wins, a tie the first. */
	{ { "thu 18:00 UTC", "daily 07:30 Europe/Berlin" }, NULL,
	  "2026-11-23T09:00Z",
	  "2026-11-24T06:30Z", "daily 07:30 Europe/Berlin",
	  "2026-11-23T06:30Z", "daily 07:30 Europe/Berlin" },
	{ { "daily 18:00", "thu 18:00 UTC" }, NULL, "2026-11-25T19:00Z",
	  "2026-11-26T18:00Z", "daily 18:00",
	  "2026-11-25T18:00Z", "daily 18:00" },
	{ { "thu 18:00 UTC", "daily 18:00" }, NULL, "2026-11-26T18:00Z",
	  "2026-11-27T18:00Z", "daily 18:00",
	  "2026-11-26T18:00Z", "thu 18:00 UTC" },
	/* IAB meetings: 11 Nov 18-20Z, 18 Nov 18-19Z (informal), 25 Nov
	 * cancelled, 9 Dec moved to 10 Dec 18-20Z, 23 Dec. IESG: 22 Oct
	 * 14-16Z (PDT), 5 Nov 15-17Z, 12 Nov 15-16Z (informal), 19 Nov,
	 * 3 Dec, 17 Dec 15-17Z. */
	{ { "before-iab 24h" }, NULL, "2026-11-23T09:00Z",
	  "2026-12-09T18:00Z", "before-iab 24h",
	  "2026-11-17T18:00Z", "before-iab 24h" },
	{ { "after-iab 1h30m" }, NULL, "2026-11-23T09:00Z",
	  "2026-12-10T21:30Z", "after-iab 1h30m",
	  "2026-11-18T20:30Z", "after-iab 1h30m" },
	{ { "before-iesg 1d" }, NULL, "2026-11-23T09:00Z",
	  "2026-12-02T15:00Z", "before-iesg 1d",
	  "2026-11-18T15:00Z", "before-iesg 1d" },
	{ { "after-iesg 2h" }, NULL, "2026-11-23T09:00Z",
	  "2026-12-03T19:00Z", "after-iesg 2h",
	  "2026-11-19T19:00Z", "after-iesg 2h" },
	/* Strictly after a fire time; at or before it. */
	{ { "after-iesg 2h" }, NULL, "2026-12-03T19:00Z",
	  "2026-12-17T19:00Z", "after-iesg 2h",
	  "2026-12-03T19:00Z", "after-iesg 2h" },
	/* The summer-time telechat on 22 October, 14:00Z. */
	{ { "before-iesg 0m" }, NULL, "2026-10-21T00:00Z",
	  "2026-10-22T14:00Z", "before-iesg 0m",
	  NULL, NULL },
	{ { "before-iab 24h", "after-iesg 2h", "thu 18:00 UTC" }, NULL,
	  "2026-11-23T09:00Z",
	  "2026-11-26T18:00Z", "thu 18:00 UTC",
	  "2026-11-19T19:00Z", "after-iesg 2h" },
	/* Another pattern picks the all-day retreat (midnight UTC). */
	{ { "before-iab 0m" }, "^iab retreat$", "2026-11-23T09:00Z",
	  "2026-12-01T00:00Z", "before-iab 0m",
	  NULL, NULL },
};

/* Whether a rule list has a meeting rule, told from the words. */
static bool
has_meeting_rule(const char *const *rules)
{
	for (; *rules != NULL; rules++)
		if (strstr(*rules, "before-") != NULL ||
		    strstr(*rules, "after-") != NULL)
			return true;
	return false;
}

static void
test_fire_times(const struct calendar *calendar)
{
	for (size_t i = 0; i < G_N_ELEMENTS(time_cases); i++) {
		struct schedule_config config = {
			.rules = time_cases[i].rules,
			.iab_pattern = time_cases[i].iab_pattern,
			.have_calendar = true,
		};
		g_autoptr(GError) error = NULL;
		g_autofree char *label = g_strdup_printf("times %zu (%s)", i,
		    time_cases[i].rules[0]);
		struct schedule *schedule = schedule_new(&config, &error);

		if (!ok(schedule != NULL, "%s: parses", label)) {
			diag("%s", error->message);
			continue;
		}
		ok(schedule_needs_calendar(schedule) ==
		    has_meeting_rule(time_cases[i].rules),
		    "%s: needs the calendar or not", label);
		check_time(label, "next", schedule_next, schedule, calendar,
		    time_cases[i].after, time_cases[i].next,
		    time_cases[i].next_rule);
		check_time(label, "previous", schedule_previous, schedule,
		    calendar, time_cases[i].after, time_cases[i].previous,
		    time_cases[i].previous_rule);
		schedule_free(schedule);
	}
}

/* Meeting rules without a loaded calendar: the clock rules still fire,
 * and "nothing due" says why. */
static void
test_missing_calendar(const struct calendar *calendar)
{
	static const char *const meeting_only[] = { "before-iab 24h", NULL };
	static const char *const mixed[] = { "before-iab 24h", "fri 12:00",
	    NULL };
	struct schedule_config config = {
		.rules = meeting_only, .have_calendar = true,
		.iab_pattern = "no such meeting",
	};
	g_autoptr(GError) error = NULL;
	struct schedule *schedule;
	const char *rule = NULL;
	gint64 when = 0;

	schedule = schedule_new(&config, NULL);
	ok(!schedule_next(schedule, NULL, utc("2026-11-23T09:00Z"), &when,
	    &rule, &error), "no calendar: nothing due");
	is_str(error != NULL ? error->message : NULL, "schedule: nothing due "
	    "in the 366 days after 2026-11-23 09:00 UTC (the calendar is not "
	    "loaded)", "no calendar: message");
	g_clear_error(&error);
	ok(!schedule_previous(schedule, calendar, utc("2026-11-23T09:00Z"),
	    &when, &rule, &error), "no match: nothing was due");
	is_str(error != NULL ? error->message : NULL, "schedule: nothing was "
	    "due in the 366 days up to 2026-11-23 09:00 UTC (no matching "
	    "meeting in the calendar)", "no match: message");
	ok(!schedule_previous(schedule, calendar, utc("2026-11-23T09:00Z"),
	    &when, NULL, NULL), "NULL rule and error are fine");
	schedule_free(schedule);

	config.rules = mixed;
	schedule = schedule_new(&config, NULL);
	ok(schedule_next(schedule, NULL, utc("2026-11-23T09:00Z"), &when,
	    &rule, NULL) && when == utc("2026-11-27T12:00Z") &&
	    strcmp(rule, "fri 12:00") == 0, "no calendar: clock rule fires");
	schedule_free(schedule);
}

static const struct {
	const char *rules[MAX_RULES];
	bool have_calendar;
	const char *iab_pattern, *iesg_pattern, *origin;
	const char *want;		/* whole message, or prefix with '*' */
} invalid_cases[] = {
	{ { NULL }, false, NULL, NULL, NULL,
	  "schedule: expected at least one rule like \"thu 18:00 UTC\" or "
	  "\"before-iab 24h\"" },
	{ { " \t " }, false, NULL, NULL, NULL,
	  "schedule: rule 1 \"\": expected a rule like \"thu 18:00 UTC\" or "
	  "\"before-iab 24h\"" },
	{ { "noon 12:00" }, false, NULL, NULL, NULL,
	  "schedule: rule 1 \"noon 12:00\": expected a day (mon to sun), "
	  "daily, before-iab, after-iab, before-iesg or after-iesg, got "
	  "\"noon\"" },
	{ { "th 18:00" }, false, NULL, NULL, NULL,
	  "schedule: rule 1 \"th 18:00\": expected a day (mon to sun), daily, "
	  "before-iab, after-iab, before-iesg or after-iesg, got \"th\"" },
	{ { "thu" }, false, NULL, NULL, NULL,
	  "schedule: rule 1 \"thu\": expected a time HH:MM after \"thu\"" },
	{ { "daily 6pm" }, false, NULL, NULL, NULL,
	  "schedule: rule 1 \"daily 6pm\": expected a time HH:MM (00:00 to "
	  "23:59), got \"6pm\"" },
	{ { "thu 24:00" }, false, NULL, NULL, NULL,
	  "schedule: rule 1 \"thu 24:00\": expected a time HH:MM (00:00 to "
	  "23:59), got \"24:00\"" },
	{ { "thu 9:00" }, false, NULL, NULL, NULL,
	  "schedule: rule 1 \"thu 9:00\": expected a time HH:MM (00:00 to "
	  "23:59), got \"9:00\"" },
	{ { "thu 18:60" }, false, NULL, NULL, NULL,
	  "schedule: rule 1 \"thu 18:60\": expected a time HH:MM (00:00 to "
	  "23:59), got \"18:60\"" },
	{ { "thu 18:00 Mars/Olympus" }, false, NULL, NULL, NULL,
	  "schedule: rule 1 \"thu 18:00 Mars/Olympus\": expected UTC or a "
	  "time zone name like Europe/Berlin, got \"Mars/Olympus\"" },
	{ { "thu 18:00 EST5EDT,M3.2.0,M11.1.0" }, false, NULL, NULL, NULL,
	  "schedule: rule 1 \"thu 18:00 EST5EDT,M3.2.0,M11.1.0\": expected "
	  "UTC or a time zone name like Europe/Berlin, got "
	  "\"EST5EDT,M3.2.0,M11.1.0\"" },
	{ { "thu 18:00 /etc/localtime" }, false, NULL, NULL, NULL,
	  "schedule: rule 1 \"thu 18:00 /etc/localtime\": expected UTC or a "
	  "time zone name like Europe/Berlin, got \"/etc/localtime\"" },
	{ { "thu 18:00 UTC now" }, false, NULL, NULL, NULL,
	  "schedule: rule 1 \"thu 18:00 UTC now\": unexpected \"now\" after "
	  "the time zone" },
	{ { "before-iab" }, true, NULL, NULL, NULL,
	  "schedule: rule 1 \"before-iab\": expected a duration like 24h, 90m, "
	  "1d or 2h30m after \"before-iab\"" },
	{ { "before-iab 24x" }, true, NULL, NULL, NULL,
	  "schedule: rule 1 \"before-iab 24x\": expected a duration like 24h, "
	  "90m, 1d or 2h30m, got \"24x\"" },
	{ { "after-iesg 30m2h" }, true, NULL, NULL, NULL,
	  "schedule: rule 1 \"after-iesg 30m2h\": expected a duration like "
	  "24h, 90m, 1d or 2h30m, got \"30m2h\"" },
	{ { "after-iab h" }, true, NULL, NULL, NULL,
	  "schedule: rule 1 \"after-iab h\": expected a duration like 24h, "
	  "90m, 1d or 2h30m, got \"h\"" },
	{ { "before-iesg -1h" }, true, NULL, NULL, NULL,
	  "schedule: rule 1 \"before-iesg -1h\": expected a duration like "
	  "24h, 90m, 1d or 2h30m, got \"-1h\"" },
	{ { "before-iab 30d1m" }, true, NULL, NULL, NULL,
	  "schedule: rule 1 \"before-iab 30d1m\": expected a duration of at "
	  "most 30d, got \"30d1m\"" },
	{ { "before-iab 24h daily" }, true, NULL, NULL, NULL,
	  "schedule: rule 1 \"before-iab 24h daily\": unexpected \"daily\" "
	  "after the duration" },
	{ { "before-ietf 24h" }, true, NULL, NULL, NULL,
	  "schedule: rule 1 \"before-ietf 24h\": expected a day (mon to sun), "
	  "daily, before-iab, after-iab, before-iesg or after-iesg, got "
	  "\"before-ietf\"" },
	{ { "thu 18:00", "after-iesg 2h" }, false, NULL, NULL, NULL,
	  "schedule: rule 2 \"after-iesg 2h\": needs a calendar ([digest] "
	  "calendar is not set)" },
	{ { "thu 18:00" }, false, "IAB (", NULL, NULL,
	  "*iab_meeting_pattern: not a valid regular expression: " },
	{ { "thu 18:00" }, false, NULL, "", NULL,
	  "iesg_meeting_pattern: expected a regular expression, got an empty "
	  "one" },
	/* Every problem, one line each, with the origin. */
	{ { "thu 25:00", "daily 07:00", "before-iab 1w" }, true, NULL, "[",
	  "/etc/liaisonbot.conf",
	  "*/etc/liaisonbot.conf: schedule: rule 1 \"thu 25:00\": expected a "
	  "time HH:MM (00:00 to 23:59), got \"25:00\"\n"
	  "/etc/liaisonbot.conf: schedule: rule 3 \"before-iab 1w\": expected "
	  "a duration like 24h, 90m, 1d or 2h30m, got \"1w\"\n"
	  "/etc/liaisonbot.conf: iesg_meeting_pattern: not a valid regular "
	  "expression: " },
};

static void
test_invalid(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(invalid_cases); i++) {
		struct schedule_config config = {
			.rules = invalid_cases[i].rules,
			.have_calendar = invalid_cases[i].have_calendar,
			.iab_pattern = invalid_cases[i].iab_pattern,
			.iesg_pattern = invalid_cases[i].iesg_pattern,
			.origin = invalid_cases[i].origin,
		};
		const char *want = invalid_cases[i].want;
		g_autoptr(GError) error = NULL;
		struct schedule *schedule = schedule_new(&config, &error);

		ok(schedule == NULL && g_error_matches(error, LB_ERROR,
		    LB_ERROR_CONFIG), "invalid %zu: config error", i);
		if (error == NULL) {
			schedule_free(schedule);
			continue;
		}
		if (want[0] == '*') {
			if (!ok(g_str_has_prefix(error->message, want + 1),
			    "invalid %zu: message starts right", i))
				diag("got: %s", error->message);
		} else {
			is_str(error->message, want, "invalid %zu: message", i);
		}
	}
}

int
main(void)
{
	const char *srcdir = g_getenv("LIAISONBOT_SRCDIR");
	g_autofree char *path = g_build_filename(srcdir != NULL ? srcdir : ".",
	    "tests", "data", "calendar", "iab-iesg.ics", NULL);
	g_autoptr(GError) error = NULL;
	struct calendar *calendar;

	test_invalid();
	calendar = calendar_load_file(path, &error);
	if (ok(calendar != NULL, "iab-iesg.ics loads")) {
		test_fire_times(calendar);
		test_missing_calendar(calendar);
		calendar_free(calendar);
	} else {
		diag("%s", error->message);
	}
	return done_testing();
}

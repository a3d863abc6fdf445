/* calendar.h: an iCalendar feed (file or URL) and its meetings as UTC
 * instances within a time window. Parsing and time zones are libical's;
 * fetching is libcurl's. Nothing here trusts the feed: sizes, windows,
 * instances and time spent are capped, and TZIDs never name files. */
#ifndef LIAISONBOT_CALENDAR_H
#define LIAISONBOT_CALENDAR_H

#include <stdbool.h>

#include <glib.h>

/* Limits against hostile or broken feeds. */
#define CALENDAR_MAX_BYTES (32 * 1024 * 1024)	/* file or download */
#define CALENDAR_MAX_WINDOW ((gint64)2 * 366 * 86400) /* expand window */
#define CALENDAR_MAX_DURATION ((gint64)31 * 86400) /* longer events cut */
#define CALENDAR_MAX_INSTANCES_PER_EVENT 1000	/* in one window */
#define CALENDAR_MAX_INSTANCES 100000		/* in one window, all events */
#define CALENDAR_MAX_STEPS_PER_EVENT 100000	/* rule steps from DTSTART */
#define CALENDAR_MAX_EXPAND_USEC (3 * G_USEC_PER_SEC) /* one expansion */

struct calendar;

/* One occurrence of an event. Strings are owned by the array element. */
struct calendar_instance {
	gint64 start;		/* UTC seconds since the epoch */
	gint64 end;		/* >= start; DTEND, DURATION, or start
				   (a day later for all-day events) */
	bool all_day;		/* DTSTART was a DATE */
	char *summary;		/* SUMMARY, "" when absent */
	char *uid;		/* UID, "" when absent */
};

/* Parse an iCalendar text already in memory (need not be NUL-terminated).
 * name appears in error messages. A text that is not iCalendar at all, or
 * is cut short before END:VCALENDAR, is LB_ERROR_CONFIG
 * "name: not an iCalendar file (why)". Broken events inside a good file
 * are skipped when expanding, not reported as errors. */
struct calendar *calendar_load_data(const char *name, const char *data,
    gsize length, GError **error);

/* Load a local file: LB_ERROR_CONFIG when it cannot be read or is not
 * iCalendar. */
struct calendar *calendar_load_file(const char *path, GError **error);

/* Load source, which is a local path or an https://, http:// or file://
 * URL (fetched with libcurl; redirects only to http and https).
 *
 * For a URL, cache_path (may be NULL: no cache) keeps the last good copy.
 * When the cache is younger than refresh seconds it is used without a
 * transfer. Otherwise the URL is fetched; a good result replaces the cache
 * (atomically, mode 0600). When the fetch fails or returns something that
 * is not iCalendar but a good cached copy exists, that copy is returned and
 * *warning (may be NULL) says what failed: the schedule is never lost to a
 * flaky server. A failed cache write is a warning too.
 *
 * Errors (NULL returned): transfer failure without a usable cache is
 * LB_ERROR_TEMPORARY; content that is not iCalendar without a usable
 * cache, or an unreadable local file, is LB_ERROR_CONFIG. URLs in messages
 * keep only scheme and host: calendar URLs often carry access tokens.
 * Blocks for the transfer (timeouts: 30 s to connect, 120 s in all). */
struct calendar *calendar_load(const char *source, const char *cache_path,
    gint64 refresh, GError **warning, GError **error);

void calendar_free(struct calendar *calendar);

/* When the data was retrieved: the cache file's time for a cached copy,
 * else the load time (UTC seconds). A daemon refreshes at this plus the
 * refresh interval. */
gint64 calendar_fetched_at(const struct calendar *calendar);

/* The name used in messages (path, or URL reduced to scheme and host). */
const char *calendar_name(const struct calendar *calendar);

/* Number of VEVENT components, for log lines. */
guint calendar_event_count(const struct calendar *calendar);

/* Instances overlapping [from, to): start < to, and end > from (or start
 * >= from for instances without duration). Sorted by start, then summary.
 * Returns a GArray of struct calendar_instance that frees its elements;
 * release it with g_array_unref. Never fails.
 *
 * Handles RRULE (COUNT, UNTIL, INTERVAL, BY*; not SECONDLY or MINUTELY),
 * RDATE (date, date-time, period), EXDATE (a DATE on a timed event drops
 * that day), RECURRENCE-ID overrides (a moved instance replaces the one it
 * names and keeps the master's length unless it has its own; RANGE is
 * ignored; one without a master stands alone) and STATUS:CANCELLED on
 * whole events (overrides included) and on single overrides.
 *
 * Times: a TZID is looked up in the file's VTIMEZONEs first, then in the
 * system zones (a prefix such as "/mozilla.org/20050126_1/" is dropped);
 * an unknown TZID and floating times use the calendar's X-WR-TIMEZONE when
 * it names a known zone, else UTC. All-day events start at midnight in
 * that zone. Recurrences step in the event's local time, so a weekly 10:00
 * America/New_York meeting moves in UTC when DST changes.
 *
 * A window longer than CALENDAR_MAX_WINDOW is shortened to it; an event
 * over CALENDAR_MAX_STEPS_PER_EVENT steps or CALENDAR_MAX_INSTANCES_PER_EVENT
 * instances is cut there; a rule starting more than 50000 of its periods
 * (hours, days, weeks ...) before the window's end is not stepped at all
 * (libical could search that long inside one call); the whole expansion
 * stops after CALENDAR_MAX_INSTANCES instances or CALENDAR_MAX_EXPAND_USEC.
 * Any cut sets *truncated (may be NULL). */
GArray *calendar_expand(const struct calendar *calendar, gint64 from,
    gint64 to, bool *truncated);

#endif

/* schedule.h: when digests fire. Rules come from [digest] schedule; the
 * meeting rules read IAB and IESG meetings from the calendar.
 *
 * Grammar, one rule per list element. Words (days, "daily", "UTC", units)
 * are case-insensitive; zone names are not. Tokens are separated by blanks.
 *
 *   rule     = clock / meeting
 *   clock    = (DAY / "daily") TIME [ZONE]
 *   meeting  = ("before-iab" / "after-iab" / "before-iesg" / "after-iesg")
 *              DURATION
 *   DAY      = mon / tue / wed / thu / fri / sat / sun, or the full name
 *   TIME     = HH:MM, two digits each, 00:00 to 23:59, local time in ZONE
 *   ZONE     = "UTC" (the default) or an IANA name such as Europe/Berlin
 *   DURATION = [n"d"] [n"h"] [n"m"]: at least one part, in this order,
 *              30d at most in all ("24h", "90m", "1d", "2h30m", "0m")
 *
 * "thu 18:00 UTC" fires every Thursday at 18:00 UTC; "daily 07:30
 * Europe/Berlin" every day at 07:30 Berlin time, whatever DST says. A local
 * time that does not exist that day (in a DST gap) fires when the gap ends,
 * as cron does; one that occurs twice fires once, in standard time.
 * "before-iab 24h" fires 24 hours before the START of each IAB meeting;
 * "after-iesg 2h" two hours after the END of each IESG meeting; likewise
 * after-iab and before-iesg. Meetings are calendar events whose SUMMARY
 * matches the IAB or IESG pattern (a GRegex, case-insensitive, anywhere
 * in the summary); cancelled ones are not meetings. */
#ifndef LIAISONBOT_SCHEDULE_H
#define LIAISONBOT_SCHEDULE_H

#include <stdbool.h>

#include <glib.h>

#include "calendar.h"

/* How far schedule_next looks ahead and schedule_previous looks back. */
#define SCHEDULE_HORIZON ((gint64)366 * 86400)
#define SCHEDULE_MAX_OFFSET ((gint64)30 * 86400)	/* longest DURATION */

#define SCHEDULE_DEFAULT_IAB_PATTERN "IAB (Business|Informal) Meeting"
#define SCHEDULE_DEFAULT_IESG_PATTERN "IESG (Formal |Informal )?Telechat"

struct schedule;

/* What schedule_new reads; all borrowed. */
struct schedule_config {
	const char *const *rules;	/* [digest] schedule: one rule per
					   element, NULL-terminated */
	const char *iab_pattern;	/* [digest] iab_meeting_pattern;
					   NULL: the default */
	const char *iesg_pattern;	/* [digest] iesg_meeting_pattern */
	bool have_calendar;		/* [digest] calendar is set */
	const char *origin;		/* put before every message, as in
					   "origin: schedule: ..."; or NULL */
};

/* Parse and check the rules and patterns. Every problem is reported, one
 * line each, in a single LB_ERROR_CONFIG error, such as
 *   schedule: rule 2 "before-iab 24x": expected a duration like 24h, 90m,
 *   1d or 2h30m, got "24x"
 *   iab_meeting_pattern: not a valid regular expression: ...
 * A meeting rule without a calendar is such an error too. */
struct schedule *schedule_new(const struct schedule_config *config,
    GError **error);
void schedule_free(struct schedule *schedule);

/* True when some rule needs the calendar. */
bool schedule_needs_calendar(const struct schedule *schedule);

/* The earliest fire time strictly after `after` (UTC seconds) over all
 * rules, and the rule that fires (normalised text, borrowed from the
 * schedule; the first rule in the list wins a tie). calendar may be NULL
 * (say, not loaded yet): meeting rules then do not fire. Nothing due
 * within SCHEDULE_HORIZON is LB_ERROR_TEMPORARY: a later calendar may have
 * the next meeting. Expands the calendar: may take up to
 * CALENDAR_MAX_EXPAND_USEC on a hostile feed. */
bool schedule_next(const struct schedule *schedule,
    const struct calendar *calendar, gint64 after, gint64 *when,
    const char **rule, GError **error);

/* The latest fire time at or before now, no further back than
 * SCHEDULE_HORIZON: a daemon that was down compares it with its last
 * digest to catch up. Nothing due is LB_ERROR_TEMPORARY as above (pass a
 * NULL error when that is routine). */
bool schedule_previous(const struct schedule *schedule,
    const struct calendar *calendar, gint64 now, gint64 *when,
    const char **rule, GError **error);

#endif

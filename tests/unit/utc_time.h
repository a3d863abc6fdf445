/* utc_time.h: UTC times written as "2026-11-23T09:00Z" in test tables.
 * Header-only, shared by test_calendar.c and test_schedule.c. */
#ifndef LIAISONBOT_TEST_UTC_TIME_H
#define LIAISONBOT_TEST_UTC_TIME_H

#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

/* Seconds since the epoch; bails out on a malformed time in a table. */
static inline gint64
utc(const char *iso)
{
	g_autoptr(GDateTime) time = NULL;
	int year, month, day, hour, minute;

	if (sscanf(iso, "%d-%d-%dT%d:%dZ", &year, &month, &day, &hour,
	    &minute) == 5)
		time = g_date_time_new_utc(year, month, day, hour, minute, 0);
	if (time == NULL) {
		printf("Bail out! bad time in test: %s\n", iso);
		exit(1);
	}
	return g_date_time_to_unix(time);
}

/* The inverse, for comparing with the tables. Caller frees. */
static inline char *
format_utc(gint64 when)
{
	g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc(when);

	return g_date_time_format(time, "%Y-%m-%dT%H:%MZ");
}

#endif

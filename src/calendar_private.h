/* calendar_private.h: struct calendar, shared by calendar.c (loading) and
 * calendar_expand.c. Not for other modules. */
#ifndef LIAISONBOT_CALENDAR_PRIVATE_H
#define LIAISONBOT_CALENDAR_PRIVATE_H

#include <glib.h>
#include <libical/ical.h>

struct calendar {
	char *name;			/* path, or URL without path */
	icalcomponent *root;		/* VCALENDAR, or XROOT of several */
	icaltimezone *default_zone;	/* for floating times; never NULL */
	gint64 fetched_at;
	guint event_count;
};

/* The VCALENDAR components of root (borrowed), in file order. Release the
 * array with g_ptr_array_unref. */
GPtrArray *calendar_vcalendars(icalcomponent *root);

#endif

/* calendar_zone.h: the time zones a feed names, resolved without trusting
 * it. Internal to the calendar module. */
#ifndef LIAISONBOT_CALENDAR_ZONE_H
#define LIAISONBOT_CALENDAR_ZONE_H

#include <libical/ical.h>

/* The zone tzid names: a VTIMEZONE of vcalendar (may be NULL), else a
 * system zone. NULL when unknown. Never opens a file outside the system
 * zone directory (libical would for any TZID it is given). */
icaltimezone *calendar_zone_lookup(icalcomponent *vcalendar,
    const char *tzid);

/* The system zone name in tzid: tzid itself ("Europe/Berlin"), or its
 * tail after a vendor prefix ("/mozilla.org/20050126_1/Europe/Berlin").
 * NULL when it cannot be a zone name. Points into tzid. */
const char *calendar_zone_location(const char *tzid);

/* Remove the VTIMEZONEs of root that would be costly to expand (a rule
 * other than a plain yearly one, too many observances) or are unusable
 * (no TZID, no observance with DTSTART and TZOFFSETTO). Events naming a
 * removed zone fall back to the system zone of that name. */
void calendar_zone_sanitize(icalcomponent *root);

#endif

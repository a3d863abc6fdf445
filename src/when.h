/* when.h: points in time as people type them on the command line. */
#ifndef LIAISONBOT_WHEN_H
#define LIAISONBOT_WHEN_H

#include <stdbool.h>

#include <glib.h>

/* Accepts "2026-11-01" (midnight), "2026-11-01 18:00", "2026-11-01T18:00Z",
 * full ISO 8601 with an offset, "now", and "7d" / "36h" meaning that long
 * before now. Times without an offset are in zone. Errors are
 * LB_ERROR_INPUT naming what was expected. */
bool when_parse(const char *text, GTimeZone *zone, gint64 now, gint64 *out,
    GError **error);

#endif

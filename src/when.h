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

/* The current time, UTC seconds: what commands and the daemon call "now".
 * Test-only hook, like LIAISONBOT_CRASH_AT: with LIAISONBOT_NOW=<epoch> in
 * the environment the clock reads that moment on first use and runs on
 * from there, so a test can put a command or the daemon just before a
 * scheduled digest or past a retry time. Not for production use. */
gint64 when_now(void);

#endif

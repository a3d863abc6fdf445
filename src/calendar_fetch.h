/* calendar_fetch.h: download a calendar feed (libcurl). Internal to the
 * calendar module. */
#ifndef LIAISONBOT_CALENDAR_FETCH_H
#define LIAISONBOT_CALENDAR_FETCH_H

#include <stdbool.h>

#include <glib.h>

/* url as shown in messages: scheme and host only ("https://host/..."),
 * since calendar URLs often carry access tokens; file URLs in full.
 * Caller frees. */
char *calendar_url_name(const char *url);

/* Fetch an http, https or file URL (redirects to http and https only) into
 * *body, at most CALENDAR_MAX_BYTES. Blocks up to 120 s. Any failure is
 * LB_ERROR_TEMPORARY "name: fetch failed: why". */
bool calendar_fetch(const char *url, const char *name, GBytes **body,
    GError **error);

#endif

/* when.c: parsing --since / --until. */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "error.h"
#include "when.h"

bool
when_parse(const char *text, GTimeZone *zone, gint64 now, gint64 *out,
    GError **error)
{
	g_autofree char *iso = NULL;
	g_autoptr(GDateTime) t = NULL;
	int seconds;

	if (strcmp(text, "now") == 0) {
		*out = now;
		return true;
	}
	if (g_ascii_isdigit(text[0]) && strchr(text, '-') == NULL &&
	    config_parse_duration(text, &seconds)) {
		*out = now - seconds;
		return true;
	}
	/* "2026-11-01" and "2026-11-01 18:00" are not ISO 8601 as GLib
	 * reads it: complete them. */
	if (strlen(text) == 10)
		iso = g_strdup_printf("%sT00:00:00", text);
	else
		iso = g_strdelimit(g_strdup(text), " ", 'T');
	/* GLib wants seconds: "T18:00Z" -> "T18:00:00Z". */
	char *clock = strchr(iso, 'T');
	if (clock != NULL && strlen(clock) >= 6 && clock[3] == ':' &&
	    clock[6] != ':') {
		char *full = g_strdup_printf("%.*s:00%s", (int)(clock + 6 - iso),
		    iso, clock + 6);

		g_free(iso);
		iso = full;
	}
	t = g_date_time_new_from_iso8601(iso, zone);
	if (t == NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_INPUT,
		    "'%s': expected a date (2026-11-01), a date and time "
		    "(2026-11-01 18:00, in the drafts' time zone), ISO 8601, "
		    "'now' or a duration before now (7d)", text);
		return false;
	}
	*out = g_date_time_to_unix(t);
	return true;
}

gint64
when_now(void)
{
	static gsize initialized;
	static gint64 offset;	/* LIAISONBOT_NOW minus the real time */
	gint64 real = g_get_real_time() / G_USEC_PER_SEC;

	if (g_once_init_enter(&initialized)) {
		const char *hook = getenv("LIAISONBOT_NOW");
		char *end = NULL;
		gint64 at = hook ? g_ascii_strtoll(hook, &end, 10) : 0;

		if (hook != NULL && end != hook && *end == '\0' && at > 0)
			offset = at - real;
		g_once_init_leave(&initialized, 1);
	}
	return real + offset;
}

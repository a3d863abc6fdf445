/* calendar.c: load an iCalendar feed (file, or URL with a cache file). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "calendar.h"
#include "calendar_fetch.h"
#include "calendar_private.h"
#include "calendar_zone.h"
#include "error.h"
#include "log.h"

/* Why text cannot be an iCalendar stream, or NULL when it may be; then
 * [first, last) is the stream without a byte order mark and surrounding
 * white space (a leading space would read as a folded line). A file cut
 * short (a broken download) must not replace a good cache. */
static const char *
calendar_check_text(const char *data, gsize length, gsize *first_out,
    gsize *last_out)
{
	static const char begin[] = "BEGIN:VCALENDAR";
	static const char end[] = "END:VCALENDAR";
	gsize first = 0, last = length;

	if (length == 0)
		return "empty";
	if (length > CALENDAR_MAX_BYTES)
		return "larger than 32 MiB";
	if (memchr(data, '\0', length) != NULL)
		return "contains NUL bytes";
	if (length >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		first = 3;
	while (first < length && g_ascii_isspace(data[first]))
		first++;
	while (last > first && g_ascii_isspace(data[last - 1]))
		last--;
	if (last - first < sizeof(begin) - 1 ||
	    g_ascii_strncasecmp(data + first, begin, sizeof(begin) - 1) != 0)
		return "no BEGIN:VCALENDAR at the start";
	if (last - first < sizeof(begin) - 1 + sizeof(end) - 1 ||
	    g_ascii_strncasecmp(data + last - (sizeof(end) - 1), end,
	    sizeof(end) - 1) != 0)
		return "cut short: no END:VCALENDAR at the end";
	*first_out = first;
	*last_out = last;
	return NULL;
}

/* True when root is a VCALENDAR, or an XROOT holding only VCALENDARs. */
static bool
calendar_root_ok(icalcomponent *root)
{
	icalcompiter iter;
	icalcomponent *child;
	bool any = false;

	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT)
		return true;
	if (icalcomponent_isa(root) != ICAL_XROOT_COMPONENT)
		return false;
	iter = icalcomponent_begin_component(root, ICAL_ANY_COMPONENT);
	for (; (child = icalcompiter_deref(&iter)) != NULL;
	    icalcompiter_next(&iter)) {
		if (icalcomponent_isa(child) != ICAL_VCALENDAR_COMPONENT)
			return false;
		any = true;
	}
	return any;
}

GPtrArray *
calendar_vcalendars(icalcomponent *root)
{
	GPtrArray *vcalendars = g_ptr_array_new();
	icalcompiter iter;
	icalcomponent *child;

	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT) {
		g_ptr_array_add(vcalendars, root);
		return vcalendars;
	}
	iter = icalcomponent_begin_component(root,
	    ICAL_VCALENDAR_COMPONENT);
	for (; (child = icalcompiter_deref(&iter)) != NULL;
	    icalcompiter_next(&iter))
		g_ptr_array_add(vcalendars, child);
	return vcalendars;
}

/* The X-WR-TIMEZONE of the first VCALENDAR that names a known zone. */
static icaltimezone *
calendar_find_default_zone(icalcomponent *root)
{
	GPtrArray *vcalendars = calendar_vcalendars(root);
	icaltimezone *zone = NULL;

	for (guint i = 0; i < vcalendars->len && zone == NULL; i++) {
		icalcomponent *vcalendar = vcalendars->pdata[i];
		icalproperty *prop;

		prop = icalcomponent_get_first_property(vcalendar,
		    ICAL_X_PROPERTY);
		for (; prop != NULL && zone == NULL;
		    prop = icalcomponent_get_next_property(vcalendar,
		    ICAL_X_PROPERTY)) {
			const char *xname = icalproperty_get_x_name(prop);

			if (xname != NULL &&
			    g_ascii_strcasecmp(xname, "X-WR-TIMEZONE") == 0)
				zone = calendar_zone_lookup(vcalendar,
				    icalproperty_get_x(prop));
		}
	}
	g_ptr_array_unref(vcalendars);
	return zone != NULL ? zone : icaltimezone_get_utc_timezone();
}

static guint
calendar_count_events(icalcomponent *root)
{
	GPtrArray *vcalendars = calendar_vcalendars(root);
	guint count = 0;

	for (guint i = 0; i < vcalendars->len; i++)
		count += (guint)icalcomponent_count_components(
		    vcalendars->pdata[i], ICAL_VEVENT_COMPONENT);
	g_ptr_array_unref(vcalendars);
	return count;
}

struct calendar *
calendar_load_data(const char *name, const char *data, gsize length,
    GError **error)
{
	g_autofree char *text = NULL;
	struct calendar *calendar;
	icalcomponent *root;
	const char *why;
	gsize first = 0, last = 0;

	why = calendar_check_text(data, length, &first, &last);
	if (why != NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s: not an iCalendar file (%s)", name, why);
		return NULL;
	}
	/* Errors in a feed are data, never a reason to abort. */
	icalerror_set_errors_are_fatal(0);
	text = g_strndup(data + first, last - first);
	root = icalparser_parse_string(text);
	if (root == NULL || !calendar_root_ok(root)) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s: not an iCalendar file (%s)", name, root == NULL ?
		    "libical cannot parse it" : "not one VCALENDAR");
		if (root != NULL)
			icalcomponent_free(root);
		return NULL;
	}
	calendar_zone_sanitize(root);

	calendar = g_new0(struct calendar, 1);
	calendar->name = g_strdup(name);
	calendar->root = root;
	calendar->default_zone = calendar_find_default_zone(root);
	calendar->fetched_at = g_get_real_time() / G_USEC_PER_SEC;
	calendar->event_count = calendar_count_events(root);
	log_debug(LOG_AREA_SCHEDULE, "calendar %s: %u events, floating times "
	    "in %s", name, calendar->event_count,
	    icaltimezone_get_tzid(calendar->default_zone));
	return calendar;
}

/* Read at most CALENDAR_MAX_BYTES of path. */
static bool
calendar_read_file(const char *path, char **data, gsize *length,
    GError **error)
{
	GStatBuf st;
	g_autoptr(GError) local = NULL;

	if (g_stat(path, &st) != 0) {
		int saved = errno;

		g_set_error(error, LB_ERROR, saved == EIO ?
		    LB_ERROR_TEMPORARY : LB_ERROR_CONFIG, "%s: %s", path,
		    g_strerror(saved));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s: not a regular file", path);
		return false;
	}
	if (st.st_size > CALENDAR_MAX_BYTES) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s: not an iCalendar file (larger than 32 MiB)", path);
		return false;
	}
	if (!g_file_get_contents(path, data, length, &local)) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG, "%s",
		    local->message);
		return false;
	}
	return true;
}

struct calendar *
calendar_load_file(const char *path, GError **error)
{
	g_autofree char *data = NULL;
	gsize length;

	if (!calendar_read_file(path, &data, &length, error))
		return NULL;
	return calendar_load_data(path, data, length, error);
}

/* A cached copy, dated by the cache file's time. */
static struct calendar *
calendar_load_cache(const char *cache_path, const char *name,
    gint64 cached_at)
{
	g_autoptr(GError) error = NULL;
	struct calendar *calendar;

	calendar = calendar_load_file(cache_path, &error);
	if (calendar == NULL) {
		log_debug(LOG_AREA_SCHEDULE, "calendar %s: cache unusable: %s",
		    name, error->message);
		return NULL;
	}
	g_free(calendar->name);
	calendar->name = g_strdup(name);
	calendar->fetched_at = cached_at;
	return calendar;
}

static char *
calendar_format_time(gint64 when)
{
	g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc(when);

	return time != NULL ? g_date_time_format(time, "%Y-%m-%d %H:%M UTC") :
	    g_strdup("?");
}

/* Fetch url; on failure fall back to the cache, turning the error into a
 * warning. */
static struct calendar *
calendar_load_url(const char *url, const char *cache_path, gint64 refresh,
    GError **warning, GError **error)
{
	g_autofree char *name = calendar_url_name(url);
	g_autoptr(GError) failure = NULL;
	g_autoptr(GError) write_error = NULL;
	g_autoptr(GBytes) body = NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	gint64 cached_at = 0;
	bool have_cache = false, cache_bad = false;
	struct calendar *calendar = NULL;
	GStatBuf st;

	if (cache_path != NULL && g_stat(cache_path, &st) == 0 &&
	    S_ISREG(st.st_mode)) {
		have_cache = true;
		cached_at = st.st_mtime;
		if (now >= cached_at && now - cached_at < refresh) {
			calendar = calendar_load_cache(cache_path, name,
			    cached_at);
			if (calendar != NULL)
				return calendar;
			cache_bad = true;
		}
	}
	if (calendar_fetch(url, name, &body, &failure)) {
		gsize length;
		const char *data = g_bytes_get_data(body, &length);

		calendar = calendar_load_data(name, data, length, &failure);
		if (calendar != NULL) {
			if (cache_path != NULL && !g_file_set_contents_full(
			    cache_path, data, (gssize)length,
			    G_FILE_SET_CONTENTS_CONSISTENT, 0600, &write_error))
				g_set_error(warning, LB_ERROR,
				    LB_ERROR_TEMPORARY, "%s: cannot update the "
				    "cache: %s", name, write_error->message);
			return calendar;
		}
	}
	if (have_cache && !cache_bad)
		calendar = calendar_load_cache(cache_path, name, cached_at);
	if (calendar == NULL) {
		g_propagate_error(error, g_steal_pointer(&failure));
		return NULL;
	}
	if (warning != NULL) {
		g_autofree char *date = calendar_format_time(cached_at);

		g_set_error(warning, failure->domain, failure->code,
		    "%s; using the copy cached %s", failure->message, date);
	}
	return calendar;
}

/* http(s) and file URLs go through libcurl; webcal:// is the https feed
 * calendar programs subscribe to. */
static char *
calendar_source_url(const char *source, bool *is_url)
{
	static const char *const schemes[] = { "https://", "http://",
	    "file://" };

	*is_url = true;
	for (size_t i = 0; i < G_N_ELEMENTS(schemes); i++)
		if (g_ascii_strncasecmp(source, schemes[i],
		    strlen(schemes[i])) == 0)
			return g_strdup(source);
	if (g_ascii_strncasecmp(source, "webcal://", 9) == 0)
		return g_strconcat("https://", source + 9, NULL);
	*is_url = strstr(source, "://") != NULL;
	return NULL;
}

struct calendar *
calendar_load(const char *source, const char *cache_path, gint64 refresh,
    GError **warning, GError **error)
{
	g_autofree char *url = NULL;
	bool is_url;

	url = calendar_source_url(source, &is_url);
	if (url != NULL)
		return calendar_load_url(url, cache_path, refresh, warning,
		    error);
	if (is_url) {
		g_autofree char *name = calendar_url_name(source);

		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s: unsupported URL scheme (expected https, http or "
		    "file)", name);
		return NULL;
	}
	return calendar_load_file(source, error);
}

void
calendar_free(struct calendar *calendar)
{
	if (calendar == NULL)
		return;
	icalcomponent_free(calendar->root);
	g_free(calendar->name);
	g_free(calendar);
}

gint64
calendar_fetched_at(const struct calendar *calendar)
{
	return calendar->fetched_at;
}

const char *
calendar_name(const struct calendar *calendar)
{
	return calendar->name;
}

guint
calendar_event_count(const struct calendar *calendar)
{
	return calendar->event_count;
}

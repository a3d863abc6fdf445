/* tsan_glib.c: an LD_PRELOAD shim for ThreadSanitizer runs (tests/tsan.sh).
 * GLib keeps GTimeZones in a cache shared by all threads and counts their
 * references with its own atomics, which an uninstrumented GLib hides from
 * ThreadSanitizer: a zone made in one thread (imap_conn's INTERNALDATE,
 * GMime's Date parsing) can be freed in another. The wrappers tell
 * ThreadSanitizer what GLib's lock and atomics order: taking a zone
 * (new, ref) and dropping one both release and acquire it. Calls inside
 * GLib do not pass through here; calls from our code and GMime do. A
 * window stays (between GLib publishing a new zone in its cache and the
 * wrapper's release), so a rare report may remain: see tsan.supp. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>

void __tsan_acquire(void *address);
void __tsan_release(void *address);

typedef void *(*tsan_glib_fn)(void *);

static void *
tsan_glib_real(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

/* A zone returned to the caller (maybe made just now): what was done to
 * it before comes first. */
static void *
tsan_glib_taken(void *zone)
{
	if (zone != NULL) {
		__tsan_release(zone);
		__tsan_acquire(zone);
	}
	return zone;
}

static void
tsan_glib_drop(const char *name, void *object)
{
	void (*real)(void *) = (void (*)(void *))tsan_glib_real(name);

	__tsan_release(object);
	__tsan_acquire(object);
	real(object);
}

void *g_time_zone_new(const char *identifier);
void *g_time_zone_new_identifier(const char *identifier);
void *g_time_zone_new_offset(int32_t seconds);
void *g_time_zone_new_utc(void);
void *g_time_zone_new_local(void);
void *g_time_zone_ref(void *zone);
void g_time_zone_unref(void *zone);
void g_date_time_unref(void *time);

void *
g_time_zone_new(const char *identifier)
{
	void *(*real)(const char *) = (void *(*)(const char *))
	    tsan_glib_real("g_time_zone_new");

	return tsan_glib_taken(real(identifier));
}

void *
g_time_zone_new_identifier(const char *identifier)
{
	void *(*real)(const char *) = (void *(*)(const char *))
	    tsan_glib_real("g_time_zone_new_identifier");

	return tsan_glib_taken(real(identifier));
}

void *
g_time_zone_new_offset(int32_t seconds)
{
	void *(*real)(int32_t) = (void *(*)(int32_t))
	    tsan_glib_real("g_time_zone_new_offset");

	return tsan_glib_taken(real(seconds));
}

void *
g_time_zone_new_utc(void)
{
	void *(*real)(void) = (void *(*)(void))
	    tsan_glib_real("g_time_zone_new_utc");

	return tsan_glib_taken(real());
}

void *
g_time_zone_new_local(void)
{
	void *(*real)(void) = (void *(*)(void))
	    tsan_glib_real("g_time_zone_new_local");

	return tsan_glib_taken(real());
}

void *
g_time_zone_ref(void *zone)
{
	return tsan_glib_taken(((tsan_glib_fn)tsan_glib_real(
	    "g_time_zone_ref"))(zone));
}

void
g_time_zone_unref(void *zone)
{
	tsan_glib_drop("g_time_zone_unref", zone);
}

void *g_date_time_get_timezone(void *time);

/* The time's zone may go with it, inside GLib: hold it over the unref, so
 * that the last reference is dropped here. */
void
g_date_time_unref(void *time)
{
	void *zone = g_time_zone_ref(g_date_time_get_timezone(time));

	tsan_glib_drop("g_date_time_unref", time);
	g_time_zone_unref(zone);
}

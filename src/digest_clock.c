/* digest_clock.c: schedule rules + calendar feed -> fire times. */
#include "calendar.h"
#include "digest_clock.h"
#include "error.h"
#include "log.h"
#include "schedule.h"

struct digest_clock {
	const struct config *config;
	struct schedule *schedule;	/* NULL: no rules */
	struct calendar *calendar;
	gint64 loaded_at;
	char *cache_path;
};

struct digest_clock *
digest_clock_new(const struct config *config, GError **error)
{
	struct digest_clock *clock = g_new0(struct digest_clock, 1);
	struct schedule_config schedule_config = {
		.rules = (const char *const *)config->digest.schedule,
		.iab_pattern = config->digest.iab_meeting_pattern,
		.iesg_pattern = config->digest.iesg_meeting_pattern,
		.have_calendar = config->digest.calendar != NULL,
		.origin = config->path,
	};
	g_autofree char *dir = g_path_get_dirname(config->store.path);

	clock->config = config;
	clock->cache_path = g_build_filename(dir, "calendar.ics", NULL);
	if (config->digest.schedule == NULL || !*config->digest.schedule)
		return clock;
	clock->schedule = schedule_new(&schedule_config, error);
	if (clock->schedule == NULL) {
		digest_clock_free(clock);
		return NULL;
	}
	return clock;
}

void
digest_clock_free(struct digest_clock *clock)
{
	if (clock == NULL)
		return;
	schedule_free(clock->schedule);
	calendar_free(clock->calendar);
	g_free(clock->cache_path);
	g_free(clock);
}

/* Meeting rules need the calendar; keep it fresh. */
static bool
digest_clock_calendar(struct digest_clock *clock, GError **error)
{
	const struct config_digest *digest = &clock->config->digest;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	g_autoptr(GError) warning = NULL, failure = NULL;
	struct calendar *fresh;

	if (!schedule_needs_calendar(clock->schedule) ||
	    (clock->calendar != NULL &&
	    now - clock->loaded_at < digest->calendar_refresh))
		return true;
	fresh = calendar_load(digest->calendar, clock->cache_path,
	    digest->calendar_refresh, &warning, &failure);
	if (warning != NULL)
		log_warn("calendar: %s", warning->message);
	if (fresh == NULL && clock->calendar == NULL) {
		g_propagate_error(error, g_steal_pointer(&failure));
		return false;
	}
	if (fresh == NULL) {
		/* Success leaves error alone: keep the old one, say why. */
		log_warn("calendar: %s; keeping the one loaded before",
		    failure->message);
		return true;
	}
	calendar_free(clock->calendar);
	clock->calendar = fresh;
	clock->loaded_at = now;
	log_debug(LOG_AREA_SCHEDULE, "calendar %s: %u events",
	    calendar_name(fresh), calendar_event_count(fresh));
	return true;
}

static bool
digest_clock_find(struct digest_clock *clock, gint64 at, bool next,
    gint64 *when, const char **rule, GError **error)
{
	g_autoptr(GError) local = NULL;
	bool found;

	*when = 0;
	*rule = NULL;
	if (clock->schedule == NULL)
		return true;
	if (!digest_clock_calendar(clock, error))
		return false;
	found = next ? schedule_next(clock->schedule, clock->calendar, at,
	    when, rule, &local) : schedule_previous(clock->schedule,
	    clock->calendar, at, when, rule, &local);
	if (found)
		return true;
	/* Nothing due within a year is not an error, only nothing to do. */
	*when = 0;
	if (g_error_matches(local, LB_ERROR, LB_ERROR_TEMPORARY))
		return true;
	g_propagate_error(error, g_steal_pointer(&local));
	return false;
}

bool
digest_clock_next(struct digest_clock *clock, gint64 after, gint64 *when,
    const char **rule, GError **error)
{
	return digest_clock_find(clock, after, true, when, rule, error);
}

bool
digest_clock_previous(struct digest_clock *clock, gint64 now, gint64 *when,
    const char **rule, GError **error)
{
	return digest_clock_find(clock, now, false, when, rule, error);
}

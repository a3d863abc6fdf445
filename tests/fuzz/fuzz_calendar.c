/* fuzz_calendar.c: libFuzzer target for iCalendar feeds. The input is
 * loaded as a calendar from memory, one year of it is expanded, and the
 * meeting rules of a fixed schedule are evaluated against it. Must never
 * crash, leak or run away (every expansion is capped in steps and time).
 *   make fuzz && mkdir -p /tmp/corpus && build/fuzz/fuzz_calendar \
 *     -dict=tests/fuzz/calendar.dict -max_total_time=60 \
 *     /tmp/corpus tests/fuzz/corpus/calendar */
#include <stdint.h>
#include <string.h>

#include "calendar.h"
#include "log.h"
#include "schedule.h"

/* 2026-01-01T00:00Z and a year later. */
#define FUZZ_FROM G_GINT64_CONSTANT(1767225600)
#define FUZZ_TO (FUZZ_FROM + 365 * 86400)

static struct schedule *
fuzz_schedule(void)
{
	static const char *const rules[] = { "before-iab 24h",
	    "after-iesg 2h", "after-iab 0m", "thu 18:00 Europe/Berlin", NULL };
	static const struct schedule_config config = {
		.rules = rules,
		.iab_pattern = "[a-m]",		/* most summaries match */
		.iesg_pattern = "[n-z]|^$",
		.have_calendar = true,
	};

	return schedule_new(&config, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct schedule *schedule;
	struct calendar *calendar;
	GArray *instances;
	const char *rule;
	gint64 when;
	bool truncated;

	if (schedule == NULL) {
		log_setup(LOG_TARGET_STDERR, LOG_LEVEL_ERROR, NULL);
		schedule = fuzz_schedule();
	}
	calendar = calendar_load_data("fuzz", (const char *)data, size, NULL);
	if (calendar == NULL)
		return 0;
	instances = calendar_expand(calendar, FUZZ_FROM, FUZZ_TO, &truncated);
	for (guint i = 0; i < instances->len; i++) {
		const struct calendar_instance *instance =
		    &g_array_index(instances, struct calendar_instance, i);

		/* Promises of calendar_expand. */
		if (instance->end < instance->start ||
		    instance->start >= FUZZ_TO ||
		    (instance->end <= FUZZ_FROM && instance->start < FUZZ_FROM) ||
		    (i > 0 && instance->start < g_array_index(instances,
		    struct calendar_instance, i - 1).start) ||
		    instance->summary == NULL || instance->uid == NULL)
			__builtin_trap();
	}
	g_array_unref(instances);
	if (schedule_next(schedule, calendar, FUZZ_FROM, &when, &rule, NULL) &&
	    when <= FUZZ_FROM)
		__builtin_trap();
	if (schedule_previous(schedule, calendar, FUZZ_TO, &when, &rule,
	    NULL) && when > FUZZ_TO)
		__builtin_trap();
	calendar_free(calendar);
	return 0;
}

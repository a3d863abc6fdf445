/* calendar_expand.c: the events of a feed as UTC instances in a window.
 * libical steps recurrence rules; everything around that (zones, caps,
 * exceptions, overrides) is here. */
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "calendar.h"
#include "calendar_private.h"
#include "calendar_zone.h"
#include "log.h"

/* 0001-01-01 and 9999-12-29: what an iCalendar date can say. */
#define CALENDAR_MIN_TIME G_GINT64_CONSTANT(-62135596800)
#define CALENDAR_MAX_TIME G_GINT64_CONSTANT(253402041600)
#define CALENDAR_DAY 86400
/* libical searches a rule that never matches one period (hour, day, ...)
 * at a time inside a single call; this many periods from DTSTART to the
 * window's end take about 0.2 s. */
#define CALENDAR_MAX_PERIODS 50000

/* A local time and the zone it is in. */
struct calendar_time {
	struct icaltimetype local;	/* zone NULL: fields as written */
	icaltimezone *zone;		/* never NULL */
};

/* One VEVENT, read once up front: libical keeps one property iterator per
 * component, which must not be disturbed while a rule is being stepped. */
struct calendar_event {
	icalcomponent *component;
	icalcomponent *vcalendar;
	const char *summary;		/* borrowed from the component */
	const char *uid;
	struct calendar_time start;
	bool has_length;		/* DTEND or DURATION given */
	int days;			/* length: nominal days, then ... */
	gint64 seconds;			/* ... exact seconds */
	bool cancelled;
	bool is_override;		/* has a RECURRENCE-ID */
	gint64 recurrence_id;		/* UTC, overrides only */
};

/* The state of one calendar_expand call. */
struct calendar_expansion {
	const struct calendar *calendar;
	gint64 from, to;
	gint64 deadline;		/* monotonic clock */
	GArray *instances;
	bool truncated;
	bool stopped;			/* a global cap was reached */
	guint skipped;			/* events without a usable DTSTART */
	guint unsupported;		/* rules we do not step */
};

/* One master event being expanded. */
struct calendar_series {
	const struct calendar_event *event;
	GHashTable *excluded;		/* UTC starts (EXDATE) */
	GHashTable *excluded_days;	/* yyyymmdd (EXDATE;VALUE=DATE) */
	GHashTable *overridden;		/* UTC starts, or NULL */
	GHashTable *seen;		/* UTC starts emitted */
	guint emitted;
	guint steps;
};

static GHashTable *
calendar_time_set_new(void)
{
	return g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
}

static void
calendar_time_set_add(GHashTable *set, gint64 time)
{
	g_hash_table_add(set, g_memdup2(&time, sizeof(time)));
}

static bool
calendar_time_set_has(GHashTable *set, gint64 time)
{
	return set != NULL && g_hash_table_contains(set, &time);
}

static bool
calendar_time_valid(struct icaltimetype t)
{
	if (icaltime_is_null_time(t) || t.year < 1 || t.year > 9999 ||
	    t.month < 1 || t.month > 12 || t.day < 1 ||
	    t.day > icaltime_days_in_month(t.month, t.year))
		return false;
	return t.is_date || (t.hour >= 0 && t.hour <= 23 && t.minute >= 0 &&
	    t.minute <= 59 && t.second >= 0 && t.second <= 60);
}

static gint64
calendar_epoch(struct icaltimetype local, icaltimezone *zone)
{
	return (gint64)icaltime_as_timet_with_zone(local, zone);
}

static struct icaltimetype
calendar_local(gint64 epoch, icaltimezone *zone, bool is_date)
{
	struct icaltimetype t;

	t = icaltime_from_timet_with_zone((time_t)epoch, is_date, zone);
	t.zone = NULL;
	return t;
}

/* value of prop with its zone: UTC when written with Z, else its TZID,
 * else floating (the zone given). An unknown TZID means the calendar's
 * default zone. */
static bool
calendar_time_of(const struct calendar_expansion *x,
    icalcomponent *vcalendar, icalproperty *prop, struct icaltimetype value,
    icaltimezone *floating, struct calendar_time *out)
{
	icalparameter *param;

	if (!calendar_time_valid(value))
		return false;
	out->zone = floating;
	if (icaltime_is_utc(value)) {
		out->zone = icaltimezone_get_utc_timezone();
	} else if ((param = icalproperty_get_first_parameter(prop,
	    ICAL_TZID_PARAMETER)) != NULL) {
		out->zone = calendar_zone_lookup(vcalendar,
		    icalparameter_get_tzid(param));
		if (out->zone == NULL)
			out->zone = x->calendar->default_zone;
	}
	out->local = value;
	out->local.zone = NULL;
	out->local.is_daylight = 0;
	if (value.is_date)
		out->local.hour = out->local.minute = out->local.second = 0;
	return true;
}

/* DTEND, else DURATION, else nothing (a day for all-day events). */
static void
calendar_event_length(const struct calendar_expansion *x,
    struct calendar_event *event)
{
	const struct calendar_time *start = &event->start;
	struct calendar_time end;
	icalproperty *prop;
	gint64 days = 0, seconds = 0;

	prop = icalcomponent_get_first_property(event->component,
	    ICAL_DTEND_PROPERTY);
	if (prop != NULL && calendar_time_of(x, event->vcalendar, prop,
	    icalproperty_get_dtend(prop), start->zone, &end)) {
		event->has_length = true;
		if (start->local.is_date && end.local.is_date)
			days = (icaltime_as_timet(end.local) -
			    icaltime_as_timet(start->local)) / CALENDAR_DAY;
		else
			seconds = calendar_epoch(end.local, end.zone) -
			    calendar_epoch(start->local, start->zone);
	} else if ((prop = icalcomponent_get_first_property(event->component,
	    ICAL_DURATION_PROPERTY)) != NULL) {
		struct icaldurationtype d = icalproperty_get_duration(prop);

		event->has_length = true;
		if (!d.is_neg) {
			days = (gint64)d.weeks * 7 + d.days;
			seconds = (gint64)d.hours * 3600 +
			    (gint64)d.minutes * 60 + d.seconds;
		}
	} else if (start->local.is_date) {
		days = 1;
	}
	event->days = (int)CLAMP(days, 0, CALENDAR_MAX_DURATION / CALENDAR_DAY);
	event->seconds = CLAMP(seconds, 0, CALENDAR_MAX_DURATION);
}

static bool
calendar_event_read(const struct calendar_expansion *x,
    icalcomponent *vcalendar, icalcomponent *component,
    struct calendar_event *event)
{
	icalproperty *prop;
	const char *text;

	memset(event, 0, sizeof(*event));
	event->component = component;
	event->vcalendar = vcalendar;
	text = icalcomponent_get_summary(component);
	event->summary = text != NULL ? text : "";
	text = icalcomponent_get_uid(component);
	event->uid = text != NULL ? text : "";
	event->cancelled =
	    icalcomponent_get_status(component) == ICAL_STATUS_CANCELLED;
	prop = icalcomponent_get_first_property(component,
	    ICAL_DTSTART_PROPERTY);
	if (prop == NULL || !calendar_time_of(x, vcalendar, prop,
	    icalproperty_get_dtstart(prop), x->calendar->default_zone,
	    &event->start))
		return false;
	calendar_event_length(x, event);
	prop = icalcomponent_get_first_property(component,
	    ICAL_RECURRENCEID_PROPERTY);
	if (prop != NULL) {
		struct calendar_time id;

		/* A floating RECURRENCE-ID is in the zone of DTSTART. */
		if (!calendar_time_of(x, vcalendar, prop,
		    icalproperty_get_recurrenceid(prop), event->start.zone,
		    &id))
			return false;
		event->is_override = true;
		event->recurrence_id = calendar_epoch(id.local, id.zone);
	}
	return true;
}

/* Add one instance if it overlaps the window. False when a cap ends the
 * series (series may be NULL for a single override). */
static bool
calendar_emit(struct calendar_expansion *x, struct calendar_series *series,
    const struct calendar_event *event, struct icaltimetype local,
    icaltimezone *zone, int days, gint64 seconds)
{
	struct calendar_instance instance = { 0 };
	gint64 start, end;

	start = calendar_epoch(local, zone);
	if (series != NULL) {
		int ymd = local.year * 10000 + local.month * 100 + local.day;

		if (calendar_time_set_has(series->excluded, start) ||
		    calendar_time_set_has(series->overridden, start) ||
		    calendar_time_set_has(series->seen, start) ||
		    g_hash_table_contains(series->excluded_days,
		    GINT_TO_POINTER(ymd)))
			return true;
	}
	end = start;
	if (days > 0) {
		icaltime_adjust(&local, days, 0, 0, 0);
		end = calendar_epoch(local, zone);
	}
	end = CLAMP(end + seconds, start, start + CALENDAR_MAX_DURATION);
	if (start >= x->to || (end <= x->from && start < x->from))
		return true;
	if (x->instances->len >= CALENDAR_MAX_INSTANCES) {
		x->truncated = x->stopped = true;
		return false;
	}
	if (series != NULL) {
		if (series->emitted >= CALENDAR_MAX_INSTANCES_PER_EVENT) {
			x->truncated = true;
			return false;
		}
		series->emitted++;
		calendar_time_set_add(series->seen, start);
	}
	instance.start = start;
	instance.end = end;
	instance.all_day = event->start.local.is_date;
	instance.summary = g_strdup(event->summary);
	instance.uid = g_strdup(event->uid);
	g_array_append_val(x->instances, instance);
	return true;
}

/* One more step of a series; false when a cap says stop. */
static bool
calendar_step(struct calendar_expansion *x, struct calendar_series *series)
{
	if (++series->steps > CALENDAR_MAX_STEPS_PER_EVENT) {
		x->truncated = true;
		return false;
	}
	if (g_get_monotonic_time() > x->deadline) {
		x->truncated = x->stopped = true;
		return false;
	}
	return true;
}

/* UNTIL in the frame the iterator steps in: the event's local time. */
static struct icaltimetype
calendar_rule_until(struct icaltimetype until,
    const struct calendar_event *event)
{
	bool is_date = event->start.local.is_date;

	if (icaltime_is_utc(until))
		return calendar_local(icaltime_as_timet(until),
		    event->start.zone, is_date);
	until.zone = NULL;
	if (until.is_date && !is_date) {
		until.is_date = 0;
		until.hour = 23;
		until.minute = until.second = 59;
	} else if (is_date) {
		until.is_date = 1;
		until.hour = until.minute = until.second = 0;
	}
	return until;
}

/* Shortest length of a period of the rule's frequency, in seconds. */
static gint64
calendar_rule_period(icalrecurrencetype_frequency freq)
{
	switch (freq) {
	case ICAL_HOURLY_RECURRENCE:
		return 3600;
	case ICAL_DAILY_RECURRENCE:
		return CALENDAR_DAY;
	case ICAL_WEEKLY_RECURRENCE:
		return 7 * CALENDAR_DAY;
	case ICAL_MONTHLY_RECURRENCE:
		return 28 * CALENDAR_DAY;
	default:
		return 365 * CALENDAR_DAY;
	}
}

/* Step one RRULE. The iterator works in floating local time, so DST moves
 * instances in UTC as it should; UNTIL is cut at the window's end so a
 * rule that never matches cannot make libical search for centuries. */
static bool
calendar_expand_rule(struct calendar_expansion *x,
    struct calendar_series *series, icalproperty *prop)
{
	const struct calendar_event *event = series->event;
	struct icalrecurrencetype rule = icalproperty_get_rrule(prop);
	struct icaltimetype limit, t;
	icalrecur_iterator *iterator;
	bool more = true;

	if (rule.freq == ICAL_NO_RECURRENCE)
		return true;
	if (rule.freq < ICAL_HOURLY_RECURRENCE) {
		x->unsupported++;
		return true;
	}
	if ((x->to - calendar_epoch(event->start.local, event->start.zone)) /
	    calendar_rule_period(rule.freq) > CALENDAR_MAX_PERIODS) {
		x->truncated = true;
		return true;
	}
	limit = calendar_local(x->to + CALENDAR_DAY, event->start.zone,
	    event->start.local.is_date);
	if (calendar_time_valid(rule.until)) {
		t = calendar_rule_until(rule.until, event);
		if (icaltime_compare(t, limit) < 0)
			limit = t;
	}
	rule.until = limit;
	if (!calendar_step(x, series))
		return false;
	iterator = icalrecur_iterator_new(rule, event->start.local);
	if (iterator == NULL) {
		x->unsupported++;
		return true;
	}
	while (more && (more = calendar_step(x, series))) {
		t = icalrecur_iterator_next(iterator);
		if (icaltime_is_null_time(t))
			break;
		more = calendar_emit(x, series, event, t, event->start.zone,
		    event->days, event->seconds);
	}
	icalrecur_iterator_free(iterator);
	return more;
}

/* One RDATE: a date, a date-time, or a period with its own length. */
static bool
calendar_expand_rdate(struct calendar_expansion *x,
    struct calendar_series *series, icalproperty *prop)
{
	const struct calendar_event *event = series->event;
	struct icaldatetimeperiodtype rdate = icalproperty_get_rdate(prop);
	struct calendar_time t, end;
	int days = event->days;
	gint64 seconds = event->seconds;

	if (!calendar_step(x, series))
		return false;
	if (icaltime_is_null_time(rdate.time)) {
		if (!calendar_time_of(x, event->vcalendar, prop,
		    rdate.period.start, event->start.zone, &t))
			return true;
		days = 0;
		if (calendar_time_of(x, event->vcalendar, prop,
		    rdate.period.end, t.zone, &end))
			seconds = calendar_epoch(end.local, end.zone) -
			    calendar_epoch(t.local, t.zone);
		else
			seconds = icaldurationtype_as_int(
			    rdate.period.duration);
	} else if (!calendar_time_of(x, event->vcalendar, prop, rdate.time,
	    event->start.zone, &t)) {
		return true;
	}
	return calendar_emit(x, series, event, t.local, t.zone, days,
	    MAX(seconds, 0));
}

/* EXDATE values, by UTC start or (a DATE on a timed event) by day. */
static void
calendar_series_exclusions(struct calendar_expansion *x,
    struct calendar_series *series)
{
	const struct calendar_event *event = series->event;
	icalcomponent *component = event->component;
	struct calendar_time t;
	icalproperty *prop;

	prop = icalcomponent_get_first_property(component,
	    ICAL_EXDATE_PROPERTY);
	for (; prop != NULL; prop = icalcomponent_get_next_property(component,
	    ICAL_EXDATE_PROPERTY)) {
		struct icaltimetype value = icalproperty_get_exdate(prop);

		if (!calendar_time_valid(value))
			continue;
		if (value.is_date && !event->start.local.is_date)
			g_hash_table_add(series->excluded_days,
			    GINT_TO_POINTER(value.year * 10000 +
			    value.month * 100 + value.day));
		else if (calendar_time_of(x, event->vcalendar, prop, value,
		    event->start.zone, &t))
			calendar_time_set_add(series->excluded,
			    calendar_epoch(t.local, t.zone));
	}
}

/* DTSTART, then every RRULE and RDATE, less EXDATEs and overridden
 * instances. */
static void
calendar_expand_series(struct calendar_expansion *x,
    const struct calendar_event *event, GHashTable *overridden)
{
	icalcomponent *component = event->component;
	struct calendar_series series = {
		.event = event,
		.excluded = calendar_time_set_new(),
		.excluded_days = g_hash_table_new(NULL, NULL),
		.overridden = overridden,
		.seen = calendar_time_set_new(),
	};
	icalproperty *prop;
	bool more;

	calendar_series_exclusions(x, &series);
	more = calendar_emit(x, &series, event, event->start.local,
	    event->start.zone, event->days, event->seconds);
	prop = icalcomponent_get_first_property(component,
	    ICAL_RRULE_PROPERTY);
	for (; more && prop != NULL; prop = icalcomponent_get_next_property(
	    component, ICAL_RRULE_PROPERTY))
		more = calendar_expand_rule(x, &series, prop);
	prop = icalcomponent_get_first_property(component,
	    ICAL_RDATE_PROPERTY);
	for (; more && prop != NULL; prop = icalcomponent_get_next_property(
	    component, ICAL_RDATE_PROPERTY))
		more = calendar_expand_rdate(x, &series, prop);
	g_hash_table_unref(series.excluded);
	g_hash_table_unref(series.excluded_days);
	g_hash_table_unref(series.seen);
}

/* A moved or changed instance: it replaces the master's instance at its
 * RECURRENCE-ID and keeps the master's length unless it has its own. */
static void
calendar_expand_override(struct calendar_expansion *x,
    const struct calendar_event *event, const struct calendar_event *master)
{
	int days = event->days;
	gint64 seconds = event->seconds;

	if (event->cancelled || (master != NULL && master->cancelled))
		return;
	if (!event->has_length && master != NULL) {
		days = master->days;
		seconds = master->seconds;
	}
	calendar_emit(x, NULL, event, event->start.local, event->start.zone,
	    days, seconds);
}

/* Every VEVENT of every VCALENDAR that has a usable DTSTART. */
static GArray *
calendar_read_events(struct calendar_expansion *x)
{
	GArray *events = g_array_new(false, false,
	    sizeof(struct calendar_event));
	GPtrArray *vcalendars = calendar_vcalendars(x->calendar->root);

	for (guint i = 0; i < vcalendars->len; i++) {
		icalcomponent *vcalendar = vcalendars->pdata[i];
		icalcompiter iter;
		icalcomponent *component;

		iter = icalcomponent_begin_component(vcalendar,
		    ICAL_VEVENT_COMPONENT);
		for (; (component = icalcompiter_deref(&iter)) != NULL;
		    icalcompiter_next(&iter)) {
			struct calendar_event event;

			if (calendar_event_read(x, vcalendar, component,
			    &event))
				g_array_append_val(events, event);
			else
				x->skipped++;
		}
	}
	g_ptr_array_unref(vcalendars);
	return events;
}

static void
calendar_instance_clear(gpointer data)
{
	struct calendar_instance *instance = data;

	g_free(instance->summary);
	g_free(instance->uid);
}

static gint
calendar_instance_compare(gconstpointer a, gconstpointer b)
{
	const struct calendar_instance *left = a, *right = b;
	int order;

	if (left->start != right->start)
		return left->start < right->start ? -1 : 1;
	order = strcmp(left->summary, right->summary);
	return order != 0 ? order : strcmp(left->uid, right->uid);
}

/* Overrides first (they name the instances their masters leave out),
 * then the masters. */
static void
calendar_expand_events(struct calendar_expansion *x, GArray *events)
{
	GHashTable *masters = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *overridden = g_hash_table_new_full(g_str_hash,
	    g_str_equal, NULL, (GDestroyNotify)g_hash_table_unref);

	for (guint i = 0; i < events->len; i++) {
		struct calendar_event *event =
		    &g_array_index(events, struct calendar_event, i);

		if (!event->is_override && event->uid[0] != '\0' &&
		    !g_hash_table_contains(masters, event->uid))
			g_hash_table_insert(masters, (gpointer)event->uid,
			    event);
	}
	for (guint i = 0; i < events->len && !x->stopped; i++) {
		struct calendar_event *event =
		    &g_array_index(events, struct calendar_event, i);
		GHashTable *set;

		if (!event->is_override)
			continue;
		if (event->uid[0] != '\0') {
			set = g_hash_table_lookup(overridden, event->uid);
			if (set == NULL) {
				set = calendar_time_set_new();
				g_hash_table_insert(overridden,
				    (gpointer)event->uid, set);
			}
			calendar_time_set_add(set, event->recurrence_id);
		}
		calendar_expand_override(x, event, event->uid[0] == '\0' ?
		    NULL : g_hash_table_lookup(masters, event->uid));
	}
	for (guint i = 0; i < events->len && !x->stopped; i++) {
		struct calendar_event *event =
		    &g_array_index(events, struct calendar_event, i);

		if (!event->is_override && !event->cancelled)
			calendar_expand_series(x, event,
			    g_hash_table_lookup(overridden, event->uid));
	}
	g_hash_table_unref(masters);
	g_hash_table_unref(overridden);
}

GArray *
calendar_expand(const struct calendar *calendar, gint64 from, gint64 to,
    bool *truncated)
{
	struct calendar_expansion x = {
		.calendar = calendar,
		.from = MAX(from, CALENDAR_MIN_TIME),
		.to = MIN(to, CALENDAR_MAX_TIME),
		.deadline = g_get_monotonic_time() + CALENDAR_MAX_EXPAND_USEC,
	};
	GArray *events;

	x.instances = g_array_new(false, false,
	    sizeof(struct calendar_instance));
	g_array_set_clear_func(x.instances, calendar_instance_clear);
	if (x.to - x.from > CALENDAR_MAX_WINDOW) {
		x.to = x.from + CALENDAR_MAX_WINDOW;
		x.truncated = true;
	}
	if (x.from < x.to) {
		events = calendar_read_events(&x);
		calendar_expand_events(&x, events);
		g_array_unref(events);
	}
	g_array_sort(x.instances, calendar_instance_compare);
	log_debug(LOG_AREA_SCHEDULE, "calendar %s: %u instances, %u events "
	    "without usable DTSTART, %u rules not stepped%s", calendar->name,
	    x.instances->len, x.skipped, x.unsupported,
	    x.truncated ? ", cut at a limit" : "");
	if (truncated != NULL)
		*truncated = x.truncated;
	return x.instances;
}

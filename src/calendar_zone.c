/* calendar_zone.c: TZIDs to zones; VTIMEZONEs checked before libical
 * expands them. */
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "calendar_private.h"
#include "calendar_zone.h"

#define CALENDAR_ZONE_MAX_NAME 64
#define CALENDAR_ZONE_MAX_ZONES 64	/* VTIMEZONEs per VCALENDAR */
#define CALENDAR_ZONE_MAX_OBSERVANCES 1000
#define CALENDAR_ZONE_MAX_RULES 8	/* observances with an RRULE */
#define CALENDAR_ZONE_MAX_RDATES 2000

/* Where the zone name starts in vendor TZIDs such as
 * "/freeassociation.sourceforge.net/Tzfile/Europe/London". */
static const char *const calendar_zone_areas[] = {
	"Africa/", "America/", "Antarctica/", "Arctic/", "Asia/",
	"Atlantic/", "Australia/", "Europe/", "Indian/", "Pacific/", "Etc/",
};

/* Letters, digits, "_+-", components starting with a letter: no "..",
 * no absolute path, nothing libical could turn into another file. */
static bool
calendar_zone_name_ok(const char *name)
{
	size_t length = strlen(name);
	bool component_start = true;

	if (length == 0 || length > CALENDAR_ZONE_MAX_NAME ||
	    name[length - 1] == '/')
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		if (component_start && !g_ascii_isalpha(*p))
			return false;
		component_start = *p == '/';
		if (!g_ascii_isalnum(*p) && strchr("/_+-", *p) == NULL)
			return false;
	}
	return true;
}

const char *
calendar_zone_location(const char *tzid)
{
	const char *name = tzid;

	if (tzid[0] == '/') {
		name = NULL;
		for (size_t i = 0; i < G_N_ELEMENTS(calendar_zone_areas); i++) {
			const char *p = strstr(tzid, calendar_zone_areas[i]);

			if (p != NULL && p[-1] == '/' && (name == NULL ||
			    p < name))
				name = p;
		}
		if (name == NULL)
			return NULL;
	}
	return calendar_zone_name_ok(name) ? name : NULL;
}

icaltimezone *
calendar_zone_lookup(icalcomponent *vcalendar, const char *tzid)
{
	icaltimezone *zone;
	const char *location;

	if (tzid == NULL || tzid[0] == '\0')
		return NULL;
	if (vcalendar != NULL &&
	    (zone = icalcomponent_get_timezone(vcalendar, tzid)) != NULL)
		return zone;
	if (g_ascii_strcasecmp(tzid, "UTC") == 0 ||
	    g_ascii_strcasecmp(tzid, "GMT") == 0 ||
	    g_ascii_strcasecmp(tzid, "Z") == 0)
		return icaltimezone_get_utc_timezone();
	location = calendar_zone_location(tzid);
	return location != NULL ? icaltimezone_get_builtin_timezone(location) :
	    NULL;
}

static int
calendar_zone_count(const short *array, int size)
{
	int count = 0;

	while (count < size && array[count] != ICAL_RECURRENCE_ARRAY_MAX)
		count++;
	return count;
}

/* libical expands a zone rule from its DTSTART to beyond this year, step
 * by step: only plain yearly rules (a month, a weekday, a week of days)
 * keep that small. */
static bool
calendar_zone_rule_ok(const struct icalrecurrencetype *rule)
{
	return rule->freq == ICAL_YEARLY_RECURRENCE && rule->interval >= 1 &&
	    calendar_zone_count(rule->by_month, ICAL_BY_MONTH_SIZE) <= 1 &&
	    calendar_zone_count(rule->by_day, ICAL_BY_DAY_SIZE) <= 1 &&
	    calendar_zone_count(rule->by_month_day,
	    ICAL_BY_MONTHDAY_SIZE) <= 7 &&
	    calendar_zone_count(rule->by_year_day, ICAL_BY_YEARDAY_SIZE) == 0 &&
	    calendar_zone_count(rule->by_week_no, ICAL_BY_WEEKNO_SIZE) == 0 &&
	    calendar_zone_count(rule->by_hour, ICAL_BY_HOUR_SIZE) <= 1 &&
	    calendar_zone_count(rule->by_minute, ICAL_BY_MINUTE_SIZE) <= 1 &&
	    calendar_zone_count(rule->by_second, ICAL_BY_SECOND_SIZE) <= 1 &&
	    calendar_zone_count(rule->by_set_pos, ICAL_BY_SETPOS_SIZE) == 0;
}

struct calendar_zone_census {
	int observances, usable, rules, rdates;
	bool bad_rule;
};

static void
calendar_zone_observance(icalcomponent *observance,
    struct calendar_zone_census *census)
{
	bool has_start = false, has_offset = false;
	icalproperty *prop;

	census->observances++;
	prop = icalcomponent_get_first_property(observance, ICAL_ANY_PROPERTY);
	for (; prop != NULL; prop = icalcomponent_get_next_property(observance,
	    ICAL_ANY_PROPERTY)) {
		switch (icalproperty_isa(prop)) {
		case ICAL_DTSTART_PROPERTY:
			has_start = true;
			break;
		case ICAL_TZOFFSETTO_PROPERTY:
			has_offset = true;
			break;
		case ICAL_RDATE_PROPERTY:
			census->rdates++;
			break;
		case ICAL_RRULE_PROPERTY: {
			struct icalrecurrencetype rule;

			rule = icalproperty_get_rrule(prop);
			census->rules++;
			if (!calendar_zone_rule_ok(&rule))
				census->bad_rule = true;
			break;
		}
		default:
			break;
		}
	}
	if (has_start && has_offset)
		census->usable++;
}

static bool
calendar_zone_ok(icalcomponent *vtimezone)
{
	struct calendar_zone_census census = { 0 };
	icalcompiter iter;
	icalcomponent *child;

	if (icalcomponent_get_first_property(vtimezone,
	    ICAL_TZID_PROPERTY) == NULL)
		return false;
	iter = icalcomponent_begin_component(vtimezone, ICAL_ANY_COMPONENT);
	for (; (child = icalcompiter_deref(&iter)) != NULL;
	    icalcompiter_next(&iter)) {
		icalcomponent_kind kind = icalcomponent_isa(child);

		if (kind == ICAL_XSTANDARD_COMPONENT ||
		    kind == ICAL_XDAYLIGHT_COMPONENT)
			calendar_zone_observance(child, &census);
	}
	return census.usable > 0 && !census.bad_rule &&
	    census.observances <= CALENDAR_ZONE_MAX_OBSERVANCES &&
	    census.rules <= CALENDAR_ZONE_MAX_RULES &&
	    census.rdates <= CALENDAR_ZONE_MAX_RDATES;
}

void
calendar_zone_sanitize(icalcomponent *root)
{
	GPtrArray *vcalendars = calendar_vcalendars(root);

	for (guint i = 0; i < vcalendars->len; i++) {
		icalcomponent *vcalendar = vcalendars->pdata[i];
		GPtrArray *doomed = g_ptr_array_new();
		icalcompiter iter;
		icalcomponent *zone;
		int kept = 0;

		iter = icalcomponent_begin_component(vcalendar,
		    ICAL_VTIMEZONE_COMPONENT);
		for (; (zone = icalcompiter_deref(&iter)) != NULL;
		    icalcompiter_next(&iter)) {
			if (kept < CALENDAR_ZONE_MAX_ZONES &&
			    calendar_zone_ok(zone))
				kept++;
			else
				g_ptr_array_add(doomed, zone);
		}
		for (guint j = 0; j < doomed->len; j++) {
			icalcomponent_remove_component(vcalendar,
			    doomed->pdata[j]);
			icalcomponent_free(doomed->pdata[j]);
		}
		g_ptr_array_unref(doomed);
	}
	g_ptr_array_unref(vcalendars);
}

/* schedule.c: digest schedule rules and their fire times. */
#include <stdarg.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "schedule.h"

#define SCHEDULE_DURATION_HINT "a duration like 24h, 90m, 1d or 2h30m"
#define SCHEDULE_RULE_HINT "like \"thu 18:00 UTC\" or \"before-iab 24h\""

enum schedule_kind {
	SCHEDULE_CLOCK,			/* weekly or daily at a local time */
	SCHEDULE_MEETING,		/* before or after a meeting */
};

enum schedule_meeting {
	SCHEDULE_IAB,
	SCHEDULE_IESG,
	SCHEDULE_MEETING_COUNT,
};

struct schedule_rule {
	char *text;			/* as written, blanks normalised */
	enum schedule_kind kind;
	GDateWeekday weekday;		/* clock; G_DATE_BAD_WEEKDAY: daily */
	int hour, minute;		/* clock */
	GTimeZone *zone;		/* clock */
	enum schedule_meeting meeting;	/* meeting */
	bool after;			/* after the end, else before start */
	gint64 offset;			/* meeting: seconds */
};

struct schedule {
	GPtrArray *rules;		/* of struct schedule_rule */
	GRegex *patterns[SCHEDULE_MEETING_COUNT];
	bool needs_calendar;
};

static const struct {
	const char *word;
	enum schedule_meeting meeting;
	bool after;
} schedule_meeting_words[] = {
	{ "before-iab", SCHEDULE_IAB, false },
	{ "after-iab", SCHEDULE_IAB, true },
	{ "before-iesg", SCHEDULE_IESG, false },
	{ "after-iesg", SCHEDULE_IESG, true },
};

static const char *const schedule_days[] = {
	[G_DATE_MONDAY] = "monday", [G_DATE_TUESDAY] = "tuesday",
	[G_DATE_WEDNESDAY] = "wednesday", [G_DATE_THURSDAY] = "thursday",
	[G_DATE_FRIDAY] = "friday", [G_DATE_SATURDAY] = "saturday",
	[G_DATE_SUNDAY] = "sunday",
};

static void
schedule_rule_free(gpointer data)
{
	struct schedule_rule *rule = data;

	if (rule->zone != NULL)
		g_time_zone_unref(rule->zone);
	g_free(rule->text);
	g_free(rule);
}

/* One line of the error report. */
static void G_GNUC_PRINTF(3, 4)
schedule_report(GString *errors, const char *origin, const char *format,
    ...)
{
	va_list args;

	if (errors->len > 0)
		g_string_append_c(errors, '\n');
	if (origin != NULL)
		g_string_append_printf(errors, "%s: ", origin);
	va_start(args, format);
	g_string_append_vprintf(errors, format, args);
	va_end(args);
}

/* "mon", "monday", any case. */
static GDateWeekday
schedule_parse_day(const char *word)
{
	for (int day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
		if (g_ascii_strcasecmp(word, schedule_days[day]) == 0 ||
		    (strlen(word) == 3 && g_ascii_strncasecmp(word,
		    schedule_days[day], 3) == 0))
			return (GDateWeekday)day;
	return G_DATE_BAD_WEEKDAY;
}

static bool
schedule_parse_time(const char *word, int *hour, int *minute)
{
	if (strlen(word) != 5 || !g_ascii_isdigit(word[0]) ||
	    !g_ascii_isdigit(word[1]) || word[2] != ':' ||
	    !g_ascii_isdigit(word[3]) || !g_ascii_isdigit(word[4]))
		return false;
	*hour = (word[0] - '0') * 10 + word[1] - '0';
	*minute = (word[3] - '0') * 10 + word[4] - '0';
	return *hour <= 23 && *minute <= 59;
}

/* "UTC", or an Area/Location name the system knows. POSIX TZ strings and
 * paths, which GLib would also take, are refused. */
static GTimeZone *
schedule_parse_zone(const char *word)
{
	if (g_ascii_strcasecmp(word, "UTC") == 0)
		return g_time_zone_new_utc();
	if (!g_regex_match_simple("^[A-Za-z][A-Za-z0-9_+-]*"
	    "(/[A-Za-z][A-Za-z0-9_+-]*)+$", word, 0, 0))
		return NULL;
	return g_time_zone_new_identifier(word);
}

/* [n"d"] [n"h"] [n"m"], at least one part; false when malformed. */
static bool
schedule_parse_duration(const char *word, gint64 *seconds)
{
	static const gint64 units[] = { 86400, 3600, 60 };
	g_autoptr(GRegex) regex = NULL;
	g_autoptr(GMatchInfo) match = NULL;

	regex = g_regex_new("^(?:([0-9]{1,5})d)?(?:([0-9]{1,5})h)?"
	    "(?:([0-9]{1,5})m)?$", G_REGEX_CASELESS, 0, NULL);
	if (word[0] == '\0' || !g_regex_match(regex, word, 0, &match))
		return false;
	*seconds = 0;
	for (int i = 0; i < 3; i++) {
		g_autofree char *part = g_match_info_fetch(match, i + 1);

		if (part != NULL && part[0] != '\0')
			*seconds += g_ascii_strtoll(part, NULL, 10) * units[i];
	}
	return true;
}

/* DAY/daily TIME [ZONE]: words[0] is already known to be a day or daily. */
static bool
schedule_parse_clock(struct schedule_rule *rule, char **words,
    GString *why)
{
	rule->kind = SCHEDULE_CLOCK;
	if (words[1] == NULL) {
		g_string_printf(why, "expected a time HH:MM after \"%s\"",
		    words[0]);
		return false;
	}
	if (!schedule_parse_time(words[1], &rule->hour, &rule->minute)) {
		g_string_printf(why, "expected a time HH:MM (00:00 to 23:59), "
		    "got \"%s\"", words[1]);
		return false;
	}
	if (words[2] == NULL) {
		rule->zone = g_time_zone_new_utc();
		return true;
	}
	rule->zone = schedule_parse_zone(words[2]);
	if (rule->zone == NULL) {
		g_string_printf(why, "expected UTC or a time zone name like "
		    "Europe/Berlin, got \"%s\"", words[2]);
		return false;
	}
	if (words[3] != NULL) {
		g_string_printf(why, "unexpected \"%s\" after the time zone",
		    words[3]);
		return false;
	}
	return true;
}

static bool
schedule_parse_meeting(struct schedule_rule *rule, char **words,
    GString *why)
{
	rule->kind = SCHEDULE_MEETING;
	if (words[1] == NULL) {
		g_string_printf(why, "expected " SCHEDULE_DURATION_HINT
		    " after \"%s\"", words[0]);
		return false;
	}
	if (!schedule_parse_duration(words[1], &rule->offset)) {
		g_string_printf(why, "expected " SCHEDULE_DURATION_HINT
		    ", got \"%s\"", words[1]);
		return false;
	}
	if (rule->offset > SCHEDULE_MAX_OFFSET) {
		g_string_printf(why, "expected a duration of at most 30d, "
		    "got \"%s\"", words[1]);
		return false;
	}
	if (words[2] != NULL) {
		g_string_printf(why, "unexpected \"%s\" after the duration",
		    words[2]);
		return false;
	}
	return true;
}

/* The words of a rule, blanks dropped; NULL-terminated. */
static char **
schedule_words(const char *text)
{
	g_auto(GStrv) pieces = g_strsplit_set(text, " \t", -1);
	GPtrArray *words = g_ptr_array_new();

	for (char **piece = pieces; *piece != NULL; piece++)
		if (**piece != '\0')
			g_ptr_array_add(words, g_strdup(*piece));
	g_ptr_array_add(words, NULL);
	return (char **)g_ptr_array_free(words, false);
}

/* One rule from its words; NULL with why filled when it is not one. */
static struct schedule_rule *
schedule_parse_rule(char **words, GString *why)
{
	struct schedule_rule *rule = g_new0(struct schedule_rule, 1);
	bool parsed = false;

	rule->text = g_strjoinv(" ", words);
	if (words[0] == NULL) {
		g_string_printf(why, "expected a rule " SCHEDULE_RULE_HINT);
		goto out;
	}
	rule->weekday = schedule_parse_day(words[0]);
	if (rule->weekday != G_DATE_BAD_WEEKDAY ||
	    g_ascii_strcasecmp(words[0], "daily") == 0) {
		parsed = schedule_parse_clock(rule, words, why);
		goto out;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(schedule_meeting_words); i++) {
		if (g_ascii_strcasecmp(words[0],
		    schedule_meeting_words[i].word) != 0)
			continue;
		rule->meeting = schedule_meeting_words[i].meeting;
		rule->after = schedule_meeting_words[i].after;
		parsed = schedule_parse_meeting(rule, words, why);
		goto out;
	}
	g_string_printf(why, "expected a day (mon to sun), daily, before-iab, "
	    "after-iab, before-iesg or after-iesg, got \"%s\"", words[0]);
out:
	if (!parsed) {
		schedule_rule_free(rule);
		return NULL;
	}
	return rule;
}

static GRegex *
schedule_compile(const char *key, const char *pattern, const char *origin,
    GString *errors)
{
	g_autoptr(GError) error = NULL;
	GRegex *regex;

	if (pattern[0] == '\0') {
		schedule_report(errors, origin, "%s: expected a regular "
		    "expression, got an empty one", key);
		return NULL;
	}
	/* No G_REGEX_OPTIMIZE: the JIT buys nothing on short summaries. */
	regex = g_regex_new(pattern, G_REGEX_CASELESS, 0, &error);
	if (regex == NULL)
		schedule_report(errors, origin, "%s: not a valid regular "
		    "expression: %s", key, error->message);
	return regex;
}

struct schedule *
schedule_new(const struct schedule_config *config, GError **error)
{
	struct schedule *schedule = g_new0(struct schedule, 1);
	g_autoptr(GString) errors = g_string_new(NULL);
	g_autoptr(GString) why = g_string_new(NULL);
	const char *origin = config->origin;
	guint count = 0;

	schedule->rules = g_ptr_array_new_with_free_func(schedule_rule_free);
	for (; config->rules != NULL && config->rules[count] != NULL; count++) {
		g_auto(GStrv) words = schedule_words(config->rules[count]);
		struct schedule_rule *rule = schedule_parse_rule(words, why);

		if (rule == NULL) {
			g_autofree char *shown = g_strjoinv(" ", words);

			schedule_report(errors, origin, "schedule: rule %u "
			    "\"%s\": %s", count + 1, shown, why->str);
			continue;
		}
		if (rule->kind == SCHEDULE_MEETING) {
			schedule->needs_calendar = true;
			if (!config->have_calendar)
				schedule_report(errors, origin, "schedule: "
				    "rule %u \"%s\": needs a calendar "
				    "([digest] calendar is not set)", count + 1,
				    rule->text);
		}
		g_ptr_array_add(schedule->rules, rule);
	}
	if (count == 0)
		schedule_report(errors, origin, "schedule: expected at least "
		    "one rule " SCHEDULE_RULE_HINT);
	schedule->patterns[SCHEDULE_IAB] = schedule_compile(
	    "iab_meeting_pattern", config->iab_pattern != NULL ?
	    config->iab_pattern : SCHEDULE_DEFAULT_IAB_PATTERN, origin, errors);
	schedule->patterns[SCHEDULE_IESG] = schedule_compile(
	    "iesg_meeting_pattern", config->iesg_pattern != NULL ?
	    config->iesg_pattern : SCHEDULE_DEFAULT_IESG_PATTERN, origin,
	    errors);
	if (errors->len > 0) {
		g_set_error_literal(error, LB_ERROR, LB_ERROR_CONFIG,
		    errors->str);
		schedule_free(schedule);
		return NULL;
	}
	return schedule;
}

void
schedule_free(struct schedule *schedule)
{
	if (schedule == NULL)
		return;
	g_ptr_array_unref(schedule->rules);
	for (int i = 0; i < SCHEDULE_MEETING_COUNT; i++)
		if (schedule->patterns[i] != NULL)
			g_regex_unref(schedule->patterns[i]);
	g_free(schedule);
}

bool
schedule_needs_calendar(const struct schedule *schedule)
{
	return schedule->needs_calendar;
}

/* The best fire time so far: the earliest (next) or latest (previous);
 * on a tie the rule listed first. */
struct schedule_pick {
	int direction;			/* +1 next, -1 previous */
	gint64 around;			/* `after` or `now` */
	bool found;
	gint64 when;
	guint index;
	const struct schedule_rule *rule;
};

static void
schedule_consider(struct schedule_pick *pick, const struct schedule_rule *rule,
    guint index, gint64 when)
{
	bool better;

	if (pick->direction > 0 ? when <= pick->around ||
	    when > pick->around + SCHEDULE_HORIZON : when > pick->around ||
	    when <= pick->around - SCHEDULE_HORIZON)
		return;
	better = !pick->found || (pick->direction > 0 ? when < pick->when :
	    when > pick->when) || (when == pick->when && index < pick->index);
	if (better) {
		pick->found = true;
		pick->when = when;
		pick->index = index;
		pick->rule = rule;
	}
}

/* The rule's local time on date, in UTC seconds; false out of GLib's
 * range (years 1 to 9999). GLib moves a time in a DST gap to the end of
 * the gap and takes standard time for one that occurs twice. */
static bool
schedule_clock_on(const struct schedule_rule *rule, const GDate *date,
    gint64 *when)
{
	g_autoptr(GDateTime) time = g_date_time_new(rule->zone,
	    g_date_get_year(date), g_date_get_month(date),
	    g_date_get_day(date), rule->hour, rule->minute, 0);

	if (time == NULL)
		return false;
	*when = g_date_time_to_unix(time);
	return true;
}

/* The first fire time after pick->around, or the last at or before it.
 * Starting a day off the local date covers any zone offset; ten days
 * cover a week either way. */
static void
schedule_clock(struct schedule_pick *pick, const struct schedule_rule *rule,
    guint index)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(pick->around);
	g_autoptr(GDateTime) local = NULL;
	GDate date;

	if (utc == NULL)
		return;
	local = g_date_time_to_timezone(utc, rule->zone);
	/* GDate cannot step out of years 1 to 9999. */
	if (g_date_time_get_year(local) < 2 ||
	    g_date_time_get_year(local) > 9998)
		return;
	g_date_clear(&date, 1);
	g_date_set_dmy(&date, (GDateDay)g_date_time_get_day_of_month(local),
	    (GDateMonth)g_date_time_get_month(local),
	    (GDateYear)g_date_time_get_year(local));
	if (pick->direction > 0)
		g_date_subtract_days(&date, 1);
	else
		g_date_add_days(&date, 1);
	for (int i = 0; i < 10; i++) {
		gint64 when;

		if ((rule->weekday == G_DATE_BAD_WEEKDAY ||
		    g_date_get_weekday(&date) == rule->weekday) &&
		    schedule_clock_on(rule, &date, &when)) {
			if (pick->direction > 0 ? when > pick->around :
			    when <= pick->around) {
				schedule_consider(pick, rule, index, when);
				return;
			}
		}
		if (pick->direction > 0)
			g_date_add_days(&date, 1);
		else
			g_date_subtract_days(&date, 1);
	}
}

/* Meeting rules against every calendar instance that could give a fire
 * time within the horizon. */
static void
schedule_meetings(struct schedule_pick *pick, const struct schedule *schedule,
    const struct calendar *calendar)
{
	gint64 from, to;
	GArray *instances;
	bool truncated = false;

	if (pick->direction > 0) {
		from = pick->around - SCHEDULE_MAX_OFFSET;
		to = pick->around + SCHEDULE_HORIZON + SCHEDULE_MAX_OFFSET;
	} else {
		from = pick->around - SCHEDULE_HORIZON - SCHEDULE_MAX_OFFSET;
		to = pick->around + SCHEDULE_MAX_OFFSET + 1;
	}
	instances = calendar_expand(calendar, from, to, &truncated);
	if (truncated)
		log_warn("calendar %s: too large or complex to expand in "
		    "full; some meetings may be missed",
		    calendar_name(calendar));
	for (guint i = 0; i < instances->len; i++) {
		const struct calendar_instance *instance =
		    &g_array_index(instances, struct calendar_instance, i);
		bool is[SCHEDULE_MEETING_COUNT];

		for (int m = 0; m < SCHEDULE_MEETING_COUNT; m++)
			is[m] = g_regex_match(schedule->patterns[m],
			    instance->summary, 0, NULL);
		for (guint r = 0; r < schedule->rules->len; r++) {
			const struct schedule_rule *rule =
			    schedule->rules->pdata[r];

			if (rule->kind == SCHEDULE_MEETING && is[rule->meeting])
				schedule_consider(pick, rule, r, rule->after ?
				    instance->end + rule->offset :
				    instance->start - rule->offset);
		}
	}
	g_array_unref(instances);
}

static bool
schedule_find(const struct schedule *schedule,
    const struct calendar *calendar, struct schedule_pick *pick,
    gint64 *when, const char **rule, GError **error)
{
	g_autoptr(GDateTime) around = NULL;
	g_autofree char *shown = NULL;

	for (guint r = 0; r < schedule->rules->len; r++) {
		const struct schedule_rule *candidate =
		    schedule->rules->pdata[r];

		if (candidate->kind == SCHEDULE_CLOCK)
			schedule_clock(pick, candidate, r);
	}
	if (schedule->needs_calendar && calendar != NULL)
		schedule_meetings(pick, schedule, calendar);
	if (pick->found) {
		*when = pick->when;
		if (rule != NULL)
			*rule = pick->rule->text;
		return true;
	}
	around = g_date_time_new_from_unix_utc(pick->around);
	shown = around != NULL ? g_date_time_format(around, "%Y-%m-%d %H:%M "
	    "UTC") : g_strdup("?");
	g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY, "schedule: nothing "
	    "%s in the 366 days %s %s%s", pick->direction > 0 ? "due" :
	    "was due", pick->direction > 0 ? "after" : "up to", shown,
	    !schedule->needs_calendar ? "" : calendar == NULL ?
	    " (the calendar is not loaded)" : " (no matching meeting in the "
	    "calendar)");
	return false;
}

bool
schedule_next(const struct schedule *schedule,
    const struct calendar *calendar, gint64 after, gint64 *when,
    const char **rule, GError **error)
{
	struct schedule_pick pick = { .direction = 1, .around = after };

	return schedule_find(schedule, calendar, &pick, when, rule, error);
}

bool
schedule_previous(const struct schedule *schedule,
    const struct calendar *calendar, gint64 now, gint64 *when,
    const char **rule, GError **error)
{
	struct schedule_pick pick = { .direction = -1, .around = now };

	return schedule_find(schedule, calendar, &pick, when, rule, error);
}

/* log.c: stderr or syslog, levels, per-area debug. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static const char *const area_names[LOG_AREA_COUNT] = {
	[LOG_AREA_CONFIG] = "config",	[LOG_AREA_STORE] = "store",
	[LOG_AREA_MIME] = "mime",	[LOG_AREA_CLASSIFY] = "classify",
	[LOG_AREA_IMAP] = "imap",	[LOG_AREA_TLS] = "tls",
	[LOG_AREA_SMTP] = "smtp",	[LOG_AREA_DRAFT] = "draft",
	[LOG_AREA_SCHEDULE] = "schedule", [LOG_AREA_DAEMON] = "daemon",
};

static const char *const level_names[] = {
	[LOG_LEVEL_ERROR] = "error", [LOG_LEVEL_WARN] = "warn",
	[LOG_LEVEL_INFO] = "info", [LOG_LEVEL_DEBUG] = "debug",
};

static struct {
	enum log_target target;
	enum log_level level;
	bool areas[LOG_AREA_COUNT];
	bool syslog_open;
} log_state = {
	.target = LOG_TARGET_STDERR,
	.level = LOG_LEVEL_INFO,
	.areas = { [0 ... LOG_AREA_COUNT - 1] = true },
};

bool
log_parse_level(const char *name, enum log_level *level)
{
	for (size_t i = 0; i < G_N_ELEMENTS(level_names); i++) {
		if (g_ascii_strcasecmp(name, level_names[i]) == 0) {
			*level = (enum log_level)i;
			return true;
		}
	}
	return false;
}

bool
log_parse_target(const char *name, enum log_target *target)
{
	if (strcmp(name, "stderr") == 0)
		*target = LOG_TARGET_STDERR;
	else if (strcmp(name, "syslog") == 0)
		*target = LOG_TARGET_SYSLOG;
	else
		return false;
	return true;
}

static void
log_emit(enum log_level level, const char *area, const char *format,
    va_list ap)
{
	g_autofree char *text = NULL;

	if (level > log_state.level)
		return;
	text = g_strdup_vprintf(format, ap);
	if (log_state.target == LOG_TARGET_SYSLOG) {
		static const int priorities[] = { LOG_ERR, LOG_WARNING,
			LOG_INFO, LOG_DEBUG };
		if (area != NULL)
			syslog(priorities[level], "%s: %s", area, text);
		else
			syslog(priorities[level], "%s", text);
		return;
	}
	if (level == LOG_LEVEL_INFO)
		fprintf(stderr, "liaisonbot: %s\n", text);
	else if (area != NULL)
		fprintf(stderr, "liaisonbot: %s: %s: %s\n", level_names[level],
		    area, text);
	else
		fprintf(stderr, "liaisonbot: %s: %s\n", level_names[level],
		    text);
}

void
log_error(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_emit(LOG_LEVEL_ERROR, NULL, format, ap);
	va_end(ap);
}

void
log_warn(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_emit(LOG_LEVEL_WARN, NULL, format, ap);
	va_end(ap);
}

void
log_info(const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_emit(LOG_LEVEL_INFO, NULL, format, ap);
	va_end(ap);
}

void
log_debug_area(enum log_area area, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	log_emit(LOG_LEVEL_DEBUG, area_names[area], format, ap);
	va_end(ap);
}

bool
log_debug_enabled(enum log_area area)
{
	return log_state.level >= LOG_LEVEL_DEBUG && log_state.areas[area];
}

enum log_level
log_get_level(void)
{
	return log_state.level;
}

void
log_raise_level(int count)
{
	int level = (int)log_state.level + count;

	log_state.level = level > LOG_LEVEL_DEBUG ? LOG_LEVEL_DEBUG
						  : (enum log_level)level;
}

/* GLib and GMime speak through g_log: map their levels onto ours. Their
 * debug chatter is only shown when every area is on. */
static void
log_glib_handler(const char *domain, GLogLevelFlags flags, const char *text,
    gpointer data)
{
	const char *who = domain ? domain : "glib";

	if (flags & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
		log_error("%s: %s", who, text);
	else if (flags & G_LOG_LEVEL_WARNING)
		log_warn("%s: %s", who, text);
	else if (flags & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
		log_info("%s: %s", who, text);
	else if (log_debug_enabled(LOG_AREA_MIME))
		log_debug_area(LOG_AREA_MIME, "%s: %s", who, text);
}

void
log_setup(enum log_target target, enum log_level level, const char *areas)
{
	g_auto(GStrv) names = NULL;
	bool all = areas == NULL || *areas == '\0';

	/* Opened here, not on first use: parser threads log too (only
	 * reading log_state, which is set before they start). */
	if (target == LOG_TARGET_SYSLOG && !log_state.syslog_open) {
		openlog("liaisonbot", LOG_PID, LOG_MAIL);
		log_state.syslog_open = true;
	}
	log_state.target = target;
	log_state.level = level;
	if (!all) {
		names = g_strsplit_set(areas, ", ", -1);
		for (size_t i = 0; names[i] != NULL; i++)
			if (strcmp(names[i], "all") == 0)
				all = true;
	}
	for (size_t i = 0; i < LOG_AREA_COUNT; i++) {
		log_state.areas[i] = all;
		for (size_t j = 0; !all && names[j] != NULL; j++)
			if (strcmp(names[j], area_names[i]) == 0)
				log_state.areas[i] = true;
	}
	g_log_set_default_handler(log_glib_handler, NULL);
}

/* log.h: the only place diagnostics are written (stderr or syslog).
 * Never pass a secret or a message body to these functions. */
#ifndef LIAISONBOT_LOG_H
#define LIAISONBOT_LOG_H

#include <stdbool.h>

#include <glib.h>

enum log_level {
	LOG_LEVEL_ERROR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

enum log_area {
	LOG_AREA_CONFIG,
	LOG_AREA_STORE,
	LOG_AREA_MIME,
	LOG_AREA_CLASSIFY,
	LOG_AREA_IMAP,
	LOG_AREA_TLS,
	LOG_AREA_SMTP,
	LOG_AREA_DRAFT,
	LOG_AREA_SCHEDULE,
	LOG_AREA_DAEMON,
	LOG_AREA_COUNT,
};

enum log_target {
	LOG_TARGET_STDERR,
	LOG_TARGET_SYSLOG,
};

/* Set where lines go and how much is written. areas is a comma list of
 * area names for debug output ("imap,store", "all"); NULL or "" means all
 * areas once level is debug. Routes GLib and GMime messages here too. */
void log_setup(enum log_target target, enum log_level level, const char *areas);
bool log_parse_level(const char *name, enum log_level *level);
bool log_parse_target(const char *name, enum log_target *target);
/* Raise the level by count steps (each -v). */
void log_raise_level(int count);
enum log_level log_get_level(void);
bool log_debug_enabled(enum log_area area);

void log_error(const char *format, ...) G_GNUC_PRINTF(1, 2);
void log_warn(const char *format, ...) G_GNUC_PRINTF(1, 2);
void log_info(const char *format, ...) G_GNUC_PRINTF(1, 2);
void log_debug_area(enum log_area area, const char *format, ...)
    G_GNUC_PRINTF(2, 3);

/* Cheap when the area is off: arguments are not evaluated. */
#define log_debug(area, ...)                                                \
	do {                                                                \
		if (log_debug_enabled(area))                                \
			log_debug_area(area, __VA_ARGS__);                  \
	} while (0)

#endif

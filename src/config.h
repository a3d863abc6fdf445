/* config.h: liaisonbot.conf (GKeyFile) loaded into plain structs.
 * One table of keys (config.c) drives parsing, defaults, validation and
 * `liaisonbot config --example`. */
#ifndef LIAISONBOT_CONFIG_H
#define LIAISONBOT_CONFIG_H

#include <stdbool.h>

#include <glib.h>

/* Where a secret comes from: at most one of the three is set. */
struct config_secret {
	char *password;
	char *password_file;	/* must not be group/world readable */
	char *password_command;	/* stdout, trailing newline removed */
};

struct config_imap {
	char *host;
	int port;		/* 0: 993 for imaps, else 143 */
	char *tls;		/* imaps | starttls | none */
	bool allow_plaintext;
	char *ca_file;
	bool tls_verify;
	char *user;
	struct config_secret secret;
	char *auth;		/* login | plain | xoauth2 */
	char **folders;
	int poll_interval;	/* seconds */
	int idle_refresh;	/* seconds; RFC 2177 asks for < 29 min */
	int timeout;		/* seconds */
	bool mark_seen;
	int batch_size;
	int backoff_max;	/* seconds */
	int auth_retry;		/* seconds between tries after a refusal */
};

struct config_smtp {
	char *url;
	char *starttls;		/* required | try | no; "" = by scheme */
	char *ca_file;
	bool tls_verify;
	char *user;
	struct config_secret secret;
	char *envelope_from;
	int timeout;
	int retry_max;		/* cap of the retry backoff, seconds */
};

struct config_drafts {
	char *from;
	char **to;
	char *reply_to;
	char *template_dir;
	char *imap_folder;
	char *subject_prefix;
	char *timezone;
};

struct config_digest {
	char **schedule;
	char *calendar;
	int calendar_refresh;
	char *iab_meeting_pattern;
	char *iesg_meeting_pattern;
	bool skip_empty;
	int summary_sentences;
	int max_threads;
};

struct config_breaking {
	bool enabled;
	int threshold;		/* 0: the rules file's breaking-threshold */
	int min_interval;
	int burst_window;
};

struct config {
	char *path;		/* file loaded, or NULL when defaults only */
	struct {
		char *path;
		int busy_timeout;	/* seconds */
	} store;
	struct {
		char *target;
		char *level;
		char **debug;
	} log;
	struct {
		char *rules;
		int threads;		/* 0: one per CPU (parse_pool.h) */
	} classify;
	struct config_imap imap;
	struct config_smtp smtp;
	struct config_drafts drafts;
	struct config_digest digest;
	struct config_breaking breaking;
	GHashTable *groups_present;	/* group name -> line (GINT) */
};

/* The file to use: explicit if given; else $XDG_CONFIG_HOME/liaisonbot/
 * liaisonbot.conf, else SYSCONFDIR/liaisonbot/liaisonbot.conf, when they
 * exist. NULL when none exists. Caller frees. */
char *config_find(const char *explicit_path);

/* Load path (or defaults only when path is NULL). Every problem in the file
 * is reported, one "path:line: what was expected" per line, in a single
 * LB_ERROR_CONFIG error. */
struct config *config_load(const char *path, GError **error);
/* The same for text already in memory (length -1: NUL-terminated); name
 * stands for the file in messages and relative paths. NULL name: defaults
 * only. */
struct config *config_load_data(const char *name, const char *text,
    gssize length, GError **error);
void config_free(struct config *config);

/* Check that the keys a feature needs ("imap", "smtp", "drafts") are set. */
bool config_require(const struct config *config, const char *group,
    GError **error);

/* Every key with its default and help, as a commented example file. */
char *config_example(void);

/* "90", "90s", "15m", "24h", "1d", "1h30m" -> seconds. */
bool config_parse_duration(const char *text, int *seconds);

#endif

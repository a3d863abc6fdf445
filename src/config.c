/* config.c: the key table, GKeyFile parsing with file:line errors. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "error.h"
#include "schedule.h"

enum config_type {
	CONFIG_STRING,
	CONFIG_PATH,		/* ~ expanded; relative to the config's dir */
	CONFIG_INT,		/* choices "MIN..MAX" */
	CONFIG_BOOL,
	CONFIG_LIST,		/* comma separated */
	CONFIG_DURATION,	/* seconds; choices "MIN..MAX" */
	CONFIG_ENUM,		/* choices "a|b|c" */
};

struct config_key {
	const char *group;
	const char *key;
	enum config_type type;
	size_t offset;
	const char *fallback;	/* as written in a file; NULL: unset */
	const char *choices;
	const char *help;
};

#define AT(field) offsetof(struct config, field)
#define SECRET(group, field)                                                \
	{ group, "password", CONFIG_STRING, AT(field.secret.password), NULL,  \
	  NULL, "the password itself (prefer password_file or "             \
		"password_command)" },                                      \
	{ group, "password_file", CONFIG_PATH,                              \
	  AT(field.secret.password_file), NULL, NULL,                       \
	  "file holding the password; refused if group/world readable" },  \
	{ group, "password_command", CONFIG_STRING,                         \
	  AT(field.secret.password_command), NULL, NULL,                    \
	  "command printing the password (or an OAuth2 token) on stdout" }

static const struct config_key config_keys[] = {
	{ "store", "path", CONFIG_PATH, AT(store.path), NULL, NULL,
	  "SQLite database (default $XDG_DATA_HOME/liaisonbot/liaisonbot.db)" },
	{ "store", "busy_timeout", CONFIG_DURATION, AT(store.busy_timeout),
	  "5s", "0..3600", "how long to wait for another process holding "
	  "the store before giving up (exit 75); keep it under the MDA's "
	  "program timeout (Dovecot: 10s)" },

	{ "log", "target", CONFIG_ENUM, AT(log.target), "stderr",
	  "stderr|syslog", "where diagnostics go" },
	{ "log", "level", CONFIG_ENUM, AT(log.level), "info",
	  "error|warn|info|debug", "how much is logged" },
	{ "log", "debug", CONFIG_LIST, AT(log.debug), NULL, NULL,
	  "areas shown at level debug (config, store, mime, classify, imap, "
	  "tls, smtp, draft, schedule, daemon); empty: all" },

	{ "classify", "rules", CONFIG_PATH, AT(classify.rules), NULL, NULL,
	  "rules file (default: rules.conf beside this file, else the "
	  "installed one)" },
	{ "classify", "threads", CONFIG_INT, AT(classify.threads), "0",
	  "0..64", "threads parsing and classifying for ingest, classify and "
	  "IMAP syncs (0: one per CPU, at most 8; 1: none)" },

	{ "imap", "host", CONFIG_STRING, AT(imap.host), NULL, NULL,
	  "IMAP server (required for run and poll)" },
	{ "imap", "port", CONFIG_INT, AT(imap.port), "0", "0..65535",
	  "port; 0 means 993 for imaps, 143 otherwise" },
	{ "imap", "tls", CONFIG_ENUM, AT(imap.tls), "imaps",
	  "imaps|starttls|none", "TLS from the first byte, STARTTLS, or none "
	  "(none needs allow_plaintext)" },
	{ "imap", "allow_plaintext", CONFIG_BOOL, AT(imap.allow_plaintext),
	  "false", NULL, "permit tls = none" },
	{ "imap", "ca_file", CONFIG_PATH, AT(imap.ca_file), NULL, NULL,
	  "PEM trust anchors (default: the system store)" },
	{ "imap", "tls_verify", CONFIG_BOOL, AT(imap.tls_verify), "true", NULL,
	  "verify the certificate chain and host name" },
	{ "imap", "user", CONFIG_STRING, AT(imap.user), NULL, NULL,
	  "login name (required for run and poll)" },
	SECRET("imap", imap),
	{ "imap", "auth", CONFIG_ENUM, AT(imap.auth), "login",
	  "login|plain|xoauth2", "LOGIN command, AUTHENTICATE PLAIN, or "
	  "XOAUTH2 (token from password_command, re-run on every connect)" },
	{ "imap", "folders", CONFIG_LIST, AT(imap.folders), "INBOX", NULL,
	  "folders followed, each with its own IDLE connection" },
	{ "imap", "poll_interval", CONFIG_DURATION, AT(imap.poll_interval),
	  "5m", "10..86400", "poll period when the server has no IDLE" },
	{ "imap", "idle_refresh", CONFIG_DURATION, AT(imap.idle_refresh),
	  "25m", "60..1740", "re-issue IDLE this often (RFC 2177: < 29m)" },
	{ "imap", "timeout", CONFIG_DURATION, AT(imap.timeout), "60s",
	  "5..3600", "network timeout" },
	{ "imap", "mark_seen", CONFIG_BOOL, AT(imap.mark_seen), "false", NULL,
	  "set \\Seen on messages fetched" },
	{ "imap", "batch_size", CONFIG_INT, AT(imap.batch_size), "500",
	  "1..100000", "messages fetched per UID FETCH" },
	{ "imap", "backoff_max", CONFIG_DURATION, AT(imap.backoff_max), "15m",
	  "1..86400", "longest wait between reconnection attempts" },
	{ "imap", "auth_retry", CONFIG_DURATION, AT(imap.auth_retry), "30m",
	  "1..86400", "wait after an authentication refusal" },

	{ "smtp", "url", CONFIG_STRING, AT(smtp.url), NULL, NULL,
	  "smtp://host:587 or smtps://host:465 (required to send)" },
	{ "smtp", "starttls", CONFIG_ENUM, AT(smtp.starttls), NULL,
	  "required|try|no", "for smtp:// URLs; default required" },
	{ "smtp", "ca_file", CONFIG_PATH, AT(smtp.ca_file), NULL, NULL,
	  "PEM trust anchors (default: the system store)" },
	{ "smtp", "tls_verify", CONFIG_BOOL, AT(smtp.tls_verify), "true", NULL,
	  "verify the certificate chain and host name" },
	{ "smtp", "user", CONFIG_STRING, AT(smtp.user), NULL, NULL,
	  "SMTP AUTH user (none: no AUTH)" },
	SECRET("smtp", smtp),
	{ "smtp", "envelope_from", CONFIG_STRING, AT(smtp.envelope_from), NULL,
	  NULL, "envelope sender (MAIL FROM); default: the address of "
	  "[drafts] from" },
	{ "smtp", "timeout", CONFIG_DURATION, AT(smtp.timeout), "60s",
	  "5..3600", "network timeout" },
	{ "smtp", "retry_max", CONFIG_DURATION, AT(smtp.retry_max), "1h",
	  "10..604800", "longest wait between delivery attempts" },

	{ "drafts", "from", CONFIG_STRING, AT(drafts.from), NULL, NULL,
	  "From header of drafts (required to send)" },
	{ "drafts", "to", CONFIG_LIST, AT(drafts.to), NULL, NULL,
	  "recipients of drafts: the Liaison, for review (required to send)" },
	{ "drafts", "reply_to", CONFIG_STRING, AT(drafts.reply_to), NULL, NULL,
	  "Reply-To header of drafts" },
	{ "drafts", "template_dir", CONFIG_PATH, AT(drafts.template_dir), NULL,
	  NULL, "templates overriding the installed ones, file by file" },
	{ "drafts", "imap_folder", CONFIG_STRING, AT(drafts.imap_folder), NULL,
	  NULL, "also APPEND each draft with \\Draft to this IMAP folder" },
	{ "drafts", "subject_prefix", CONFIG_STRING, AT(drafts.subject_prefix),
	  "[IESG liaison]", NULL, "start of every draft's subject" },
	{ "drafts", "timezone", CONFIG_STRING, AT(drafts.timezone), "UTC", NULL,
	  "zone for dates shown in drafts (IANA name)" },

	{ "digest", "schedule", CONFIG_LIST, AT(digest.schedule),
	  "thu 18:00 UTC", NULL, "when digests are drafted: 'thu 18:00 UTC' "
	  "(after the IESG telechat), 'before-iab 24h', 'after-iesg 2h', "
	  "'daily 07:00 Europe/Berlin'; empty: only on demand" },
	{ "digest", "calendar", CONFIG_STRING, AT(digest.calendar), NULL, NULL,
	  "iCalendar file or https URL with IAB and IESG meetings" },
	{ "digest", "calendar_refresh", CONFIG_DURATION,
	  AT(digest.calendar_refresh), "1d", "60..2592000",
	  "how often a calendar URL is fetched again" },
	{ "digest", "iab_meeting_pattern", CONFIG_STRING,
	  AT(digest.iab_meeting_pattern), SCHEDULE_DEFAULT_IAB_PATTERN,
	  NULL, "regex on event summaries marking IAB meetings" },
	{ "digest", "iesg_meeting_pattern", CONFIG_STRING,
	  AT(digest.iesg_meeting_pattern), SCHEDULE_DEFAULT_IESG_PATTERN,
	  NULL, "regex on event summaries marking IESG meetings" },
	{ "digest", "skip_empty", CONFIG_BOOL, AT(digest.skip_empty), "false",
	  NULL, "draft nothing for a period with nothing of note" },
	{ "digest", "summary_sentences", CONFIG_INT,
	  AT(digest.summary_sentences), "3", "0..20",
	  "sentences quoted per thread" },
	{ "digest", "max_threads", CONFIG_INT, AT(digest.max_threads), "0",
	  "0..10000", "threads per category (0: all)" },

	{ "breaking", "enabled", CONFIG_BOOL, AT(breaking.enabled), "true",
	  NULL, "draft breaking news as it arrives" },
	{ "breaking", "threshold", CONFIG_INT, AT(breaking.threshold), "0",
	  "0..1000", "score making a message breaking (0: the rules file's)" },
	{ "breaking", "min_interval", CONFIG_DURATION, AT(breaking.min_interval),
	  "6h", "0..2592000", "at most one breaking draft per thread in this "
	  "time" },
	{ "breaking", "burst_window", CONFIG_DURATION,
	  AT(breaking.burst_window), "2m", "0..86400",
	  "wait this long to merge a burst into one draft" },
};

static const char *const config_groups[] = {
	"store", "log", "classify", "imap", "smtp", "drafts", "digest",
	"breaking",
};

/* Where each group and key stands in the file, for error messages. */
struct config_lines {
	GHashTable *lines;	/* "group" or "group\nkey" -> line */
};

static void *
config_field(struct config *config, const struct config_key *key)
{
	return (char *)config + key->offset;
}

bool
config_parse_duration(const char *text, int *seconds)
{
	const char *p = text;
	gint64 total = 0;
	bool any = false;

	while (g_ascii_isspace(*p))
		p++;
	while (*p != '\0') {
		char *end;
		gint64 n;
		int unit;

		errno = 0;
		n = g_ascii_strtoll(p, &end, 10);
		if (end == p || errno != 0 || n < 0)
			return false;
		switch (*end) {
		case 'd': unit = 86400; end++; break;
		case 'h': unit = 3600; end++; break;
		case 'm': unit = 60; end++; break;
		case 's': unit = 1; end++; break;
		case '\0': case ' ': unit = 1; break;
		default: return false;
		}
		/* Checked before multiplying: "9999999999999999d" must not
		 * overflow into a small, plausible duration. */
		if (n > G_MAXINT / unit)
			return false;
		total += n * unit;
		if (total > G_MAXINT)
			return false;
		any = true;
		p = end;
		while (g_ascii_isspace(*p))
			p++;
	}
	if (!any)
		return false;
	*seconds = (int)total;
	return true;
}

/* Pre-scan: GKeyFile reports neither line numbers nor which line is bad. */
static void
config_scan_lines(const char *path, const char *text,
    struct config_lines *lines, GString *errors)
{
	g_auto(GStrv) rows = g_strsplit(text, "\n", -1);
	g_autofree char *group = NULL;

	for (guint i = 0; rows[i] != NULL; i++) {
		char *row = g_strstrip(rows[i]);
		guint line = i + 1;
		char *eq;

		if (!g_utf8_validate(row, -1, NULL)) {
			g_string_append_printf(errors,
			    "%s:%u: expected UTF-8 text\n", path, line);
			continue;
		}
		if (*row == '\0' || *row == '#' || *row == ';')
			continue;
		if (*row == '[') {
			char *end = strchr(row, ']');

			if (end == NULL || end[1] != '\0') {
				g_string_append_printf(errors,
				    "%s:%u: expected '[group]', got '%s'\n",
				    path, line, row);
				continue;
			}
			g_free(group);
			group = g_strndup(row + 1, (gsize)(end - row - 1));
			g_hash_table_insert(lines->lines, g_strdup(group),
			    GUINT_TO_POINTER(line));
			continue;
		}
		eq = strchr(row, '=');
		if (eq == NULL) {
			g_string_append_printf(errors,
			    "%s:%u: expected 'key = value', got '%s'\n", path,
			    line, row);
			continue;
		}
		if (group == NULL) {
			g_string_append_printf(errors,
			    "%s:%u: expected a '[group]' line before '%s'\n",
			    path, line, row);
			continue;
		}
		*eq = '\0';
		g_hash_table_insert(lines->lines,
		    g_strdup_printf("%s\n%s", group, g_strstrip(row)),
		    GUINT_TO_POINTER(line));
	}
}

static guint
config_line_of(const struct config_lines *lines, const char *group,
    const char *key)
{
	g_autofree char *name = key ? g_strdup_printf("%s\n%s", group, key)
				    : g_strdup(group);

	return GPOINTER_TO_UINT(g_hash_table_lookup(lines->lines, name));
}

static const struct config_key *
config_key_find(const char *group, const char *key)
{
	for (size_t i = 0; i < G_N_ELEMENTS(config_keys); i++)
		if (strcmp(config_keys[i].group, group) == 0 &&
		    strcmp(config_keys[i].key, key) == 0)
			return &config_keys[i];
	return NULL;
}

static bool
config_group_known(const char *group)
{
	for (size_t i = 0; i < G_N_ELEMENTS(config_groups); i++)
		if (strcmp(config_groups[i], group) == 0)
			return true;
	return false;
}

static char *
config_expand_path(const char *value, const char *base_dir)
{
	if (value[0] == '~' && (value[1] == '/' || value[1] == '\0'))
		return g_build_filename(g_get_home_dir(), value + 1, NULL);
	if (g_path_is_absolute(value) || base_dir == NULL)
		return g_strdup(value);
	return g_build_filename(base_dir, value, NULL);
}

static bool
config_in_range(const char *choices, long long n)
{
	long long lo, hi;

	if (choices == NULL || sscanf(choices, "%lld..%lld", &lo, &hi) != 2)
		return true;
	return n >= lo && n <= hi;
}

static bool
config_enum_allows(const char *choices, const char *value)
{
	g_auto(GStrv) allowed = g_strsplit(choices, "|", -1);

	return g_strv_contains((const char *const *)allowed, value);
}

/* Parse one value into its field. On failure returns what was expected. */
static const char *
config_set_value(struct config *config, const struct config_key *key,
    const char *value, const char *base_dir)
{
	void *field = config_field(config, key);
	char *end;
	long long n;
	int seconds;

	switch (key->type) {
	case CONFIG_STRING:
		g_free(*(char **)field);
		*(char **)field = g_strdup(value);
		return NULL;
	case CONFIG_PATH:
		if (*value == '\0')
			return "a path";
		g_free(*(char **)field);
		*(char **)field = config_expand_path(value, base_dir);
		return NULL;
	case CONFIG_ENUM:
		if (!config_enum_allows(key->choices, value))
			return "one of";
		g_free(*(char **)field);
		*(char **)field = g_strdup(value);
		return NULL;
	case CONFIG_INT:
		errno = 0;
		n = strtoll(value, &end, 10);
		if (*value == '\0' || *end != '\0' || errno != 0 ||
		    !config_in_range(key->choices, n))
			return "an integer in";
		*(int *)field = (int)n;
		return NULL;
	case CONFIG_DURATION:
		if (!config_parse_duration(value, &seconds) ||
		    !config_in_range(key->choices, seconds))
			return "a duration (90s, 15m, 24h, 1d) in seconds";
		*(int *)field = seconds;
		return NULL;
	case CONFIG_BOOL:
		if (g_ascii_strcasecmp(value, "true") == 0 ||
		    g_ascii_strcasecmp(value, "yes") == 0)
			*(bool *)field = true;
		else if (g_ascii_strcasecmp(value, "false") == 0 ||
		    g_ascii_strcasecmp(value, "no") == 0)
			*(bool *)field = false;
		else
			return "true or false";
		return NULL;
	case CONFIG_LIST: {
		g_auto(GStrv) items = g_strsplit(value, ",", -1);
		GPtrArray *kept = g_ptr_array_new();

		for (size_t i = 0; items[i] != NULL; i++) {
			char *item = g_strstrip(items[i]);

			if (*item != '\0')
				g_ptr_array_add(kept, g_strdup(item));
		}
		g_ptr_array_add(kept, NULL);
		g_strfreev(*(char ***)field);
		*(char ***)field = (char **)g_ptr_array_free(kept, FALSE);
		return NULL;
	}
	}
	g_assert_not_reached();
}

static void
config_report(GString *errors, const char *path, guint line,
    const char *format, ...) G_GNUC_PRINTF(4, 5);

static void
config_report(GString *errors, const char *path, guint line,
    const char *format, ...)
{
	va_list ap;

	if (line > 0)
		g_string_append_printf(errors, "%s:%u: ", path, line);
	else
		g_string_append_printf(errors, "%s: ", path);
	va_start(ap, format);
	g_string_append_vprintf(errors, format, ap);
	va_end(ap);
	g_string_append_c(errors, '\n');
}

static void
config_apply_defaults(struct config *config)
{
	for (size_t i = 0; i < G_N_ELEMENTS(config_keys); i++) {
		const struct config_key *key = &config_keys[i];
		const char *problem;

		if (key->fallback == NULL)
			continue;
		problem = config_set_value(config, key, key->fallback, NULL);
		g_assert(problem == NULL);
	}
}

/* Defaults that depend on the environment or on other keys. */
static void
config_derive(struct config *config)
{
	g_autofree char *dir = NULL;

	if (config->store.path == NULL)
		config->store.path = g_build_filename(g_get_user_data_dir(),
		    "liaisonbot", "liaisonbot.db", NULL);
	if (config->classify.rules == NULL) {
		dir = config->path ? g_path_get_dirname(config->path) : NULL;
		char *beside = dir ? g_build_filename(dir, "rules.conf", NULL)
				   : NULL;

		if (beside != NULL && g_file_test(beside, G_FILE_TEST_EXISTS))
			config->classify.rules = beside;
		else {
			g_free(beside);
			config->classify.rules = g_build_filename(
			    LIAISONBOT_DATADIR, "rules.conf", NULL);
		}
	}
	if (config->imap.port == 0)
		config->imap.port =
		    strcmp(config->imap.tls, "imaps") == 0 ? 993 : 143;
}

static void
config_check_secret(const struct config *config, const char *group,
    const struct config_secret *secret, const struct config_lines *lines,
    GString *errors)
{
	int set = (secret->password != NULL) +
	    (secret->password_file != NULL) +
	    (secret->password_command != NULL);

	if (set > 1)
		config_report(errors, config->path,
		    config_line_of(lines, group, NULL),
		    "[%s]: expected at most one of password, password_file "
		    "and password_command", group);
}

static void
config_cross_check(const struct config *config,
    const struct config_lines *lines, GString *errors)
{
	config_check_secret(config, "imap", &config->imap.secret, lines,
	    errors);
	config_check_secret(config, "smtp", &config->smtp.secret, lines,
	    errors);
	if (strcmp(config->imap.tls, "none") == 0 &&
	    !config->imap.allow_plaintext)
		config_report(errors, config->path,
		    config_line_of(lines, "imap", "tls"),
		    "[imap] tls = none sends the password in clear: expected "
		    "allow_plaintext = true beside it, or imaps/starttls");
	if (config->smtp.url != NULL &&
	    !g_str_has_prefix(config->smtp.url, "smtp://") &&
	    !g_str_has_prefix(config->smtp.url, "smtps://"))
		config_report(errors, config->path,
		    config_line_of(lines, "smtp", "url"),
		    "[smtp] url: expected smtp://HOST[:PORT] or "
		    "smtps://HOST[:PORT], got '%s'", config->smtp.url);
}

/* Walk every group and key of the file against the table. */
static void
config_read_keys(struct config *config, GKeyFile *file,
    const struct config_lines *lines, GString *errors)
{
	g_auto(GStrv) groups = g_key_file_get_groups(file, NULL);
	g_autofree char *base_dir = g_path_get_dirname(config->path);

	for (size_t g = 0; groups[g] != NULL; g++) {
		const char *group = groups[g];
		g_auto(GStrv) keys = NULL;

		if (!config_group_known(group)) {
			config_report(errors, config->path,
			    config_line_of(lines, group, NULL),
			    "unknown group [%s]: expected one of [store], "
			    "[log], [classify], [imap], [smtp], [drafts], "
			    "[digest], [breaking]", group);
			continue;
		}
		g_hash_table_insert(config->groups_present, g_strdup(group),
		    GUINT_TO_POINTER(config_line_of(lines, group, NULL)));
		keys = g_key_file_get_keys(file, group, NULL, NULL);
		for (size_t k = 0; keys != NULL && keys[k] != NULL; k++) {
			const struct config_key *key =
			    config_key_find(group, keys[k]);
			guint line = config_line_of(lines, group, keys[k]);
			g_autofree char *value = NULL;
			const char *problem;

			if (key == NULL) {
				config_report(errors, config->path, line,
				    "unknown key '%s' in [%s]", keys[k],
				    group);
				continue;
			}
			value = g_key_file_get_value(file, group, keys[k],
			    NULL);
			g_strstrip(value);
			problem = config_set_value(config, key, value,
			    base_dir);
			if (problem == NULL)
				continue;
			if (key->choices != NULL)
				config_report(errors, config->path, line,
				    "[%s] %s: expected %s %s, got '%s'", group,
				    keys[k], problem, key->choices, value);
			else
				config_report(errors, config->path, line,
				    "[%s] %s: expected %s, got '%s'", group,
				    keys[k], problem, value);
		}
	}
}

char *
config_find(const char *explicit_path)
{
	char *path;

	if (explicit_path != NULL)
		return g_strdup(explicit_path);
	path = g_build_filename(g_get_user_config_dir(), "liaisonbot",
	    "liaisonbot.conf", NULL);
	if (g_file_test(path, G_FILE_TEST_EXISTS))
		return path;
	g_free(path);
	path = g_build_filename(LIAISONBOT_SYSCONFDIR, "liaisonbot",
	    "liaisonbot.conf", NULL);
	if (g_file_test(path, G_FILE_TEST_EXISTS))
		return path;
	g_free(path);
	return NULL;
}

/* INI files often use ';' comment lines, which GKeyFile does not know. */
static void
config_semicolon_comments(char *text)
{
	for (char *line = text; line != NULL && *line != '\0';) {
		char *p = line;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == ';')
			*p = '#';
		line = strchr(line, '\n');
		if (line != NULL)
			line++;
	}
}

static struct config *
config_new(void)
{
	struct config *config = g_new0(struct config, 1);

	config->groups_present = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	config_apply_defaults(config);
	return config;
}

/* A NUL byte would silently end the text for GKeyFile: refuse it. */
static bool
config_check_nul(const char *name, const char *text, gsize length,
    GString *errors)
{
	const char *nul = memchr(text, '\0', length);
	guint line = 1;

	if (nul == NULL)
		return true;
	for (const char *p = text; p < nul; p++)
		line += *p == '\n';
	config_report(errors, name, line, "unexpected NUL byte");
	return false;
}

struct config *
config_load_data(const char *name, const char *text, gssize length,
    GError **error)
{
	struct config *config = config_new();
	g_autoptr(GKeyFile) file = NULL;
	g_autoptr(GError) local = NULL;
	g_autoptr(GString) errors = g_string_new(NULL);
	g_autofree char *copy = NULL;
	struct config_lines lines;

	lines.lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	if (name == NULL)
		goto derive;
	config->path = g_strdup(name);
	if (length < 0)
		length = (gssize)strlen(text);
	if (!config_check_nul(name, text, (gsize)length, errors))
		goto out;
	copy = g_strndup(text, (gsize)length);
	config_scan_lines(name, copy, &lines, errors);
	if (errors->len > 0)
		goto out;
	config_semicolon_comments(copy);
	file = g_key_file_new();
	if (!g_key_file_load_from_data(file, copy, (gsize)length,
	    G_KEY_FILE_NONE, &local)) {
		config_report(errors, name, 0, "%s", local->message);
		goto out;
	}
	config_read_keys(config, file, &lines, errors);
derive:
	config_derive(config);
	config_cross_check(config, &lines, errors);
out:
	g_hash_table_unref(lines.lines);
	if (errors->len == 0)
		return config;
	g_string_truncate(errors, errors->len - 1);
	g_set_error_literal(error, LB_ERROR, LB_ERROR_CONFIG, errors->str);
	config_free(config);
	return NULL;
}

struct config *
config_load(const char *path, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree char *text = NULL;
	gsize length;

	if (path == NULL)
		return config_load_data(NULL, NULL, 0, error);
	if (!g_file_get_contents(path, &text, &length, &local)) {
		g_set_error_literal(error, LB_ERROR, LB_ERROR_CONFIG,
		    local->message);
		return NULL;
	}
	return config_load_data(path, text, (gssize)length, error);
}

static const char *
config_require_key(const struct config *config, const char *group,
    const char *key)
{
	const struct config_key *entry = config_key_find(group, key);
	void *field;

	g_assert(entry != NULL);
	field = (char *)config + entry->offset;
	if (entry->type == CONFIG_LIST)
		return *(char ***)field && **(char ***)field ? NULL : key;
	return *(char **)field && **(char **)field ? NULL : key;
}

bool
config_require(const struct config *config, const char *group,
    GError **error)
{
	static const struct {
		const char *group;
		const char *keys[3];
	} needs[] = {
		{ "imap", { "host", "user", NULL } },
		{ "smtp", { "url", NULL } },
		{ "drafts", { "from", "to", NULL } },
	};
	const char *where = config->path ? config->path : "(no config file)";
	guint line = GPOINTER_TO_UINT(
	    g_hash_table_lookup(config->groups_present, group));

	for (size_t i = 0; i < G_N_ELEMENTS(needs); i++) {
		if (strcmp(needs[i].group, group) != 0)
			continue;
		for (size_t k = 0; needs[i].keys[k] != NULL; k++) {
			if (config_require_key(config, group,
			    needs[i].keys[k]) == NULL)
				continue;
			if (line > 0)
				g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
				    "%s:%u: [%s]: expected key '%s'", where,
				    line, group, needs[i].keys[k]);
			else
				g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
				    "%s: expected a [%s] group with key '%s'",
				    where, group, needs[i].keys[k]);
			return false;
		}
	}
	return true;
}

void
config_free(struct config *config)
{
	if (config == NULL)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(config_keys); i++) {
		void *field = config_field(config, &config_keys[i]);

		switch (config_keys[i].type) {
		case CONFIG_STRING:
		case CONFIG_PATH:
		case CONFIG_ENUM:
			g_free(*(char **)field);
			break;
		case CONFIG_LIST:
			g_strfreev(*(char ***)field);
			break;
		default:
			break;
		}
	}
	g_hash_table_unref(config->groups_present);
	g_free(config->path);
	g_free(config);
}

/* "# " comment lines of at most 78 columns. */
static void
config_append_wrapped(GString *out, const char *text)
{
	g_auto(GStrv) words = g_strsplit(text, " ", -1);
	size_t column = 0;

	for (size_t i = 0; words[i] != NULL; i++) {
		size_t n = strlen(words[i]);

		if (column > 0 && column + 1 + n > 78) {
			g_string_append_c(out, '\n');
			column = 0;
		}
		if (column == 0) {
			g_string_append(out, "#");
			column = 1;
		}
		g_string_append_printf(out, " %s", words[i]);
		column += 1 + n;
	}
	g_string_append_c(out, '\n');
}

char *
config_example(void)
{
	GString *out = g_string_new(
	    "# liaisonbot.conf: every key with its default.\n"
	    "# Lines starting with # are comments; uncomment to change.\n"
	    "# Durations: 90s, 15m, 24h, 1d. Lists: comma separated.\n");
	const char *group = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(config_keys); i++) {
		const struct config_key *key = &config_keys[i];

		if (group == NULL || strcmp(group, key->group) != 0) {
			group = key->group;
			g_string_append_printf(out, "\n[%s]\n", group);
		}
		g_autofree char *help = key->type == CONFIG_ENUM
		    ? g_strdup_printf("%s (%s)", key->help, key->choices)
		    : g_strdup(key->help);

		config_append_wrapped(out, help);
		if (key->fallback != NULL && *key->fallback != '\0')
			g_string_append_printf(out, "#%s = %s\n", key->key,
			    key->fallback);
		else
			g_string_append_printf(out, "#%s =\n", key->key);
	}
	return g_string_free(out, FALSE);
}

/* imap_probe: drives src/imap_conn.c from shell tests and benchmarks.
 *
 *   imap_probe [options] login
 *   imap_probe [options] select FOLDER
 *   imap_probe [options] fetch FOLDER DIR [AFTER_UID]   one file DIR/UID
 *   imap_probe [options] bench FOLDER [AFTER_UID]       count, no files
 *   imap_probe [options] idle FOLDER SECONDS
 *   imap_probe [options] append FOLDER FILE [seen,draft]
 *   imap_probe [options] search FOLDER MESSAGE-ID
 *
 * Lines on stdout are the test interface; errors go to stderr as
 * "imap_probe: MESSAGE" and the exit status is lb_error_exit_code(). The
 * password comes from --password, else from the environment variable named
 * by --password-env, never from a default. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <glib.h>

#include "error.h"
#include "imap_conn.h"
#include "log.h"

static struct {
	char *host, *tls, *auth, *ca_file, *user, *password, *password_env;
	char *hook;
	int port, timeout, connect_timeout, batch, hook_after;
	gboolean allow_plaintext, no_verify, mark_seen, verbose;
} opt = { .host = "127.0.0.1", .tls = "imaps", .auth = "login" };

static const GOptionEntry entries[] = {
	{ "host", 0, 0, G_OPTION_ARG_STRING, &opt.host, "server", "HOST" },
	{ "port", 0, 0, G_OPTION_ARG_INT, &opt.port, "port", "N" },
	{ "tls", 0, 0, G_OPTION_ARG_STRING, &opt.tls, "imaps|starttls|none",
	    "MODE" },
	{ "allow-plaintext", 0, 0, G_OPTION_ARG_NONE, &opt.allow_plaintext,
	    "allow tls none", NULL },
	{ "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &opt.ca_file, "trust",
	    "FILE" },
	{ "no-verify", 0, 0, G_OPTION_ARG_NONE, &opt.no_verify,
	    "tls_verify = false", NULL },
	{ "user", 0, 0, G_OPTION_ARG_STRING, &opt.user, "user", "USER" },
	{ "password", 0, 0, G_OPTION_ARG_STRING, &opt.password, "secret",
	    "PASSWORD" },
	{ "password-env", 0, 0, G_OPTION_ARG_STRING, &opt.password_env,
	    "take the secret from this variable", "VAR" },
	{ "auth", 0, 0, G_OPTION_ARG_STRING, &opt.auth,
	    "login|plain|xoauth2", "MECH" },
	{ "timeout", 0, 0, G_OPTION_ARG_INT, &opt.timeout, "read timeout",
	    "S" },
	{ "connect-timeout", 0, 0, G_OPTION_ARG_INT, &opt.connect_timeout,
	    "connect timeout", "S" },
	{ "batch", 0, 0, G_OPTION_ARG_INT, &opt.batch, "UIDs per FETCH", "N" },
	{ "mark-seen", 0, 0, G_OPTION_ARG_NONE, &opt.mark_seen,
	    "set \\Seen after fetching", NULL },
	{ "hook-after", 0, 0, G_OPTION_ARG_INT, &opt.hook_after,
	    "run --hook after this many messages", "N" },
	{ "hook", 0, 0, G_OPTION_ARG_STRING, &opt.hook, "shell command",
	    "CMD" },
	{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &opt.verbose, "debug log",
	    NULL },
	{ 0 },
};

struct fetch_state {
	const char *dir;	/* NULL: count only */
	unsigned count;
	guint64 bytes;
};

static bool
parse_options(struct imap_options *options, GError **error)
{
	static const char *const modes[] = { "imaps", "starttls", "none" };
	static const char *const mechs[] = { "login", "plain", "xoauth2" };
	const char *password = opt.password;
	int tls = -1, auth = -1;

	for (int i = 0; i < 3; i++) {
		if (strcmp(opt.tls, modes[i]) == 0)
			tls = i;
		if (strcmp(opt.auth, mechs[i]) == 0)
			auth = i;
	}
	if (tls < 0 || auth < 0) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "bad --tls or --auth");
		return false;
	}
	if (password == NULL && opt.password_env != NULL)
		password = g_getenv(opt.password_env);
	*options = (struct imap_options){
		.host = opt.host,
		.port = (unsigned)opt.port,
		.tls = (enum imap_tls_mode)tls,
		.allow_plaintext = opt.allow_plaintext,
		.ca_file = opt.ca_file,
		.tls_verify = !opt.no_verify,
		.user = opt.user,
		.password = password,
		.auth = (enum imap_auth)auth,
		.connect_timeout = (unsigned)opt.connect_timeout,
		.read_timeout = (unsigned)opt.timeout,
	};
	return true;
}

static bool
on_message(uint32_t uid, const char *bytes, size_t len, gint64 date,
    void *data, GError **error)
{
	struct fetch_state *state = data;

	if (state->dir != NULL) {
		g_autofree char *path = g_strdup_printf("%s/%u", state->dir,
		    uid);

		if (!g_file_set_contents(path, bytes, (gssize)len, error))
			return false;
		printf("uid %u len %zu internaldate %" G_GINT64_FORMAT "\n",
		    uid, len, date);
		fflush(stdout);
	}
	state->count++;
	state->bytes += len;
	if (opt.hook != NULL && state->count == (unsigned)opt.hook_after &&
	    system(opt.hook) != 0)
		fprintf(stderr, "imap_probe: hook failed\n");
	return true;
}

static bool
cmd_fetch(struct imap_conn *conn, char **argv, int argc, bool bench,
    GError **error)
{
	struct fetch_state state = { .dir = bench ? NULL : argv[2] };
	struct imap_folder_status status;
	int after_index = bench ? 2 : 3;
	uint32_t after = 0;
	unsigned fetched = 0;
	gint64 start;
	double seconds;

	if (argc > after_index)
		after = (uint32_t)strtoul(argv[after_index], NULL, 10);
	start = g_get_monotonic_time();
	if (!imap_conn_select(conn, argv[1], &status, error))
		return false;
	if (!imap_conn_fetch_new(conn, after, (unsigned)opt.batch,
	    opt.mark_seen, on_message, &state, &fetched, error))
		return false;
	seconds = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
	printf("fetched %u\n", fetched);
	if (bench)
		printf("bench %u messages %" G_GUINT64_FORMAT " bytes %.3f s "
		    "%.0f msg/s\n", state.count, state.bytes, seconds,
		    seconds > 0 ? state.count / seconds : 0.0);
	return true;
}

struct idle_state {
	GMainLoop *loop;
	bool woke;
};

static gboolean
on_idle_input(gint fd, GIOCondition condition, gpointer data)
{
	struct idle_state *state = data;

	state->woke = true;
	g_main_loop_quit(state->loop);
	return G_SOURCE_REMOVE;
}

static gboolean
on_idle_timeout(gpointer data)
{
	struct idle_state *state = data;

	g_main_loop_quit(state->loop);
	return G_SOURCE_REMOVE;
}

/* Waits for new mail the way the daemon will: the IDLE socket as a GLib
 * fd source, a timer for the upper bound. */
static bool
cmd_idle(struct imap_conn *conn, char **argv, GError **error)
{
	struct idle_state state = { g_main_loop_new(NULL, FALSE), false };
	struct imap_folder_status status;
	guint input, timer;
	bool new_mail = false;
	gint64 start;

	if (!imap_conn_select(conn, argv[1], &status, error) ||
	    !imap_conn_idle_start(conn, error))
		return false;
	printf("idling exists %u\n", status.exists);
	fflush(stdout);
	start = g_get_monotonic_time();
	input = g_unix_fd_add(imap_conn_idle_fd(conn), G_IO_IN | G_IO_HUP |
	    G_IO_ERR, on_idle_input, &state);
	timer = g_timeout_add_seconds((guint)atoi(argv[2]), on_idle_timeout,
	    &state);
	if (imap_conn_idle_pending(conn))
		state.woke = true;
	else
		g_main_loop_run(state.loop);
	if (!state.woke)
		g_source_remove(input);
	else
		g_source_remove(timer);
	g_main_loop_unref(state.loop);
	if (!imap_conn_idle_done(conn, &new_mail, error))
		return false;
	printf("%s after %.1f s\n", new_mail ? "new mail" : "no new mail",
	    (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
	return true;
}

static bool
cmd_append(struct imap_conn *conn, char **argv, int argc, GError **error)
{
	g_autofree char *bytes = NULL;
	unsigned flags = 0;
	uint32_t uid = 0;
	gsize len;

	if (!g_file_get_contents(argv[2], &bytes, &len, error))
		return false;
	if (argc > 3 && strstr(argv[3], "seen"))
		flags |= IMAP_FLAG_SEEN;
	if (argc > 3 && strstr(argv[3], "draft"))
		flags |= IMAP_FLAG_DRAFT;
	if (!imap_conn_append(conn, argv[1], bytes, len, flags, &uid, error))
		return false;
	printf("appended uid %u\n", uid);
	return true;
}

static bool
cmd_search(struct imap_conn *conn, char **argv, GError **error)
{
	g_autoptr(GArray) uids = NULL;

	if (!imap_conn_search_message_id(conn, argv[1], argv[2], &uids, error))
		return false;
	for (guint i = 0; i < uids->len; i++)
		printf("uid %u\n", g_array_index(uids, uint32_t, i));
	printf("found %u\n", uids->len);
	return true;
}

static bool
run(struct imap_conn *conn, char **argv, int argc, GError **error)
{
	struct imap_folder_status status;
	const char *cmd = argv[0];

	if (!imap_conn_login(conn, error))
		return false;
	if (strcmp(cmd, "login") == 0) {
		printf("logged in%s%s\n",
		    imap_conn_has_capability(conn, "IDLE") ? " IDLE" : "",
		    imap_conn_has_capability(conn, "UIDPLUS") ? " UIDPLUS"
							      : "");
		return true;
	}
	if (strcmp(cmd, "select") == 0 && argc >= 2) {
		if (!imap_conn_select(conn, argv[1], &status, error))
			return false;
		printf("uidvalidity %u uidnext %u exists %u\n",
		    status.uidvalidity, status.uidnext, status.exists);
		return true;
	}
	if ((strcmp(cmd, "fetch") == 0 && argc >= 3) ||
	    (strcmp(cmd, "bench") == 0 && argc >= 2))
		return cmd_fetch(conn, argv, argc, cmd[0] == 'b', error);
	if (strcmp(cmd, "idle") == 0 && argc >= 3)
		return cmd_idle(conn, argv, error);
	if (strcmp(cmd, "append") == 0 && argc >= 3)
		return cmd_append(conn, argv, argc, error);
	if (strcmp(cmd, "search") == 0 && argc >= 3)
		return cmd_search(conn, argv, error);
	g_set_error(error, LB_ERROR, LB_ERROR_CONFIG, "usage: bad command");
	return false;
}

int
main(int argc, char **argv)
{
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GError) error = NULL;
	struct imap_options options;
	struct imap_conn *conn = NULL;
	bool ok;

	context = g_option_context_new("COMMAND [ARGS] - exercise imap_conn");
	g_option_context_add_main_entries(context, entries, NULL);
	if (!g_option_context_parse(context, &argc, &argv, &error) ||
	    argc < 2) {
		fprintf(stderr, "imap_probe: %s\n",
		    error ? error->message : "no command");
		return LB_EXIT_USAGE;
	}
	log_setup(LOG_TARGET_STDERR,
	    opt.verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARN, NULL);
	ok = parse_options(&options, &error);
	if (ok)
		conn = imap_conn_open(&options, &error);
	ok = conn != NULL && run(conn, argv + 1, argc - 1, &error);
	if (ok && !imap_conn_logout(conn, &error))
		ok = false;
	imap_conn_close(conn);
	if (!ok) {
		fprintf(stderr, "imap_probe: %s\n", error->message);
		return lb_error_exit_code(error);
	}
	return 0;
}

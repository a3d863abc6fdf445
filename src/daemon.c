/* daemon.c: the GMainLoop behind `liaisonbot run`. libetpan steps run one
 * after the other inside callbacks; nothing here has its own thread. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>

#include "cmd.h"
#include "compose.h"
#include "daemon.h"
#include "digest_clock.h"
#include "error.h"
#include "imap_account.h"
#include "ingest.h"
#include "lock.h"
#include "log.h"
#include "memtrim.h"
#include "outbox.h"
#include "parse_pool.h"
#include "store_draft.h"
#include "sync.h"
#include "when.h"

/* Set from signal handlers; read between steps and inside a sync. */
static volatile sig_atomic_t daemon_stop;
static volatile sig_atomic_t daemon_reload;
static int daemon_signal_pipe[2] = { -1, -1 };

struct daemon;

/* One followed folder and its connection. */
struct watch {
	struct daemon *daemon;
	char *folder;
	struct imap_conn *conn;
	bool idling;
	guint io_source;
	guint timer;
	int failures;		/* in a row, for the backoff */
};

struct daemon {
	struct cmd_context *ctx;
	const struct daemon_options *options;
	GMainLoop *loop;
	struct config *config;
	struct ruleset *rules;
	struct store *store;
	struct ingest *ingest;
	struct compose *compose;
	struct outbox *outbox;
	struct outbox_imap imap_ops;
	char *account;
	GPtrArray *watches;
	struct digest_clock *clock;
	struct lock *lock;	/* one daemon per store */
	gint64 digest_due;	/* the fire time the digest timer waits for */
	guint digest_timer;
	guint breaking_timer;
	guint outbox_timer;
	guint trim_timer;	/* memory trim once things go quiet */
	int status;
};

static void watch_connect_later(struct watch *watch, const GError *error);
static void watch_sync(struct watch *watch);
static void daemon_arm_trim(struct daemon *daemon);

static void
daemon_on_signal(int signo)
{
	int saved = errno;
	char byte = (char)signo;

	if (signo == SIGHUP)
		daemon_reload = 1;
	else
		daemon_stop = 1;
	if (write(daemon_signal_pipe[1], &byte, 1) < 0) {
		/* The flag alone is enough: the loop checks it. */
	}
	errno = saved;
}

/* Our own handlers, not g_unix_signal_add: a sync in progress must see
 * the flag at once, between two messages. */
static bool
daemon_setup_signals(GError **error)
{
	struct sigaction action = { 0 };

	/* Both ends non-blocking: the handler must never block, and the
	 * loop drains the read end until it is empty. */
	if (!g_unix_open_pipe(daemon_signal_pipe, FD_CLOEXEC, error) ||
	    !g_unix_set_fd_nonblocking(daemon_signal_pipe[0], TRUE, error) ||
	    !g_unix_set_fd_nonblocking(daemon_signal_pipe[1], TRUE, error))
		return false;
	action.sa_handler = daemon_on_signal;
	sigemptyset(&action.sa_mask);
	action.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGHUP, &action, NULL);
	signal(SIGPIPE, SIG_IGN);
	return true;
}

static void
daemon_clear_source(guint *source)
{
	if (*source != 0) {
		g_source_remove(*source);
		*source = 0;
	}
}

static guint
daemon_timer(guint seconds, GSourceFunc func, gpointer data)
{
	return g_timeout_add_seconds(MAX(seconds, 1), func, data);
}

static gint64
daemon_now(void)
{
	return when_now();
}

/* ---- outbox and breaking news ---- */

static gboolean daemon_outbox_due(gpointer data);

/* --dry-run: say what delivery would send, and leave it queued. */
static void
daemon_deliver_dry(struct daemon *daemon)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) queued = store_drafts_by_state(daemon->store,
	    "queued", &error);

	if (queued == NULL) {
		log_warn("outbox: %s", error->message);
		return;
	}
	for (guint i = 0; i < queued->len; i++) {
		const struct store_draft *draft = g_ptr_array_index(queued, i);

		log_info("outbox: dry run: draft %" G_GINT64_FORMAT " <%s> "
		    "stays queued, not delivered: %s", draft->id,
		    draft->message_id, draft->subject);
	}
}

static void
daemon_deliver(struct daemon *daemon)
{
	g_autoptr(GError) error = NULL;
	struct outbox_report report;
	gint64 next;

	daemon_clear_source(&daemon->outbox_timer);
	if (daemon->options->dry_run) {
		daemon_deliver_dry(daemon);
		return;
	}
	if (!outbox_deliver(daemon->outbox, daemon_now(), &report, &error) ||
	    !outbox_next_due(daemon->outbox, &next, &error)) {
		log_warn("outbox: %s", error->message);
		next = daemon_now() + 60;
	}
	if (report.sent + report.deferred + report.failed > 0)
		log_info("outbox: sent %u, deferred %u, failed %u",
		    report.sent, report.deferred, report.failed);
	if (next > 0)
		daemon->outbox_timer = daemon_timer(
		    (guint)MAX(next - daemon_now(), 1), daemon_outbox_due,
		    daemon);
}

static gboolean
daemon_outbox_due(gpointer data)
{
	struct daemon *daemon = data;

	daemon->outbox_timer = 0;
	daemon_deliver(daemon);
	return G_SOURCE_REMOVE;
}

static void
daemon_queue(struct daemon *daemon, struct composed *composed)
{
	g_autoptr(GError) error = NULL;
	bool existed;

	if (!compose_queue(daemon->compose, composed, &existed, &error)) {
		log_warn("%s: %s", composed->identity, error->message);
		return;
	}
	if (!existed)
		log_info("drafted %s <%s>", composed->identity,
		    composed->message_id);
	daemon_deliver(daemon);
}

static gboolean daemon_breaking_due(gpointer data);

static void
daemon_check_breaking(struct daemon *daemon)
{
	g_autoptr(GError) error = NULL;
	struct composed *composed = NULL;
	gint64 wake = 0;

	if (!daemon->config->breaking.enabled)
		return;
	daemon_clear_source(&daemon->breaking_timer);
	if (!compose_breaking(daemon->compose, daemon_now(), false, &composed,
	    &wake, &error)) {
		log_warn("breaking news: %s", error->message);
		return;
	}
	if (composed != NULL) {
		daemon_queue(daemon, composed);
		composed_free(composed);
	}
	if (wake > 0)
		daemon->breaking_timer = daemon_timer(
		    (guint)MAX(wake - daemon_now(), 1), daemon_breaking_due,
		    daemon);
}

static gboolean
daemon_breaking_due(gpointer data)
{
	struct daemon *daemon = data;

	daemon->breaking_timer = 0;
	daemon_check_breaking(daemon);
	return G_SOURCE_REMOVE;
}

/* ---- scheduled digests ---- */

/* Long waits are cut into hours so a suspended machine or a clock change
 * is noticed. */
#define DAEMON_DIGEST_CHECK 3600

static gboolean daemon_digest_due(gpointer data);

static void
daemon_fire_digest(struct daemon *daemon, gint64 until, const char *rule)
{
	g_autoptr(GError) error = NULL;
	struct composed *composed = NULL;
	bool skipped = false;

	log_info("digest due (%s)", rule ? rule : "schedule");
	if (!compose_digest(daemon->compose, COMPOSE_DIGEST, 0, until,
	    &composed, &error)) {
		log_warn("digest: %s", error->message);
		return;
	}
	if (!compose_skip_empty(daemon->compose, composed, &skipped, &error))
		log_warn("digest: %s", error->message);
	else if (!skipped)
		daemon_queue(daemon, composed);
	composed_free(composed);
}

/* Fires a digest that fell due while we were down, then waits for the
 * next one. */
static void
daemon_arm_digest(struct daemon *daemon)
{
	g_autoptr(GError) error = NULL;
	gint64 now = daemon_now(), last_end = 0, due = 0;
	const char *rule = NULL;

	daemon_clear_source(&daemon->digest_timer);
	if (!store_draft_last_period_end(daemon->store, "digest", &last_end,
	    &error) ||
	    !digest_clock_previous(daemon->clock, now, &due, &rule, &error)) {
		log_warn("digest schedule: %s; trying again in an hour",
		    error->message);
		daemon->digest_timer = daemon_timer(DAEMON_DIGEST_CHECK,
		    daemon_digest_due, daemon);
		return;
	}
	if (last_end > 0 && due > last_end)
		daemon_fire_digest(daemon, due, rule);
	if (!digest_clock_next(daemon->clock, now, &due, &rule, &error)) {
		log_warn("digest schedule: %s", error->message);
		due = 0;
	}
	daemon->digest_due = due;
	if (due > 0) {
		g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(due);
		g_autofree char *when = g_date_time_format_iso8601(t);

		log_debug(LOG_AREA_SCHEDULE, "next digest %s (%s)", when, rule);
	}
	daemon->digest_timer = daemon_timer(due > 0
	    ? (guint)MIN(due - now, DAEMON_DIGEST_CHECK) : DAEMON_DIGEST_CHECK,
	    daemon_digest_due, daemon);
}

static gboolean
daemon_digest_due(gpointer data)
{
	struct daemon *daemon = data;
	gint64 due = daemon->digest_due;

	daemon->digest_timer = 0;
	if (due > 0 && daemon_now() >= due)
		daemon_fire_digest(daemon, due, NULL);
	daemon_arm_digest(daemon);
	return G_SOURCE_REMOVE;
}

/* ---- folders ---- */

static void
watch_disconnect(struct watch *watch, bool polite)
{
	daemon_clear_source(&watch->io_source);
	daemon_clear_source(&watch->timer);
	if (watch->conn == NULL)
		return;
	if (polite) {
		if (watch->idling)
			imap_conn_idle_done(watch->conn, &(bool){ false },
			    NULL);
		imap_conn_logout(watch->conn, NULL);
	}
	imap_conn_close(watch->conn);
	watch->conn = NULL;
	watch->idling = false;
}

static gboolean
watch_connect_due(gpointer data)
{
	struct watch *watch = data;
	g_autoptr(GError) error = NULL;
	struct daemon *daemon = watch->daemon;

	watch->timer = 0;
	watch->conn = imap_account_connect(&daemon->config->imap, &error);
	if (watch->conn == NULL) {
		watch_connect_later(watch, error);
		return G_SOURCE_REMOVE;
	}
	log_info("imap %s: %s: connected", daemon->account, watch->folder);
	watch_sync(watch);
	return G_SOURCE_REMOVE;
}

/* Temporary trouble: exponential backoff with jitter, capped. Permanent
 * trouble (a refused password, a missing folder): the slow auth_retry,
 * so a server is never hammered. */
static void
watch_connect_later(struct watch *watch, const GError *error)
{
	const struct config_imap *imap = &watch->daemon->config->imap;
	bool permanent = !lb_error_is_temporary(error);
	gint64 wait = 1;

	watch_disconnect(watch, false);
	for (int i = 0; i < watch->failures && wait < imap->backoff_max; i++)
		wait *= 2;
	wait = MIN(wait, imap->backoff_max);
	/* Jitter downwards, so the cap holds: up to a quarter less. */
	wait -= g_random_int_range(0, (gint32)(wait / 4) + 1);
	if (permanent)
		wait = imap->auth_retry;
	watch->failures++;
	if (log_get_level() >= LOG_LEVEL_INFO || watch->failures <= 3 ||
	    permanent)
		log_warn("%s (folder %s); retrying in %" G_GINT64_FORMAT "s",
		    error->message, watch->folder, wait);
	store_sync_note(watch->daemon->store, watch->daemon->account,
	    watch->folder, 0, error->message, NULL);
	watch->timer = daemon_timer((guint)wait, watch_connect_due, watch);
}

static gboolean
watch_poll_due(gpointer data)
{
	struct watch *watch = data;

	watch->timer = 0;
	watch_sync(watch);
	return G_SOURCE_REMOVE;
}

/* Input while idling. A keepalive alone changes nothing: keep idling
 * (a sync for each would mean a DONE, EXAMINE and SEARCH every two minutes
 * with Dovecot, and the store and libraries paged back in). */
static gboolean
watch_idle_wake(gint fd, GIOCondition condition, gpointer data)
{
	struct watch *watch = data;
	g_autoptr(GError) error = NULL;
	bool news;

	if (!imap_conn_idle_news(watch->conn, &news, &error)) {
		watch->io_source = 0;
		watch_connect_later(watch, error);
		return G_SOURCE_REMOVE;
	}
	if (!news) {
		daemon_arm_trim(watch->daemon);
		return G_SOURCE_CONTINUE;
	}
	watch->io_source = 0;
	watch_sync(watch);
	return G_SOURCE_REMOVE;
}

static gboolean
watch_idle_refresh(gpointer data)
{
	struct watch *watch = data;

	watch->timer = 0;
	watch_sync(watch);
	return G_SOURCE_REMOVE;
}

/* Quiet for a while: give memory back (memtrim.h). */
#define DAEMON_TRIM_DELAY 10

static gboolean
daemon_trim_due(gpointer data)
{
	struct daemon *daemon = data;

	daemon->trim_timer = 0;
	store_release_memory(daemon->store);
	memtrim_idle();
	return G_SOURCE_REMOVE;
}

/* Each activity pushes the trim back, so a busy daemon is not slowed by
 * paging its code back in. */
static void
daemon_arm_trim(struct daemon *daemon)
{
	daemon_clear_source(&daemon->trim_timer);
	daemon->trim_timer = daemon_timer(DAEMON_TRIM_DELAY, daemon_trim_due,
	    daemon);
}

/* After a sync: IDLE when the server offers it, else poll. */
static void
watch_wait(struct watch *watch)
{
	const struct config_imap *imap = &watch->daemon->config->imap;
	g_autoptr(GError) error = NULL;

	if (!imap_conn_has_capability(watch->conn, "IDLE")) {
		log_debug(LOG_AREA_DAEMON, "imap %s: %s: no IDLE, polling "
		    "every %ds", watch->daemon->account, watch->folder,
		    imap->poll_interval);
		watch->timer = daemon_timer((guint)imap->poll_interval,
		    watch_poll_due, watch);
		daemon_arm_trim(watch->daemon);
		return;
	}
	if (!imap_conn_idle_start(watch->conn, &error)) {
		watch_connect_later(watch, error);
		return;
	}
	watch->idling = true;
	if (imap_conn_idle_pending(watch->conn)) {
		watch->timer = g_idle_add(watch_poll_due, watch);
		return;
	}
	log_debug(LOG_AREA_DAEMON, "imap %s: %s: idling",
	    watch->daemon->account, watch->folder);
	daemon_arm_trim(watch->daemon);
	watch->io_source = g_unix_fd_add(imap_conn_idle_fd(watch->conn),
	    G_IO_IN | G_IO_HUP | G_IO_ERR, watch_idle_wake, watch);
	watch->timer = daemon_timer((guint)imap->idle_refresh,
	    watch_idle_refresh, watch);
}

static void
watch_sync(struct watch *watch)
{
	struct daemon *daemon = watch->daemon;
	const struct config_imap *imap = &daemon->config->imap;
	struct sync_options options = {
		.batch = (unsigned)imap->batch_size,
		.mark_seen = imap->mark_seen,
		.stop = &daemon_stop,
	};
	struct sync_result result;
	g_autoptr(GError) error = NULL;

	daemon_clear_source(&watch->io_source);
	daemon_clear_source(&watch->timer);
	if (watch->idling) {
		bool new_mail;

		watch->idling = false;
		if (!imap_conn_idle_done(watch->conn, &new_mail, &error)) {
			watch_connect_later(watch, error);
			return;
		}
	}
	if (!sync_folder(watch->conn, daemon->ingest, daemon->account,
	    watch->folder, &options, &result, &error)) {
		if (result.stopped)
			return;	/* the loop is quitting */
		watch_connect_later(watch, error);
		return;
	}
	watch->failures = 0;
	store_sync_note(daemon->store, daemon->account, watch->folder, 0,
	    NULL, NULL);
	if (result.added > 0) {
		log_info("imap %s: %s: %u new", daemon->account, watch->folder,
		    result.added);
		daemon_check_breaking(daemon);
	}
	if (result.more) {
		watch->timer = g_idle_add(watch_poll_due, watch);
		return;
	}
	watch_wait(watch);
}

static void
watch_free(gpointer data)
{
	struct watch *watch = data;

	watch_disconnect(watch, true);
	g_free(watch->folder);
	g_free(watch);
}

static void
daemon_start_watches(struct daemon *daemon)
{
	char **folders = daemon->config->imap.folders;

	daemon->watches = g_ptr_array_new_with_free_func(watch_free);
	for (size_t i = 0; folders != NULL && folders[i] != NULL; i++) {
		struct watch *watch = g_new0(struct watch, 1);

		watch->daemon = daemon;
		watch->folder = g_strdup(folders[i]);
		g_ptr_array_add(daemon->watches, watch);
		/* Connect from the loop, one folder after the other. */
		watch->timer = g_idle_add(watch_connect_due, watch);
	}
}

/* ---- configuration ---- */

static bool
daemon_check_config(const struct config *config, GError **error)
{
	if (!config_require(config, "imap", error))
		return false;
	if (!config->imap.tls_verify)
		log_warn("imap %s: tls_verify = false: the server's "
		    "certificate is NOT checked", config->imap.host);
	if (!config->smtp.tls_verify)
		log_warn("smtp: tls_verify = false: the server's certificate "
		    "is NOT checked");
	return true;
}

/* Builds what depends on the configuration. */
static bool
daemon_configure(struct daemon *daemon, struct config *config,
    struct ruleset *rules, GError **error)
{
	struct compose *compose = compose_new(daemon->store, config, error);
	struct digest_clock *clock;

	if (compose == NULL)
		return false;
	clock = digest_clock_new(config, error);
	if (clock == NULL) {
		compose_free(compose);
		return false;
	}
	if (daemon->watches != NULL)
		g_ptr_array_unref(daemon->watches);
	compose_free(daemon->compose);
	digest_clock_free(daemon->clock);
	outbox_free(daemon->outbox);
	rules_free(daemon->rules);
	config_free(daemon->config);
	g_free(daemon->account);
	daemon->clock = clock;
	daemon->config = config;
	daemon->rules = rules;
	daemon->compose = compose;
	ingest_set_rules(daemon->ingest, rules);
	ingest_set_threads(daemon->ingest, (guint)config->classify.threads);
	log_debug(LOG_AREA_DAEMON, "parse threads: %u",
	    parse_pool_threads((guint)config->classify.threads));
	daemon->imap_ops = imap_account_outbox(config);
	daemon->outbox = outbox_new(daemon->store, config, &daemon->imap_ops);
	daemon->account = imap_account_name(&config->imap);
	daemon_start_watches(daemon);
	return true;
}

/* The configuration, with what --dry-run forbids turned off; its [log]
 * is not applied yet. */
static struct config *
daemon_load_config(struct daemon *daemon)
{
	struct config *config = cmd_read_config(daemon->ctx);

	if (config != NULL && daemon->options->dry_run)
		config->imap.mark_seen = false;
	return config;
}

/* SIGHUP: a bad new configuration leaves the old one in force. */
static void
daemon_reconfigure(struct daemon *daemon)
{
	g_autoptr(GError) error = NULL;
	struct config *config;
	struct ruleset *rules = NULL;

	log_info("reloading %s", daemon->ctx->config_path
	    ? daemon->ctx->config_path : "the configuration");
	config = daemon_load_config(daemon);
	if (config != NULL &&
	    strcmp(config->store.path, daemon->config->store.path) != 0)
		g_set_error(&error, LB_ERROR, LB_ERROR_CONFIG,
		    "[store] path cannot change while running: restart");
	if (config != NULL && error == NULL &&
	    daemon_check_config(config, &error))
		rules = cmd_load_rules(config, &error);
	if (rules == NULL || !daemon_configure(daemon, config, rules,
	    &error)) {
		if (error != NULL)
			cmd_report(error);
		log_error("reload refused: keeping the configuration in force");
		rules_free(rules);
		config_free(config);
		return;
	}
	cmd_apply_log(daemon->ctx, daemon->config);
	log_info("reloaded");
	daemon_arm_digest(daemon);
	daemon_deliver(daemon);
}

static gboolean
daemon_signal_ready(gint fd, GIOCondition condition, gpointer data)
{
	struct daemon *daemon = data;
	char buffer[64];

	while (read(fd, buffer, sizeof(buffer)) > 0)
		continue;
	if (daemon_stop) {
		log_info("stopping");
		g_main_loop_quit(daemon->loop);
		return G_SOURCE_CONTINUE;
	}
	if (daemon_reload) {
		daemon_reload = 0;
		daemon_reconfigure(daemon);
	}
	return G_SOURCE_CONTINUE;
}

static bool
daemon_open(struct daemon *daemon, GError **error)
{
	struct config *config = daemon_load_config(daemon);
	struct ruleset *rules;

	if (config == NULL) {
		daemon->status = LB_EXIT_CONFIG;
		return false;
	}
	cmd_apply_log(daemon->ctx, config);
	/* The lock before the store: a second daemon must not touch it. */
	if (!daemon_check_config(config, error) ||
	    (daemon->lock = lock_acquire(config->store.path, error)) == NULL ||
	    (rules = cmd_load_rules(config, error)) == NULL) {
		config_free(config);
		return false;
	}
	daemon->store = cmd_open_store(config, error);
	if (daemon->store == NULL) {
		rules_free(rules);
		config_free(config);
		return false;
	}
	daemon->ingest = ingest_new(daemon->store, rules);
	if (!daemon_configure(daemon, config, rules, error)) {
		rules_free(rules);
		config_free(config);
		return false;
	}
	return outbox_recover(daemon->outbox, error);
}

static void
daemon_close(struct daemon *daemon)
{
	if (daemon->watches != NULL)
		g_ptr_array_unref(daemon->watches);
	daemon_clear_source(&daemon->digest_timer);
	daemon_clear_source(&daemon->breaking_timer);
	daemon_clear_source(&daemon->outbox_timer);
	daemon_clear_source(&daemon->trim_timer);
	digest_clock_free(daemon->clock);
	compose_free(daemon->compose);
	outbox_free(daemon->outbox);
	ingest_free(daemon->ingest);
	store_close(daemon->store);
	rules_free(daemon->rules);
	config_free(daemon->config);
	g_free(daemon->account);
	lock_release(daemon->lock);
}

int
daemon_run(struct cmd_context *ctx, const struct daemon_options *options)
{
	struct daemon daemon = {
		.ctx = ctx,
		.options = options,
		.status = LB_EXIT_OK,
	};
	g_autoptr(GError) error = NULL;
	g_autofree char *folders = NULL;
	guint signals;

	if (!daemon_setup_signals(&error))
		return cmd_report(error);
	if (!daemon_open(&daemon, &error)) {
		int status = error ? cmd_report(error) : daemon.status;

		daemon_close(&daemon);
		return status;
	}
	daemon.loop = g_main_loop_new(NULL, FALSE);
	signals = g_unix_fd_add(daemon_signal_pipe[0], G_IO_IN,
	    daemon_signal_ready, &daemon);
	folders = g_strjoinv(", ", daemon.config->imap.folders);
	log_info("following %s as %s%s", folders, daemon.account,
	    options->dry_run ? " (dry run: nothing is delivered)" : "");
	daemon_deliver(&daemon);
	daemon_check_breaking(&daemon);
	daemon_arm_digest(&daemon);
	if (!daemon_stop)
		g_main_loop_run(daemon.loop);
	g_source_remove(signals);
	daemon_close(&daemon);
	g_main_loop_unref(daemon.loop);
	log_info("stopped");
	return daemon.status;
}

/* cmd_poll.c: `liaisonbot poll --once`: one full sync of every folder.
 * Prints "FOLDER: N new" per folder. Exit status: 0 when every folder
 * synced, 75 when a server could not be reached (try again later), 1 when
 * it refused us (authentication, missing folder), 78 for configuration
 * errors. */
#include <stdio.h>

#include "cmd.h"
#include "error.h"
#include "imap_account.h"
#include "ingest.h"
#include "lock.h"
#include "log.h"
#include "sync.h"

/* The worse of two exit statuses: configuration, then permanent, then
 * temporary failures. */
static int
poll_worse(int a, int b)
{
	static const int order[] = { LB_EXIT_OK, LB_EXIT_TEMPFAIL,
		LB_EXIT_FAILURE, LB_EXIT_CONFIG };
	int ra = 0, rb = 0;

	for (int i = 0; i < (int)G_N_ELEMENTS(order); i++) {
		if (order[i] == a)
			ra = i;
		if (order[i] == b)
			rb = i;
	}
	return ra >= rb ? a : b;
}

/* One folder failing does not stop the others; a lost connection is
 * opened again for the next folder. */
static int
poll_folders(const struct config *config, struct ingest *ingest)
{
	g_autofree char *account = imap_account_name(&config->imap);
	struct imap_conn *conn = NULL;
	int status = LB_EXIT_OK;

	for (size_t i = 0; config->imap.folders[i] != NULL; i++) {
		const char *folder = config->imap.folders[i];
		struct sync_options options = {
			.batch = (unsigned)config->imap.batch_size,
			.mark_seen = config->imap.mark_seen,
		};
		g_autoptr(GError) error = NULL;
		struct sync_result result = { 0 };
		bool ok;

		if (conn == NULL &&
		    (conn = imap_account_connect(&config->imap, &error)) ==
		    NULL) {
			status = poll_worse(status, cmd_report(error));
			break;
		}
		options.progress = progress_new(folder);
		ok = sync_folder(conn, ingest, account, folder, &options,
		    &result, &error);
		progress_free(options.progress);
		printf("%s: %u new\n", folder, result.added);
		fflush(stdout);
		store_sync_note(ingest_store(ingest), account, folder, 0,
		    ok ? NULL : error->message, NULL);
		if (ok)
			continue;
		if (lb_error_is_temporary(error)) {
			imap_conn_close(conn);
			conn = NULL;
		}
		status = poll_worse(status, cmd_report(error));
	}
	if (conn != NULL) {
		imap_conn_logout(conn, NULL);
		imap_conn_close(conn);
	}
	return status;
}

static int
poll_run(struct cmd_context *ctx, int argc, char **argv)
{
	gboolean once = FALSE, dry_run = FALSE;
	const GOptionEntry entries[] = {
		{ "once", '1', 0, G_OPTION_ARG_NONE, &once,
		  "One full sync of every folder, then exit", NULL },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "Store what is new but change nothing on the server (no "
		  "\\Seen even with mark_seen)", NULL },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	struct config *config = NULL;
	struct ruleset *rules = NULL;
	struct store *store = NULL;
	struct ingest *ingest = NULL;
	struct lock *lock = NULL;
	int status;

	if (!cmd_parse_options(ctx, &cmd_poll, entries, &argc, &argv,
	    &status))
		return status;
	if (!once || argc > 1) {
		fprintf(stderr, "usage: liaisonbot poll %s\n", cmd_poll.args);
		return LB_EXIT_USAGE;
	}
	if ((config = cmd_load_config(ctx)) == NULL)
		return LB_EXIT_CONFIG;
	/* The server is the only thing outside the store poll writes to. */
	if (dry_run)
		config->imap.mark_seen = false;
	if (!config_require(config, "imap", &error) ||
	    (rules = cmd_load_rules(config, &error)) == NULL ||
	    (lock = lock_acquire(config->store.path, &error)) == NULL ||
	    (store = cmd_open_store(config, &error)) == NULL) {
		status = cmd_report(error);
		goto out;
	}
	if (!config->imap.tls_verify)
		log_warn("imap %s: tls_verify = false: the server's "
		    "certificate is NOT checked", config->imap.host);
	ingest = ingest_new(store, rules);
	ingest_set_threads(ingest, (guint)config->classify.threads);
	status = poll_folders(config, ingest);
out:
	ingest_free(ingest);
	store_close(store);
	lock_release(lock);
	rules_free(rules);
	config_free(config);
	return status;
}

const struct cmd cmd_poll = {
	.name = "poll",
	.args = "--once [--dry-run]",
	.summary = "Sync every IMAP folder once and exit",
	.run = poll_run,
};

/* sync.c: UID-based folder sync into the store. */
#include <string.h>

#include "error.h"
#include "log.h"
#include "source.h"
#include "sync.h"

/* Passes over a folder that keeps receiving mail while it is read; then
 * result->more asks the caller to come back. */
#define SYNC_PASSES_MAX 5
/* A pass that may fetch more messages than this is a bulk load
 * (ingest_bulk): with SQLite's default 2 MB cache, the 64 KiB pages a
 * batch of 500 writes were evicted and read back from the WAL before the
 * commit (2,500 reads of 64 KiB in an initial sync of 10,000). */
#define SYNC_BULK_MIN 200

struct sync_run {
	struct ingest *ingest;
	struct store *store;
	struct parse_pool *pool;	/* parses ahead of the store */
	GQueue uids;			/* of the messages in the pool,
					   oldest first */
	const char *account;
	const char *folder;
	char *origin;
	const struct sync_options *options;
	struct store_sync_state state;
	unsigned in_batch;		/* fetched since the checkpoint */
	struct sync_result *result;
	guint64 seen;
};

/* Commits the open batch together with the UID it reached. */
static bool
sync_checkpoint(struct sync_run *run, GError **error)
{
	run->in_batch = 0;
	if (!store_in_transaction(run->store))
		return true;
	if (!store_sync_set(run->store, run->account, run->folder,
	    &run->state, error)) {
		ingest_rollback(run->ingest);
		return false;
	}
	return ingest_commit(run->ingest, error);
}

/* Stores one message the pool has parsed; the UID reached moves on only
 * over messages stored. */
static bool
sync_store(struct sync_run *run, struct parse_result *parsed,
    GError **error)
{
	guint32 uid = GPOINTER_TO_UINT(g_queue_pop_head(&run->uids));
	enum store_add_result added;

	if (!ingest_parsed(run->ingest, run->pool, parsed, run->origin,
	    &added, error))
		return false;
	if (added == STORE_ADDED)
		run->result->added++;
	else
		run->result->duplicates++;
	run->state.last_uid = uid;
	progress_update(run->options->progress, ++run->seen, 0, 0);
	return true;
}

/* Stores what the pool has done (parse_pool_next), in order. After a store
 * failure the open batch is rolled back and the rest dropped: last_uid
 * stays before them, so they are fetched again next time. */
static bool
sync_drain(struct sync_run *run, bool all, GError **error)
{
	struct parse_result *parsed;

	while ((parsed = parse_pool_next(run->pool, all)) != NULL) {
		if (!sync_store(run, parsed, error)) {
			parse_pool_discard(run->pool);
			g_queue_clear(&run->uids);
			return false;
		}
	}
	return true;
}

/* libetpan's FETCH callback: bytes are only valid during the call, so the
 * pool gets a copy. Everything fetched before a checkpoint is stored
 * first: a batch (a FETCH) is committed whole, as without threads. */
static bool
sync_one_message(uint32_t uid, const char *bytes, size_t len,
    gint64 internaldate, void *data, GError **error)
{
	struct sync_run *run = data;

	parse_pool_push(run->pool, raw_message_new(g_bytes_new(bytes, len),
	    internaldate, g_strdup_printf("%s uid %u", run->folder, uid)));
	g_queue_push_tail(&run->uids, GUINT_TO_POINTER(uid));
	if (!sync_drain(run, false, error))
		return false;
	if (++run->in_batch >= run->options->batch &&
	    (!sync_drain(run, true, error) || !sync_checkpoint(run, error)))
		return false;
	if (run->options->stop != NULL && *run->options->stop) {
		run->result->stopped = true;
		if (!sync_drain(run, true, error) ||
		    !sync_checkpoint(run, error))
			return false;
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "imap %s: %s: stopping", run->account, run->folder);
		return false;
	}
	return true;
}

/* Where to start: the stored UID, or 0 when the folder is new to us or
 * its UIDVALIDITY changed. */
static bool
sync_start(struct sync_run *run, guint32 uidvalidity, GError **error)
{
	bool found;

	if (!store_sync_get(run->store, run->account, run->folder,
	    &run->state, &found, error))
		return false;
	if (found && run->state.uidvalidity != 0 &&
	    run->state.uidvalidity != uidvalidity)
		log_warn("imap %s: %s: UIDVALIDITY changed from %u to %u: "
		    "reading the folder again (nothing is stored twice)",
		    run->account, run->folder, run->state.uidvalidity,
		    uidvalidity);
	if (!found || run->state.uidvalidity != uidvalidity) {
		run->state.uidvalidity = uidvalidity;
		run->state.last_uid = 0;
	}
	return true;
}

/* One EXAMINE (or SELECT), UID SEARCH and FETCH of what is new; adds to
 * result. */
static bool
sync_pass(struct imap_conn *conn, struct ingest *ingest,
    const char *account, const char *folder,
    const struct sync_options *options, struct sync_result *result,
    GError **error)
{
	struct sync_run run = {
		.ingest = ingest,
		.store = ingest_store(ingest),
		.pool = ingest_pool(ingest),
		.account = account,
		.folder = folder,
		.options = options,
		.result = result,
	};
	struct imap_folder_status status;
	g_autoptr(GError) fetch_error = NULL;
	g_autoptr(GError) save_error = NULL;
	guint32 start;
	bool ok, bulk, saved = true;

	ok = options->mark_seen
	    ? imap_conn_select(conn, folder, &status, error)
	    : imap_conn_examine(conn, folder, &status, error);
	if (!ok || !sync_start(&run, status.uidvalidity, error))
		return false;
	start = run.state.last_uid;
	bulk = status.uidnext > start && status.uidnext - start > SYNC_BULK_MIN;
	if (bulk)
		ingest_bulk(ingest, true);
	run.origin = g_strdup_printf("imap:%s", folder);
	log_debug(LOG_AREA_IMAP, "%s: %s: from uid %u (uidnext %u)", account,
	    folder, start, status.uidnext);
	g_queue_init(&run.uids);
	ok = imap_conn_fetch_new(conn, start, options->batch,
	    options->mark_seen, sync_one_message, &run, NULL, &fetch_error);
	/* Keep what arrived whole before a failure, with the UID it reached;
	 * after a clean sync also its time and a new UIDVALIDITY. */
	if (!sync_drain(&run, true, ok ? &fetch_error : &save_error))
		ok = false;
	if (ok)
		run.state.last_sync = g_get_real_time() / G_USEC_PER_SEC;
	if (ok || store_in_transaction(run.store)) {
		saved = store_in_transaction(run.store) ||
		    ingest_begin(ingest, &save_error);
		saved = saved && sync_checkpoint(&run, &save_error);
	}
	g_free(run.origin);
	if (bulk)
		ingest_bulk(ingest, false);
	if (fetch_error != NULL) {
		if (save_error != NULL)
			log_warn("%s", save_error->message);
		g_propagate_error(error, g_steal_pointer(&fetch_error));
		return false;
	}
	if (!saved) {
		g_propagate_error(error, g_steal_pointer(&save_error));
		return false;
	}
	return true;
}

bool
sync_folder(struct imap_conn *conn, struct ingest *ingest,
    const char *account, const char *folder,
    const struct sync_options *options, struct sync_result *result,
    GError **error)
{
	memset(result, 0, sizeof(*result));
	for (int pass = 1; pass <= SYNC_PASSES_MAX; pass++) {
		if (!sync_pass(conn, ingest, account, folder, options, result,
		    error))
			return false;
		/* Mail that arrived during the pass may be missing from its
		 * UID SEARCH, and the server will not announce it again. */
		result->more = imap_conn_folder_grew(conn);
		if (!result->more)
			break;
		log_debug(LOG_AREA_IMAP, "%s: %s: new mail during the sync",
		    account, folder);
	}
	return true;
}

/* test_store.c: schema, migrations, idempotent adds, sync state. */
#include <stdlib.h>

#include <glib/gstdio.h>

#include "error.h"
#include "store.h"
#include "store_checkpoint.h"
#include "tap.h"

static struct message *
make_message(const char *id, const char *subject, bool confidential)
{
	struct message *message = message_new();

	message->message_id = g_strdup(id);
	message->thread_key = g_strdup(id);
	message->subject_key = g_strdup(subject);
	g_free(message->subject);
	message->subject = g_strdup(subject);
	message->date = 1763900000;
	message->arrival = 1763900100;
	message->text = g_strdup("body");
	message->own_text = g_strdup("body");
	message->raw = g_bytes_new_static("Subject: x\n\nbody\n", 17);
	message->verdict.category = CATEGORY_PROCESS;
	message->verdict.score = 7;
	message->verdict.confidential = confidential;
	message->verdict.reasons = g_strdup("rule(+7)");
	return message;
}

static gint64
query_int(struct store *store, const char *sql)
{
	sqlite3_stmt *stmt;
	gint64 value = -1;

	if (sqlite3_prepare_v2(store_db(store), sql, -1, &stmt, NULL) !=
	    SQLITE_OK)
		return -2;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		value = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return value;
}

static void
test_add_and_dedupe(const char *path)
{
	g_autoptr(GError) error = NULL;
	struct store *store = store_open(path, &error);
	struct message *a = make_message("a@example.org", "Hello", false);
	struct message *b = make_message("b@example.org", "Secret", true);
	enum store_add_result result;
	gint64 count = 0;

	ok(store != NULL, "store opens (created with its directory)");
	if (store == NULL)
		return;
	is_int(query_int(store, "PRAGMA user_version"), STORE_SCHEMA_VERSION,
	    "schema at the current version");
	ok(store_begin(store, &error), "begin");
	ok(store_add_message(store, a, "test", &result, &error) &&
	    result == STORE_ADDED, "first add stored");
	ok(store_add_message(store, a, "test", &result, &error) &&
	    result == STORE_DUPLICATE, "same Message-ID again: duplicate");
	ok(store_add_message(store, b, "test", &result, &error) &&
	    result == STORE_ADDED, "confidential message stored");
	ok(store_commit(store, &error), "commit");
	ok(store_count_messages(store, &count, &error) && count == 2,
	    "two messages stored");
	is_int(query_int(store, "SELECT count(*) FROM public_messages"), 1,
	    "the drafts' view hides the confidential one");
	is_int(query_int(store, "SELECT count(*) FROM raw_messages"), 2,
	    "raw bytes kept for each");
	ok(store_begin(store, &error), "begin again");
	ok(store_add_message(store, b, "test", &result, &error) &&
	    result == STORE_DUPLICATE, "re-ingest after commit: duplicate");
	store_rollback(store);
	store_close(store);
	message_free(a);
	message_free(b);
}

static void
test_rollback_leaves_nothing(const char *path)
{
	g_autoptr(GError) error = NULL;
	struct store *store = store_open(path, &error);
	struct message *c = make_message("c@example.org", "Gone", false);
	enum store_add_result result;

	store_begin(store, &error);
	store_add_message(store, c, "test", &result, &error);
	store_rollback(store);
	is_int(query_int(store, "SELECT count(*) FROM messages WHERE "
	    "message_id = 'c@example.org'"), 0, "rolled back: no row");
	is_int(query_int(store, "SELECT count(*) FROM raw_messages"), 2,
	    "rolled back: no raw row either");
	store_close(store);
	message_free(c);
}

static void
test_sync_state(const char *path)
{
	g_autoptr(GError) error = NULL;
	struct store *store = store_open(path, &error);
	struct store_sync_state state = { 77, 12, 1000 }, got;
	bool found = true;

	ok(store_sync_get(store, "acct", "INBOX", &got, &found, &error) &&
	    !found, "unknown folder: not found");
	store_begin(store, &error);
	ok(store_sync_set(store, "acct", "INBOX", &state, &error), "set");
	store_commit(store, &error);
	state.last_uid = 40;
	store_begin(store, &error);
	store_sync_set(store, "acct", "INBOX", &state, &error);
	store_commit(store, &error);
	ok(store_sync_get(store, "acct", "INBOX", &got, &found, &error) &&
	    found && got.uidvalidity == 77 && got.last_uid == 40,
	    "updated sync state read back");
	store_close(store);
}

static void
test_newer_schema_refused(const char *path)
{
	g_autoptr(GError) error = NULL;
	struct store *store = store_open(path, &error);
	g_autofree char *sql = g_strdup_printf("PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION + 1);

	sqlite3_exec(store_db(store), sql, NULL, NULL, NULL);
	store_close(store);
	store = store_open(path, &error);
	ok(store == NULL && error != NULL &&
	    error->code == LB_ERROR_PERMANENT &&
	    strstr(error->message, "newer than this liaisonbot") != NULL,
	    "a store from a newer version is refused");
}

/* New stores take 64 KiB pages; one made with SQLite's default (by an
 * earlier liaisonbot) keeps its own and still works. */
static void
test_page_size(const char *dir)
{
	g_autofree char *fresh = g_build_filename(dir, "fresh.db", NULL);
	g_autofree char *old = g_build_filename(dir, "old.db", NULL);
	g_autoptr(GError) error = NULL;
	enum store_add_result result;
	struct message *message;
	struct store *store;
	sqlite3 *db;

	store = store_open(fresh, &error);
	ok(store != NULL && query_int(store, "PRAGMA page_size") == 65536,
	    "a new store has 64 KiB pages");
	store_close(store);
	sqlite3_open(old, &db);
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; CREATE TABLE t (x);"
	    " DROP TABLE t", NULL, NULL, NULL);
	sqlite3_close(db);
	store = store_open(old, &error);
	ok(store != NULL && query_int(store, "PRAGMA page_size") == 4096,
	    "an existing store keeps its page size");
	message = make_message("<page@x>", "pages", false);
	ok(store != NULL && store_begin(store, &error) &&
	    store_add_message(store, message, "test", &result, &error) &&
	    store_commit(store, &error) && result == STORE_ADDED,
	    "and stores messages");
	message_free(message);
	store_close(store);
}

static gint64
file_size(const char *path)
{
	GStatBuf st;

	return g_stat(path, &st) == 0 ? (gint64)st.st_size : -1;
}

/* A store at path with an empty table of blobs, or NULL. */
static struct store *
blob_store_open(const char *path, const char *what)
{
	g_autoptr(GError) error = NULL;
	struct store *store = store_open(path, &error);

	if (!ok(store != NULL, "%s: store opens%s%s", what,
	    error ? ": " : "", error ? error->message : ""))
		return NULL;
	sqlite3_exec(store_db(store), "CREATE TABLE blobs (x BLOB)", NULL,
	    NULL, NULL);
	return store;
}

/* One transaction of four random MiB. */
static bool
blob_store_write(struct store *store)
{
	g_autoptr(GError) error = NULL;

	return store_begin(store, &error) &&
	    sqlite3_exec(store_db(store), "INSERT INTO blobs"
	    " VALUES (randomblob(1048576)), (randomblob(1048576)),"
	    " (randomblob(1048576)), (randomblob(1048576))", NULL,
	    NULL, NULL) == SQLITE_OK &&
	    store_commit(store, &error);
}

/* WAL checkpoints run on their own thread once the WAL passes
 * STORE_CHECKPOINT_BYTES: the data reaches the database file while the
 * store is open, and the WAL starts over instead of growing. */
static void
test_checkpoints(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "ckpt.db", NULL);
	g_autofree char *wal = g_strconcat(path, "-wal", NULL);
	g_autoptr(GError) error = NULL;
	const int rounds = 12;		/* of 4 MiB: 48 MiB in all */
	gint64 largest_wal = 0;
	struct store *store;
	guint64 runs;
	bool written = true;

	if ((store = blob_store_open(path, "checkpoints")) == NULL)
		return;
	for (int i = 0; i < rounds; i++) {
		written = written && blob_store_write(store);
		/* Let the thread finish, so that the next transaction can
		 * start the WAL over (a busy writer only delays that). */
		store_wait_checkpoints(store);
		largest_wal = MAX(largest_wal, file_size(wal));
	}
	runs = store_wait_checkpoints(store);
	ok(written, "checkpoints: 48 MiB written in %d transactions", rounds);
	ok(runs >= 2, "checkpoints: %" G_GUINT64_FORMAT " ran on their own "
	    "thread", runs);
	ok(file_size(path) >= 40 * 1048576, "checkpoints: the database file "
	    "holds the data before the store closes (%" G_GINT64_FORMAT
	    " bytes)", file_size(path));
	ok(largest_wal < 32 * 1048576, "checkpoints: the WAL starts over "
	    "(at most %" G_GINT64_FORMAT " bytes)", largest_wal);
	is_int(query_int(store, "SELECT count(*) FROM blobs"), 4 * rounds,
	    "checkpoints: every row is there");
	store_close(store);
	ok(file_size(wal) <= 0, "checkpoints: closing checkpoints the rest "
	    "and removes the WAL");
	store = store_open(path, &error);
	is_int(store != NULL ? query_int(store, "SELECT count(*) FROM blobs")
	    : -1, 4 * rounds, "checkpoints: reopened, every row is there");
	store_close(store);
}

/* A writer that never pauses (an initial sync, an ingest) begins each
 * transaction while the thread is still copying the one before: SQLite
 * starts the WAL over only at a write after a checkpoint that copied all
 * of it, so without a wait the WAL grew to the size of the data (240 MB
 * for an ingest of 10,000 messages). The writer waits for the thread
 * once the WAL reaches STORE_CHECKPOINT_CATCH_UP_BYTES. */
static void
test_checkpoints_bound_the_wal(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "busy.db", NULL);
	g_autofree char *wal = g_strconcat(path, "-wal", NULL);
	const int rounds = 30;		/* of 4 MiB: 120 MiB in all */
	const gint64 bound = STORE_CHECKPOINT_CATCH_UP_BYTES + 8 * 1048576;
	gint64 largest_wal = 0;
	struct store *store;
	bool written = true;

	if ((store = blob_store_open(path, "busy writer")) == NULL)
		return;
	for (int i = 0; i < rounds && written; i++) {
		written = blob_store_write(store);
		largest_wal = MAX(largest_wal, file_size(wal));
	}
	ok(written, "busy writer: 120 MiB in %d transactions, no pause",
	    rounds);
	ok(largest_wal <= bound, "busy writer: the WAL stays bounded (at "
	    "most %" G_GINT64_FORMAT " bytes, bound %" G_GINT64_FORMAT ")",
	    largest_wal, bound);
	is_int(query_int(store, "SELECT count(*) FROM blobs"), 4 * rounds,
	    "busy writer: every row is there");
	store_close(store);
}

static void
test_readonly_is_temporary(const char *dir)
{
	g_autofree char *path = g_build_filename(dir, "ro", "x.db", NULL);
	g_autofree char *sub = g_build_filename(dir, "ro", NULL);
	g_autoptr(GError) error = NULL;
	struct store *store;

	if (geteuid() == 0) {
		ok(1, "# SKIP read-only directory test needs a non-root user");
		return;
	}
	g_mkdir_with_parents(sub, 0500);
	store = store_open(path, &error);
	ok(store == NULL && error && error->code == LB_ERROR_TEMPORARY,
	    "unwritable store directory: temporary error");
	store_close(store);
}

int
main(void)
{
	g_autofree char *dir = g_dir_make_tmp("test_store.XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "sub", "store.db", NULL);
	g_autofree char *path2 = g_build_filename(dir, "other.db", NULL);
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", dir);

	test_add_and_dedupe(path);
	test_rollback_leaves_nothing(path);
	test_sync_state(path);
	test_newer_schema_refused(path2);
	test_page_size(dir);
	test_checkpoints(dir);
	test_checkpoints_bound_the_wal(dir);
	test_readonly_is_temporary(dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}

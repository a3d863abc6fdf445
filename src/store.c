/* store.c: schema, migrations, messages and IMAP sync state. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "crashpoint.h"
#include "error.h"
#include "log.h"
#include "store.h"
#include "store_checkpoint.h"

enum store_statement {
	STMT_FIND_MESSAGE,
	STMT_INSERT_MESSAGE,
	STMT_INSERT_RAW,
	STMT_SYNC_GET,
	STMT_SYNC_SET,
	STMT_COUNT,
};

static const char *const store_statements[STMT_COUNT] = {
	[STMT_FIND_MESSAGE] = "SELECT 1 FROM messages WHERE message_id = ?1",
	[STMT_INSERT_MESSAGE] =
	    "INSERT INTO messages (message_id, thread_key, subject_key,"
	    " in_reply_to, list_id, archived_at, from_name, from_address,"
	    " to_addrs, cc_addrs, subject, date, arrival, stored_at, category,"
	    " score, kind, reasons, breaking, confidential, flags, origin,"
	    " size, text, own_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
	    " ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,"
	    " ?22, ?23, ?24, ?25)",
	[STMT_INSERT_RAW] =
	    "INSERT INTO raw_messages (message, raw) VALUES (?1, ?2)",
	[STMT_SYNC_GET] =
	    "SELECT uidvalidity, last_uid, last_sync FROM sync_state"
	    " WHERE account = ?1 AND folder = ?2",
	[STMT_SYNC_SET] =
	    "INSERT INTO sync_state (account, folder, uidvalidity, last_uid,"
	    " last_sync) VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT (account, folder) DO UPDATE SET"
	    " uidvalidity = ?3, last_uid = ?4, last_sync = ?5",
};

/* Migration N takes the schema from version N to N + 1. Never edit one
 * that has shipped: add the next. */
static const char *const store_migrations[] = {
	/* 0 -> 1: the first schema. */
	"CREATE TABLE messages ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  thread_key TEXT NOT NULL,"
	"  subject_key TEXT NOT NULL,"
	"  in_reply_to TEXT,"
	"  list_id TEXT,"
	"  archived_at TEXT,"
	"  from_name TEXT,"
	"  from_address TEXT,"
	"  to_addrs TEXT,"
	"  cc_addrs TEXT,"
	"  subject TEXT NOT NULL,"
	"  date INTEGER NOT NULL,"
	"  arrival INTEGER NOT NULL,"
	"  stored_at INTEGER NOT NULL,"
	"  category TEXT NOT NULL,"
	"  score INTEGER NOT NULL,"
	"  kind TEXT,"
	"  reasons TEXT NOT NULL,"
	"  breaking INTEGER NOT NULL,"
	"  confidential INTEGER NOT NULL,"
	"  flags INTEGER NOT NULL,"
	"  origin TEXT,"
	"  size INTEGER NOT NULL,"
	"  text TEXT NOT NULL,"
	"  own_text TEXT NOT NULL);"
	"CREATE INDEX messages_date ON messages (date);"
	"CREATE INDEX messages_stored_at ON messages (stored_at);"
	"CREATE INDEX messages_thread ON messages (thread_key);"
	"CREATE TABLE raw_messages ("
	"  message INTEGER PRIMARY KEY REFERENCES messages (id)"
	"    ON DELETE CASCADE,"
	"  raw BLOB NOT NULL);"
	"CREATE TABLE sync_state ("
	"  account TEXT NOT NULL,"
	"  folder TEXT NOT NULL,"
	"  uidvalidity INTEGER NOT NULL,"
	"  last_uid INTEGER NOT NULL,"
	"  last_sync INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  PRIMARY KEY (account, folder));"
	"CREATE TABLE drafts ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  identity TEXT NOT NULL UNIQUE,"
	"  message_id TEXT NOT NULL UNIQUE,"
	"  subject TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  period_start INTEGER,"
	"  period_end INTEGER,"
	"  raw BLOB NOT NULL,"
	"  state TEXT NOT NULL,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT,"
	"  sent_at INTEGER,"
	"  imap_state TEXT NOT NULL DEFAULT 'none');"
	"CREATE TABLE draft_recipients ("
	"  draft INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,"
	"  recipient TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  reply TEXT,"
	"  updated INTEGER NOT NULL,"
	"  PRIMARY KEY (draft, recipient));"
	"CREATE TABLE draft_messages ("
	"  draft INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,"
	"  message INTEGER NOT NULL REFERENCES messages (id),"
	"  PRIMARY KEY (draft, message));"
	"CREATE INDEX draft_messages_message ON draft_messages (message);"
	/* Drafts read only this view: confidential rows cannot reach them. */
	"CREATE VIEW public_messages AS"
	"  SELECT * FROM messages WHERE confidential = 0;",
};

G_STATIC_ASSERT(G_N_ELEMENTS(store_migrations) == STORE_SCHEMA_VERSION);

struct store {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *statements[STMT_COUNT];
	struct store_checkpointer *checkpointer;
};

static enum lb_error_code
store_error_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
	case SQLITE_NOMEM:
		return LB_ERROR_TEMPORARY;
	default:
		return LB_ERROR_PERMANENT;
	}
}

/* SQLite says "disk I/O error" for a full disk and "unable to open" for
 * a read-only one; the system's errno tells the admin which. 0: none. */
static int
store_os_error(struct store *store, int primary)
{
	g_autofree char *dir = g_path_get_dirname(store->path);

	if (primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY) {
		/* SQLite's last errno is that of its read-only retry. */
		if (access(store->path, W_OK) != 0 && errno != ENOENT)
			return errno;
		return access(dir, W_OK) != 0 ? errno : 0;
	}
	if ((primary == SQLITE_IOERR || primary == SQLITE_FULL) &&
	    store->db != NULL)
		return sqlite3_system_errno(store->db);
	return 0;
}

bool
store_fail(struct store *store, int rc, const char *what, GError **error)
{
	const char *detail = store->db ? sqlite3_errmsg(store->db)
				       : sqlite3_errstr(rc);
	int os_error = store_os_error(store, rc & 0xff);

	if (os_error != 0)
		g_set_error(error, LB_ERROR, store_error_code(rc),
		    "store %s: %s: %s (%s)", store->path, what, detail,
		    g_strerror(os_error));
	else
		g_set_error(error, LB_ERROR, store_error_code(rc),
		    "store %s: %s: %s", store->path, what, detail);
	return false;
}

static bool
store_exec(struct store *store, const char *sql, const char *what,
    GError **error)
{
	int rc = sqlite3_exec(store->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK || store_fail(store, rc, what, error);
}

static bool
store_get_version(struct store *store, int *version, GError **error)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite3_prepare_v2(store->db, "PRAGMA user_version", -1, &stmt,
	    NULL);
	if (rc != SQLITE_OK)
		return store_fail(store, rc, "reading schema version", error);
	rc = sqlite3_step(stmt);
	*version = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return store_fail(store, rc, "reading schema version", error);
	return true;
}

/* Each step and its version bump commit together. */
static bool
store_migrate(struct store *store, GError **error)
{
	int version;

	if (!store_get_version(store, &version, error))
		return false;
	if (version > STORE_SCHEMA_VERSION) {
		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "store %s: schema version %d is newer than this "
		    "liaisonbot understands (%d)", store->path, version,
		    STORE_SCHEMA_VERSION);
		return false;
	}
	while (version < STORE_SCHEMA_VERSION) {
		g_autofree char *bump = g_strdup_printf(
		    "PRAGMA user_version = %d", version + 1);

		if (!store_exec(store, "BEGIN IMMEDIATE", "migrating", error))
			return false;
		if (!store_exec(store, store_migrations[version], "migrating",
		    error) || !store_exec(store, bump, "migrating", error) ||
		    !store_exec(store, "COMMIT", "migrating", error)) {
			sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
			return false;
		}
		log_debug(LOG_AREA_STORE, "%s: schema now version %d",
		    store->path, version + 1);
		version++;
	}
	return true;
}

static bool
store_prepare(struct store *store, GError **error)
{
	for (size_t i = 0; i < STMT_COUNT; i++) {
		int rc = sqlite3_prepare_v3(store->db, store_statements[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &store->statements[i], NULL);

		if (rc != SQLITE_OK)
			return store_fail(store, rc, "preparing", error);
	}
	return true;
}

static bool
store_make_dir(const char *path, GError **error)
{
	g_autofree char *dir = g_path_get_dirname(path);

	if (g_mkdir_with_parents(dir, 0700) == 0)
		return true;
	g_set_error(error, LB_ERROR,
	    errno == ENOSPC || errno == EROFS ? LB_ERROR_TEMPORARY
					      : LB_ERROR_PERMANENT,
	    "store %s: cannot create directory %s: %s", path, dir,
	    g_strerror(errno));
	return false;
}

struct store *
store_open(const char *path, GError **error)
{
	struct store *store = g_new0(struct store, 1);
	int rc;

	store->path = g_strdup(path);
	if (!store_make_dir(path, error))
		goto fail;
	rc = sqlite3_open_v2(path, &store->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		store_fail(store, rc, "opening", error);
		goto fail;
	}
	/* A daemon and a procmail-fed ingest may share the store: wait for
	 * each other rather than fail at once. */
	sqlite3_busy_timeout(store->db, 10000);
	sqlite3_extended_result_codes(store->db, 1);
	/* A new store gets SQLite's largest page: a stored message (row,
	 * text and raw bytes, some 20 KB) then takes a page or two instead
	 * of a chain of 4 KiB overflow pages, each written twice through
	 * the WAL; bulk ingest is a fifth faster. An existing store keeps
	 * its page size (SQLite ignores this there). */
	if (!store_exec(store, "PRAGMA page_size = 65536", "setup", error) ||
	    !store_exec(store, "PRAGMA journal_mode = WAL", "setting WAL",
	    error) ||
	    !store_exec(store, "PRAGMA synchronous = NORMAL", "setup", error) ||
	    !store_exec(store, "PRAGMA foreign_keys = ON", "setup", error) ||
	    !store_migrate(store, error) || !store_prepare(store, error))
		goto fail;
	store->checkpointer = store_checkpointer_new(store->db);
	return store;
fail:
	store_close(store);
	return NULL;
}

void
store_close(struct store *store)
{
	if (store == NULL)
		return;
	/* First: the last connection to close does the final checkpoint. */
	store_checkpointer_free(store->checkpointer);
	for (size_t i = 0; i < STMT_COUNT; i++)
		sqlite3_finalize(store->statements[i]);
	sqlite3_close(store->db);
	g_free(store->path);
	g_free(store);
}

void
store_set_busy_timeout(struct store *store, int seconds)
{
	sqlite3_busy_timeout(store->db, seconds * 1000);
}

void
store_set_cache_size(struct store *store, int kib)
{
	g_autofree char *sql = g_strdup_printf("PRAGMA cache_size = %d",
	    kib > 0 ? -kib : -2000);

	/* Only fails on a closed connection; the size is a hint anyway. */
	sqlite3_exec(store->db, sql, NULL, NULL, NULL);
}

void
store_release_memory(struct store *store)
{
	sqlite3_db_release_memory(store->db);
}

guint64
store_wait_checkpoints(struct store *store)
{
	return store_checkpointer_wait(store->checkpointer);
}

const char *
store_path(const struct store *store)
{
	return store->path;
}

sqlite3 *
store_db(struct store *store)
{
	return store->db;
}

bool
store_begin(struct store *store, GError **error)
{
	return store_exec(store, "BEGIN IMMEDIATE", "starting a transaction",
	    error);
}

bool
store_commit(struct store *store, GError **error)
{
	crashpoint("store-commit");
	if (!store_exec(store, "COMMIT", "committing", error)) {
		store_rollback(store);
		return false;
	}
	return true;
}

void
store_rollback(struct store *store)
{
	if (!sqlite3_get_autocommit(store->db))
		sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

bool
store_in_transaction(const struct store *store)
{
	return !sqlite3_get_autocommit(store->db);
}

static sqlite3_stmt *
store_statement(struct store *store, enum store_statement which)
{
	sqlite3_stmt *stmt = store->statements[which];

	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return stmt;
}

static void
store_bind_text(sqlite3_stmt *stmt, int index, const char *text)
{
	if (text == NULL)
		sqlite3_bind_null(stmt, index);
	else
		sqlite3_bind_text(stmt, index, text, -1, SQLITE_STATIC);
}

static bool
store_message_exists(struct store *store, const char *message_id,
    bool *exists, GError **error)
{
	sqlite3_stmt *stmt = store_statement(store, STMT_FIND_MESSAGE);
	int rc;

	store_bind_text(stmt, 1, message_id);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, rc, "looking up a message", error);
	*exists = rc == SQLITE_ROW;
	return true;
}

static bool
store_insert_message(struct store *store, const struct message *message,
    const char *origin, GError **error)
{
	sqlite3_stmt *stmt = store_statement(store, STMT_INSERT_MESSAGE);
	const struct verdict *verdict = &message->verdict;
	int rc;

	store_bind_text(stmt, 1, message->message_id);
	store_bind_text(stmt, 2, message->thread_key);
	store_bind_text(stmt, 3, message->subject_key ? message->subject_key
						      : "");
	store_bind_text(stmt, 4, message->in_reply_to);
	store_bind_text(stmt, 5, message->list_id);
	store_bind_text(stmt, 6, message->archived_at);
	store_bind_text(stmt, 7, message->from_name);
	store_bind_text(stmt, 8, message->from_address);
	store_bind_text(stmt, 9, message->to);
	store_bind_text(stmt, 10, message->cc);
	store_bind_text(stmt, 11, message->subject);
	sqlite3_bind_int64(stmt, 12, message->date);
	sqlite3_bind_int64(stmt, 13, message->arrival);
	sqlite3_bind_int64(stmt, 14, g_get_real_time() / G_USEC_PER_SEC);
	store_bind_text(stmt, 15, verdict_category_name(verdict->category));
	sqlite3_bind_int(stmt, 16, verdict->score);
	store_bind_text(stmt, 17, verdict->kind);
	store_bind_text(stmt, 18, verdict->reasons ? verdict->reasons : "");
	sqlite3_bind_int(stmt, 19, verdict->breaking);
	sqlite3_bind_int(stmt, 20, verdict->confidential);
	sqlite3_bind_int(stmt, 21, (int)message->flags);
	store_bind_text(stmt, 22, origin);
	sqlite3_bind_int64(stmt, 23,
	    message->raw ? (sqlite3_int64)g_bytes_get_size(message->raw) : 0);
	store_bind_text(stmt, 24, message->text ? message->text : "");
	store_bind_text(stmt, 25, message->own_text ? message->own_text : "");
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(store, rc, "storing a message", error);
	return true;
}

static bool
store_insert_raw(struct store *store, sqlite3_int64 id, GBytes *raw,
    GError **error)
{
	sqlite3_stmt *stmt = store_statement(store, STMT_INSERT_RAW);
	gsize size = 0;
	const void *data = raw ? g_bytes_get_data(raw, &size) : NULL;
	int rc;

	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_blob64(stmt, 2, data ? data : "", size, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(store, rc, "storing a raw message", error);
	return true;
}

bool
store_add_message(struct store *store, const struct message *message,
    const char *origin, enum store_add_result *result, GError **error)
{
	bool exists = false;

	g_assert(store_in_transaction(store));
	if (!store_message_exists(store, message->message_id, &exists, error))
		return false;
	if (exists) {
		*result = STORE_DUPLICATE;
		return true;
	}
	if (!store_insert_message(store, message, origin, error) ||
	    !store_insert_raw(store, sqlite3_last_insert_rowid(store->db),
	    message->raw, error))
		return false;
	*result = STORE_ADDED;
	return true;
}

bool
store_sync_get(struct store *store, const char *account, const char *folder,
    struct store_sync_state *state, bool *found, GError **error)
{
	sqlite3_stmt *stmt = store_statement(store, STMT_SYNC_GET);
	int rc;

	store_bind_text(stmt, 1, account);
	store_bind_text(stmt, 2, folder);
	rc = sqlite3_step(stmt);
	memset(state, 0, sizeof(*state));
	*found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW) {
		state->uidvalidity = (guint32)sqlite3_column_int64(stmt, 0);
		state->last_uid = (guint32)sqlite3_column_int64(stmt, 1);
		state->last_sync = sqlite3_column_int64(stmt, 2);
	} else if (rc != SQLITE_DONE)
		return store_fail(store, rc, "reading sync state", error);
	sqlite3_reset(stmt);
	return true;
}

bool
store_sync_set(struct store *store, const char *account, const char *folder,
    const struct store_sync_state *state, GError **error)
{
	sqlite3_stmt *stmt = store_statement(store, STMT_SYNC_SET);
	int rc;

	store_bind_text(stmt, 1, account);
	store_bind_text(stmt, 2, folder);
	sqlite3_bind_int64(stmt, 3, state->uidvalidity);
	sqlite3_bind_int64(stmt, 4, state->last_uid);
	sqlite3_bind_int64(stmt, 5, state->last_sync);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(store, rc, "saving sync state", error);
	return true;
}

bool
store_sync_note(struct store *store, const char *account, const char *folder,
    gint64 last_sync, const char *error_text, GError **error)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite3_prepare_v2(store->db, "INSERT INTO sync_state (account,"
	    " folder, uidvalidity, last_uid, last_sync, last_error)"
	    " VALUES (?1, ?2, 0, 0, ?3, ?4) ON CONFLICT (account, folder)"
	    " DO UPDATE SET last_sync = CASE WHEN ?3 > 0 THEN ?3"
	    " ELSE last_sync END, last_error = ?4", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_fail(store, rc, "saving sync state", error);
	store_bind_text(stmt, 1, account);
	store_bind_text(stmt, 2, folder);
	sqlite3_bind_int64(stmt, 3, last_sync);
	store_bind_text(stmt, 4, error_text);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_fail(store, rc, "saving sync state", error);
	return true;
}

bool
store_count_messages(struct store *store, gint64 *count, GError **error)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite3_prepare_v2(store->db, "SELECT count(*) FROM messages", -1,
	    &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_fail(store, rc, "counting", error);
	rc = sqlite3_step(stmt);
	*count = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return store_fail(store, rc, "counting", error);
	return true;
}

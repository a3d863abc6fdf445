/* store.h: the SQLite store. All SQL of liaisonbot lives in store*.c.
 * WAL mode, versioned schema (PRAGMA user_version + migrations in code).
 * Errors: LB_ERROR_TEMPORARY when retrying may help (locked, disk full,
 * read-only), LB_ERROR_PERMANENT for a corrupt or too-new store. */
#ifndef LIAISONBOT_STORE_H
#define LIAISONBOT_STORE_H

#include <stdbool.h>

#include <glib.h>
#include <sqlite3.h>

#include "message.h"

#define STORE_SCHEMA_VERSION 1

struct store;

enum store_add_result {
	STORE_ADDED,
	STORE_DUPLICATE,	/* that Message-ID is stored already */
};

/* Opens (creating the file and its directory if needed) and migrates. */
struct store *store_open(const char *path, GError **error);
void store_close(struct store *store);
/* How long a write waits for another process (default 10 s). */
void store_set_busy_timeout(struct store *store, int seconds);
/* SQLite's page cache for this connection, in KiB; 0: SQLite's default
 * (2 MiB). A bulk load wants more: the indexes' pages then stay cached
 * instead of being read back and rewritten for every batch. */
void store_set_cache_size(struct store *store, int kib);
/* Frees the page cache's unused memory (an idle daemon's); the cache
 * fills again on use. */
void store_release_memory(struct store *store);
const char *store_path(const struct store *store);
/* Waits for the WAL checkpoints asked for so far (store_checkpoint.h);
 * returns how many ran on their own thread. For tests. */
guint64 store_wait_checkpoints(struct store *store);

/* Transactions. store_begin takes the write lock at once (BEGIN
 * IMMEDIATE) so a busy store is reported before any work is done. */
bool store_begin(struct store *store, GError **error);
bool store_commit(struct store *store, GError **error);
void store_rollback(struct store *store);
bool store_in_transaction(const struct store *store);

/* Adds a parsed, classified message with its raw bytes. A message whose
 * Message-ID is stored already is left alone: result STORE_DUPLICATE.
 * origin says where it came from ("imap:INBOX", "mbox:/path", "stdin").
 * Must be called inside a transaction. */
bool store_add_message(struct store *store, const struct message *message,
    const char *origin, enum store_add_result *result, GError **error);

/* IMAP sync state of one folder; *found false when never synced. */
struct store_sync_state {
	guint32 uidvalidity;
	guint32 last_uid;
	gint64 last_sync;	/* last complete sync, 0 if never */
};
bool store_sync_get(struct store *store, const char *account,
    const char *folder, struct store_sync_state *state, bool *found,
    GError **error);
/* Records progress; call inside the transaction that stored the
 * messages up to last_uid, so a crash never skips or repeats one. */
bool store_sync_set(struct store *store, const char *account,
    const char *folder, const struct store_sync_state *state,
    GError **error);

/* Records the outcome of a sync attempt: last_sync (when non-zero) and
 * the error text (NULL: none), leaving the UIDs alone. */
bool store_sync_note(struct store *store, const char *account,
    const char *folder, gint64 last_sync, const char *error_text,
    GError **error);

/* Count of stored messages (all, confidential included). */
bool store_count_messages(struct store *store, gint64 *count,
    GError **error);

/* The underlying handle for the store_*.c modules (drafts, queries). */
sqlite3 *store_db(struct store *store);
/* Sets error from the last SQLite failure, with context. Returns false. */
bool store_fail(struct store *store, int rc, const char *what,
    GError **error);

#endif

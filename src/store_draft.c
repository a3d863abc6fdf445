/* store_draft.c: SQL of the outbox. */
#include <string.h>

#include "store_draft.h"

#define DRAFT_COLUMNS                                                       \
	"id, kind, identity, message_id, subject, created, period_start,"   \
	" period_end, raw, state, attempts, next_attempt, last_error,"      \
	" sent_at, imap_state"

void
store_draft_free(struct store_draft *draft)
{
	if (draft == NULL)
		return;
	g_free(draft->kind);
	g_free(draft->identity);
	g_free(draft->message_id);
	g_free(draft->subject);
	if (draft->raw != NULL)
		g_bytes_unref(draft->raw);
	g_free(draft->state);
	g_free(draft->last_error);
	g_free(draft->imap_state);
	g_free(draft);
}

static char *
column_text(sqlite3_stmt *stmt, int column)
{
	const unsigned char *text = sqlite3_column_text(stmt, column);

	return text ? g_strdup((const char *)text) : NULL;
}

static struct store_draft *
store_draft_from_row(sqlite3_stmt *stmt)
{
	struct store_draft *draft = g_new0(struct store_draft, 1);

	draft->id = sqlite3_column_int64(stmt, 0);
	draft->kind = column_text(stmt, 1);
	draft->identity = column_text(stmt, 2);
	draft->message_id = column_text(stmt, 3);
	draft->subject = column_text(stmt, 4);
	draft->created = sqlite3_column_int64(stmt, 5);
	draft->period_start = sqlite3_column_int64(stmt, 6);
	draft->period_end = sqlite3_column_int64(stmt, 7);
	draft->raw = g_bytes_new(sqlite3_column_blob(stmt, 8),
	    (gsize)sqlite3_column_bytes(stmt, 8));
	draft->state = column_text(stmt, 9);
	draft->attempts = sqlite3_column_int(stmt, 10);
	draft->next_attempt = sqlite3_column_int64(stmt, 11);
	draft->last_error = column_text(stmt, 12);
	draft->sent_at = sqlite3_column_int64(stmt, 13);
	draft->imap_state = column_text(stmt, 14);
	return draft;
}

/* Runs sql with text parameters (NULL-terminated) and collects drafts. */
static GPtrArray *
store_draft_query(struct store *store, const char *sql, const char *param,
    GError **error)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)store_draft_free);
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite3_prepare_v2(store_db(store), sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		store_fail(store, rc, "reading drafts", error);
		g_ptr_array_unref(out);
		return NULL;
	}
	if (param != NULL)
		sqlite3_bind_text(stmt, 1, param, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_ptr_array_add(out, store_draft_from_row(stmt));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_fail(store, rc, "reading drafts", error);
		g_ptr_array_unref(out);
		return NULL;
	}
	return out;
}

bool
store_draft_find(struct store *store, const char *identity,
    struct store_draft **out, GError **error)
{
	g_autoptr(GPtrArray) found = store_draft_query(store,
	    "SELECT " DRAFT_COLUMNS " FROM drafts WHERE identity = ?1",
	    identity, error);

	*out = NULL;
	if (found == NULL)
		return false;
	if (found->len > 0)
		*out = g_ptr_array_steal_index(found, 0);
	return true;
}

GPtrArray *
store_drafts_by_state(struct store *store, const char *state, GError **error)
{
	if (state == NULL)
		return store_draft_query(store, "SELECT " DRAFT_COLUMNS
		    " FROM drafts ORDER BY id", NULL, error);
	return store_draft_query(store, "SELECT " DRAFT_COLUMNS
	    " FROM drafts WHERE state = ?1 ORDER BY id", state, error);
}

GPtrArray *
store_drafts_imap_pending(struct store *store, GError **error)
{
	return store_draft_query(store, "SELECT " DRAFT_COLUMNS
	    " FROM drafts WHERE imap_state = ?1 ORDER BY id", "pending",
	    error);
}

static bool
store_draft_step(struct store *store, sqlite3_stmt *stmt, const char *what,
    GError **error)
{
	int rc = sqlite3_step(stmt);

	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE || store_fail(store, rc, what, error);
}

static bool
store_draft_prepare(struct store *store, const char *sql,
    sqlite3_stmt **stmt, GError **error)
{
	int rc = sqlite3_prepare_v2(store_db(store), sql, -1, stmt, NULL);

	return rc == SQLITE_OK || store_fail(store, rc, "preparing", error);
}

static bool
store_draft_link(struct store *store, gint64 draft, GArray *message_ids,
    GError **error)
{
	sqlite3_stmt *stmt;
	int rc = SQLITE_DONE;

	if (message_ids == NULL || message_ids->len == 0)
		return true;
	if (!store_draft_prepare(store, "INSERT OR IGNORE INTO draft_messages"
	    " (draft, message) VALUES (?1, ?2)", &stmt, error))
		return false;
	for (guint i = 0; i < message_ids->len && rc == SQLITE_DONE; i++) {
		sqlite3_reset(stmt);
		sqlite3_bind_int64(stmt, 1, draft);
		sqlite3_bind_int64(stmt, 2,
		    g_array_index(message_ids, gint64, i));
		rc = sqlite3_step(stmt);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ||
	    store_fail(store, rc, "linking a draft's messages", error);
}

bool
store_draft_add(struct store *store, struct store_draft *draft,
    GArray *message_ids, GError **error)
{
	sqlite3_stmt *stmt;
	gsize size;
	const void *raw = g_bytes_get_data(draft->raw, &size);

	if (!store_draft_prepare(store, "INSERT INTO drafts (kind, identity,"
	    " message_id, subject, created, period_start, period_end, raw,"
	    " state, next_attempt, imap_state) VALUES (?1, ?2, ?3, ?4, ?5,"
	    " ?6, ?7, ?8, ?9, ?10, ?11)", &stmt, error))
		return false;
	sqlite3_bind_text(stmt, 1, draft->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, draft->identity, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, draft->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, draft->subject, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 5, draft->created);
	sqlite3_bind_int64(stmt, 6, draft->period_start);
	sqlite3_bind_int64(stmt, 7, draft->period_end);
	sqlite3_bind_blob64(stmt, 8, raw, size, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 9, draft->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 10, draft->next_attempt);
	sqlite3_bind_text(stmt, 11, draft->imap_state, -1, SQLITE_STATIC);
	if (!store_draft_step(store, stmt, "storing a draft", error))
		return false;
	draft->id = sqlite3_last_insert_rowid(store_db(store));
	return store_draft_link(store, draft->id, message_ids, error);
}

bool
store_draft_set_state(struct store *store, const struct store_draft *draft,
    GError **error)
{
	sqlite3_stmt *stmt;

	if (!store_draft_prepare(store, "UPDATE drafts SET state = ?2,"
	    " attempts = ?3, next_attempt = ?4, last_error = ?5, sent_at = ?6"
	    " WHERE id = ?1", &stmt, error))
		return false;
	sqlite3_bind_int64(stmt, 1, draft->id);
	sqlite3_bind_text(stmt, 2, draft->state, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 3, draft->attempts);
	sqlite3_bind_int64(stmt, 4, draft->next_attempt);
	if (draft->last_error != NULL)
		sqlite3_bind_text(stmt, 5, draft->last_error, -1,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 5);
	sqlite3_bind_int64(stmt, 6, draft->sent_at);
	return store_draft_step(store, stmt, "updating a draft", error);
}

bool
store_draft_set_imap_state(struct store *store, gint64 id, const char *state,
    GError **error)
{
	sqlite3_stmt *stmt;

	if (!store_draft_prepare(store, "UPDATE drafts SET imap_state = ?2"
	    " WHERE id = ?1", &stmt, error))
		return false;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, state, -1, SQLITE_STATIC);
	return store_draft_step(store, stmt, "updating a draft", error);
}

bool
store_draft_set_recipient(struct store *store, gint64 id,
    const char *recipient, const char *state, const char *reply,
    GError **error)
{
	sqlite3_stmt *stmt;

	if (!store_draft_prepare(store, "INSERT INTO draft_recipients (draft,"
	    " recipient, state, reply, updated) VALUES (?1, ?2, ?3, ?4, ?5)"
	    " ON CONFLICT (draft, recipient) DO UPDATE SET state = ?3,"
	    " reply = ?4, updated = ?5", &stmt, error))
		return false;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, state, -1, SQLITE_STATIC);
	if (reply != NULL)
		sqlite3_bind_text(stmt, 4, reply, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(stmt, 4);
	sqlite3_bind_int64(stmt, 5, g_get_real_time() / G_USEC_PER_SEC);
	return store_draft_step(store, stmt, "recording a recipient", error);
}

bool
store_draft_forget_refusals(struct store *store, gint64 id, GError **error)
{
	sqlite3_stmt *stmt;

	if (!store_draft_prepare(store, "DELETE FROM draft_recipients WHERE"
	    " draft = ?1 AND state != 'accepted'", &stmt, error))
		return false;
	sqlite3_bind_int64(stmt, 1, id);
	return store_draft_step(store, stmt, "forgetting refusals", error);
}

GHashTable *
store_draft_recipients(struct store *store, gint64 id, GError **error)
{
	GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, g_free);
	sqlite3_stmt *stmt;
	int rc;

	if (!store_draft_prepare(store, "SELECT recipient, state FROM"
	    " draft_recipients WHERE draft = ?1", &stmt, error)) {
		g_hash_table_unref(out);
		return NULL;
	}
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_hash_table_insert(out, column_text(stmt, 0),
		    column_text(stmt, 1));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_fail(store, rc, "reading recipients", error);
		g_hash_table_unref(out);
		return NULL;
	}
	return out;
}

static bool
store_draft_scalar(struct store *store, const char *sql, const char *text,
    gint64 number, gint64 *value, bool *found, GError **error)
{
	sqlite3_stmt *stmt;
	int rc;

	if (!store_draft_prepare(store, sql, &stmt, error))
		return false;
	if (text != NULL)
		sqlite3_bind_text(stmt, 1, text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(stmt, 1, number);
	rc = sqlite3_step(stmt);
	*found = rc == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL;
	*value = *found ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ||
	    store_fail(store, rc, "reading drafts", error);
}

bool
store_draft_last_period_end(struct store *store, const char *kind,
    gint64 *end, GError **error)
{
	bool found;

	return store_draft_scalar(store, "SELECT max(period_end) FROM drafts"
	    " WHERE kind = ?1", kind, 0, end, &found, error);
}

bool
store_has_message_id(struct store *store, const char *message_id,
    bool *found, GError **error)
{
	gint64 value;

	return store_draft_scalar(store, "SELECT 1 FROM messages WHERE"
	    " message_id = ?1", message_id, 0, &value, found, error);
}

GHashTable *
store_breaking_threads_since(struct store *store, gint64 since,
    GError **error)
{
	GHashTable *out = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, g_free);
	sqlite3_stmt *stmt;
	int rc;

	if (!store_draft_prepare(store, "SELECT m.thread_key, max(d.created)"
	    " FROM drafts d JOIN draft_messages dm ON dm.draft = d.id"
	    " JOIN public_messages m ON m.id = dm.message"
	    " WHERE d.kind = 'breaking' AND d.created > ?1"
	    " GROUP BY m.thread_key", &stmt, error)) {
		g_hash_table_unref(out);
		return NULL;
	}
	sqlite3_bind_int64(stmt, 1, since);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_hash_table_insert(out, column_text(stmt, 0),
		    g_memdup2(&(gint64){ sqlite3_column_int64(stmt, 1) },
		    sizeof(gint64)));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_fail(store, rc, "reading breaking drafts", error);
		g_hash_table_unref(out);
		return NULL;
	}
	return out;
}

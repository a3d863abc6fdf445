/* store_query.c: the SELECTs behind digests and breaking news. */
#include <string.h>

#include "store_query.h"

void
stored_message_free(struct stored_message *message)
{
	if (message == NULL)
		return;
	g_free(message->message_id);
	g_free(message->thread_key);
	g_free(message->subject_key);
	g_free(message->subject);
	g_free(message->from_name);
	g_free(message->from_address);
	g_free(message->archived_at);
	g_free(message->own_text);
	g_free(message->kind);
	g_free(message);
}

static char *
column_text(sqlite3_stmt *stmt, int column)
{
	const unsigned char *text = sqlite3_column_text(stmt, column);

	return text ? g_strdup((const char *)text) : NULL;
}

static struct stored_message *
stored_message_from_row(sqlite3_stmt *stmt)
{
	struct stored_message *message = g_new0(struct stored_message, 1);
	g_autofree char *category = NULL;

	message->id = sqlite3_column_int64(stmt, 0);
	message->message_id = column_text(stmt, 1);
	message->thread_key = column_text(stmt, 2);
	message->subject_key = column_text(stmt, 3);
	message->subject = column_text(stmt, 4);
	message->from_name = column_text(stmt, 5);
	message->from_address = column_text(stmt, 6);
	message->archived_at = column_text(stmt, 7);
	message->own_text = column_text(stmt, 8);
	message->kind = column_text(stmt, 9);
	category = column_text(stmt, 10);
	if (category == NULL ||
	    !verdict_category_parse(category, &message->category))
		message->category = CATEGORY_NONE;
	message->score = sqlite3_column_int(stmt, 11);
	message->breaking = sqlite3_column_int(stmt, 12) != 0;
	message->date = sqlite3_column_int64(stmt, 13);
	message->stored_at = sqlite3_column_int64(stmt, 14);
	return message;
}

GPtrArray *
store_select_messages(struct store *store,
    const struct store_selection *selection, GError **error)
{
	static const char *const base =
	    "SELECT id, message_id, thread_key, subject_key, subject,"
	    " from_name, from_address, archived_at, own_text, kind, category,"
	    " score, breaking, date, stored_at FROM public_messages m WHERE ";
	g_autoptr(GString) sql = g_string_new(base);
	GPtrArray *out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)stored_message_free);
	sqlite3_stmt *stmt;
	int rc;

	g_string_append(sql, selection->window == STORE_WINDOW_DATE
	    ? "date > ?1 AND date <= ?2" : "stored_at > ?1 AND stored_at <= ?2");
	if (selection->date_floor > 0)
		g_string_append(sql, " AND date > ?3");
	if (selection->breaking_pending)
		g_string_append(sql,
		    " AND breaking = 1 AND category NOT IN ('routine', 'none')"
		    " AND NOT EXISTS (SELECT 1 FROM draft_messages dm"
		    " JOIN drafts d ON d.id = dm.draft"
		    " WHERE dm.message = m.id AND d.kind = 'breaking')");
	g_string_append(sql, " ORDER BY date, id");
	rc = sqlite3_prepare_v2(store_db(store), sql->str, -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		store_fail(store, rc, "selecting messages", error);
		g_ptr_array_unref(out);
		return NULL;
	}
	sqlite3_bind_int64(stmt, 1, selection->from);
	sqlite3_bind_int64(stmt, 2, selection->to);
	if (selection->date_floor > 0)
		sqlite3_bind_int64(stmt, 3, selection->date_floor);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		g_ptr_array_add(out, stored_message_from_row(stmt));
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_fail(store, rc, "selecting messages", error);
		g_ptr_array_unref(out);
		return NULL;
	}
	return out;
}

bool
store_count_by_category(struct store *store, gint64 since,
    gint64 counts[CATEGORY_COUNT], GError **error)
{
	sqlite3_stmt *stmt;
	int rc;

	memset(counts, 0, sizeof(gint64) * CATEGORY_COUNT);
	rc = sqlite3_prepare_v2(store_db(store), "SELECT category, count(*)"
	    " FROM public_messages WHERE stored_at > ?1 GROUP BY category",
	    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_fail(store, rc, "counting", error);
	sqlite3_bind_int64(stmt, 1, since);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		enum verdict_category category;

		if (verdict_category_parse((const char *)sqlite3_column_text(
		    stmt, 0), &category))
			counts[category] += sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE || store_fail(store, rc, "counting", error);
}

void
store_folder_state_free(struct store_folder_state *state)
{
	if (state == NULL)
		return;
	g_free(state->account);
	g_free(state->folder);
	g_free(state->last_error);
	g_free(state);
}

GPtrArray *
store_folder_states(struct store *store, GError **error)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)store_folder_state_free);
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite3_prepare_v2(store_db(store), "SELECT account, folder,"
	    " uidvalidity, last_uid, last_sync, last_error FROM sync_state"
	    " ORDER BY account, folder", -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		store_fail(store, rc, "reading sync state", error);
		g_ptr_array_unref(out);
		return NULL;
	}
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct store_folder_state *state =
		    g_new0(struct store_folder_state, 1);

		state->account = column_text(stmt, 0);
		state->folder = column_text(stmt, 1);
		state->uidvalidity = (guint32)sqlite3_column_int64(stmt, 2);
		state->last_uid = (guint32)sqlite3_column_int64(stmt, 3);
		state->last_sync = sqlite3_column_int64(stmt, 4);
		state->last_error = column_text(stmt, 5);
		g_ptr_array_add(out, state);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_fail(store, rc, "reading sync state", error);
		g_ptr_array_unref(out);
		return NULL;
	}
	return out;
}

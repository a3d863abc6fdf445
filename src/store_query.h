/* store_query.h: reading messages back for drafts. Every query here reads
 * the public_messages view, so a confidential message cannot be returned
 * whatever the caller asks for. */
#ifndef LIAISONBOT_STORE_QUERY_H
#define LIAISONBOT_STORE_QUERY_H

#include <stdbool.h>

#include <glib.h>

#include "message.h"
#include "store.h"

/* A stored message as drafts need it. Strings owned. */
struct stored_message {
	gint64 id;
	char *message_id;
	char *thread_key;
	char *subject_key;
	char *subject;
	char *from_name;
	char *from_address;
	char *archived_at;
	char *own_text;
	char *kind;
	enum verdict_category category;
	int score;
	bool breaking;
	gint64 date;
	gint64 stored_at;
};

void stored_message_free(struct stored_message *message);

enum store_window {
	STORE_WINDOW_DATE,	/* by the message's Date */
	STORE_WINDOW_STORED,	/* by when it was stored */
};

struct store_selection {
	enum store_window window;
	gint64 from;		/* exclusive */
	gint64 to;		/* inclusive */
	gint64 date_floor;	/* also date > this (0: no floor) */
	bool breaking_pending;	/* only breaking ones in no breaking draft */
};

/* Public messages matching selection, oldest first: struct
 * stored_message *, freed with the array. */
GPtrArray *store_select_messages(struct store *store,
    const struct store_selection *selection, GError **error);



/* Public messages stored after since, per category (index: enum
 * verdict_category). Confidential ones are not counted. */
bool store_count_by_category(struct store *store, gint64 since,
    gint64 counts[CATEGORY_COUNT], GError **error);

/* Every folder's sync state: struct store_folder_state *. */
struct store_folder_state {
	char *account;
	char *folder;
	guint32 uidvalidity;
	guint32 last_uid;
	gint64 last_sync;
	char *last_error;
};
void store_folder_state_free(struct store_folder_state *state);
GPtrArray *store_folder_states(struct store *store, GError **error);

#endif

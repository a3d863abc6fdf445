/* store_draft.h: the persistent outbox. A draft is written here, with its
 * final bytes and stable Message-ID, before any attempt to send it.
 *
 * Delivery states (drafts.state):
 *   queued      waiting for next_attempt
 *   sending     a transaction is open; the end of DATA was not sent yet
 *   committing  the end of DATA is being sent: the server may accept
 *   accepted    the server said 2xx; recipients not yet recorded
 *   sent        done
 *   failed      permanent refusal; kept for `status`, never retried
 *   uncertain   a crash while committing, no evidence either way; held
 *               for the Liaison (`liaisonbot outbox --resend ID`)
 * IMAP copy (drafts.imap_state): none, pending, done, failed. */
#ifndef LIAISONBOT_STORE_DRAFT_H
#define LIAISONBOT_STORE_DRAFT_H

#include <stdbool.h>

#include <glib.h>

#include "store.h"

struct store_draft {
	gint64 id;
	char *kind;		/* digest, digest-adhoc, breaking */
	char *identity;
	char *message_id;
	char *subject;
	gint64 created;
	gint64 period_start, period_end;
	GBytes *raw;
	char *state;
	int attempts;
	gint64 next_attempt;
	char *last_error;
	gint64 sent_at;
	char *imap_state;
};

void store_draft_free(struct store_draft *draft);

/* The draft with that identity, or *out NULL. */
bool store_draft_find(struct store *store, const char *identity,
    struct store_draft **out, GError **error);
/* Inserts draft (state, raw, ...) and links the messages it covers
 * (message row ids, may be NULL). Inside the caller's transaction. */
bool store_draft_add(struct store *store, struct store_draft *draft,
    GArray *message_ids, GError **error);
/* Drafts in state (NULL: every draft), oldest first. */
GPtrArray *store_drafts_by_state(struct store *store, const char *state,
    GError **error);
GPtrArray *store_drafts_imap_pending(struct store *store, GError **error);

/* Each of these is its own transaction unless one is open. */
bool store_draft_set_state(struct store *store,
    const struct store_draft *draft, GError **error);
bool store_draft_set_imap_state(struct store *store, gint64 id,
    const char *state, GError **error);
bool store_draft_set_recipient(struct store *store, gint64 id,
    const char *recipient, const char *state, const char *reply,
    GError **error);
/* Forgets every recipient of the draft that has not accepted it, so the
 * next attempt tries them again. */
bool store_draft_forget_refusals(struct store *store, gint64 id,
    GError **error);
/* recipient -> state of every recipient recorded for the draft. */
GHashTable *store_draft_recipients(struct store *store, gint64 id,
    GError **error);

/* End of the period of the last regular digest (0 if none). */
bool store_draft_last_period_end(struct store *store, const char *kind,
    gint64 *end, GError **error);
/* thread_key -> GINT64 pointer-free latest creation time (gint64 *) of
 * the breaking drafts created after since that cover the thread. */
GHashTable *store_breaking_threads_since(struct store *store, gint64 since,
    GError **error);
/* Whether a message with that Message-ID was ever stored: a draft that
 * came back through a followed folder was delivered. */
bool store_has_message_id(struct store *store, const char *message_id,
    bool *found, GError **error);

#endif

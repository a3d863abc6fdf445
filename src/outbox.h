/* outbox.h: delivering stored drafts exactly once: over SMTP to
 * [drafts] to, and optionally as a copy in the IMAP [drafts] imap_folder.
 * See store_draft.h for the states a draft goes through. */
#ifndef LIAISONBOT_OUTBOX_H
#define LIAISONBOT_OUTBOX_H

#include <stdbool.h>

#include <glib.h>

#include "config.h"
#include "store.h"

/* The IMAP side, provided by the caller when IMAP is configured. */
struct outbox_imap {
	/* APPEND raw with \Draft to folder. */
	bool (*append)(void *data, const char *folder, GBytes *raw,
	    GError **error);
	/* Whether a message with this Message-ID is in folder (or, with
	 * folder NULL, in any followed folder). */
	bool (*contains)(void *data, const char *folder,
	    const char *message_id, bool *found, GError **error);
	void *data;
};

struct outbox_report {
	guint sent;
	guint deferred;		/* temporary failure, will retry */
	guint failed;		/* permanent failure */
	guint copied;		/* IMAP copies made */
};

struct outbox;

/* Borrows everything; imap may be NULL. */
struct outbox *outbox_new(struct store *store, const struct config *config,
    const struct outbox_imap *imap);
void outbox_free(struct outbox *outbox);

/* After a crash: drafts caught in "sending" go back to the queue, those
 * caught in "accepted" are sent, those caught in "committing" are sent
 * when the Message-ID shows they arrived, else held as "uncertain". */
bool outbox_recover(struct outbox *outbox, GError **error);

/* Delivers every queued draft whose time has come. Per-draft failures are
 * recorded in the store and counted in report; error is set only when the
 * store itself fails. */
bool outbox_deliver(struct outbox *outbox, gint64 now,
    struct outbox_report *report, GError **error);

/* When the next queued draft is due (0: nothing queued). */
bool outbox_next_due(struct outbox *outbox, gint64 *when, GError **error);

/* Puts a failed or uncertain draft back in the queue (the Liaison's
 * decision, after checking their mail). */
bool outbox_resend(struct outbox *outbox, gint64 id, GError **error);

/* Seconds to wait before attempt number attempts + 1 (exponential,
 * jittered, capped at max). */
int outbox_backoff(int attempts, int max);

#endif

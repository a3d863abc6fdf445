/* sync.h: bring one IMAP folder's new messages into the store, by UID.
 * UIDVALIDITY and the highest UID stored are kept in the same transaction
 * as the messages: a crash never skips or repeats one. On a UIDVALIDITY
 * change the folder is read again from the start and Message-ID dedupe
 * keeps anything from being stored twice. */
#ifndef LIAISONBOT_SYNC_H
#define LIAISONBOT_SYNC_H

#include <signal.h>
#include <stdbool.h>

#include <glib.h>

#include "imap_conn.h"
#include "ingest.h"
#include "store.h"

struct sync_options {
	unsigned batch;			/* messages per transaction and FETCH */
	bool mark_seen;
	/* Set asynchronously (SIGTERM): stop after the current message. */
	volatile sig_atomic_t *stop;
	struct progress *progress;	/* may be NULL */
};

struct sync_result {
	unsigned added;
	unsigned duplicates;
	bool stopped;			/* *stop was seen */
	bool more;			/* mail still arriving: sync again
					   before waiting (IDLE would not
					   hear of it) */
};

/* Selects folder on conn and stores what is new, again while the server
 * announces new mail during the sync (a few passes at most). On failure,
 * what was fetched before it is committed and error says why. */
bool sync_folder(struct imap_conn *conn, struct ingest *ingest,
    const char *account, const char *folder,
    const struct sync_options *options, struct sync_result *result,
    GError **error);

#endif

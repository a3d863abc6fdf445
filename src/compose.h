/* compose.h: from stored messages to a finished draft in the outbox:
 * select, group (digest.c), model (model.c), render (render.c), build the
 * MIME message (draft.c), and store it before any send (store_draft.c). */
#ifndef LIAISONBOT_COMPOSE_H
#define LIAISONBOT_COMPOSE_H

#include <stdbool.h>

#include <glib.h>

#include "config.h"
#include "store.h"

enum compose_kind {
	COMPOSE_DIGEST,		/* regular: continues from the last one */
	COMPOSE_DIGEST_ADHOC,	/* --since/--until: any period, by date */
	COMPOSE_BREAKING,
};

/* A draft ready to queue or print. */
struct composed {
	enum compose_kind kind;
	char *identity;		/* "digest:<start>:<end>", ... */
	char *message_id;
	char *subject;
	gint64 start, end;
	GBytes *raw;		/* the RFC 5322 message */
	GArray *message_ids;	/* gint64 row ids of the messages covered */
	bool empty;		/* nothing of note */
};

void composed_free(struct composed *composed);

struct compose;

/* Borrows store and config. */
struct compose *compose_new(struct store *store, const struct config *config,
    GError **error);
void compose_free(struct compose *compose);

/* A digest for (since, until]. For COMPOSE_DIGEST since is ignored: the
 * period starts where the last regular digest ended (or a week before
 * until). An empty period gives a short "nothing of note" draft
 * (composed->empty); see compose_skip_empty. */
bool compose_digest(struct compose *compose, enum compose_kind kind,
    gint64 since, gint64 until, struct composed **out, GError **error);

/* Breaking news pending at now; *out NULL when none is due. flush drafts
 * a burst still forming. *wake: when to look again (0: no need). */
bool compose_breaking(struct compose *compose, gint64 now, bool flush,
    struct composed **out, gint64 *wake, GError **error);

/* Stores the draft in the outbox (queued for delivery now) in one
 * transaction. *existed when a draft with that identity is there already:
 * nothing is stored twice. */
bool compose_queue(struct compose *compose, const struct composed *composed,
    bool *existed, GError **error);

/* *skipped when composed is empty and [digest] skip_empty is set: then
 * nothing is to be sent, and a regular digest's period is recorded as
 * covered (state "skipped"). */
bool compose_skip_empty(struct compose *compose,
    const struct composed *composed, bool *skipped, GError **error);

const char *compose_kind_name(enum compose_kind kind);

#endif

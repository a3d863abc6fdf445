/* ingest.h: source -> mime -> redact -> classify -> store.
 * Each message lands whole or not at all; batches share a transaction. */
#ifndef LIAISONBOT_INGEST_H
#define LIAISONBOT_INGEST_H

#include <stdbool.h>

#include <glib.h>

#include "parse_pool.h"
#include "progress.h"
#include "rules.h"
#include "source.h"
#include "store.h"

struct ingest_stats {
	guint64 added;
	guint64 duplicates;
	guint64 flagged;	/* added with a problem flag (message.h) */
};

struct ingest;

/* Borrows store and rules; both must outlive the ingest. */
struct ingest *ingest_new(struct store *store, const struct ruleset *rules);
void ingest_free(struct ingest *ingest);
const struct ingest_stats *ingest_stats(const struct ingest *ingest);
struct store *ingest_store(const struct ingest *ingest);
/* Classify with new rules from now on (after a reload); borrowed. Not
 * while a bulk run (ingest_source, sync_folder) is under way. */
void ingest_set_rules(struct ingest *ingest, const struct ruleset *rules);
/* Parser threads for bulk runs, as parse_pool_new takes them ([classify]
 * threads; 0, the default: one per CPU), from the next run on (after a
 * reload too). Not while a bulk run is under way. */
void ingest_set_threads(struct ingest *ingest, guint threads);
/* The pool that parses and classifies for bulk runs, made on first use
 * and kept until ingest_free (its threads go away while it is idle).
 * Empty between runs: whoever pushes pops or discards everything before
 * returning. Owned by the ingest. */
struct parse_pool *ingest_pool(struct ingest *ingest);

/* A bulk load from now on (true) or no longer (false): the store gets a
 * larger page cache (16 MiB), given back when bulk ends. ingest_source
 * turns it on until ingest_free; the IMAP sync for a pass that has many
 * messages to fetch. */
void ingest_bulk(struct ingest *ingest, bool bulk);

/* Transactions around ingest_raw: the counts of a batch are only added to
 * ingest_stats once it is committed. */
bool ingest_begin(struct ingest *ingest, GError **error);
bool ingest_commit(struct ingest *ingest, GError **error);
void ingest_rollback(struct ingest *ingest);

/* Parse, classify and store one message inside the open transaction
 * (ingest_begin). A duplicate Message-ID is success (*result says which). */
bool ingest_raw(struct ingest *ingest, const struct raw_message *raw,
    const char *origin, enum store_add_result *result, GError **error);

/* The store half of ingest_raw, for a result of pool (or, pool NULL, of
 * parse_result_new): stores it in the open transaction, beginning one if
 * none is open, and releases it; on a failure the transaction is rolled
 * back. A duplicate Message-ID is success. */
bool ingest_parsed(struct ingest *ingest, struct parse_pool *pool,
    struct parse_result *parsed, const char *origin,
    enum store_add_result *result, GError **error);

/* Everything a source yields, committing every batch_size messages, in
 * the source's order; parsing and classifying run ahead on the
 * ingest_pool's threads. For bulk loads: the store's page cache stays
 * enlarged until ingest_free. On a store failure the open batch is rolled
 * back and error says why; what was committed stays, and a rerun skips it
 * as duplicates. */
bool ingest_source(struct ingest *ingest, struct source *source,
    guint batch_size, struct progress *progress, GError **error);

#endif

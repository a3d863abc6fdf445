/* ingest.c: the pipeline from raw bytes to a stored, classified message. */
#include <string.h>

#include "ingest.h"
#include "log.h"

#define INGEST_BULK_CACHE_KIB (16 * 1024)

struct ingest {
	struct store *store;
	const struct ruleset *rules;
	guint threads;		/* parse_pool_new's setting */
	struct parse_pool *pool;	/* made on first use */
	struct ingest_stats stats;	/* committed */
	struct ingest_stats pending;	/* in the open transaction */
	bool bulk;		/* the store's page cache is enlarged */
};

struct ingest *
ingest_new(struct store *store, const struct ruleset *rules)
{
	struct ingest *ingest = g_new0(struct ingest, 1);

	ingest->store = store;
	ingest->rules = rules;
	return ingest;
}

/* A bulk load: with a larger page cache the indexes' pages stay cached
 * from one batch to the next, and so do the pages a batch writes until it
 * commits; on 100,000 messages that saves a quarter of the writes and
 * half the reads. */
void
ingest_bulk(struct ingest *ingest, bool bulk)
{
	if (bulk == ingest->bulk)
		return;
	ingest->bulk = bulk;
	store_set_cache_size(ingest->store, bulk ? INGEST_BULK_CACHE_KIB : 0);
	if (bulk) {
		log_debug(LOG_AREA_STORE, "bulk load: page cache %d KiB",
		    INGEST_BULK_CACHE_KIB);
	} else {
		store_release_memory(ingest->store);
		log_debug(LOG_AREA_STORE, "bulk load done: page cache back "
		    "to SQLite's default");
	}
}

void
ingest_free(struct ingest *ingest)
{
	if (ingest == NULL)
		return;
	ingest_bulk(ingest, false);
	parse_pool_free(ingest->pool);
	g_free(ingest);
}

const struct ingest_stats *
ingest_stats(const struct ingest *ingest)
{
	return &ingest->stats;
}

/* Stores a message parsed and classified from raw (parse_pool_parse). */
static bool
ingest_message(struct ingest *ingest, const struct raw_message *raw,
    const struct message *message, const char *origin,
    enum store_add_result *result, GError **error)
{
	if (!store_add_message(ingest->store, message, origin, result, error))
		return false;
	if (*result == STORE_ADDED) {
		ingest->pending.added++;
		if (message->flags & MESSAGE_FLAGS_PROBLEMS) {
			g_autofree char *flags =
			    message_flags_describe(message->flags);

			ingest->pending.flagged++;
			log_info("%s: stored with problems: %s", raw->where,
			    flags);
		}
		log_debug(LOG_AREA_STORE, "%s: stored <%s> as %s", raw->where,
		    message->message_id,
		    verdict_category_name(message->verdict.category));
	} else {
		ingest->pending.duplicates++;
		log_debug(LOG_AREA_STORE, "%s: duplicate <%s>", raw->where,
		    message->message_id);
	}
	return true;
}

bool
ingest_parsed(struct ingest *ingest, struct parse_pool *pool,
    struct parse_result *parsed, const char *origin,
    enum store_add_result *result, GError **error)
{
	bool ok = (store_in_transaction(ingest->store) ||
	    ingest_begin(ingest, error)) &&
	    ingest_message(ingest, parsed->raw, parsed->message, origin,
	    result, error);

	parse_pool_release(pool, parsed);
	if (!ok)
		ingest_rollback(ingest);
	return ok;
}

bool
ingest_raw(struct ingest *ingest, const struct raw_message *raw,
    const char *origin, enum store_add_result *result, GError **error)
{
	struct message *message = parse_pool_parse(ingest->rules, raw);
	bool ok = ingest_message(ingest, raw, message, origin, result, error);

	message_free(message);
	return ok;
}

struct store *
ingest_store(const struct ingest *ingest)
{
	return ingest->store;
}

void
ingest_set_rules(struct ingest *ingest, const struct ruleset *rules)
{
	ingest->rules = rules;
	if (ingest->pool != NULL) {
		g_assert(parse_pool_pending(ingest->pool) == 0);
		parse_pool_set_rules(ingest->pool, rules);
	}
}

void
ingest_set_threads(struct ingest *ingest, guint threads)
{
	if (ingest->pool != NULL && threads != ingest->threads) {
		g_assert(parse_pool_pending(ingest->pool) == 0);
		parse_pool_free(ingest->pool);
		ingest->pool = NULL;
	}
	ingest->threads = threads;
}

struct parse_pool *
ingest_pool(struct ingest *ingest)
{
	if (ingest->pool == NULL)
		ingest->pool = parse_pool_new(ingest->rules, ingest->threads);
	return ingest->pool;
}

bool
ingest_begin(struct ingest *ingest, GError **error)
{
	memset(&ingest->pending, 0, sizeof(ingest->pending));
	return store_begin(ingest->store, error);
}

bool
ingest_commit(struct ingest *ingest, GError **error)
{
	if (!store_commit(ingest->store, error)) {
		memset(&ingest->pending, 0, sizeof(ingest->pending));
		return false;
	}
	ingest->stats.added += ingest->pending.added;
	ingest->stats.duplicates += ingest->pending.duplicates;
	ingest->stats.flagged += ingest->pending.flagged;
	memset(&ingest->pending, 0, sizeof(ingest->pending));
	return true;
}

void
ingest_rollback(struct ingest *ingest)
{
	store_rollback(ingest->store);
	memset(&ingest->pending, 0, sizeof(ingest->pending));
}

static bool
ingest_commit_batch(struct ingest *ingest, GError **error)
{
	return !store_in_transaction(ingest->store) ||
	    ingest_commit(ingest, error);
}

/* One ingest_source: where it stands. */
struct ingest_run {
	struct ingest *ingest;
	struct source *source;
	struct parse_pool *pool;	/* NULL: parse here */
	guint batch_size;
	guint in_batch;
	guint64 count;
	struct progress *progress;
};

/* Stores one parsed message, committing when the batch is full. */
static bool
ingest_run_store(struct ingest_run *run, struct parse_result *parsed,
    GError **error)
{
	struct source *source = run->source;
	enum store_add_result result;
	guint64 done = 0, total = 0;

	if (!ingest_parsed(run->ingest, run->pool, parsed, source->origin,
	    &result, error))
		return false;
	if (++run->in_batch >= run->batch_size) {
		if (!ingest_commit_batch(run->ingest, error))
			return false;
		run->in_batch = 0;
	}
	run->count++;
	if (run->progress != NULL && source->ops->progress != NULL) {
		source->ops->progress(source, &done, &total);
		progress_update(run->progress, run->count, done, total);
	}
	return true;
}

/* Stores what the pool has done (parse_pool_next), in order. */
static bool
ingest_run_pop(struct ingest_run *run, bool all, GError **error)
{
	struct parse_result *parsed;

	if (run->pool == NULL)
		return true;
	while ((parsed = parse_pool_next(run->pool, all)) != NULL)
		if (!ingest_run_store(run, parsed, error))
			return false;
	return true;
}

static bool
ingest_source_batches(struct ingest_run *run, GError **error)
{
	for (;;) {
		struct raw_message *raw = NULL;

		switch (run->source->ops->next(run->source, &raw, error)) {
		case SOURCE_DONE:
			return ingest_run_pop(run, true, error) &&
			    ingest_commit_batch(run->ingest, error);
		case SOURCE_ERROR:
			/* Keep what was read before the bad input. */
			if (ingest_run_pop(run, true, NULL) &&
			    !ingest_commit_batch(run->ingest, NULL))
				ingest_rollback(run->ingest);
			return false;
		case SOURCE_MESSAGE:
			break;
		}
		if (run->pool == NULL) {
			if (!ingest_run_store(run, parse_result_new(
			    run->ingest->rules, raw), error))
				return false;
			continue;
		}
		parse_pool_push(run->pool, raw);
		if (!ingest_run_pop(run, false, error))
			return false;
	}
}

bool
ingest_source(struct ingest *ingest, struct source *source, guint batch_size,
    struct progress *progress, GError **error)
{
	struct ingest_run run = {
		.ingest = ingest,
		.source = source,
		.batch_size = batch_size,
		.progress = progress,
	};
	bool ok;

	ingest_bulk(ingest, true);	/* until ingest_free */
	/* Standard input is one message (an MDA's delivery): no threads. */
	if (source->ops != &source_stdin_ops)
		run.pool = ingest_pool(ingest);
	ok = ingest_source_batches(&run, error);
	/* After a failure: what was read ahead is not stored. */
	if (run.pool != NULL)
		parse_pool_discard(run.pool);
	return ok;
}

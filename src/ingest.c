/* ingest.c: the pipeline from raw bytes to a stored, classified message. */
#include <string.h>

#include "classify.h"
#include "ingest.h"
#include "log.h"
#include "mime.h"

#define INGEST_BULK_CACHE_KIB (16 * 1024)

struct ingest {
	struct store *store;
	const struct ruleset *rules;
	struct ingest_stats stats;	/* committed */
	struct ingest_stats pending;	/* in the open transaction */
	bool bulk;		/* the store's page cache is enlarged */
};

struct ingest *
ingest_new(struct store *store, const struct ruleset *rules)
{
	struct ingest *ingest = g_new0(struct ingest, 1);

	mime_init();
	ingest->store = store;
	ingest->rules = rules;
	return ingest;
}

void
ingest_free(struct ingest *ingest)
{
	if (ingest == NULL)
		return;
	if (ingest->bulk)
		store_set_cache_size(ingest->store, 0);
	g_free(ingest);
}

const struct ingest_stats *
ingest_stats(const struct ingest *ingest)
{
	return &ingest->stats;
}

bool
ingest_raw(struct ingest *ingest, const struct raw_message *raw,
    const char *origin, enum store_add_result *result, GError **error)
{
	gint64 arrival = raw->arrival ? raw->arrival
				      : g_get_real_time() / G_USEC_PER_SEC;
	struct message *message = mime_parse(raw->bytes, arrival);
	bool ok;

	/* Also withholds confidential sections (classify.h): that text
	 * neither matches rules nor reaches the store. */
	classify_message(ingest->rules, message);
	ok = store_add_message(ingest->store, message, origin, result, error);
	if (ok && *result == STORE_ADDED) {
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
	} else if (ok) {
		ingest->pending.duplicates++;
		log_debug(LOG_AREA_STORE, "%s: duplicate <%s>", raw->where,
		    message->message_id);
	}
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

static bool
ingest_source_batches(struct ingest *ingest, struct source *source,
    guint batch_size, struct progress *progress, GError **error)
{
	guint in_batch = 0;
	guint64 count = 0;

	for (;;) {
		struct raw_message *raw = NULL;
		enum store_add_result result;
		guint64 done = 0, total = 0;
		bool ok;

		switch (source->ops->next(source, &raw, error)) {
		case SOURCE_DONE:
			return ingest_commit_batch(ingest, error);
		case SOURCE_ERROR:
			/* Keep what was read before the bad input. */
			if (!ingest_commit_batch(ingest, NULL))
				ingest_rollback(ingest);
			return false;
		case SOURCE_MESSAGE:
			break;
		}
		if (!store_in_transaction(ingest->store) &&
		    !ingest_begin(ingest, error)) {
			raw_message_free(raw);
			return false;
		}
		ok = ingest_raw(ingest, raw, source->origin, &result, error);
		raw_message_free(raw);
		if (!ok) {
			ingest_rollback(ingest);
			return false;
		}
		if (++in_batch >= batch_size) {
			if (!ingest_commit_batch(ingest, error))
				return false;
			in_batch = 0;
		}
		count++;
		if (progress != NULL && source->ops->progress != NULL) {
			source->ops->progress(source, &done, &total);
			progress_update(progress, count, done, total);
		}
	}
}

bool
ingest_source(struct ingest *ingest, struct source *source, guint batch_size,
    struct progress *progress, GError **error)
{
	/* A bulk load: with a larger page cache, until ingest_free, the
	 * indexes' pages stay cached; on 100,000 messages that saves a
	 * quarter of the writes and half the reads. */
	if (!ingest->bulk) {
		store_set_cache_size(ingest->store, INGEST_BULK_CACHE_KIB);
		ingest->bulk = true;
	}
	return ingest_source_batches(ingest, source, batch_size, progress,
	    error);
}

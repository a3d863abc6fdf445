/* breaking.c: selecting breaking news. */
#include "breaking.h"
#include "log.h"
#include "store_draft.h"
#include "store_query.h"

/* Already told about this thread recently? */
static bool
breaking_suppressed(GHashTable *recent, const struct stored_message *m,
    int min_interval)
{
	const gint64 *last = g_hash_table_lookup(recent, m->thread_key);

	return last != NULL && *last > m->stored_at - min_interval;
}

GPtrArray *
breaking_select(struct store *store, gint64 now,
    const struct breaking_options *options, gint64 *wake, GError **error)
{
	struct store_selection selection = {
		.window = STORE_WINDOW_STORED,
		.from = now - options->max_age,
		.to = now,
		/* A backfill (a first sync, an old folder) stores old mail
		 * now: it is no news, whatever it says. */
		.date_floor = now - options->max_age,
		.breaking_pending = true,
	};
	g_autoptr(GPtrArray) pending = NULL;
	g_autoptr(GHashTable) recent = NULL;
	GPtrArray *out;
	gint64 oldest = 0;

	*wake = 0;
	pending = store_select_messages(store, &selection, error);
	if (pending == NULL)
		return NULL;
	recent = store_breaking_threads_since(store,
	    now - options->max_age - options->min_interval, error);
	if (recent == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)stored_message_free);
	for (guint i = 0; i < pending->len; i++) {
		struct stored_message *m = g_ptr_array_index(pending, i);

		if (breaking_suppressed(recent, m, options->min_interval)) {
			log_debug(LOG_AREA_DRAFT, "<%s>: breaking, but its "
			    "thread had news within min_interval",
			    m->message_id);
			continue;
		}
		if (oldest == 0 || m->stored_at < oldest)
			oldest = m->stored_at;
		g_ptr_array_add(out, g_ptr_array_steal_index(pending, i--));
	}
	/* Wait for the rest of a burst: one draft, not five. */
	if (out->len > 0 && !options->flush &&
	    oldest + options->burst_window > now) {
		*wake = oldest + options->burst_window;
		g_ptr_array_set_size(out, 0);
	}
	return out;
}

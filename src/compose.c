/* compose.c: building digest and breaking-news drafts. */
#include <string.h>

#include "breaking.h"
#include "compose.h"
#include "digest.h"
#include "draft.h"
#include "error.h"
#include "log.h"
#include "model.h"
#include "render.h"
#include "store_draft.h"
#include "store_query.h"
#include "when.h"

#define COMPOSE_DEFAULT_PERIOD (7 * 86400)
/* Mail stored in the period but dated this long before it is old news:
 * a backfill must not flood the next digest. */
#define COMPOSE_LOOKBACK (14 * 86400)
#define COMPOSE_BREAKING_MAX_AGE (3 * 86400)

struct compose {
	struct store *store;
	const struct config *config;
	struct render *render;
	GTimeZone *zone;
};

const char *
compose_kind_name(enum compose_kind kind)
{
	switch (kind) {
	case COMPOSE_DIGEST:
		return "digest";
	case COMPOSE_DIGEST_ADHOC:
		return "digest-adhoc";
	case COMPOSE_BREAKING:
		return "breaking";
	}
	return "digest";
}

void
composed_free(struct composed *composed)
{
	if (composed == NULL)
		return;
	g_free(composed->identity);
	g_free(composed->message_id);
	g_free(composed->subject);
	if (composed->raw != NULL)
		g_bytes_unref(composed->raw);
	if (composed->message_ids != NULL)
		g_array_unref(composed->message_ids);
	g_free(composed);
}

struct compose *
compose_new(struct store *store, const struct config *config, GError **error)
{
	struct compose *compose;
	GTimeZone *zone = g_time_zone_new_identifier(config->drafts.timezone);

	if (zone == NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s: [drafts] timezone: unknown time zone '%s'",
		    config->path ? config->path : "config",
		    config->drafts.timezone);
		return NULL;
	}
	compose = g_new0(struct compose, 1);
	compose->store = store;
	compose->config = config;
	compose->zone = zone;
	compose->render = render_new(config->drafts.template_dir);
	return compose;
}

void
compose_free(struct compose *compose)
{
	if (compose == NULL)
		return;
	render_free(compose->render);
	g_time_zone_unref(compose->zone);
	g_free(compose);
}

static char *
compose_stamp(gint64 when)
{
	g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(when);

	return t ? g_date_time_format(t, "%Y%m%dT%H%M%SZ") : g_strdup("?");
}

static char *
compose_subject(struct compose *compose, enum compose_kind kind,
    const struct digest *digest)
{
	const char *prefix = compose->config->drafts.subject_prefix;
	const char *space = prefix && *prefix ? " " : "";
	g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc(
	    digest->start);
	g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc(digest->end);
	g_autoptr(GDateTime) s = g_date_time_to_timezone(start, compose->zone);
	g_autoptr(GDateTime) e = g_date_time_to_timezone(end, compose->zone);
	g_autofree char *from = g_date_time_format(s,
	    g_date_time_get_year(s) == g_date_time_get_year(e) ? "%d %b"
								: "%d %b %Y");
	g_autofree char *to = g_date_time_format(e, "%d %b %Y");
	const struct digest_thread *first = NULL;

	if (kind != COMPOSE_BREAKING)
		return g_strdup_printf("%s%sDigest %s – %s%s", prefix, space,
		    from, to, digest_is_empty(digest) ? ": nothing of note"
						      : "");
	for (size_t c = 0; c < CATEGORY_COUNT && first == NULL; c++)
		if (digest->threads[c]->len > 0)
			first = g_ptr_array_index(digest->threads[c], 0);
	if (digest_thread_count(digest) == 1 && first != NULL)
		return g_strdup_printf("%s%sBreaking: %s", prefix, space,
		    first->subject);
	return g_strdup_printf("%s%sBreaking: %u items", prefix, space,
	    digest_thread_count(digest));
}

static GArray *
compose_message_ids(GPtrArray *messages)
{
	GArray *ids = g_array_sized_new(FALSE, FALSE, sizeof(gint64),
	    messages->len);

	for (guint i = 0; i < messages->len; i++) {
		const struct stored_message *m = g_ptr_array_index(messages, i);

		g_array_append_val(ids, m->id);
	}
	return ids;
}

/* digest -> model -> text/html -> MIME. Takes ownership of messages. */
static struct composed *
compose_build(struct compose *compose, enum compose_kind kind,
    GPtrArray *messages, gint64 start, gint64 end, const char *identity,
    GError **error)
{
	const struct config *config = compose->config;
	struct digest_options options = {
		.summary_sentences = config->digest.summary_sentences,
		.max_threads = kind == COMPOSE_BREAKING ? 0
		    : config->digest.max_threads,
	};
	struct composed *composed = g_new0(struct composed, 1);
	struct digest *digest;
	struct model_options model_options = {
		.zone = compose->zone,
		.kind = kind == COMPOSE_BREAKING ? "breaking" : "digest",
		.now = when_now(),
	};
	g_autoptr(JsonNode) model = NULL;
	g_autofree char *text = NULL, *html = NULL;
	struct draft_headers headers = { 0 };

	composed->message_ids = compose_message_ids(messages);
	digest = digest_build(messages, start, end, &options);
	composed->kind = kind;
	composed->start = start;
	composed->end = end;
	composed->empty = digest_is_empty(digest);
	composed->identity = g_strdup(identity);
	composed->message_id = draft_message_id(identity, config->drafts.from);
	composed->subject = compose_subject(compose, kind, digest);
	model = model_from_digest(digest, &model_options);
	digest_free(digest);
	if (!render_draft(compose->render, model_options.kind, model, &text,
	    &html, error))
		goto fail;
	headers.from = config->drafts.from;
	headers.to = config->drafts.to;
	headers.reply_to = config->drafts.reply_to;
	headers.subject = composed->subject;
	headers.message_id = composed->message_id;
	headers.date = model_options.now;
	headers.kind = model_options.kind;
	composed->raw = draft_build(&headers, text, html, error);
	if (composed->raw == NULL)
		goto fail;
	return composed;
fail:
	composed_free(composed);
	return NULL;
}

bool
compose_digest(struct compose *compose, enum compose_kind kind, gint64 since,
    gint64 until, struct composed **out, GError **error)
{
	struct store_selection selection = { 0 };
	g_autofree char *a = NULL, *b = NULL, *identity = NULL;
	GPtrArray *messages;

	*out = NULL;
	if (kind == COMPOSE_DIGEST) {
		if (!store_draft_last_period_end(compose->store, "digest",
		    &since, error))
			return false;
		if (since == 0 || since >= until)
			since = until - COMPOSE_DEFAULT_PERIOD;
		selection.window = STORE_WINDOW_STORED;
		selection.date_floor = since - COMPOSE_LOOKBACK;
	} else {
		selection.window = STORE_WINDOW_DATE;
	}
	selection.from = since;
	selection.to = until;
	messages = store_select_messages(compose->store, &selection, error);
	if (messages == NULL)
		return false;
	a = compose_stamp(since);
	b = compose_stamp(until);
	identity = g_strdup_printf("%s:%s:%s", compose_kind_name(kind), a, b);
	*out = compose_build(compose, kind, messages, since, until, identity,
	    error);
	return *out != NULL;
}

static char *
compose_breaking_identity(GPtrArray *messages)
{
	g_autoptr(GString) ids = g_string_new("breaking");

	for (guint i = 0; i < messages->len; i++) {
		const struct stored_message *m = g_ptr_array_index(messages, i);

		g_string_append_printf(ids, ":%" G_GINT64_FORMAT, m->id);
	}
	return g_compute_checksum_for_string(G_CHECKSUM_SHA256, ids->str, -1);
}

bool
compose_breaking(struct compose *compose, gint64 now, bool flush,
    struct composed **out, gint64 *wake, GError **error)
{
	const struct config_breaking *config = &compose->config->breaking;
	struct breaking_options options = {
		.min_interval = config->min_interval,
		.burst_window = config->burst_window,
		.flush = flush,
		.max_age = COMPOSE_BREAKING_MAX_AGE,
	};
	GPtrArray *messages;
	g_autofree char *hash = NULL, *identity = NULL;
	gint64 first, last;

	*out = NULL;
	messages = breaking_select(compose->store, now, &options, wake, error);
	if (messages == NULL)
		return false;
	if (messages->len == 0) {
		g_ptr_array_unref(messages);
		return true;
	}
	first = ((struct stored_message *)g_ptr_array_index(messages, 0))->date;
	last = ((struct stored_message *)g_ptr_array_index(messages,
	    messages->len - 1))->date;
	hash = compose_breaking_identity(messages);
	identity = g_strdup_printf("breaking:%.32s", hash);
	*out = compose_build(compose, COMPOSE_BREAKING, messages, first, last,
	    identity, error);
	return *out != NULL;
}

/* Stores composed in state (queued, or skipped: a period recorded as
 * covered, never sent), once per identity. */
static bool
compose_store(struct compose *compose, const struct composed *composed,
    const char *state, bool *existed, GError **error)
{
	struct store_draft *found = NULL;
	struct store_draft draft = { 0 };

	if (!store_begin(compose->store, error))
		return false;
	if (!store_draft_find(compose->store, composed->identity, &found,
	    error))
		goto fail;
	*existed = found != NULL;
	store_draft_free(found);
	if (*existed)
		return store_commit(compose->store, error);
	draft.kind = (char *)compose_kind_name(composed->kind);
	draft.identity = composed->identity;
	draft.message_id = composed->message_id;
	draft.subject = composed->subject;
	draft.created = when_now();
	draft.period_start = composed->start;
	draft.period_end = composed->end;
	draft.raw = composed->raw;
	draft.state = (char *)state;
	draft.imap_state = (char *)(compose->config->drafts.imap_folder &&
	    strcmp(state, "queued") == 0 ? "pending" : "none");
	if (!store_draft_add(compose->store, &draft, composed->message_ids,
	    error))
		goto fail;
	return store_commit(compose->store, error);
fail:
	store_rollback(compose->store);
	return false;
}

bool
compose_queue(struct compose *compose, const struct composed *composed,
    bool *existed, GError **error)
{
	return compose_store(compose, composed, "queued", existed, error);
}

bool
compose_skip_empty(struct compose *compose, const struct composed *composed,
    bool *skipped, GError **error)
{
	bool existed;

	*skipped = composed->empty && compose->config->digest.skip_empty;
	if (!*skipped)
		return true;
	log_info("digest %s: nothing of note; skip_empty is set",
	    composed->identity);
	/* A regular period is recorded, so the next digest starts after it
	 * and the daemon does not draft it again. */
	if (composed->kind != COMPOSE_DIGEST)
		return true;
	return compose_store(compose, composed, "skipped", &existed, error);
}

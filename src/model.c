/* model.c: struct digest -> the JSON tree templates render. */
#include <string.h>

#include "ballot.h"
#include "model.h"
#include "store_query.h"

#define MODEL_LINKS_PER_THREAD 5

static const struct {
	const char *kind;
	const char *label;
} kind_labels[] = {
	{ "ballot", "other ballot notices" },
	{ "last-call", "Last Call announcements" },
	{ "document-action", "document and protocol actions" },
	{ "protocol-action", "protocol actions" },
	{ "wg-charter", "WG charters, reviews and rechartering" },
	{ "wg-action", "WG actions" },
	{ "bof", "BoF requests" },
	{ "meeting", "meeting logistics" },
	{ "interim", "interim meeting announcements" },
	{ "telechat-agenda", "telechat agendas" },
	{ "iana", "IANA notices" },
	{ "iana-review", "IANA reviews" },
	{ "rfc-editor", "RFC Editor notices" },
	{ "rfc-published", "RFC publication notices" },
	{ "errata", "errata reports" },
	{ "document-state", "document state changes" },
	{ "conflict-review", "conflict reviews" },
	{ "auto-reply", "automatic replies" },
	{ "other", "other messages" },
};

const char *
model_kind_label(const char *kind)
{
	for (size_t i = 0; i < G_N_ELEMENTS(kind_labels); i++)
		if (strcmp(kind, kind_labels[i].kind) == 0)
			return kind_labels[i].label;
	return kind;
}

const char *
model_category_title(enum verdict_category category)
{
	switch (category) {
	case CATEGORY_PROCESS:
		return "IETF process";
	case CATEGORY_ARCHITECTURE:
		return "Internet architecture";
	case CATEGORY_EXTERNAL:
		return "Relations with other organizations";
	default:
		return "Other";
	}
}

static char *
model_format(gint64 when, GTimeZone *zone, const char *format)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(when);
	g_autoptr(GDateTime) local = NULL;

	if (utc == NULL)
		return g_strdup("?");
	local = g_date_time_to_timezone(utc, zone);
	return g_date_time_format(local, format);
}

static void
model_add_date(JsonBuilder *b, const char *name, gint64 when,
    GTimeZone *zone)
{
	g_autofree char *text = model_format(when, zone,
	    "%a %d %b %Y %H:%M %Z");

	json_builder_set_member_name(b, name);
	json_builder_add_string_value(b, text);
}

static void
model_add_string(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_string_value(b, value ? value : "");
}

static void
model_add_int(JsonBuilder *b, const char *name, gint64 value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, value);
}

static void
model_add_bool(JsonBuilder *b, const char *name, bool value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_boolean_value(b, value);
}

/* "Tue 17 Nov" or "17 Nov – 19 Nov". */
static char *
model_date_range(gint64 first, gint64 last, GTimeZone *zone)
{
	g_autofree char *a = model_format(first, zone, "%d %b");
	g_autofree char *b = model_format(last, zone, "%d %b");

	if (strcmp(a, b) == 0)
		return model_format(first, zone, "%a %d %b");
	return g_strdup_printf("%s – %s", a, b);
}

/* Text templates indent the summary: give them lines of at most width
 * characters, broken between words. */
static void
model_add_lines(JsonBuilder *b, const char *name, const char *text,
    glong width)
{
	g_auto(GStrv) words = g_strsplit(text ? text : "", " ", -1);
	g_autoptr(GString) line = g_string_new(NULL);
	glong len = 0;

	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (size_t i = 0; words[i] != NULL; i++) {
		glong n = g_utf8_strlen(words[i], -1);

		if (n == 0)
			continue;
		if (len > 0 && len + 1 + n > width) {
			json_builder_add_string_value(b, line->str);
			g_string_truncate(line, 0);
			len = 0;
		}
		if (len > 0) {
			g_string_append_c(line, ' ');
			len++;
		}
		g_string_append(line, words[i]);
		len += n;
	}
	if (line->len > 0)
		json_builder_add_string_value(b, line->str);
	json_builder_end_array(b);
}

/* "by A (2), B (1), ..." in lines of at most width characters, never
 * breaking inside a name: a text template can indent them. */
static void
model_add_participant_lines(JsonBuilder *b, const struct digest_thread *thread,
    glong width)
{
	g_autoptr(GString) line = g_string_new("by");

	json_builder_set_member_name(b, "participants_lines");
	json_builder_begin_array(b);
	for (guint i = 0; i < thread->participants->len; i++) {
		const struct digest_participant *p =
		    g_ptr_array_index(thread->participants, i);
		bool last = i + 1 == thread->participants->len;
		g_autofree char *item = g_strdup_printf("%s (%d)%s", p->name,
		    p->count, last ? "" : ",");

		if (i > 0 && g_utf8_strlen(line->str, -1) + 1 +
		    g_utf8_strlen(item, -1) > width) {
			json_builder_add_string_value(b, line->str);
			g_string_truncate(line, 0);
		} else {
			g_string_append_c(line, ' ');
		}
		g_string_append(line, item);
	}
	json_builder_add_string_value(b, line->str);
	json_builder_end_array(b);
}

static void
model_add_participants(JsonBuilder *b, const struct digest_thread *thread)
{
	g_autoptr(GString) text = g_string_new(NULL);

	json_builder_set_member_name(b, "participants");
	json_builder_begin_array(b);
	for (guint i = 0; i < thread->participants->len; i++) {
		const struct digest_participant *p =
		    g_ptr_array_index(thread->participants, i);

		json_builder_begin_object(b);
		model_add_string(b, "name", p->name);
		model_add_int(b, "count", p->count);
		json_builder_end_object(b);
		g_string_append_printf(text, "%s%s (%d)", i ? ", " : "",
		    p->name, p->count);
	}
	json_builder_end_array(b);
	model_add_string(b, "participants_text", text->str);
	model_add_participant_lines(b, thread, 70);
}

/* An Archived-At the draft may link to: http or https, one clean token.
 * The header is the sender's to write: a javascript: or data: URL must
 * not become a link in the Liaison's mail client. */
static bool
model_archive_usable(const char *url)
{
	if (url == NULL || (g_ascii_strncasecmp(url, "https://", 8) != 0 &&
	    g_ascii_strncasecmp(url, "http://", 7) != 0))
		return false;
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("<>\"'\\`", *p) != NULL)
			return false;
	return true;
}

/* Archived-At when the list gave one, else the Message-ID as a mid: URI
 * (RFC 2392, percent-encoded), which mail clients and the IETF archive
 * can resolve. */
static void
model_add_links(JsonBuilder *b, const struct digest_thread *thread)
{
	guint shown = MIN(thread->messages->len, MODEL_LINKS_PER_THREAD);

	json_builder_set_member_name(b, "links");
	json_builder_begin_array(b);
	for (guint i = 0; i < shown; i++) {
		const struct stored_message *m =
		    g_ptr_array_index(thread->messages, i);
		bool archived = model_archive_usable(m->archived_at);
		g_autofree char *id = g_uri_escape_string(m->message_id,
		    "!$&()*+,;=:@", FALSE);
		g_autofree char *url = archived ? g_strdup(m->archived_at)
		    : g_strdup_printf("mid:%s", id);

		json_builder_begin_object(b);
		model_add_string(b, "url", url);
		model_add_bool(b, "archived", archived);
		model_add_string(b, "message_id", m->message_id);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	model_add_int(b, "more_links", thread->messages->len - shown);
	model_add_bool(b, "has_more_links", thread->messages->len > shown);
}

static void
model_add_thread(JsonBuilder *b, const struct digest_thread *thread,
    GTimeZone *zone)
{
	g_autofree char *dates = model_date_range(thread->first, thread->last,
	    zone);

	json_builder_begin_object(b);
	model_add_string(b, "subject", thread->subject);
	model_add_string(b, "dates", dates);
	model_add_date(b, "first", thread->first, zone);
	model_add_date(b, "last", thread->last, zone);
	model_add_int(b, "count", thread->messages->len);
	model_add_int(b, "score", thread->score);
	model_add_bool(b, "breaking", thread->breaking);
	model_add_string(b, "category", verdict_category_name(
	    thread->category));
	model_add_string(b, "summary", thread->summary);
	model_add_bool(b, "has_summary", thread->summary &&
	    *thread->summary);
	model_add_lines(b, "summary_lines", thread->summary, 70);
	model_add_participants(b, thread);
	model_add_links(b, thread);
	json_builder_end_object(b);
}

static void
model_add_sections(JsonBuilder *b, const struct digest *digest,
    GTimeZone *zone)
{
	static const enum verdict_category order[] = { CATEGORY_PROCESS,
		CATEGORY_ARCHITECTURE, CATEGORY_EXTERNAL };

	json_builder_set_member_name(b, "sections");
	json_builder_begin_array(b);
	for (size_t i = 0; i < G_N_ELEMENTS(order); i++) {
		GPtrArray *threads = digest->threads[order[i]];

		if (threads->len == 0)
			continue;
		json_builder_begin_object(b);
		model_add_string(b, "category",
		    verdict_category_name(order[i]));
		model_add_string(b, "title", model_category_title(order[i]));
		json_builder_set_member_name(b, "threads");
		json_builder_begin_array(b);
		for (guint t = 0; t < threads->len; t++)
			model_add_thread(b, g_ptr_array_index(threads, t),
			    zone);
		json_builder_end_array(b);
		model_add_int(b, "omitted", digest->omitted[order[i]]);
		model_add_bool(b, "has_omitted", digest->omitted[order[i]] > 0);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	model_add_bool(b, "has_sections", digest_thread_count(digest) > 0);
}

static void
model_add_ballots(JsonBuilder *b, const struct digest *digest)
{
	json_builder_set_member_name(b, "ballots");
	json_builder_begin_array(b);
	for (guint i = 0; i < digest->ballots->len; i++) {
		const struct ballot_document *d =
		    g_ptr_array_index(digest->ballots, i);
		g_autofree char *url = g_strdup_printf(
		    "https://datatracker.ietf.org/doc/%s/ballot/", d->document);

		json_builder_begin_object(b);
		model_add_string(b, "document", d->document);
		model_add_string(b, "tally", d->tally);
		model_add_string(b, "url", url);
		model_add_bool(b, "blocked", d->counts[BALLOT_DISCUSS] +
		    d->counts[BALLOT_BLOCK] > 0);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	model_add_bool(b, "has_ballots", digest->ballots->len > 0);
}

static void
model_add_left_out(JsonBuilder *b, const struct digest *digest)
{
	json_builder_set_member_name(b, "left_out");
	json_builder_begin_object(b);
	model_add_int(b, "total", digest->left_out_total);
	json_builder_set_member_name(b, "kinds");
	json_builder_begin_array(b);
	for (guint i = 0; i < digest->left_out->len; i++) {
		const struct digest_left_out *left =
		    g_ptr_array_index(digest->left_out, i);

		json_builder_begin_object(b);
		model_add_string(b, "kind", left->kind);
		model_add_string(b, "label", model_kind_label(left->kind));
		model_add_int(b, "count", left->count);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);
	model_add_bool(b, "has_left_out", digest->left_out_total > 0);
}

JsonNode *
model_from_digest(const struct digest *digest,
    const struct model_options *options)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autofree char *start = model_format(digest->start, options->zone,
	    "%d %b %Y");
	g_autofree char *end = model_format(digest->end, options->zone,
	    "%d %b %Y");
	g_autofree char *period = strcmp(start, end) == 0
	    ? g_strdup(start) : g_strdup_printf("%s – %s", start, end);
	guint breaking = 0;

	for (size_t c = 0; c < CATEGORY_COUNT; c++)
		for (guint t = 0; t < digest->threads[c]->len; t++)
			breaking += ((struct digest_thread *)g_ptr_array_index(
			    digest->threads[c], t))->breaking;
	json_builder_begin_object(b);
	model_add_string(b, "kind", options->kind);
	model_add_string(b, "period", period);
	model_add_date(b, "period_start", digest->start, options->zone);
	model_add_date(b, "period_end", digest->end, options->zone);
	model_add_date(b, "generated", options->now, options->zone);
	model_add_bool(b, "nothing_of_note", digest_is_empty(digest));
	model_add_int(b, "thread_count", digest_thread_count(digest));
	model_add_int(b, "breaking_count", breaking);
	model_add_int(b, "message_count", digest->messages->len);
	model_add_sections(b, digest, options->zone);
	model_add_ballots(b, digest);
	model_add_left_out(b, digest);
	json_builder_end_object(b);
	return json_builder_get_root(b);
}

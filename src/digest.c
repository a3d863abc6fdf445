/* digest.c: grouping messages into threads and sections. */
#include <string.h>

#include "ballot.h"
#include "digest.h"
#include "store_query.h"
#include "summary.h"

#define DIGEST_SUMMARY_CHARS 300
#define DIGEST_SUBJECT_KEY_MIN 8	/* shorter subjects do not group */
#define DIGEST_AUTO_REPLY "auto-reply"	/* the rules' kind= */

static bool
digest_reportable(enum verdict_category category)
{
	return category == CATEGORY_PROCESS ||
	    category == CATEGORY_ARCHITECTURE || category == CATEGORY_EXTERNAL;
}

char *
digest_clean_line(const char *text)
{
	GString *out = g_string_new(NULL);
	bool space = true;	/* drops leading blanks */

	for (const char *p = text ? text : ""; *p; p++) {
		unsigned char c = (unsigned char)*p;
		bool blank = c < 0x20 || c == 0x7f || c == ' ';

		if (blank) {
			if (!space)
				g_string_append_c(out, ' ');
			space = true;
			continue;
		}
		g_string_append_c(out, (char)c);
		space = false;
	}
	if (out->len > 0 && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
	return g_string_free(out, FALSE);
}

/* Union-find over message indexes. */
static guint
digest_find(guint *parent, guint i)
{
	while (parent[i] != i) {
		parent[i] = parent[parent[i]];
		i = parent[i];
	}
	return i;
}

static void
digest_join(guint *parent, GHashTable *seen, const char *key, guint i)
{
	gpointer other;

	if (key == NULL || *key == '\0')
		return;
	if (g_hash_table_lookup_extended(seen, key, NULL, &other))
		parent[digest_find(parent, i)] =
		    digest_find(parent, GPOINTER_TO_UINT(other));
	else
		g_hash_table_insert(seen, (gpointer)key, GUINT_TO_POINTER(i));
}

/* Thread by References/In-Reply-To (thread_key), and by subject as the
 * fallback for mail that lost its references. */
static GPtrArray *
digest_group(GPtrArray *messages)
{
	g_autofree guint *parent = g_new(guint, messages->len + 1);
	g_autoptr(GHashTable) keys = g_hash_table_new(g_str_hash, g_str_equal);
	g_autoptr(GHashTable) subjects = g_hash_table_new(g_str_hash,
	    g_str_equal);
	g_autoptr(GHashTable) groups = g_hash_table_new(NULL, NULL);
	GPtrArray *out = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)g_ptr_array_unref);

	for (guint i = 0; i < messages->len; i++)
		parent[i] = i;
	for (guint i = 0; i < messages->len; i++) {
		struct stored_message *m = g_ptr_array_index(messages, i);

		digest_join(parent, keys, m->thread_key, i);
		if (m->subject_key &&
		    strlen(m->subject_key) >= DIGEST_SUBJECT_KEY_MIN)
			digest_join(parent, subjects, m->subject_key, i);
	}
	for (guint i = 0; i < messages->len; i++) {
		guint root = digest_find(parent, i);
		GPtrArray *group = g_hash_table_lookup(groups,
		    GUINT_TO_POINTER(root));

		if (group == NULL) {
			group = g_ptr_array_new();
			g_hash_table_insert(groups, GUINT_TO_POINTER(root),
			    group);
			g_ptr_array_add(out, group);
		}
		g_ptr_array_add(group, g_ptr_array_index(messages, i));
	}
	return out;
}

static void
digest_participant_free(gpointer data)
{
	struct digest_participant *participant = data;

	g_free(participant->name);
	g_free(participant);
}

static int
digest_participant_compare(gconstpointer a, gconstpointer b)
{
	const struct digest_participant *x =
	    *(struct digest_participant *const *)a;
	const struct digest_participant *y =
	    *(struct digest_participant *const *)b;

	return y->count - x->count;
}

static GPtrArray *
digest_participants(GPtrArray *messages)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(
	    digest_participant_free);
	g_autoptr(GHashTable) by_name = g_hash_table_new(g_str_hash,
	    g_str_equal);

	for (guint i = 0; i < messages->len; i++) {
		struct stored_message *m = g_ptr_array_index(messages, i);
		const char *who = m->from_name && *m->from_name ? m->from_name
		    : m->from_address ? m->from_address : "unknown sender";
		struct digest_participant *p = g_hash_table_lookup(by_name,
		    who);

		if (p == NULL) {
			p = g_new0(struct digest_participant, 1);
			p->name = digest_clean_line(who);
			g_hash_table_insert(by_name, (gpointer)who, p);
			g_ptr_array_add(out, p);
		}
		p->count++;
	}
	/* Stable: equal counts keep the order of first appearance. */
	g_ptr_array_sort(out, digest_participant_compare);
	return out;
}

static void
digest_thread_free(gpointer data)
{
	struct digest_thread *thread = data;

	g_free(thread->subject);
	g_free(thread->summary);
	g_ptr_array_unref(thread->messages);
	g_ptr_array_unref(thread->participants);
	g_free(thread);
}

/* A thread takes the category of its highest-scoring reportable message
 * and its summary from the first one; NULL when it has none. */
static struct digest_thread *
digest_thread_new(GPtrArray *group, const struct digest_options *options)
{
	struct stored_message *best = NULL, *first;
	struct digest_thread *thread;

	struct stored_message *opener = NULL;

	for (guint i = 0; i < group->len; i++) {
		struct stored_message *m = g_ptr_array_index(group, i);

		if (!digest_reportable(m->category))
			continue;
		if (best == NULL || m->score > best->score)
			best = m;
		if (opener == NULL)
			opener = m;
	}
	if (best == NULL)
		return NULL;
	first = g_ptr_array_index(group, 0);
	thread = g_new0(struct digest_thread, 1);
	thread->messages = g_ptr_array_ref(group);
	thread->subject = digest_clean_line(first->subject);
	thread->category = best->category;
	thread->score = best->score;
	thread->first = first->date;
	thread->last = ((struct stored_message *)g_ptr_array_index(group,
	    group->len - 1))->date;
	for (guint i = 0; i < group->len; i++)
		thread->breaking |= ((struct stored_message *)
		    g_ptr_array_index(group, i))->breaking;
	thread->participants = digest_participants(group);
	/* The first reportable message usually states what the thread is
	 * about; later ones argue with it. */
	thread->summary = summary_extract(opener->own_text,
	    options->summary_sentences, DIGEST_SUMMARY_CHARS);
	return thread;
}

/* Most important first: score, then activity, then recency. */
static int
digest_thread_compare(gconstpointer a, gconstpointer b)
{
	const struct digest_thread *x = *(struct digest_thread *const *)a;
	const struct digest_thread *y = *(struct digest_thread *const *)b;

	if (x->score != y->score)
		return y->score - x->score;
	if (x->messages->len != y->messages->len)
		return (int)y->messages->len - (int)x->messages->len;
	return x->last < y->last ? 1 : x->last > y->last ? -1 : 0;
}

static void
digest_count_left_out(GHashTable *counts, const char *kind)
{
	gpointer old = g_hash_table_lookup(counts, kind);

	g_hash_table_insert(counts, (gpointer)kind,
	    GUINT_TO_POINTER(GPOINTER_TO_UINT(old) + 1));
}

static int
digest_left_out_compare(gconstpointer a, gconstpointer b)
{
	const struct digest_left_out *x =
	    *(struct digest_left_out *const *)a;
	const struct digest_left_out *y =
	    *(struct digest_left_out *const *)b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return strcmp(x->kind, y->kind);
}

static void
digest_left_out_free(gpointer data)
{
	struct digest_left_out *left = data;

	g_free(left->kind);
	g_free(left);
}

static void
digest_fill_left_out(struct digest *digest, GHashTable *counts)
{
	GHashTableIter iter;
	gpointer key, value;

	g_hash_table_iter_init(&iter, counts);
	while (g_hash_table_iter_next(&iter, &key, &value)) {
		struct digest_left_out *left = g_new0(struct digest_left_out,
		    1);

		left->kind = g_strdup(key);
		left->count = GPOINTER_TO_UINT(value);
		digest->left_out_total += left->count;
		g_ptr_array_add(digest->left_out, left);
	}
	g_ptr_array_sort(digest->left_out, digest_left_out_compare);
}

static void
digest_ballot_entry_free(gpointer data)
{
	ballot_entry_clear(data);
	g_free(data);
}

/* Ballot mails go to the tally, automatic replies straight to the
 * left-out counts (an out-of-office notice takes no part in a thread:
 * its sender is no participant); the rest are grouped into threads. */
static GPtrArray *
digest_split(GPtrArray *messages, GPtrArray *entries, GHashTable *left)
{
	GPtrArray *rest = g_ptr_array_new();

	for (guint i = 0; i < messages->len; i++) {
		struct stored_message *m = g_ptr_array_index(messages, i);
		struct ballot_entry *entry;

		if (g_strcmp0(m->kind, DIGEST_AUTO_REPLY) == 0) {
			digest_count_left_out(left, DIGEST_AUTO_REPLY);
			continue;
		}
		entry = g_new0(struct ballot_entry, 1);
		if (ballot_parse(m->subject, m->own_text, m->date, entry)) {
			g_ptr_array_add(entries, entry);
			continue;
		}
		g_free(entry);
		g_ptr_array_add(rest, m);
	}
	return rest;
}

struct digest *
digest_build(GPtrArray *messages, gint64 start, gint64 end,
    const struct digest_options *options)
{
	struct digest *digest = g_new0(struct digest, 1);
	g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(
	    digest_ballot_entry_free);
	g_autoptr(GPtrArray) rest = NULL;
	g_autoptr(GPtrArray) groups = NULL;
	g_autoptr(GHashTable) left = g_hash_table_new(g_str_hash, g_str_equal);

	digest->start = start;
	digest->end = end;
	digest->messages = messages;
	digest->left_out = g_ptr_array_new_with_free_func(
	    digest_left_out_free);
	for (size_t c = 0; c < CATEGORY_COUNT; c++)
		digest->threads[c] = g_ptr_array_new_with_free_func(
		    digest_thread_free);
	rest = digest_split(messages, entries, left);
	digest->ballots = ballot_aggregate(entries);
	groups = digest_group(rest);
	for (guint i = 0; i < groups->len; i++) {
		GPtrArray *group = g_ptr_array_index(groups, i);
		struct digest_thread *thread = digest_thread_new(group,
		    options);

		if (thread != NULL) {
			g_ptr_array_add(digest->threads[thread->category],
			    thread);
			continue;
		}
		for (guint j = 0; j < group->len; j++) {
			struct stored_message *m = g_ptr_array_index(group, j);

			digest_count_left_out(left,
			    m->kind && *m->kind ? m->kind : "other");
		}
	}
	digest_fill_left_out(digest, left);
	for (size_t c = 0; c < CATEGORY_COUNT; c++) {
		GPtrArray *threads = digest->threads[c];

		g_ptr_array_sort(threads, digest_thread_compare);
		if (options->max_threads > 0 &&
		    threads->len > (guint)options->max_threads) {
			digest->omitted[c] = threads->len -
			    (guint)options->max_threads;
			g_ptr_array_set_size(threads,
			    (guint)options->max_threads);
		}
	}
	return digest;
}

guint
digest_thread_count(const struct digest *digest)
{
	guint n = 0;

	for (size_t c = 0; c < CATEGORY_COUNT; c++)
		n += digest->threads[c]->len;
	return n;
}

bool
digest_is_empty(const struct digest *digest)
{
	return digest_thread_count(digest) == 0 && digest->ballots->len == 0;
}

void
digest_free(struct digest *digest)
{
	if (digest == NULL)
		return;
	for (size_t c = 0; c < CATEGORY_COUNT; c++)
		g_ptr_array_unref(digest->threads[c]);
	g_ptr_array_unref(digest->ballots);
	g_ptr_array_unref(digest->left_out);
	g_ptr_array_unref(digest->messages);
	g_free(digest);
}

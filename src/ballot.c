/* ballot.c: parsing and tallying ballot-position mails. */
#include <string.h>

#include "ballot.h"
#include "regex.h"

static const char *const position_names[BALLOT_POSITION_COUNT] = {
	[BALLOT_YES] = "Yes",
	[BALLOT_NO_OBJECTION] = "No Objection",
	[BALLOT_DISCUSS] = "Discuss",
	[BALLOT_BLOCK] = "Block",
	[BALLOT_ABSTAIN] = "Abstain",
	[BALLOT_RECUSE] = "Recuse",
	[BALLOT_NO_RECORD] = "No Record",
};

/* Blocking positions first: they matter most to the reader. */
static const enum ballot_position tally_order[] = {
	BALLOT_DISCUSS, BALLOT_BLOCK, BALLOT_YES, BALLOT_NO_OBJECTION,
	BALLOT_ABSTAIN, BALLOT_RECUSE, BALLOT_NO_RECORD,
};

const char *
ballot_position_name(enum ballot_position position)
{
	return position_names[position];
}

bool
ballot_position_blocking(enum ballot_position position)
{
	return position == BALLOT_DISCUSS || position == BALLOT_BLOCK;
}

static bool
ballot_position_parse(const char *text, enum ballot_position *position)
{
	for (size_t i = 0; i < BALLOT_POSITION_COUNT; i++) {
		if (g_ascii_strcasecmp(text, position_names[i]) == 0) {
			*position = (enum ballot_position)i;
			return true;
		}
	}
	return false;
}

/* The body line is authoritative; the subject is the fallback. The
 * datatracker wraps the body line after "for". */
static GRegex *
ballot_regex(int which)
{
	static GRegex *regexes[2];
	static const char *const patterns[2] = {
		"^[ \\t]*([^>\\s][^\\n]*?) has entered the following ballot "
		"position for\\s+((?:draft|charter|conflict-review|"
		"status-change|rfc)[-a-z0-9.]*):\\s*(Yes|No Objection|Discuss|"
		"Block|Abstain|Recuse|No Record)\\b",
		"^(?!(?:re|fwd?|aw|sv)\\s*:)(.+?)'s (Yes|No Objection|Discuss|Block|Abstain|Recuse|"
		"No Record) on ((?:draft|charter|conflict-review|"
		"status-change|rfc)[-a-z0-9.]*)",
	};

	if (g_once_init_enter(&regexes[which])) {
		GRegex *regex = g_regex_new(patterns[which],
		    G_REGEX_MULTILINE | G_REGEX_CASELESS | regex_optimize(), 0,
		    NULL);

		g_assert(regex != NULL);
		g_once_init_leave(&regexes[which], regex);
	}
	return regexes[which];
}

/* draft-ietf-foo-bar-05 -> draft-ietf-foo-bar; charter-ietf-x-02-00 ->
 * charter-ietf-x. */
static char *
ballot_strip_revision(const char *name)
{
	char *document = g_ascii_strdown(name, -1);
	size_t len = strlen(document);
	int strips = g_str_has_prefix(document, "charter-") ? 2 : 1;

	while (len > 0 && document[len - 1] == '.')
		document[--len] = '\0';
	for (int i = 0; i < strips; i++) {
		if (len > 3 && document[len - 3] == '-' &&
		    g_ascii_isdigit(document[len - 2]) &&
		    g_ascii_isdigit(document[len - 1])) {
			len -= 3;
			document[len] = '\0';
		}
	}
	return document;
}

bool
ballot_parse(const char *subject, const char *text, gint64 date,
    struct ballot_entry *entry)
{
	g_autoptr(GMatchInfo) match = NULL;
	g_autofree char *holder = NULL, *document = NULL, *position = NULL;

	memset(entry, 0, sizeof(*entry));
	if (text != NULL &&
	    g_regex_match(ballot_regex(0), text, 0, &match)) {
		holder = g_match_info_fetch(match, 1);
		document = g_match_info_fetch(match, 2);
		position = g_match_info_fetch(match, 3);
	} else {
		g_clear_pointer(&match, g_match_info_free);
		if (subject == NULL ||
		    !g_regex_match(ballot_regex(1), subject, 0, &match))
			return false;
		holder = g_match_info_fetch(match, 1);
		position = g_match_info_fetch(match, 2);
		document = g_match_info_fetch(match, 3);
	}
	if (!ballot_position_parse(position, &entry->position))
		return false;
	entry->holder = g_strdup(g_strstrip(holder));
	entry->document = ballot_strip_revision(document);
	entry->date = date;
	return true;
}

void
ballot_entry_clear(struct ballot_entry *entry)
{
	g_free(entry->document);
	g_free(entry->holder);
	memset(entry, 0, sizeof(*entry));
}

static void
ballot_document_free(gpointer data)
{
	struct ballot_document *document = data;

	for (size_t i = 0; i < BALLOT_POSITION_COUNT; i++)
		if (document->blocking[i] != NULL)
			g_ptr_array_unref(document->blocking[i]);
	g_free(document->document);
	g_free(document->tally);
	g_free(document);
}

static char *
ballot_tally(const struct ballot_document *document)
{
	GString *out = g_string_new(NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(tally_order); i++) {
		enum ballot_position position = tally_order[i];
		GPtrArray *names = document->blocking[position];

		if (document->counts[position] == 0)
			continue;
		if (out->len > 0)
			g_string_append(out, ", ");
		g_string_append_printf(out, "%d %s",
		    document->counts[position], position_names[position]);
		if (names == NULL)
			continue;
		g_string_append(out, " (");
		for (guint n = 0; n < names->len; n++)
			g_string_append_printf(out, "%s%s", n ? ", " : "",
			    (char *)g_ptr_array_index(names, n));
		g_string_append_c(out, ')');
	}
	return g_string_free(out, FALSE);
}

static int
ballot_compare(gconstpointer a, gconstpointer b)
{
	const struct ballot_document *x = *(struct ballot_document *const *)a;
	const struct ballot_document *y = *(struct ballot_document *const *)b;
	int xb = x->counts[BALLOT_DISCUSS] + x->counts[BALLOT_BLOCK];
	int yb = y->counts[BALLOT_DISCUSS] + y->counts[BALLOT_BLOCK];

	if ((xb > 0) != (yb > 0))
		return xb > 0 ? -1 : 1;
	return strcmp(x->document, y->document);
}

static int
ballot_entry_compare(gconstpointer a, gconstpointer b)
{
	const struct ballot_entry *x = *(struct ballot_entry *const *)a;
	const struct ballot_entry *y = *(struct ballot_entry *const *)b;

	return x->date < y->date ? -1 : x->date > y->date;
}

static int
ballot_name_compare(gconstpointer a, gconstpointer b)
{
	return g_utf8_collate(*(char *const *)a, *(char *const *)b);
}

GPtrArray *
ballot_aggregate(GPtrArray *entries)
{
	g_autoptr(GHashTable) latest = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	g_autoptr(GHashTable) documents = g_hash_table_new(g_str_hash,
	    g_str_equal);
	g_autoptr(GPtrArray) sorted = g_ptr_array_copy(entries, NULL, NULL);
	GPtrArray *out = g_ptr_array_new_with_free_func(ballot_document_free);
	GHashTableIter iter;
	gpointer value;

	/* The copy shares the entries: it must not free them. */
	g_ptr_array_set_free_func(sorted, NULL);
	/* Later mails replace earlier positions of the same holder. */
	g_ptr_array_sort(sorted, ballot_entry_compare);
	for (guint i = 0; i < sorted->len; i++) {
		struct ballot_entry *entry = g_ptr_array_index(sorted, i);

		g_hash_table_replace(latest, g_strdup_printf("%s\n%s",
		    entry->document, entry->holder), entry);
	}
	g_hash_table_iter_init(&iter, latest);
	while (g_hash_table_iter_next(&iter, NULL, &value)) {
		struct ballot_entry *entry = value;
		struct ballot_document *document =
		    g_hash_table_lookup(documents, entry->document);

		if (document == NULL) {
			document = g_new0(struct ballot_document, 1);
			document->document = g_strdup(entry->document);
			g_hash_table_insert(documents, document->document,
			    document);
			g_ptr_array_add(out, document);
		}
		document->counts[entry->position]++;
		document->last_date = MAX(document->last_date, entry->date);
		if (!ballot_position_blocking(entry->position))
			continue;
		if (document->blocking[entry->position] == NULL)
			document->blocking[entry->position] =
			    g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(document->blocking[entry->position],
		    g_strdup(entry->holder));
	}
	for (guint i = 0; i < out->len; i++) {
		struct ballot_document *document = g_ptr_array_index(out, i);

		for (size_t p = 0; p < BALLOT_POSITION_COUNT; p++)
			if (document->blocking[p] != NULL)
				g_ptr_array_sort(document->blocking[p],
				    ballot_name_compare);
		document->tally = ballot_tally(document);
	}
	g_ptr_array_sort(out, ballot_compare);
	return out;
}

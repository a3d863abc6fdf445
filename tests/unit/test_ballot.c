/* test_ballot.c: ballot-position mails parsed and aggregated. */
#include "ballot.h"
#include "tap.h"

static const struct {
	const char *subject;
	const char *text;
	const char *document;	/* NULL: not a ballot mail */
	const char *holder;
	enum ballot_position position;
} parse_cases[] = {
	{ "Roman Danyliw's Discuss on draft-ietf-foo-bar-05: (with DISCUSS "
	  "and COMMENT)",
	  "Roman Danyliw has entered the following ballot position for\n"
	  "draft-ietf-foo-bar-05: Discuss\n\nWhen responding, please keep...",
	  "draft-ietf-foo-bar", "Roman Danyliw", BALLOT_DISCUSS },
	{ "Éric Vyncke's No Objection on draft-ietf-6man-thing-12: (with "
	  "COMMENT)",
	  "Éric Vyncke has entered the following ballot position for\n"
	  "draft-ietf-6man-thing-12: No Objection\n",
	  "draft-ietf-6man-thing", "Éric Vyncke", BALLOT_NO_OBJECTION },
	{ "Zaheduzzaman Sarker's Yes on draft-ietf-quic-x-03",
	  "(body lost in transit)", "draft-ietf-quic-x",
	  "Zaheduzzaman Sarker", BALLOT_YES },
	{ "Warren Kumari's Block on charter-ietf-newwg-01-00: (with BLOCK)",
	  "Warren Kumari has entered the following ballot position for\n"
	  "charter-ietf-newwg-01-00: Block\n", "charter-ietf-newwg",
	  "Warren Kumari", BALLOT_BLOCK },
	{ "Re: Roman Danyliw's Discuss on draft-ietf-foo-bar-05: (with "
	  "DISCUSS)",
	  "> Roman Danyliw has entered the following ballot position for\n"
	  "> draft-ietf-foo-bar-05: Discuss\n\nThanks, fixed in -06.\n",
	  NULL, NULL, 0 },
	{ "Protocol Action: 'Foo' to Proposed Standard", "The IESG has "
	  "approved...", NULL, NULL, 0 },
};

static void
test_parse(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(parse_cases); i++) {
		struct ballot_entry entry;
		bool parsed = ballot_parse(parse_cases[i].subject,
		    parse_cases[i].text, 100, &entry);

		if (parse_cases[i].document == NULL) {
			ok(!parsed, "case %zu: not a ballot mail", i);
			ballot_entry_clear(&entry);
			continue;
		}
		ok(parsed, "case %zu parsed", i);
		is_str(entry.document, parse_cases[i].document,
		    "case %zu: document", i);
		is_str(entry.holder, parse_cases[i].holder, "case %zu: holder",
		    i);
		is_int(entry.position, parse_cases[i].position,
		    "case %zu: position", i);
		ballot_entry_clear(&entry);
	}
}

static struct ballot_entry *
entry_new(const char *document, const char *holder,
    enum ballot_position position, gint64 date)
{
	struct ballot_entry *entry = g_new0(struct ballot_entry, 1);

	entry->document = g_strdup(document);
	entry->holder = g_strdup(holder);
	entry->position = position;
	entry->date = date;
	return entry;
}

static void
entry_free(gpointer data)
{
	ballot_entry_clear(data);
	g_free(data);
}

static void
test_aggregate(void)
{
	g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(
	    entry_free);
	g_autoptr(GPtrArray) documents = NULL;
	struct ballot_document *first, *second;

	g_ptr_array_add(entries, entry_new("draft-a", "Ann", BALLOT_YES, 1));
	g_ptr_array_add(entries, entry_new("draft-a", "Bob",
	    BALLOT_NO_OBJECTION, 2));
	/* Carl's Discuss is cleared later: only the latest counts. */
	g_ptr_array_add(entries, entry_new("draft-a", "Carl",
	    BALLOT_NO_OBJECTION, 9));
	g_ptr_array_add(entries, entry_new("draft-a", "Carl", BALLOT_DISCUSS,
	    3));
	g_ptr_array_add(entries, entry_new("draft-b", "Dee", BALLOT_DISCUSS,
	    4));
	g_ptr_array_add(entries, entry_new("draft-b", "Abe", BALLOT_DISCUSS,
	    5));
	g_ptr_array_add(entries, entry_new("draft-b", "Eve", BALLOT_ABSTAIN,
	    6));
	documents = ballot_aggregate(entries);
	is_int(documents->len, 2, "two documents");
	first = g_ptr_array_index(documents, 0);
	second = g_ptr_array_index(documents, 1);
	is_str(first->document, "draft-b", "blocked document first");
	is_str(first->tally, "2 Discuss (Abe, Dee), 1 Abstain",
	    "tally names the blocking holders");
	is_str(second->tally, "1 Yes, 2 No Objection",
	    "a cleared Discuss no longer counts");
	is_int(second->last_date, 9, "last date of the document");
}

int
main(void)
{
	test_parse();
	test_aggregate();
	return done_testing();
}

/* ballot.h: the datatracker's ballot-position mails ("X has entered the
 * following ballot position for draft-Y-NN: Discuss"), aggregated per
 * document into one line: the tally and the names behind each blocking
 * position. */
#ifndef LIAISONBOT_BALLOT_H
#define LIAISONBOT_BALLOT_H

#include <stdbool.h>

#include <glib.h>

enum ballot_position {
	BALLOT_YES,
	BALLOT_NO_OBJECTION,
	BALLOT_DISCUSS,		/* blocking */
	BALLOT_BLOCK,		/* blocking (charters) */
	BALLOT_ABSTAIN,
	BALLOT_RECUSE,
	BALLOT_NO_RECORD,
	BALLOT_POSITION_COUNT,
};

/* One ballot-position mail. */
struct ballot_entry {
	char *document;		/* without its revision: draft-ietf-foo-bar */
	char *holder;		/* the IESG member */
	enum ballot_position position;
	gint64 date;
};

/* One document's positions, latest per holder. */
struct ballot_document {
	char *document;
	int counts[BALLOT_POSITION_COUNT];
	/* Holders with a blocking position, per position (char *). */
	GPtrArray *blocking[BALLOT_POSITION_COUNT];
	gint64 last_date;
	char *tally;		/* "1 Discuss (A. Name), 5 No Objection" */
};

/* Recognises a ballot-position mail from its subject and text; false if
 * it is not one. Fills entry (free with ballot_entry_clear). */
bool ballot_parse(const char *subject, const char *text, gint64 date,
    struct ballot_entry *entry);
void ballot_entry_clear(struct ballot_entry *entry);

/* "Discuss", "No Objection", ... */
const char *ballot_position_name(enum ballot_position position);
bool ballot_position_blocking(enum ballot_position position);

/* Aggregates entries (struct ballot_entry *, any order): for each holder
 * and document the latest position counts. Returns struct
 * ballot_document * sorted with blocked documents first, then by
 * document name. Free with g_ptr_array_unref. */
GPtrArray *ballot_aggregate(GPtrArray *entries);

#endif

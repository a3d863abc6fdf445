/* digest.h: choose and group stored messages for a draft: threads by
 * category, most important first; ballot positions tallied per document;
 * a count of what was left out. Built from public messages only. */
#ifndef LIAISONBOT_DIGEST_H
#define LIAISONBOT_DIGEST_H

#include <stdbool.h>

#include <glib.h>

#include "message.h"

struct digest_participant {
	char *name;
	int count;
};

struct digest_thread {
	char *subject;		/* earliest message's, one clean line */
	enum verdict_category category;
	int score;		/* highest reportable score in the thread */
	bool breaking;
	gint64 first, last;	/* dates of its messages */
	GPtrArray *messages;	/* struct stored_message *, borrowed,
				   oldest first */
	GPtrArray *participants;/* struct digest_participant *, most
				   active first */
	char *summary;		/* extractive, of the most relevant message */
};

struct digest_left_out {
	char *kind;		/* rule kind, "ballot" or "other" */
	guint count;
};

struct digest {
	gint64 start, end;	/* the period covered */
	/* Reportable threads; only [PROCESS], [ARCHITECTURE], [EXTERNAL]. */
	GPtrArray *threads[CATEGORY_COUNT];
	guint omitted[CATEGORY_COUNT];	/* threads cut by max_threads */
	GPtrArray *ballots;	/* struct ballot_document * */
	GPtrArray *left_out;	/* struct digest_left_out *, largest first */
	guint left_out_total;
	GPtrArray *messages;	/* struct stored_message *, owned: all the
				   messages the digest covers */
};

struct digest_options {
	int summary_sentences;
	int max_threads;	/* per category; 0: all */
};

/* Takes ownership of messages (struct stored_message *, from
 * store_select_messages). */
struct digest *digest_build(GPtrArray *messages, gint64 start, gint64 end,
    const struct digest_options *options);
void digest_free(struct digest *digest);

/* Nothing to report: no reportable thread and no ballot. */
bool digest_is_empty(const struct digest *digest);
/* Reportable threads in all categories. */
guint digest_thread_count(const struct digest *digest);

/* A header-safe single line: control characters (CR, LF, TAB...) become
 * spaces, runs collapse. Caller frees. */
char *digest_clean_line(const char *text);

#endif

/* message.h: one parsed mail message and its classification, the plain
 * structs every stage passes along (source -> mime -> classify -> store). */
#ifndef LIAISONBOT_MESSAGE_H
#define LIAISONBOT_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

/* What was wrong with a message. Any flag below MESSAGE_FLAG_REDACTED
 * counts as "flagged" in ingest summaries. */
enum message_flag {
	MESSAGE_FLAG_NO_MESSAGE_ID = 1 << 0,	/* id made from a content hash */
	MESSAGE_FLAG_BAD_DATE = 1 << 1,		/* missing/unparsable: arrival used */
	MESSAGE_FLAG_BROKEN_MIME = 1 << 2,	/* bad boundaries or structure */
	MESSAGE_FLAG_BAD_ENCODING = 1 << 3,	/* bad base64/QP, unknown charset,
						   invalid UTF-8 repaired */
	MESSAGE_FLAG_NO_FROM = 1 << 4,		/* From missing or unparsable */
	MESSAGE_FLAG_BAD_HEADERS = 1 << 5,	/* header block damaged */
	MESSAGE_FLAG_NO_TEXT = 1 << 6,		/* no text part at all */
	MESSAGE_FLAG_TRUNCATED = 1 << 7,	/* text or depth cut at a limit */
	MESSAGE_FLAG_DUPLICATE_ID = 1 << 8,	/* several Message-ID headers */
	MESSAGE_FLAG_REDACTED = 1 << 12,	/* a confidential section removed */
};
#define MESSAGE_FLAGS_PROBLEMS (MESSAGE_FLAG_REDACTED - 1)

enum verdict_category {
	CATEGORY_NONE,
	CATEGORY_PROCESS,	/* material IETF process changes */
	CATEGORY_ARCHITECTURE,	/* Internet architecture impact */
	CATEGORY_EXTERNAL,	/* other organizations, liaison statements */
	CATEGORY_ROUTINE,	/* need not be reported */
	CATEGORY_COUNT,
};

/* The classification of one message. Strings are owned by the verdict. */
struct verdict {
	enum verdict_category category;
	int score;			/* score of the category chosen */
	int scores[CATEGORY_COUNT];	/* per category; [NONE] unused */
	bool breaking;			/* breaking-news material */
	bool confidential;		/* from a confidential venue: never drafted */
	char *kind;			/* label of the strongest rule of the
					   chosen category ("ballot"), or NULL */
	char *reasons;			/* "rule(+8) other(-2)", "" if none */
};

/* One header as it appeared, unfolded and RFC 2047-decoded to UTF-8. */
struct message_header {
	char *name;
	char *value;
};

/* All strings are UTF-8 and owned by the message. */
struct message {
	GBytes *raw;		/* the bytes as received (a reference) */
	char *message_id;	/* without <>; never NULL (hash when missing) */
	char *in_reply_to;	/* without <>, or NULL */
	char **references;	/* without <>, oldest first; NULL-terminated */
	char *thread_key;	/* see thread.h; never NULL after mime_parse */
	char *subject_key;	/* normalized subject (thread fallback) */
	char *list_id;		/* the id inside <>, lower case, or NULL */
	char *archived_at;	/* RFC 5064 URL without <>, or NULL */
	char *from_name;	/* decoded display name, or NULL */
	char *from_address;	/* lower-case addr-spec, or NULL */
	char *to;		/* decoded address list, or NULL */
	char *cc;		/* decoded address list, or NULL */
	char *subject;		/* decoded and unfolded; "" when missing */
	gint64 date;		/* seconds since the epoch, UTC */
	gint64 arrival;		/* when we received it */
	char *text;		/* decoded body text (text/plain preferred) */
	char *own_text;		/* the author's own words: no quotes or
				   signature */
	GPtrArray *headers;	/* struct message_header, in order */
	unsigned flags;		/* enum message_flag */
	struct verdict verdict;	/* filled by classify_message() */
};

struct message *message_new(void);
void message_free(struct message *message);

/* First header of that name (case-insensitive), or NULL. Borrowed. */
const char *message_get_header(const struct message *message,
    const char *name);

/* "process", "architecture", "external", "routine", "none". */
const char *verdict_category_name(enum verdict_category category);
/* Inverse of verdict_category_name; false if unknown. */
bool verdict_category_parse(const char *name, enum verdict_category *out);
void verdict_clear(struct verdict *verdict);

/* Every field, header and flag of message as text, a line each, for
 * tests that compare two parses (the verdict is left out). Caller
 * frees. */
char *message_dump(const struct message *message);

/* Comma list of flag names ("bad-date,no-message-id") for display; "" if
 * none. Caller frees. */
char *message_flags_describe(unsigned flags);

#endif

/* rules.h: the rules file (config/rules.conf, format documented there) as a
 * ruleset, and matching one rule against one message.
 *
 * rules.c parses; rules_match.c matches. A ruleset is immutable once loaded
 * (except for rules_set_breaking_threshold) and may be shared by threads;
 * matching state lives in a struct rules_fields owned by the caller. */
#ifndef LIAISONBOT_RULES_H
#define LIAISONBOT_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "message.h"

/* Only this much of a body (text, own text, raw header block) is scanned:
 * what matters is near the top, and hostile mail stays cheap. */
#define RULES_SCAN_MAX (256 * 1024)
/* Weights are bounded so that no sum can overflow. */
#define RULES_WEIGHT_MAX 1000
/* A breaking threshold no score reaches. */
#define RULES_BREAKING_OFF G_MAXINT
/* The score a category needs when the file sets no threshold for it. */
#define RULES_DEFAULT_THRESHOLD 1
/* Bytes of a rules file rules_load() accepts. */
#define RULES_FILE_MAX (4 * 1024 * 1024)

/* Which part of a message a rule looks at. */
enum rule_where {
	RULE_WHERE_SUBJECT,
	RULE_WHERE_BODY,	/* the whole decoded text */
	RULE_WHERE_OWN,		/* the author's own words */
	RULE_WHERE_FROM,	/* display name and address */
	RULE_WHERE_LIST_ID,
	RULE_WHERE_TO,		/* To and Cc */
	RULE_WHERE_HEADER,	/* every header called rule->header */
	RULE_WHERE_ANY,		/* subject or body */
	RULE_WHERE_COUNT,
};

enum rule_match {
	RULE_MATCH_WORD,	/* one whole word */
	RULE_MATCH_PHRASE,	/* whole words in order, any white space */
	RULE_MATCH_REGEX,	/* PCRE through GRegex */
};

/* Letters, digits and '_' of ASCII: word characters to \b (PCRE's and
 * whole-word matching's alike; beyond ASCII they differ, see
 * rules_scan.c). A literal's bound is only ever set next to one, and only
 * one of these next to a literal breaks it, so both places must agree. */
static inline bool
rules_ascii_word(guchar c)
{
	return g_ascii_isalnum(c) || c == '_';
}

/* A literal's bounds: at that end the regex puts \b next to a word
 * character, so the literal only counts where no word character follows
 * on that side (rules_scan.c). */
#define RULES_BOUND_START 1u
#define RULES_BOUND_END 2u

/* Literals a regex cannot match without: every match contains one
 * literal of each group. Lower case, as in folded text. */
struct rules_prefilter {
	char **literals;		/* NULL-terminated; NULL: no prefilter */
	guint8 *bounds;			/* RULES_BOUND_* of each literal */
	guint *group;			/* group of each literal */
	guint groups;			/* 1..4 */
	guint *ids;			/* each literal's id in
					   ruleset->literals */
};

/* One line of the rules file. All strings are owned by the rule. */
struct rule {
	char *name;
	bool confidential;		/* category "confidential" */
	enum verdict_category category;	/* CATEGORY_NONE when confidential */
	int weight;			/* 0 when confidential */
	enum rule_where where;
	char *header;			/* RULE_WHERE_HEADER: the name */
	enum rule_match match;
	char *pattern;			/* as written in the file */
	char *needle;			/* word, phrase: the pattern folded as
					   the text will be (see rules_fold) */
	size_t needle_len;
	GRegex *regex;			/* regex: compiled once, at load */
	struct rules_prefilter prefilter; /* regex: see rules_literals */
	guint needle_id;		/* word, phrase: id of the needle,
					   lower-cased, in ruleset->literals */
	bool case_sensitive;		/* option "case" */
	bool breaking;			/* option "breaking" */
	char *kind;			/* option "kind=LABEL", or NULL */
	unsigned line;
};

/* redact-section START [END]: both patterns compiled, case-sensitive. */
struct rules_redaction {
	GRegex *start;
	struct rules_prefilter prefilter;	/* for start */
	GRegex *end;			/* NULL: the section runs to the end */
	unsigned line;
};

struct rules_scanner;

struct ruleset {
	char *path;			/* name used in messages */
	GPtrArray *rules;		/* struct rule, in file order */
	GPtrArray *literals;		/* every distinct needle and prefilter
					   literal; the index is the id */
	GByteArray *literal_bounds;	/* RULES_BOUND_* of each */
	struct rules_scanner *scanner;	/* finds them all in one pass, or
					   NULL (too many: memmem each) */
	int thresholds[CATEGORY_COUNT];	/* [CATEGORY_NONE] unused */
	int breaking_threshold;		/* RULES_BREAKING_OFF when unset */
	GPtrArray *redactions;		/* struct rules_redaction */
};

/* Reads and parses a rules file. On any error returns NULL and sets one
 * LB_ERROR_CONFIG error listing every bad line, one per line of the
 * message, as "path:line: what was expected". */
struct ruleset *rules_load(const char *path, GError **error);

/* The same for text already in memory; name stands for the path in
 * messages. */
struct ruleset *rules_parse(const char *name, const char *text,
    GError **error);

void rules_free(struct ruleset *ruleset);

/* Overrides the file's breaking-threshold (the config's [breaking]
 * threshold). threshold <= 0 turns score-based breaking off. */
void rules_set_breaking_threshold(struct ruleset *ruleset, int threshold);

/* "subject", "body", ... for display; "header" for RULE_WHERE_HEADER. */
const char *rules_where_name(enum rule_where where);
/* "word", "phrase", "regex". */
const char *rules_match_name(enum rule_match match);

/*
 * Matching (rules_match.c).
 */

/* One piece of text prepared for matching. The folded and repaired copies
 * are made on first use and owned by the struct. */
struct rules_text {
	const char *text;	/* borrowed, or points into owned */
	size_t len;
	char *owned;		/* storage when text had to be built */
	char *folded;		/* lower case, white space runs as one space */
	size_t folded_len;
	char *spaced;		/* the same with case kept, for "case" */
	size_t spaced_len;
	char *subject;		/* what regexes run on: rules_regex_subject */
	size_t subject_len;
	bool known_valid;	/* folding found text valid UTF-8 */
	guint8 *present;	/* bit per ruleset literal found in folded */
};

/* string may be NULL (an absent field: nothing matches); len < 0 means
 * NUL-terminated. At most max bytes are looked at, cut on a character
 * boundary. The string is borrowed. */
void rules_text_init(struct rules_text *text, const char *string,
    gssize len, size_t max);
/* As rules_text_init, taking ownership of string (g_free'd). */
void rules_text_init_owned(struct rules_text *text, char *string,
    size_t max);
void rules_text_clear(struct rules_text *text);

/* Does rule (one of ruleset's) match text? rule->where is not looked
 * at. */
bool rules_match_text(const struct ruleset *ruleset, const struct rule *rule,
    struct rules_text *text);

/* The fields of one message, each prepared when a rule first needs it.
 * Borrows the ruleset and the message, which must outlive it and not
 * change meanwhile. */
struct rules_fields {
	const struct ruleset *ruleset;
	const struct message *message;
	struct rules_text field[RULE_WHERE_COUNT];	/* HEADER, ANY unused */
	bool ready[RULE_WHERE_COUNT];
};

void rules_fields_init(struct rules_fields *fields,
    const struct ruleset *ruleset, const struct message *message);
void rules_fields_clear(struct rules_fields *fields);

/* Does rule, one of fields->ruleset's, fire on the message? */
bool rules_fires(const struct rule *rule, struct rules_fields *fields);

/* Does field where (subject, body, own, from, list-id or to) of the
 * message pass a prefilter of the ruleset's (its ids set: a rule's or a
 * redaction's)? False when the field is absent. */
bool rules_fields_passes(struct rules_fields *fields, enum rule_where where,
    const struct rules_prefilter *prefilter);

/* Fills prefilter for a regex pattern (as compiled): lower-case strings
 * in groups (at most 4) such that every text the pattern matches, once
 * folded, contains a string of each group. False, and prefilter left
 * empty, when nothing useful is known. rules_literal.c. */
bool rules_literals(const char *pattern, struct rules_prefilter *prefilter);
void rules_prefilter_clear(struct rules_prefilter *prefilter);
/* Does folded text (rules_fold) pass the prefilter? memmem per literal;
 * bounds are not checked (the answer errs only towards "yes"). */
bool rules_prefilter_passes(const struct rules_prefilter *prefilter,
    const char *folded, size_t len);

/* An Aho-Corasick automaton over literals (NUL-terminated, non-empty),
 * each with its RULES_BOUND_* in bounds (NULL: none); literal i is
 * reported as bit i. NULL when there are too many to make a compact
 * table. rules_scan.c. */
struct rules_scanner *rules_scanner_new(GPtrArray *literals,
    const guint8 *bounds);
void rules_scanner_free(struct rules_scanner *scanner);
/* Bytes of the bit set rules_scanner_scan fills. */
gsize rules_scanner_bits_size(const struct rules_scanner *scanner);
/* Sets in bits exactly the literals that occur in text, within their
 * bounds. */
void rules_scanner_scan(const struct rules_scanner *scanner,
    const char *text, size_t len, guint8 *bits);

/* A copy of text for GRegex: repaired to UTF-8 unless known_valid says it
 * is, and followed by zero padding, because PCRE's JIT reads whole
 * vectors past the end (harmless, but memcheck rightly complains about
 * reads beyond an allocation). Caller frees. */
char *rules_regex_subject(const char *text, size_t len, bool known_valid,
    size_t *out_len);

/* text as word and phrase rules and prefilters see it (rules_scan.c): every run of white
 * space (all that PCRE's \s matches) one space, none at the ends, and
 * unless keep_case lower case (per character; long s as s). Bytes that are
 * not UTF-8 are kept as they are. Caller frees; *out_len, if given, is its
 * length; *valid, if given, whether text was valid UTF-8. */
char *rules_fold(const char *text, size_t len, bool keep_case,
    size_t *out_len, bool *valid);
/* The same without its eight-bytes-at-once path: what tests compare
 * rules_fold with. */
char *rules_fold_bytewise(const char *text, size_t len, bool keep_case,
    size_t *out_len, bool *valid);

#endif

/* rules_match.c: does one rule fire on one message? Each field is folded
 * and scanned for all the ruleset's literals once, on first use
 * (rules_scan.c). A word or phrase rule whose needle is not there is done;
 * otherwise memmem() finds it and a whole-word check confirms it. A regex
 * only runs when its prefilter (rules_literal.c) passes. Classification
 * must keep up with a mailing list archive being re-ingested, not just
 * with live mail. */
#include <string.h>

#include "rules.h"

/* Longest prefix of string, at most max bytes, not ending inside a UTF-8
 * sequence. */
static size_t
cut_length(const char *string, size_t len, size_t max)
{
	size_t n;

	if (len <= max)
		return len;
	n = max;
	while (n > 0 && ((unsigned char)string[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* Letters, digits and '_' make words; so do non-ASCII letters and marks.
 * Bytes that are not valid UTF-8 separate words. */
static bool
is_word_char(gunichar c)
{
	if (c < 0x80)
		return rules_ascii_word((guchar)c);
	return g_unichar_isalnum(c) || g_unichar_ismark(c);
}

/* The character that starts at p (p < end). */
static bool
word_char_at(const char *p, const char *end)
{
	gunichar c;

	if ((unsigned char)*p < 0x80)
		return is_word_char((unsigned char)*p);
	c = g_utf8_get_char_validated(p, end - p);
	return c < 0x110000 && is_word_char(c);
}

/* The character that ends just before p (start < p). */
static bool
word_char_before(const char *start, const char *p)
{
	const char *q = p - 1;

	if ((unsigned char)*q < 0x80)
		return is_word_char((unsigned char)*q);
	while (q > start && p - q < 4 && ((unsigned char)*q & 0xc0) == 0x80)
		q--;
	return word_char_at(q, p);
}

/* needle in haystack where it is not glued to more word characters. The
 * check applies only at an end of the needle that is itself a word
 * character, so "ITU-T" and ".arpa" both work as whole words. */
static bool
find_whole(const char *haystack, size_t haystack_len, const char *needle,
    size_t needle_len)
{
	const char *end = haystack + haystack_len;
	const char *needle_end = needle + needle_len;
	bool check_start, check_end;
	const char *p = haystack;

	if (needle_len == 0 || haystack_len < needle_len)
		return false;
	check_start = word_char_at(needle, needle_end);
	check_end = word_char_before(needle, needle_end);
	while ((size_t)(end - p) >= needle_len) {
		const char *hit = memmem(p, end - p, needle, needle_len);
		const char *after;

		if (hit == NULL)
			return false;
		after = hit + needle_len;
		if ((!check_start || hit == haystack ||
		    !word_char_before(haystack, hit)) &&
		    (!check_end || after == end || !word_char_at(after, end)))
			return true;
		p = hit + 1;
	}
	return false;
}

void
rules_text_init(struct rules_text *text, const char *string, gssize len,
    size_t max)
{
	memset(text, 0, sizeof(*text));
	if (string == NULL)
		return;
	if (len < 0)
		len = (gssize)strlen(string);
	text->text = string;
	text->len = cut_length(string, (size_t)len, max);
}

void
rules_text_init_owned(struct rules_text *text, char *string, size_t max)
{
	rules_text_init(text, string, -1, max);
	text->owned = string;
}

void
rules_text_clear(struct rules_text *text)
{
	g_free(text->owned);
	g_free(text->folded);
	g_free(text->spaced);
	g_free(text->subject);
	g_free(text->present);
	memset(text, 0, sizeof(*text));
}

/* Zero bytes after a regex subject: more than PCRE's widest vector. */
#define REGEX_PAD 64

char *
rules_regex_subject(const char *text, size_t len, bool known_valid,
    size_t *out_len)
{
	g_autofree char *repaired = NULL;
	char *subject;

	if (!known_valid && !g_utf8_validate_len(text, len, NULL)) {
		repaired = g_utf8_make_valid(text, (gssize)len);
		text = repaired;
		len = strlen(repaired);
	}
	subject = g_malloc(len + REGEX_PAD);
	memcpy(subject, text, len);
	memset(subject + len, 0, REGEX_PAD);
	*out_len = len;
	return subject;
}

static bool
match_regex(const struct rule *rule, struct rules_text *text)
{
	if (text->subject == NULL)
		text->subject = rules_regex_subject(text->text, text->len,
		    text->known_valid, &text->subject_len);
	return g_regex_match_full(rule->regex, text->subject,
	    (gssize)text->subject_len, 0, 0, NULL, NULL);
}

/* Folding looks at every character anyway, so it settles validity. */
static const char *
folded(struct rules_text *text)
{
	bool valid;

	if (text->folded == NULL) {
		text->folded = rules_fold(text->text, text->len, false,
		    &text->folded_len, &valid);
		text->known_valid = valid;
	}
	return text->folded;
}

/* The literals the ruleset's scanner finds in text. */
static const guint8 *
present(const struct ruleset *ruleset, struct rules_text *text)
{
	const char *text_folded;

	if (text->present != NULL)
		return text->present;
	text_folded = folded(text);	/* sets folded_len */
	text->present = g_malloc(rules_scanner_bits_size(ruleset->scanner));
	rules_scanner_scan(ruleset->scanner, text_folded, text->folded_len,
	    text->present);
	return text->present;
}

static bool
prefilter_passes(const struct ruleset *ruleset,
    const struct rules_prefilter *prefilter, struct rules_text *text)
{
	const guint8 *bits;
	guint found = 0;

	if (prefilter->literals == NULL)
		return true;
	if (ruleset->scanner == NULL || prefilter->ids == NULL)
		return rules_prefilter_passes(prefilter, folded(text),
		    text->folded_len);
	bits = present(ruleset, text);
	for (guint i = 0; prefilter->literals[i] != NULL; i++) {
		guint id = prefilter->ids[i];

		if (bits[id / 8] & (1u << id % 8))
			found |= 1u << prefilter->group[i];
	}
	return found == (1u << prefilter->groups) - 1;
}

/* Can rule match at all, judging by the literals in the text? */
static bool
literals_present(const struct ruleset *ruleset, const struct rule *rule,
    struct rules_text *text)
{
	const guint8 *bits;

	if (rule->match == RULE_MATCH_REGEX)
		return prefilter_passes(ruleset, &rule->prefilter, text);
	if (ruleset->scanner == NULL)
		return true;		/* find_whole will look */
	bits = present(ruleset, text);
	return bits[rule->needle_id / 8] & (1u << rule->needle_id % 8);
}

bool
rules_match_text(const struct ruleset *ruleset, const struct rule *rule,
    struct rules_text *text)
{
	const char *haystack;

	if (text->text == NULL)
		return false;
	if (!literals_present(ruleset, rule, text))
		return false;
	if (rule->match == RULE_MATCH_REGEX)
		return match_regex(rule, text);
	if (rule->case_sensitive) {
		if (text->spaced == NULL)
			text->spaced = rules_fold(text->text, text->len, true,
			    &text->spaced_len, NULL);
		return find_whole(text->spaced, text->spaced_len,
		    rule->needle, rule->needle_len);
	}
	haystack = folded(text);	/* sets folded_len */
	return find_whole(haystack, text->folded_len, rule->needle,
	    rule->needle_len);
}

void
rules_fields_init(struct rules_fields *fields, const struct ruleset *ruleset,
    const struct message *message)
{
	memset(fields, 0, sizeof(*fields));
	fields->ruleset = ruleset;
	fields->message = message;
}

void
rules_fields_clear(struct rules_fields *fields)
{
	for (size_t i = 0; i < RULE_WHERE_COUNT; i++)
		rules_text_clear(&fields->field[i]);
	memset(fields, 0, sizeof(*fields));
}

/* Joins the non-NULL strings a and b with separator; NULL if both are. */
static char *
join_pair(const char *a, const char *separator, const char *b)
{
	if (a == NULL && b == NULL)
		return NULL;
	if (a == NULL || b == NULL)
		return g_strdup(a != NULL ? a : b);
	return g_strconcat(a, separator, b, NULL);
}

static void
prepare_field(struct rules_fields *fields, enum rule_where where)
{
	const struct message *message = fields->message;
	struct rules_text *text = &fields->field[where];
	g_autofree char *address = NULL;

	switch (where) {
	case RULE_WHERE_SUBJECT:
		rules_text_init(text, message->subject, -1, RULES_SCAN_MAX);
		break;
	case RULE_WHERE_BODY:
		rules_text_init(text, message->text, -1, RULES_SCAN_MAX);
		break;
	case RULE_WHERE_OWN:
		rules_text_init(text, message->own_text, -1, RULES_SCAN_MAX);
		break;
	case RULE_WHERE_FROM:
		if (message->from_address != NULL)
			address = g_strconcat("<", message->from_address, ">",
			    NULL);
		rules_text_init_owned(text, join_pair(message->from_name, " ",
		    address), RULES_SCAN_MAX);
		break;
	case RULE_WHERE_LIST_ID:
		rules_text_init(text, message->list_id, -1, RULES_SCAN_MAX);
		break;
	case RULE_WHERE_TO:
		rules_text_init_owned(text, join_pair(message->to, "\n",
		    message->cc), RULES_SCAN_MAX);
		break;
	case RULE_WHERE_HEADER:
	case RULE_WHERE_ANY:
	case RULE_WHERE_COUNT:
		g_assert_not_reached();
	}
	fields->ready[where] = true;
}

static struct rules_text *
get_field(struct rules_fields *fields, enum rule_where where)
{
	if (!fields->ready[where])
		prepare_field(fields, where);
	return &fields->field[where];
}

/* Every header of that name, one per line; header rules are few, so this
 * is built per rule rather than cached. */
static bool
fires_on_header(const struct ruleset *ruleset, const struct rule *rule,
    const struct message *message)
{
	struct rules_text text;
	GString *values = NULL;
	bool fired;

	for (guint i = 0; i < message->headers->len; i++) {
		const struct message_header *header =
		    g_ptr_array_index(message->headers, i);

		if (g_ascii_strcasecmp(header->name, rule->header) != 0 ||
		    header->value == NULL)
			continue;
		if (values == NULL)
			values = g_string_new(NULL);
		else
			g_string_append_c(values, '\n');
		g_string_append(values, header->value);
	}
	if (values == NULL)
		return false;
	rules_text_init_owned(&text, g_string_free(values, FALSE),
	    RULES_SCAN_MAX);
	fired = rules_match_text(ruleset, rule, &text);
	rules_text_clear(&text);
	return fired;
}

bool
rules_fires(const struct rule *rule, struct rules_fields *fields)
{
	switch (rule->where) {
	case RULE_WHERE_HEADER:
		return fires_on_header(fields->ruleset, rule, fields->message);
	case RULE_WHERE_ANY:
		return rules_match_text(fields->ruleset, rule,
		    get_field(fields, RULE_WHERE_SUBJECT)) ||
		    rules_match_text(fields->ruleset, rule,
		    get_field(fields, RULE_WHERE_BODY));
	default:
		return rules_match_text(fields->ruleset, rule,
		    get_field(fields, rule->where));
	}
}

bool
rules_fields_passes(struct rules_fields *fields, enum rule_where where,
    const struct rules_prefilter *prefilter)
{
	struct rules_text *text = get_field(fields, where);

	return text->text != NULL &&
	    prefilter_passes(fields->ruleset, prefilter, text);
}

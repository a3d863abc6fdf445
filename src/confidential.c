/* confidential.c: the fail-closed guard: confidential rules, the raw
 * header scan, and redaction of withheld sections. */
#include <string.h>

#include "confidential.h"
#include "log.h"

/* Rules whose field lives in the header block, so that the raw bytes can
 * stand in for a field the parser could not produce. */
static bool
is_header_rule(const struct rule *rule)
{
	switch (rule->where) {
	case RULE_WHERE_LIST_ID:
	case RULE_WHERE_TO:
	case RULE_WHERE_FROM:
	case RULE_WHERE_HEADER:
		return true;
	default:
		return false;
	}
}

/* Length of the header block of raw: up to the first empty line, all of it
 * when there is none. */
static size_t
header_block_length(const char *raw, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (raw[i] != '\n')
			continue;
		if (i + 1 < len && raw[i + 1] == '\n')
			return i + 1;
		if (i + 2 < len && raw[i + 1] == '\r' && raw[i + 2] == '\n')
			return i + 1;
	}
	return len;
}

bool
confidential_raw_headers(const struct ruleset *ruleset,
    const struct message *message, GPtrArray *fired)
{
	struct rules_text headers;
	const char *raw;
	gsize raw_len;
	bool found = false;

	if (message->raw == NULL)
		return false;
	raw = g_bytes_get_data(message->raw, &raw_len);
	if (raw == NULL || raw_len == 0)
		return false;
	rules_text_init(&headers, raw, (gssize)header_block_length(raw,
	    raw_len), RULES_SCAN_MAX);
	for (guint i = 0; i < ruleset->rules->len; i++) {
		const struct rule *rule = g_ptr_array_index(ruleset->rules, i);

		if (!rule->confidential || !is_header_rule(rule) ||
		    !rules_match_text(ruleset, rule, &headers))
			continue;
		found = true;
		if (fired == NULL)
			break;
		g_ptr_array_add(fired, (gpointer)rule);
	}
	rules_text_clear(&headers);
	return found;
}

bool
confidential_check(const struct ruleset *ruleset,
    const struct message *message)
{
	struct rules_fields fields;
	bool found = false;

	rules_fields_init(&fields, ruleset, message);
	for (guint i = 0; i < ruleset->rules->len && !found; i++) {
		const struct rule *rule = g_ptr_array_index(ruleset->rules, i);

		found = rule->confidential && rules_fires(rule, &fields);
	}
	rules_fields_clear(&fields);
	return found || confidential_raw_headers(ruleset, message, NULL);
}

/* Offset of the start of the line holding offset. */
static size_t
line_start(const char *text, size_t offset)
{
	while (offset > 0 && text[offset - 1] != '\n')
		offset--;
	return offset;
}

/* Offset just past the line holding offset (past its newline). */
static size_t
line_end(const char *text, size_t len, size_t offset)
{
	const char *newline = memchr(text + offset, '\n', len - offset);

	return newline != NULL ? (size_t)(newline - text) + 1 : len;
}

/* Offset of the first line at or after from (a line start) that regex
 * matches, or -1. One multi-line search over the rest of the text finds
 * the candidate quickly; the line is then confirmed on its own, so that a
 * pattern like ^\s*7\. cannot start on the empty line above. */
static gssize
find_line(const GRegex *regex, const char *text, size_t len, size_t from)
{
	g_autoptr(GMatchInfo) match = NULL;
	gint start;

	if (from >= len || !g_regex_match_full(regex, text, (gssize)len,
	    (gint)from, 0, &match, NULL) ||
	    !g_match_info_fetch_pos(match, 0, &start, NULL))
		return -1;
	for (size_t line = line_start(text, (size_t)start); line < len;
	    line = line_end(text, len, line)) {
		size_t stop = line_end(text, len, line);

		if (stop > line && text[stop - 1] == '\n')
			stop--;
		if (stop > line && text[stop - 1] == '\r')
			stop--;
		if (g_regex_match_full(regex, text, (gssize)stop, (gint)line,
		    0, NULL, NULL))
			return (gssize)line;
	}
	return -1;
}

/* The earliest section start at or after from among the redactions that
 * may start in this text. */
static const struct rules_redaction *
next_section(GPtrArray *candidates, const char *text, size_t len,
    size_t from, size_t *start)
{
	const struct rules_redaction *first = NULL;

	for (guint i = 0; i < candidates->len; i++) {
		const struct rules_redaction *redaction =
		    g_ptr_array_index(candidates, i);
		gssize found = find_line(redaction->start, text, len, from);

		if (found >= 0 && (first == NULL || (size_t)found < *start)) {
			first = redaction;
			*start = (size_t)found;
		}
	}
	return first;
}

/* text with its withheld sections replaced by the marker, or NULL when
 * there is nothing to withhold. Most mail has no section start at all:
 * the start patterns' literals (rules_literals) rule that out cheaply. */
static char *
redact_text(const struct ruleset *ruleset, const char *text)
{
	g_autofree char *subject = NULL;
	g_autofree char *folded = NULL;
	g_autoptr(GPtrArray) candidates = g_ptr_array_new();
	const struct rules_redaction *redaction;
	GString *out = NULL;
	size_t len = strlen(text);
	size_t folded_len, from = 0, start;
	bool valid;

	if (len > G_MAXINT / 2)
		len = G_MAXINT / 2;	/* GRegex offsets are gint */
	folded = rules_fold(text, len, false, &folded_len, &valid);
	for (guint i = 0; i < ruleset->redactions->len; i++) {
		redaction = g_ptr_array_index(ruleset->redactions, i);
		if (rules_prefilter_passes(&redaction->prefilter, folded,
		    folded_len))
			g_ptr_array_add(candidates, (gpointer)redaction);
	}
	if (candidates->len == 0)
		return NULL;
	subject = rules_regex_subject(text, len, valid, &len);
	text = subject;
	while ((redaction = next_section(candidates, text, len, from,
	    &start)) != NULL) {
		size_t after = line_end(text, len, start);
		gssize end = -1;

		if (redaction->end != NULL)
			end = find_line(redaction->end, text, len, after);
		if (out == NULL)
			out = g_string_sized_new(len);
		g_string_append_len(out, text + from, (gssize)(start - from));
		g_string_append(out, CONFIDENTIAL_MARKER "\n");
		from = end >= 0 ? (size_t)end : len;
	}
	if (out == NULL)
		return NULL;
	g_string_append_len(out, text + from, (gssize)(len - from));
	return g_string_free(out, FALSE);
}

bool
confidential_may_redact(const struct ruleset *ruleset,
    struct rules_fields *fields)
{
	const struct message *message = fields->message;

	if (ruleset->redactions->len == 0)
		return false;
	/* Fields stop at RULES_SCAN_MAX; redaction must not. */
	if ((message->text != NULL && strlen(message->text) > RULES_SCAN_MAX) ||
	    (message->own_text != NULL &&
	    strlen(message->own_text) > RULES_SCAN_MAX))
		return true;
	for (guint i = 0; i < ruleset->redactions->len; i++) {
		const struct rules_redaction *redaction =
		    g_ptr_array_index(ruleset->redactions, i);

		if (rules_fields_passes(fields, RULE_WHERE_BODY,
		    &redaction->prefilter) ||
		    rules_fields_passes(fields, RULE_WHERE_OWN,
		    &redaction->prefilter))
			return true;
	}
	return false;
}

void
confidential_redact(const struct ruleset *ruleset, struct message *message)
{
	char **texts[] = { &message->text, &message->own_text };

	if (ruleset->redactions->len == 0)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(texts); i++) {
		char *redacted;

		if (*texts[i] == NULL)
			continue;
		redacted = redact_text(ruleset, *texts[i]);
		if (redacted == NULL)
			continue;
		g_free(*texts[i]);
		*texts[i] = redacted;
		message->flags |= MESSAGE_FLAG_REDACTED;
	}
	if (message->flags & MESSAGE_FLAG_REDACTED)
		log_debug(LOG_AREA_CLASSIFY, "%s: confidential section "
		    "withheld", message->message_id ? message->message_id : "?");
}

/* fuzz_rules.c: libFuzzer target for the rules file parser. The input is
 * the text of a rules file. It either loads, or fails with one clean
 * LB_ERROR_CONFIG whose every line names the file. A ruleset that loads
 * is then run over a message made of the input itself, and every rule must
 * fire exactly as it does without prefilters and scanner: a prefilter
 * that hides a match is a bug. Must never crash, hang or leak. */
#include <stdint.h>
#include <string.h>

#include "classify.h"
#include "confidential.h"
#include "error.h"
#include "rules.h"

#define FUZZ_NAME "fuzz.rules"
/* Input beyond this is not used as message text: fuzzed regexes may
 * backtrack a lot, and the text only needs to hit literals. */
#define FUZZ_TEXT_MAX 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_error(GError *error)
{
	g_auto(GStrv) lines = NULL;

	g_assert(error != NULL);
	g_assert(error->domain == LB_ERROR);
	g_assert(error->code == LB_ERROR_CONFIG);
	lines = g_strsplit(error->message, "\n", -1);
	for (size_t i = 0; lines[i] != NULL; i++)
		g_assert(g_str_has_prefix(lines[i], FUZZ_NAME ":"));
}

static struct message *
message_from(const char *text, size_t len)
{
	struct message *message = message_new();
	struct message_header *header = g_new0(struct message_header, 1);

	g_free(message->subject);
	message->subject = g_strndup(text, MIN(len, 200));
	message->text = g_strndup(text, len);
	message->own_text = g_strndup(text, len);
	message->from_name = g_strndup(text, MIN(len, 60));
	message->to = g_strndup(text, MIN(len, 120));
	message->list_id = g_strndup(text, MIN(len, 40));
	message->raw = g_bytes_new(text, len);
	header->name = g_strdup("Sensitivity");
	header->value = g_strndup(text, MIN(len, 80));
	g_ptr_array_add(message->headers, header);
	return message;
}

/* Same rules, nothing skipped. */
static struct ruleset *
plain_copy(const char *text)
{
	struct ruleset *ruleset = rules_parse(FUZZ_NAME, text, NULL);

	g_assert(ruleset != NULL);
	rules_scanner_free(ruleset->scanner);
	ruleset->scanner = NULL;
	for (guint i = 0; i < ruleset->rules->len; i++)
		rules_prefilter_clear(&((struct rule *)g_ptr_array_index(
		    ruleset->rules, i))->prefilter);
	for (guint i = 0; i < ruleset->redactions->len; i++)
		rules_prefilter_clear(&((struct rules_redaction *)
		    g_ptr_array_index(ruleset->redactions, i))->prefilter);
	return ruleset;
}

static void
check_ruleset(const struct ruleset *ruleset, const char *rules_text,
    const char *text, size_t len)
{
	struct ruleset *plain = plain_copy(rules_text);
	struct message *message = message_from(text, len);
	struct message *other = message_from(text, len);
	struct rules_fields a, b;
	g_autofree char *redacted = NULL;
	char *explained;

	rules_fields_init(&a, ruleset, message);
	rules_fields_init(&b, plain, message);
	for (guint i = 0; i < ruleset->rules->len; i++)
		g_assert(rules_fires(g_ptr_array_index(ruleset->rules, i), &a) ==
		    rules_fires(g_ptr_array_index(plain->rules, i), &b));
	g_assert(confidential_check(ruleset, message) ==
	    confidential_check(plain, message));
	rules_fields_clear(&a);
	rules_fields_clear(&b);

	/* Redaction is idempotent, and the quick test agrees with it. */
	confidential_redact(ruleset, message);
	confidential_redact(plain, other);
	g_assert(strcmp(message->text, other->text) == 0);
	redacted = g_strdup(message->text);
	confidential_redact(ruleset, message);
	g_assert(strcmp(redacted, message->text) == 0);

	classify_message(ruleset, message);
	g_assert(message->verdict.reasons != NULL);
	g_assert(!(message->verdict.breaking && message->verdict.confidential));
	explained = classify_explain(ruleset, other);
	g_assert(explained != NULL);
	g_free(explained);
	message_free(message);
	message_free(other);
	rules_free(plain);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_autofree char *text = g_strndup((const char *)data, size);
	GError *error = NULL;
	struct ruleset *ruleset = rules_parse(FUZZ_NAME, text, &error);

	if (ruleset == NULL) {
		check_error(error);
		g_error_free(error);
		return 0;
	}
	g_assert(error == NULL);
	check_ruleset(ruleset, text, (const char *)data, MIN(size,
	    FUZZ_TEXT_MAX));
	rules_free(ruleset);
	return 0;
}

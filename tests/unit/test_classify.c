/* test_classify.c: the default rules (config/rules.conf) against the corpus
 * of IESG-list mail in tests/data/corpus/, parsed by mime_parse; the
 * expected verdicts are in tests/data/corpus/EXPECTED. The verdict
 * arithmetic on small rule sets is test_rules.c's. */
#include <stdarg.h>
#include <string.h>

#include "classify.h"
#include "confidential.h"
#include "mime.h"
#include "rules.h"
#include "tap.h"

#define ARRIVAL 1741000000

/* A path under the source tree ($LIAISONBOT_SRCDIR, or here). Caller
 * frees. */
static char *
source_path(const char *first, ...)
{
	const char *dir = g_getenv("LIAISONBOT_SRCDIR");
	GPtrArray *parts = g_ptr_array_new();
	const char *part;
	char *path;
	va_list ap;

	g_ptr_array_add(parts, (gpointer)(dir != NULL ? dir : "."));
	va_start(ap, first);
	for (part = first; part != NULL; part = va_arg(ap, const char *))
		g_ptr_array_add(parts, (gpointer)part);
	va_end(ap);
	g_ptr_array_add(parts, NULL);
	path = g_build_filenamev((char **)parts->pdata);
	g_ptr_array_free(parts, TRUE);
	return path;
}

#define RULES_PATH() source_path("config", "rules.conf", NULL)
#define CORPUS_DIR() source_path("tests", "data", "corpus", NULL)

static struct message *
parse_file(const char *path)
{
	g_autofree char *raw = NULL;
	gsize len;
	GBytes *bytes;
	struct message *message;

	if (!g_file_get_contents(path, &raw, &len, NULL))
		return NULL;
	bytes = g_bytes_new_take(g_steal_pointer(&raw), len);
	message = mime_parse(bytes, ARRIVAL);
	g_bytes_unref(bytes);
	return message;
}

static bool
parse_yes_no(const char *text, bool *out)
{
	if (strcmp(text, "yes") == 0)
		*out = true;
	else if (strcmp(text, "no") == 0)
		*out = false;
	else
		return false;
	return true;
}

/* Kinds the digest shows for what it leaves out; a few spot checks. */
static const struct {
	const char *file;
	const char *kind;
} kinds[] = {
	{ "routine-ballot-discuss.eml", "ballot" },
	{ "routine-protocol-action.eml", "document-action" },
	{ "routine-last-call.eml", "last-call" },
	{ "routine-wg-review.eml", "wg-charter" },
	{ "routine-bof-request.eml", "bof" },
	{ "routine-interim-meeting.eml", "meeting" },
	{ "routine-telechat-agenda-package.eml", "telechat-agenda" },
	{ "routine-nomcom-volunteers.eml", "nomcom" },
	{ "external-liaison-itu-t-sg13.eml", "liaison" },
	{ "process-appeal.eml", "appeal" },
};

static const char *
expected_kind(const char *file)
{
	for (size_t i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (strcmp(kinds[i].file, file) == 0)
			return kinds[i].kind;
	return NULL;
}

/* One corpus message against its EXPECTED line. */
static bool
check_message(const struct ruleset *ruleset, const char *dir, char **row,
    GHashTable *seen)
{
	g_autofree char *path = g_build_filename(dir, row[0], NULL);
	enum verdict_category want;
	bool breaking, confidential, passed;
	struct message *message;
	const char *kind;

	if (!verdict_category_parse(row[1], &want) ||
	    !parse_yes_no(row[2], &breaking) ||
	    !parse_yes_no(row[3], &confidential))
		return ok(0, "%s: bad EXPECTED line", row[0]);
	message = parse_file(path);
	if (message == NULL)
		return ok(0, "%s: cannot read", row[0]);
	g_hash_table_add(seen, g_strdup(row[0]));
	classify_message(ruleset, message);
	passed = ok(message->verdict.category == want &&
	    message->verdict.breaking == breaking &&
	    message->verdict.confidential == confidential,
	    "%s: %s breaking=%s confidential=%s", row[0], row[1], row[2],
	    row[3]);
	if (!passed)
		diag("got %s breaking=%d confidential=%d score=%d: %s",
		    verdict_category_name(message->verdict.category),
		    message->verdict.breaking, message->verdict.confidential,
		    message->verdict.score, message->verdict.reasons);
	if (message->verdict.confidential)
		ok(confidential_check(ruleset, message),
		    "%s: confidential_check agrees", row[0]);
	kind = expected_kind(row[0]);
	if (kind != NULL)
		is_str(message->verdict.kind, kind, "%s: kind", row[0]);
	message_free(message);
	return passed;
}

/* Every message in the corpus classified as EXPECTED says. */
static void
test_corpus(void)
{
	g_autofree char *rules_path = RULES_PATH();
	g_autofree char *dir = CORPUS_DIR();
	g_autofree char *expected_path = g_build_filename(dir, "EXPECTED",
	    NULL);
	g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash,
	    g_str_equal, g_free, NULL);
	g_autoptr(GError) error = NULL;
	g_autofree char *expected = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(GDir) listing = NULL;
	struct ruleset *ruleset;
	unsigned total = 0, passed = 0;
	const char *name;

	ruleset = rules_load(rules_path, &error);
	if (!ok(ruleset != NULL, "config/rules.conf loads")) {
		diag("%s", error->message);
		return;
	}
	if (!ok(g_file_get_contents(expected_path, &expected, NULL, NULL),
	    "corpus EXPECTED readable")) {
		rules_free(ruleset);
		return;
	}
	lines = g_strsplit(expected, "\n", -1);
	for (size_t i = 0; lines[i] != NULL; i++) {
		g_auto(GStrv) row = NULL;

		if (lines[i][0] == '\0' || lines[i][0] == '#')
			continue;
		row = g_strsplit(lines[i], "\t", -1);
		if (g_strv_length(row) != 4) {
			ok(0, "EXPECTED line %zu has 4 columns", i + 1);
			continue;
		}
		total++;
		passed += check_message(ruleset, dir, row, seen);
	}
	diag("corpus: %u of %u messages as expected", passed, total);
	ok(total >= 60, "corpus has at least 60 messages (%u)", total);
	listing = g_dir_open(dir, 0, NULL);
	while (listing != NULL && (name = g_dir_read_name(listing)) != NULL) {
		if (g_str_has_suffix(name, ".eml"))
			ok(g_hash_table_contains(seen, name),
			    "%s is listed in EXPECTED", name);
	}
	rules_free(ruleset);
}

/* The default rules give the same answers with and without their
 * prefilters and scanner, on every corpus message, and the redaction
 * quick test never says no when there is something to withhold. */
static void
test_corpus_prefilters(void)
{
	g_autofree char *rules_path = RULES_PATH();
	g_autofree char *dir = CORPUS_DIR();
	struct ruleset *with = rules_load(rules_path, NULL);
	struct ruleset *without = rules_load(rules_path, NULL);
	g_autoptr(GDir) listing = g_dir_open(dir, 0, NULL);
	unsigned disagreements = 0, fired = 0, files = 0;
	const char *name;

	if (!ok(with != NULL && without != NULL && listing != NULL,
	    "rules and corpus for the prefilter check"))
		goto out;
	ok(with->scanner != NULL, "default rules get a scanner (%u literals)",
	    with->literals->len);
	rules_scanner_free(without->scanner);
	without->scanner = NULL;
	for (guint i = 0; i < without->rules->len; i++)
		rules_prefilter_clear(&((struct rule *)g_ptr_array_index(
		    without->rules, i))->prefilter);
	while ((name = g_dir_read_name(listing)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);
		struct message *message;
		struct rules_fields a, b;
		g_autofree char *before = NULL;
		bool may;

		if (!g_str_has_suffix(name, ".eml") ||
		    (message = parse_file(path)) == NULL)
			continue;
		files++;
		rules_fields_init(&a, with, message);
		rules_fields_init(&b, without, message);
		for (guint i = 0; i < with->rules->len; i++) {
			const struct rule *rule = g_ptr_array_index(with->rules,
			    i);
			bool x = rules_fires(rule, &a);

			fired += x;
			if (x != rules_fires(g_ptr_array_index(without->rules,
			    i), &b) && disagreements++ < 5)
				diag("%s: rule %s differs without prefilter",
				    name, rule->name);
		}
		may = confidential_may_redact(with, &a);
		rules_fields_clear(&a);
		rules_fields_clear(&b);
		before = g_strdup(message->text);
		confidential_redact(with, message);
		if (g_strcmp0(before, message->text) != 0 && !may &&
		    disagreements++ < 5)
			diag("%s: redacted, but the quick test said no", name);
		message_free(message);
	}
	is_int(disagreements, 0, "corpus: prefilters and scanner change no "
	    "answer (%u files, %u rules fired)", files, fired);
out:
	rules_free(with);
	rules_free(without);
}

/* The telechat package keeps its agenda but loses the management items,
 * the dial-in details and the draft minutes. */
static void
test_corpus_redaction(void)
{
	g_autofree char *rules_path = RULES_PATH();
	g_autofree char *path = source_path("tests", "data", "corpus",
	    "routine-telechat-agenda-package.eml", NULL);
	struct ruleset *ruleset = rules_load(rules_path, NULL);
	struct message *message = parse_file(path);
	static const char *const gone[] = { "Personnel", "Password",
		"360 feedback", "Retreat venue", "executive session" };
	static const char *const kept[] = { "2.1.1 New Items",
		"draft-ietf-emu-eap-edhoc-04", "7. Working Group News",
		"5. IAB News We Can Use", CONFIDENTIAL_MARKER };

	if (!ok(ruleset != NULL && message != NULL, "package and rules load"))
		goto out;
	classify_message(ruleset, message);
	ok(message->flags & MESSAGE_FLAG_REDACTED, "package: flagged redacted");
	for (size_t i = 0; i < G_N_ELEMENTS(gone); i++)
		ok(strstr(message->text, gone[i]) == NULL &&
		    strstr(message->own_text, gone[i]) == NULL,
		    "package: \"%s\" withheld", gone[i]);
	for (size_t i = 0; i < G_N_ELEMENTS(kept); i++)
		ok(strstr(message->text, kept[i]) != NULL,
		    "package: \"%s\" kept", kept[i]);
out:
	message_free(message);
	rules_free(ruleset);
}

static const char explain_rules[] =
	"p-big      process       +6  subject word big\n"
	"e-big      external      +6  subject word ext   kind=e-big\n"
	"e-break    external      +1  subject word flash breaking\n"
	"secret     confidential  -   subject word secret\n";

/* classify_explain names the verdict and every rule that fired. */
static void
test_explain(void)
{
	struct ruleset *ruleset = rules_parse("explain.rules", explain_rules,
	    NULL);
	struct message *message = message_new();
	g_autofree char *text = NULL;

	g_free(message->subject);
	message->subject = g_strdup("ext flash secret");
	text = classify_explain(ruleset, message);
	ok(strstr(text, "category: external (score 7)") != NULL,
	    "explain: category");
	ok(strstr(text, "confidential: yes") != NULL, "explain: confidential");
	ok(strstr(text, "breaking: no") != NULL, "explain: breaking");
	ok(strstr(text, "e-break") != NULL && strstr(text, "secret") != NULL &&
	    strstr(text, "subject word \"flash\" breaking") != NULL,
	    "explain: fired rules listed");
	ok(strstr(text, "p-big") == NULL, "explain: silent rules not listed");
	ok(message->verdict.category == CATEGORY_EXTERNAL,
	    "explain fills the verdict");
	message_free(message);
	rules_free(ruleset);
}

int
main(void)
{
	test_explain();
	test_corpus_redaction();
	test_corpus_prefilters();
	test_corpus();
	return done_testing();
}

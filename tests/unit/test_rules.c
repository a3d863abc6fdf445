/* test_rules.c: the rules file (parsing, every error, thresholds), what
 * each kind of rule matches, the verdict arithmetic, the raw header
 * fail-closed scan and the redaction of withheld sections. Messages are
 * built by hand; the corpus is test_classify's. */
#include <string.h>

#include <glib/gstdio.h>

#include "classify.h"
#include "confidential.h"
#include "error.h"
#include "rules.h"
#include "tap.h"

/* One bad line and the exact error it must give. With prefix set, only
 * the start is compared (the rest is GLib's wording). */
static const struct {
	const char *text;
	const char *error;
	bool prefix;
} error_cases[] = {
	{ "x foo +1 subject word a",
	  "bad.rules:1: unknown category \"foo\" (expected process, "
	  "architecture, external, routine or confidential)", false },
	{ "x none +1 subject word a",
	  "bad.rules:1: unknown category \"none\" (expected process, "
	  "architecture, external, routine or confidential)", false },
	{ "x process ++1 subject word a",
	  "bad.rules:1: bad weight \"++1\" (expected a signed integer from "
	  "-1000 to +1000)", false },
	{ "x process 1001 subject word a",
	  "bad.rules:1: bad weight \"1001\" (expected a signed integer from "
	  "-1000 to +1000)", false },
	{ "x process - subject word a",
	  "bad.rules:1: bad weight \"-\" (expected a signed integer from "
	  "-1000 to +1000)", false },
	{ "x confidential +1 subject word a",
	  "bad.rules:1: bad weight \"+1\" (expected - for a confidential "
	  "rule)", false },
	{ "x process +1 bdy word a",
	  "bad.rules:1: unknown WHERE \"bdy\" (expected subject, body, own, "
	  "from, list-id, to, header:NAME or any)", false },
	{ "x process +1 header: word a",
	  "bad.rules:1: unknown WHERE \"header:\" (expected subject, body, "
	  "own, from, list-id, to, header:NAME or any)", false },
	{ "x process +1 header word a",
	  "bad.rules:1: unknown WHERE \"header\" (expected subject, body, "
	  "own, from, list-id, to, header:NAME or any)", false },
	{ "x process +1 subject glob a",
	  "bad.rules:1: unknown MATCH \"glob\" (expected word, phrase or "
	  "regex)", false },
	{ "x process +1 subject regex '('",
	  "bad.rules:1: bad regex \"(\": ", true },
	{ "x process +1 subject word",
	  "bad.rules:1: missing pattern (expected NAME CATEGORY WEIGHT WHERE "
	  "MATCH PATTERN [OPTIONS])", false },
	{ "x process",
	  "bad.rules:1: incomplete rule: missing WEIGHT (expected NAME "
	  "CATEGORY WEIGHT WHERE MATCH PATTERN [OPTIONS])", false },
	{ "x process +1 subject word a loud",
	  "bad.rules:1: unknown option \"loud\" (expected breaking, case or "
	  "kind=LABEL)", false },
	{ "x process +1 subject word a kind=",
	  "bad.rules:1: bad kind \"\" (expected letters, digits, - and _)", false },
	{ "x process +1 subject word a kind=a/b",
	  "bad.rules:1: bad kind \"a/b\" (expected letters, digits, - and _)", false },
	{ "x confidential - subject word a breaking",
	  "bad.rules:1: option breaking is not allowed on a confidential "
	  "rule", false },
	{ "x process +1 subject word \"two words\"",
	  "bad.rules:1: word pattern \"two words\" contains white space "
	  "(use phrase)", false },
	{ "x process +1 subject phrase \"  \"",
	  "bad.rules:1: empty pattern", false },
	{ "x(y) process +1 subject word a",
	  "bad.rules:1: bad rule name \"x(y)\" (expected letters, digits, -, "
	  "_ and .)", false },
	{ "x process +1 subject word \"unterminated",
	  "bad.rules:1: bad quoting: ", true },
	{ "threshold process",
	  "bad.rules:1: expected threshold CATEGORY N (CATEGORY one of "
	  "process, architecture, external, routine; N a positive integer)", false },
	{ "threshold none 3",
	  "bad.rules:1: expected threshold CATEGORY N (CATEGORY one of "
	  "process, architecture, external, routine; N a positive integer)", false },
	{ "threshold routine 0",
	  "bad.rules:1: expected threshold CATEGORY N (CATEGORY one of "
	  "process, architecture, external, routine; N a positive integer)", false },
	{ "breaking-threshold soon",
	  "bad.rules:1: expected breaking-threshold N (N a positive "
	  "integer)", false },
	{ "redact-section",
	  "bad.rules:1: expected redact-section START-REGEX [END-REGEX]", false },
	{ "redact-section a b c",
	  "bad.rules:1: expected redact-section START-REGEX [END-REGEX]", false },
	{ "redact-section '^ok' '[z-a]'",
	  "bad.rules:1: redact-section: bad regex \"[z-a]\": ", true },
	{ "x process +1 subject word caf\xe9",
	  "bad.rules:1: invalid UTF-8", false },
};

static void
test_errors(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(error_cases); i++) {
		g_autoptr(GError) error = NULL;
		struct ruleset *ruleset = rules_parse("bad.rules",
		    error_cases[i].text, &error);
		bool matched;

		if (!ok(ruleset == NULL && error != NULL &&
		    g_error_matches(error, LB_ERROR, LB_ERROR_CONFIG),
		    "error %zu refused: %s", i, error_cases[i].text)) {
			rules_free(ruleset);
			continue;
		}
		if (error_cases[i].prefix)
			matched = ok(g_str_has_prefix(error->message,
			    error_cases[i].error) && strchr(error->message,
			    '\n') == NULL && strlen(error->message) >
			    strlen(error_cases[i].error), "error %zu: message "
			    "starts \"%s\"", i, error_cases[i].error);
		else
			matched = is_str(error->message, error_cases[i].error,
			    "error %zu: message", i);
		if (!matched)
			diag("got: %s", error->message);
	}
}

/* Every bad line is reported, in order, with its own line number; good
 * lines among them do not make the ruleset acceptable. */
static void
test_all_errors_at_once(void)
{
	static const char text[] =
		"# a comment\n"
		"good process +1 subject word fine\n"
		"bad1 proces +1 subject word a\n"
		"\n"
		"bad2 routine x subject word a\n"
		"   # indented comment\r\n"
		"good process +2 body phrase \"also fine\"\r\n"
		"threshold routine -1\n"
		"good2 routine +1 subject regex '(unclosed'\n"
		"good external +1 subject word a\n";
	g_autoptr(GError) error = NULL;
	g_auto(GStrv) lines = NULL;
	struct ruleset *ruleset = rules_parse("many.rules", text, &error);

	ok(ruleset == NULL, "ruleset with errors refused");
	if (!ok(error != NULL, "error set"))
		return;
	lines = g_strsplit(error->message, "\n", -1);
	is_int(g_strv_length(lines), 6, "six errors reported");
	if (g_strv_length(lines) != 6)
		return;
	ok(g_str_has_prefix(lines[0], "many.rules:3: unknown category "
	    "\"proces\""), "line 3 reported: %s", lines[0]);
	ok(g_str_has_prefix(lines[1], "many.rules:5: bad weight \"x\""),
	    "line 5 reported: %s", lines[1]);
	is_str(lines[2], "many.rules:7: duplicate rule name \"good\" (first "
	    "defined on line 2)", "line 7 reported (CRLF line)");
	ok(g_str_has_prefix(lines[3], "many.rules:8: expected threshold"),
	    "line 8 reported: %s", lines[3]);
	ok(g_str_has_prefix(lines[4], "many.rules:9: bad regex "
	    "\"(unclosed\": "), "line 9 reported: %s", lines[4]);
	is_str(lines[5], "many.rules:10: duplicate rule name \"good\" (first "
	    "defined on line 2)", "line 10 reported");
}

static void
test_duplicate_directives(void)
{
	g_autoptr(GError) error = NULL;
	struct ruleset *ruleset = rules_parse("dup.rules",
	    "threshold process 3\nbreaking-threshold 9\n"
	    "threshold process 4\nbreaking-threshold 10\n", &error);

	ok(ruleset == NULL, "duplicate directives refused");
	is_str(error != NULL ? error->message : NULL,
	    "dup.rules:3: duplicate threshold for process (first set on line "
	    "1)\ndup.rules:4: duplicate breaking-threshold (first set on line "
	    "2)", "duplicate directives reported");
}

static void
test_load(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("test_rules.XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "rules.conf", NULL);
	struct ruleset *ruleset;

	ruleset = rules_load(path, &error);
	ok(ruleset == NULL && g_error_matches(error, LB_ERROR,
	    LB_ERROR_CONFIG) && g_str_has_prefix(error->message, path),
	    "missing file: config error naming the path");
	g_clear_error(&error);
	g_file_set_contents(path, "a process +1 subject word a\nb x", -1,
	    NULL);
	ruleset = rules_load(path, &error);
	ok(ruleset == NULL && error != NULL && strstr(error->message,
	    "rules.conf:2: incomplete rule: missing WEIGHT") != NULL,
	    "load reports path:line");
	g_clear_error(&error);
	g_file_set_contents(path, "a process +1 subject word a\n"
	    "threshold external 7\nbreaking-threshold 11\n"
	    "c external -3 subject phrase 'x # y' # a comment\n", -1, NULL);
	ruleset = rules_load(path, &error);
	if (ok(ruleset != NULL, "good file loads")) {
		is_int(ruleset->rules->len, 2, "two rules");
		is_int(ruleset->thresholds[CATEGORY_EXTERNAL], 7,
		    "threshold set");
		is_int(ruleset->thresholds[CATEGORY_PROCESS],
		    RULES_DEFAULT_THRESHOLD, "threshold default");
		is_int(ruleset->breaking_threshold, 11, "breaking threshold");
		is_str(((struct rule *)g_ptr_array_index(ruleset->rules,
		    1))->pattern, "x # y", "# inside quotes is not a comment");
		is_int(((struct rule *)g_ptr_array_index(ruleset->rules,
		    1))->weight, -3, "negative weight");
		rules_set_breaking_threshold(ruleset, -1);
		is_int(ruleset->breaking_threshold, RULES_BREAKING_OFF,
		    "breaking threshold turned off");
	}
	rules_free(ruleset);
	g_unlink(path);
	g_rmdir(dir);
}

/* Which field a match case puts its text in. */
enum field {
	F_SUBJECT, F_TEXT, F_OWN, F_FROM_NAME, F_FROM_ADDRESS, F_LIST_ID,
	F_TO, F_CC, F_HEADER,
};

static const struct {
	const char *rule;	/* one rule line, named r */
	enum field field;
	const char *text;	/* F_HEADER: "Name: value" */
	bool fires;
} match_cases[] = {
	/* word: whole words, case folded, boundaries only where the
	 * pattern has letters at its ends */
	{ "r external +1 subject word ITU-T", F_SUBJECT, "LS from itu-t SG13",
	  true },
	{ "r external +1 subject word ITU-T", F_SUBJECT, "ITU-TSB circular",
	  false },
	{ "r external +1 subject word ITU-T", F_SUBJECT, "the ITU-T's view",
	  true },
	{ "r external +1 subject word ITU-T", F_SUBJECT,
	  "the ITU-T\xe2\x80\x99s view", true },
	{ "r external +1 subject word ITU-T", F_SUBJECT, "xITU-T", false },
	{ "r process +1 subject word iesg", F_SUBJECT, "draft-iesg-foo-00",
	  true },
	{ "r process +1 subject word iesg", F_SUBJECT, "iesgs", false },
	{ "r process +1 subject word caf", F_SUBJECT, "caf\xc3\xa9", false },
	{ "r process +1 subject word caf\xc3\xa9", F_SUBJECT,
	  "CAF\xc3\x89 au lait", true },
	{ "r process +1 subject word .arpa", F_SUBJECT, "in-addr.arpa zone",
	  true },
	{ "r process +1 subject word .arpa", F_SUBJECT, "in-addr.arpax",
	  false },
	{ "r process +1 subject word 3GPP", F_SUBJECT, "LS (3GPP) reply",
	  true },
	/* phrase: words in order, any white space between */
	{ "r external +1 body phrase 'liaison statement'", F_TEXT,
	  "a New Liaison\n   Statement arrived", true },
	{ "r external +1 body phrase 'liaison statement'", F_TEXT,
	  "liaison \t statement", true },
	{ "r external +1 body phrase 'liaison statement'", F_TEXT,
	  "two liaison statements", false },
	{ "r external +1 body phrase 'liaison statement'", F_TEXT,
	  "xliaison statement", false },
	{ "r external +1 body phrase 'liaison statement'", F_TEXT,
	  "liaisonstatement", false },
	{ "r external +1 body phrase 'liaison statement'", F_TEXT,
	  "liaison, statement", false },
	/* regex: PCRE, caseless, ^ at lines, a space spans line breaks */
	{ "r routine +1 subject regex '^Protocol Action:'", F_SUBJECT,
	  "protocol action: 'Foo' to Proposed Standard", true },
	{ "r routine +1 subject regex '^Protocol Action:'", F_SUBJECT,
	  "Re: Protocol Action: 'Foo'", false },
	{ "r routine +1 body regex '^Purpose: *For action'", F_TEXT,
	  "Title: x\nPurpose: For action\n", true },
	{ "r routine +1 body regex '^Purpose: *For action'", F_TEXT,
	  "Title: x Purpose: For action\n", false },
	{ "r architecture +1 body regex '\\bprivacy implications\\b'",
	  F_TEXT, "with real privacy\n  implications here", true },
	{ "r architecture +1 body regex 'a\\x20b'", F_TEXT, "a\nb", false },
	{ "r architecture +1 body regex 'a\\x20b'", F_TEXT, "a b", true },
	{ "r architecture +1 body regex 'x[ ]y'", F_TEXT, "x\ny", false },
	{ "r architecture +1 body regex 'x[ ]y'", F_TEXT, "x y", true },
	{ "r architecture +1 body regex 'x\\ y'", F_TEXT, "x\ty", false },
	{ "r architecture +1 body regex 'x[[:alpha:] ]y'", F_TEXT, "x y",
	  true },
	{ "r architecture +1 body regex 'end (to )?end'", F_TEXT,
	  "end\nto end", true },
	{ "r architecture +1 body regex 'ab *c'", F_TEXT, "ab\n\nc", true },
	{ "r architecture +1 body regex 'ab *c'", F_TEXT, "abc", true },
	/* case */
	{ "r architecture +1 any word DoH case", F_SUBJECT, "a doh moment",
	  false },
	{ "r architecture +1 any word DoH case", F_SUBJECT, "DoH resolvers",
	  true },
	{ "r architecture +1 any phrase 'Encrypted DNS' case", F_TEXT,
	  "Encrypted\n DNS", true },
	{ "r architecture +1 any phrase 'Encrypted DNS' case", F_TEXT,
	  "encrypted dns", false },
	{ "r architecture +1 any regex '^QUIC' case", F_TEXT, "quic", false },
	{ "r architecture +1 any regex '^QUIC' case", F_TEXT, "QUIC v2",
	  true },
	/* where */
	{ "r external +1 any word W3C", F_SUBJECT, "W3C call", true },
	{ "r external +1 any word W3C", F_TEXT, "the W3C TAG", true },
	{ "r external +1 any word W3C", F_FROM_NAME, "W3C", false },
	{ "r external +1 subject word W3C", F_TEXT, "W3C", false },
	{ "r external +1 own word W3C", F_TEXT, "> the W3C said", false },
	{ "r external +1 own word W3C", F_OWN, "the W3C said", true },
	{ "r external +1 from word example.org", F_FROM_ADDRESS,
	  "jane@example.org", true },
	{ "r external +1 from phrase 'Jane Doe'", F_FROM_NAME, "Jane  Doe",
	  true },
	{ "r external +1 from regex '<jane@'", F_FROM_ADDRESS,
	  "jane@example.org", true },
	{ "r confidential - list-id word iesg-only", F_LIST_ID,
	  "iesg-only.ietf.org", true },
	{ "r confidential - list-id word iesg-only", F_LIST_ID,
	  "iesg.ietf.org", false },
	{ "r confidential - to word iesg-only@ietf.org", F_CC,
	  "IESG <iesg-only@ietf.org>", true },
	{ "r confidential - to word iesg-only@ietf.org", F_TO,
	  "iesg@ietf.org", false },
	{ "r routine +1 header:X-IETF-IESG-Agenda word yes", F_HEADER,
	  "x-ietf-iesg-agenda: Yes", true },
	{ "r routine +1 header:X-IETF-IESG-Agenda word yes", F_HEADER,
	  "X-Other: yes", false },
	{ "r routine +1 header:Auto-Submitted regex '^auto-replied'",
	  F_HEADER, "Auto-Submitted: auto-replied", true },
	/* an absent field matches nothing, not even an empty pattern */
	{ "r routine +1 list-id regex '^$'", F_SUBJECT, "x", false },
};

static void
set_field(struct message *message, enum field field, const char *text)
{
	char **slot = NULL;

	switch (field) {
	case F_SUBJECT: slot = &message->subject; break;
	case F_TEXT: slot = &message->text; break;
	case F_OWN: slot = &message->own_text; break;
	case F_FROM_NAME: slot = &message->from_name; break;
	case F_FROM_ADDRESS: slot = &message->from_address; break;
	case F_LIST_ID: slot = &message->list_id; break;
	case F_TO: slot = &message->to; break;
	case F_CC: slot = &message->cc; break;
	case F_HEADER: {
		struct message_header *header = g_new0(struct message_header,
		    1);
		const char *colon = strchr(text, ':');

		header->name = g_strndup(text, colon - text);
		header->value = g_strstrip(g_strdup(colon + 1));
		g_ptr_array_add(message->headers, header);
		return;
	}
	}
	g_free(*slot);
	*slot = g_strdup(text);
}

static void
test_matching(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(match_cases); i++) {
		g_autoptr(GError) error = NULL;
		struct ruleset *ruleset = rules_parse("match.rules",
		    match_cases[i].rule, &error);
		g_autofree char *shown = g_strescape(match_cases[i].text, NULL);
		struct message *message;
		struct rules_fields fields;

		if (!ok(ruleset != NULL, "match %zu parses: %s", i,
		    match_cases[i].rule)) {
			diag("%s", error->message);
			continue;
		}
		message = message_new();
		set_field(message, match_cases[i].field, match_cases[i].text);
		rules_fields_init(&fields, ruleset, message);
		ok(rules_fires(g_ptr_array_index(ruleset->rules, 0), &fields)
		    == match_cases[i].fires, "match %zu: %s %s \"%s\"", i,
		    match_cases[i].rule, match_cases[i].fires ? "fires on"
		    : "silent on", shown);
		rules_fields_clear(&fields);
		message_free(message);
		rules_free(ruleset);
	}
}

/* Only the first RULES_SCAN_MAX bytes of a body are looked at. */
static void
test_scan_limit(void)
{
	struct ruleset *ruleset = rules_parse("limit.rules",
	    "w process +1 body word needle\n"
	    "r process +1 body regex 'needle$'\n", NULL);
	struct message *message = message_new();
	struct rules_fields fields;
	GString *text = g_string_new("needle ");
	size_t len;

	while (text->len < RULES_SCAN_MAX + 1000)
		g_string_append(text, "\xc3\xa9t\xc3\xa9 ");
	g_string_append(text, "needle");
	len = text->len;
	message->text = g_string_free(text, FALSE);
	rules_fields_init(&fields, ruleset, message);
	ok(rules_fires(g_ptr_array_index(ruleset->rules, 0), &fields),
	    "needle at the start of a long body found");
	ok(!rules_fires(g_ptr_array_index(ruleset->rules, 1), &fields),
	    "needle after %d bytes of %zu not looked at", RULES_SCAN_MAX, len);
	ok(fields.field[RULE_WHERE_BODY].len <= RULES_SCAN_MAX &&
	    g_utf8_validate(fields.field[RULE_WHERE_BODY].text,
	    (gssize)fields.field[RULE_WHERE_BODY].len, NULL),
	    "body cut on a character boundary");
	rules_fields_clear(&fields);
	message_free(message);
	rules_free(ruleset);
}

/* Invalid UTF-8 in a field must neither crash GRegex nor hide a match. */
static void
test_invalid_utf8(void)
{
	struct ruleset *ruleset = rules_parse("utf8.rules",
	    "r external +1 body regex 'ITU-T'\n"
	    "w external +1 body word ITU-T\n", NULL);
	struct message *message = message_new();
	struct rules_fields fields;

	message->text = g_strdup("\xff\xfe garbage \xc3 then ITU-T \xe2\x80");
	rules_fields_init(&fields, ruleset, message);
	ok(rules_fires(g_ptr_array_index(ruleset->rules, 0), &fields),
	    "regex matches in invalid UTF-8 text");
	ok(rules_fires(g_ptr_array_index(ruleset->rules, 1), &fields),
	    "word matches in invalid UTF-8 text");
	rules_fields_clear(&fields);
	message_free(message);
	rules_free(ruleset);
}

/* Regex -> prefilter, shown as {group literals}{...}, a literal's bounds
 * as < and >; NULL: none. */
static const struct {
	const char *pattern;
	const char *want;
} literal_cases[] = {
	{ "ICANN", "{icann}" },
	{ "\\b(ICANN|SSAC)\\b", "{<icann>,<ssac>}" },
	/* \b next to a word character at a literal's end is a bound. */
	{ "\\bPTI\\b", "{<pti>}" },
	{ "\\bIEEE(-SA| SA)?\\b", "{<ieee}" },
	{ "\\b\\.alt\\b", "{.alt>}" },
	{ "x\\b\\s+\\bthe\\s+IAB\\b", "{x the iab>}" },
	{ "\\b(a|bc)d\\b", "{<ad>,<bcd>}" },
	{ "\\s\\b\\sab", "{ab}" },
	{ "ab\\b(?!c)", "{ab>}" },
	{ "\\B(abc)\\B", "{abc}" },
	{ "(\\babc)+", "{<abc}" },
	{ "\\b(abc)?def", "{<abcdef,<def}" },
	{ "\\b\\b\\bPTI\\b\\b", "{<pti>}" },
	/* x? is x or nothing. */
	{ "\\bRFC\\s?(2026|2418)\\b",
	    "{<rfc 2026>,<rfc 2418>,<rfc2026>,<rfc2418>}" },
	{ "route\\s+(leaks?|hijacks?)", "{route leaks,route leak,"
	    "route hijacks,route hijack}" },
	{ "ab?", NULL },
	{ "ab*cd", "{cd}" },
	{ "the\\s+IAB", "{the iab}" },	/* a space in a rule's regex */
	{ "end\\s+\\s+to", "{end to}" },
	{ "\\s+lead", "{lead}" },
	{ "foo(bar)?baz", "{foobarbaz,foobaz}" },
	{ "foo(bar)*baz", "{baz}{foo}" },
	{ "prefix\\d+suffix", "{suffix}{prefix}" },
	{ "(foo|bar)(baz|qux)", "{foobaz,fooqux,barbaz,barqux}" },
	{ "standardi[sz]ation", "{standardisation,standardization}" },
	{ "[Ii]ssues", "{issues}" },
	{ "(?=xyz)abc", "{abc}" },
	{ "abc(?!def)", "{abc}" },
	{ "(abc)+", "{abc}" },
	{ "a{2,3}bcd", "{bcd}" },
	{ "ca\\.fe", "{ca.fe}" },
	{ "caf\\x41x", "{cafax}" },
	{ "(?i:Hello)\\s+World", "{hello world}" },
	{ "a(?#comment)bcd", "{abcd}" },
	{ "(?<n>abc)", "{abc}" },
	{ "[^a]bc", "{bc}" },
	{ "na\xc3\xafve", "{ve}{na}" },
	{ "^\\s*6\\.\\s+Management [Ii]ssues", "{6. management}{issues}" },
	/* Nothing safe to say. */
	{ "a|", NULL },
	{ "x*", NULL },
	{ "x\\s*y", NULL },
	{ "ab+c", NULL },
	{ "a.b.c", NULL },
	{ "(?x) foo # bar", NULL },
	{ "(a)\\1", NULL },
	{ "a{,3}bcd", NULL },
	{ "\\Qabc\\E", NULL },
	{ "(*UTF)abc", NULL },
	{ "ab(?1)cd", NULL },
	{ "\\x{41}abc", NULL },
	{ "\xc3\xa9", NULL },
};

static char *
describe_prefilter(const struct rules_prefilter *prefilter)
{
	GString *out = g_string_new(NULL);

	for (guint g = 0; g < prefilter->groups; g++) {
		bool first = true;

		g_string_append_c(out, '{');
		for (guint i = 0; prefilter->literals[i] != NULL; i++) {
			if (prefilter->group[i] != g)
				continue;
			if (!first)
				g_string_append_c(out, ',');
			if (prefilter->bounds[i] & RULES_BOUND_START)
				g_string_append_c(out, '<');
			g_string_append(out, prefilter->literals[i]);
			if (prefilter->bounds[i] & RULES_BOUND_END)
				g_string_append_c(out, '>');
			first = false;
		}
		g_string_append_c(out, '}');
	}
	return g_string_free(out, FALSE);
}

static void
test_literals(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(literal_cases); i++) {
		struct rules_prefilter prefilter;
		g_autofree char *got = NULL;

		if (rules_literals(literal_cases[i].pattern, &prefilter))
			got = describe_prefilter(&prefilter);
		is_str(got, literal_cases[i].want, "literals of %s",
		    literal_cases[i].pattern);
		rules_prefilter_clear(&prefilter);
	}
}

/* A bounded literal is only seen where it stands alone: the regex of
 * '\bPTI\b' need not run on a text whose only "pti" is in "option". */
static void
test_literal_bounds(void)
{
	static const struct {
		const char *text;
		bool passes;
	} cases[] = {
		{ "an option", false },
		{ "PTI_x", false },
		{ "xpti pti9", false },
		{ "the PTI.", true },
		{ "PTI", true },
		{ "\xc3\xa9pti", true },	/* non-ASCII: the regex decides */
	};
	struct ruleset *ruleset = rules_parse("bounds.rules",
	    "pti process +1 body regex '\\bPTI\\b'\n", NULL);
	const struct rule *rule;

	if (!ok(ruleset != NULL && ruleset->scanner != NULL,
	    "bounds: rules parse, with a scanner"))
		return;
	rule = g_ptr_array_index(ruleset->rules, 0);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct message *message = message_new();
		struct rules_fields fields;

		message->text = g_strdup(cases[i].text);
		rules_fields_init(&fields, ruleset, message);
		is_int(rules_fields_passes(&fields, RULE_WHERE_BODY,
		    &rule->prefilter), cases[i].passes,
		    "bounds: prefilter of \\bPTI\\b on \"%s\"", cases[i].text);
		rules_fields_clear(&fields);
		message_free(message);
	}
	rules_free(ruleset);
}

/* Pieces random texts are made of: case, every kind of white space PCRE
 * knows, long s and the Kelvin sign, invalid bytes, and what may touch a
 * bounded literal: letters, digits, '_', a non-ASCII letter, a combining
 * mark (not a word character to PCRE). */
static const char *const text_pieces[] = {
	"the", "IAB", "iab", "Iab", " ", "  ", "\n", "\r\n", "\t", "\xc2\xa0",
	"\xe2\x80\x83", "\xe2\x80\xa8", "\xc2\x85", "\x0b", "liaison",
	"statement", "Statement", "\xc5\xbftatement", "\xe2\x84\xaaind", "kind",
	"-", ".", "6.", "Management", "issues", "Issues", "x", "\xff", "RFC",
	"2026", "BCP", "9", "end", "to", "privacy", "implications", ":", "'s",
	"Discuss", "on", "draft-a-00", "PTI", "op", "tion", "_", "\xc3\xa9",
	"\xcc\x81", "4", "ICANN", "ssac",
};

/* Regexes whose prefilters the random texts exercise. */
static const char *const random_patterns[] = {
	"the IAB", "\\bthe IAB\\b", "liaison statement", "liaison +statement",
	"(?-i:IAB)", "kind", "statement", "^6\\. *Management [Ii]ssues",
	"\\b(RFC ?2026|BCP ?9)\\b", "end to end", "privacy implications?",
	"'s (Discuss|Yes) on [a-z0-9-]+-[0-9]{2}", "x\\sx", "the\\s\\s?IAB",
	"IAB\\s*$", "^the", "(the|a) (IAB|IESG)", "\\bPTI\\b",
	"\\b(ICANN|SSAC)s?\\b", "\\bop", "tion\\b", "\\b_pti",
	"4\\bpti", "\\s\\bIAB\\b\\s", "\\b\\.\\b", "\\bIABs?\\b",
	"(the )?IAB", "the\\s?IAB\\b", "\\bstatement(s|_)?\\b",
	"PTI\\s?\\s?op", "(6\\.)?\\s?Management",
};

/* Whatever the text, a prefilter may only say "no" when the regex does:
 * every rule matches the same with and without prefilters and scanner. */
static void
test_prefilter_sound(void)
{
	GString *rules = g_string_new(NULL);
	struct ruleset *with, *without;
	GRand *rand = g_rand_new_with_seed(20250301);
	unsigned disagreements = 0, matches = 0;

	for (size_t i = 0; i < G_N_ELEMENTS(random_patterns); i++) {
		g_autofree char *quoted = g_shell_quote(random_patterns[i]);

		g_string_append_printf(rules, "r%zu process +1 body regex %s\n",
		    i, quoted);
	}
	g_string_append(rules, "w1 process +1 body phrase 'liaison "
	    "statement'\nw2 process +1 body word kind\n"
	    "w3 process +1 body phrase 'the IAB' case\n");
	with = rules_parse("sound.rules", rules->str, NULL);
	without = rules_parse("sound.rules", rules->str, NULL);
	if (!ok(with != NULL && without != NULL, "random rules parse"))
		return;
	rules_scanner_free(without->scanner);
	without->scanner = NULL;
	for (guint i = 0; i < without->rules->len; i++)
		rules_prefilter_clear(&((struct rule *)g_ptr_array_index(
		    without->rules, i))->prefilter);
	for (unsigned round = 0; round < 3000; round++) {
		struct message *message = message_new();
		struct rules_fields a, b;
		GString *text = g_string_new(NULL);
		int pieces = g_rand_int_range(rand, 1, 12);

		for (int k = 0; k < pieces; k++)
			g_string_append(text, text_pieces[g_rand_int_range(rand,
			    0, G_N_ELEMENTS(text_pieces))]);
		message->text = g_string_free(text, FALSE);
		rules_fields_init(&a, with, message);
		rules_fields_init(&b, without, message);
		for (guint i = 0; i < with->rules->len; i++) {
			bool x = rules_fires(g_ptr_array_index(with->rules, i),
			    &a);
			bool y = rules_fires(g_ptr_array_index(without->rules,
			    i), &b);

			matches += x;
			if (x != y && disagreements++ < 5) {
				g_autofree char *shown = g_strescape(
				    message->text, NULL);

				diag("rule %s: %d with prefilter, %d without, "
				    "on \"%s\"", ((struct rule *)
				    g_ptr_array_index(with->rules, i))->name,
				    x, y, shown);
			}
		}
		rules_fields_clear(&a);
		rules_fields_clear(&b);
		message_free(message);
	}
	is_int(disagreements, 0, "prefilters never hide a match (3000 random "
	    "texts, %u matches)", matches);
	ok(matches > 1000, "random texts do match (%u)", matches);
	g_rand_free(rand);
	g_string_free(rules, TRUE);
	rules_free(with);
	rules_free(without);
}

static const char verdict_rules[] =
	"threshold process 5\n"
	"threshold architecture 5\n"
	"threshold external 5\n"
	"threshold routine 4\n"
	"breaking-threshold 12\n"
	"p-big      process       +6  subject word big   kind=p-big\n"
	"p-small    process       +3  subject word small kind=p-small\n"
	"a-big      architecture  +6  subject word arch  kind=a-big\n"
	"e-big      external      +6  subject word ext   kind=e-big\n"
	"e-minus    external      -4  subject word minus\n"
	"e-break    external      +1  subject word flash breaking\n"
	"r-big      routine       +6  subject word dull  kind=r-big\n"
	"r-flash    routine       +1  subject word rflash breaking\n"
	"p-huge     process       +9  subject word huge\n"
	"secret     confidential  -   subject word secret\n";

/* Subject -> verdict for the small rule set above. */
static const struct {
	const char *subject;
	enum verdict_category category;
	int score;
	bool breaking;
	bool confidential;
	const char *kind;
	const char *reasons;
} verdict_cases[] = {
	{ "nothing here", CATEGORY_NONE, 0, false, false, NULL, "" },
	/* Below its threshold a category does not win. */
	{ "small", CATEGORY_NONE, 3, false, false, NULL, "p-small(+3)" },
	{ "big", CATEGORY_PROCESS, 6, false, false, "p-big", "p-big(+6)" },
	/* A rule counts once, however often its word occurs. */
	{ "big big big", CATEGORY_PROCESS, 6, false, false, "p-big",
	  "p-big(+6)" },
	{ "small big", CATEGORY_PROCESS, 9, false, false, "p-big",
	  "p-big(+6) p-small(+3)" },
	/* A tie goes to process, then architecture, external, routine. */
	{ "ext big", CATEGORY_PROCESS, 6, false, false, "p-big",
	  "p-big(+6) e-big(+6)" },
	{ "ext arch dull", CATEGORY_ARCHITECTURE, 6, false, false, "a-big",
	  "a-big(+6) e-big(+6) r-big(+6)" },
	{ "ext dull", CATEGORY_EXTERNAL, 6, false, false, "e-big",
	  "e-big(+6) r-big(+6)" },
	/* The highest score wins, whatever the category. */
	{ "dull rflash ext minus", CATEGORY_ROUTINE, 7, false, false,
	  "r-big", "e-big(+6) e-minus(-4) r-big(+6) r-flash(+1)" },
	/* Negative weights pull a category under its threshold. */
	{ "ext minus", CATEGORY_NONE, 2, false, false, NULL,
	  "e-big(+6) e-minus(-4)" },
	{ "minus", CATEGORY_NONE, 0, false, false, NULL, "e-minus(-4)" },
	/* Breaking by rule, by score; never routine, none, confidential. */
	{ "ext flash", CATEGORY_EXTERNAL, 7, true, false, "e-big",
	  "e-big(+6) e-break(+1)" },
	{ "flash", CATEGORY_NONE, 1, false, false, NULL, "e-break(+1)" },
	{ "dull rflash", CATEGORY_ROUTINE, 7, false, false, "r-big",
	  "r-big(+6) r-flash(+1)" },
	{ "big huge", CATEGORY_PROCESS, 15, true, false, "p-big",
	  "p-big(+6) p-huge(+9)" },
	{ "big huge secret", CATEGORY_PROCESS, 15, false, true, "p-big",
	  "p-big(+6) p-huge(+9) secret(confidential)" },
	{ "ext flash secret", CATEGORY_EXTERNAL, 7, false, true, "e-big",
	  "e-big(+6) e-break(+1) secret(confidential)" },
	/* kind: the strongest fired rule of the winner that has one. */
	{ "huge small", CATEGORY_PROCESS, 12, true, false, "p-small",
	  "p-small(+3) p-huge(+9)" },
};

static void
test_verdicts(void)
{
	g_autoptr(GError) error = NULL;
	struct ruleset *ruleset = rules_parse("verdict.rules", verdict_rules,
	    &error);
	struct message *message;

	if (!ok(ruleset != NULL, "verdict rules parse")) {
		diag("%s", error->message);
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(verdict_cases); i++) {
		const struct verdict *verdict;

		message = message_new();
		verdict = &message->verdict;
		set_field(message, F_SUBJECT, verdict_cases[i].subject);
		classify_message(ruleset, message);
		ok(verdict->category == verdict_cases[i].category &&
		    verdict->score == verdict_cases[i].score &&
		    verdict->breaking == verdict_cases[i].breaking &&
		    verdict->confidential == verdict_cases[i].confidential,
		    "verdict \"%s\": %s %d%s%s", verdict_cases[i].subject,
		    verdict_category_name(verdict_cases[i].category),
		    verdict_cases[i].score,
		    verdict_cases[i].breaking ? " breaking" : "",
		    verdict_cases[i].confidential ? " confidential" : "");
		is_str(verdict->kind, verdict_cases[i].kind, "verdict \"%s\": "
		    "kind", verdict_cases[i].subject);
		is_str(verdict->reasons, verdict_cases[i].reasons,
		    "verdict \"%s\": reasons", verdict_cases[i].subject);
		message_free(message);
	}

	/* The configuration can override the file's breaking threshold,
	 * and classifying again replaces the old verdict. */
	message = message_new();
	set_field(message, F_SUBJECT, "big");
	rules_set_breaking_threshold(ruleset, 6);
	classify_message(ruleset, message);
	ok(message->verdict.breaking, "breaking threshold 6: score 6 breaks");
	rules_set_breaking_threshold(ruleset, 0);
	set_field(message, F_SUBJECT, "big huge");
	classify_message(ruleset, message);
	ok(!message->verdict.breaking && message->verdict.score == 15,
	    "breaking threshold off: score 15 does not break");
	message_free(message);
	rules_free(ruleset);
}

static const char guard_rules[] =
	"only-list  confidential - list-id word iesg-only\n"
	"only-to    confidential - to      word iesg-only@ietf.org\n"
	"sens       confidential - header:Sensitivity regex "
	"'(^|Sensitivity:) *private'\n"
	"secret-sub confidential - subject word secret\n"
	"exec       confidential - body phrase 'executive session'\n"
	"liaison    external     +8 subject phrase 'liaison statement' "
	"breaking\n";

/* Raw header blocks and whether the guard must call them confidential
 * although no parsed field is set. */
static const struct {
	const char *raw;
	bool confidential;
} raw_cases[] = {
	{ "List-Id IESG only <iesg-only.ietf.org>\nSubject: x\n\nhi\n", true },
	{ "To: (\n iesg-only@ietf.org\nFrom broken\n\nhi\n", true },
	{ "X-Junk: 1\r\nLIST-ID: <IESG-ONLY.IETF.ORG>\r\n\r\nhi\r\n", true },
	{ "Sensitivity: Private\n\n", true },
	{ "Subject: private matters\n\n", false },
	/* Only the header block counts. */
	{ "Subject: hello\n\nList-Id: <iesg-only.ietf.org>\n", false },
	{ "Subject: hello\r\n\r\nTo: iesg-only@ietf.org\r\n", false },
	/* Subject and body rules are not tried on raw headers. */
	{ "Subject: secret\n\n", false },
	{ "X-Note: executive session\n\n", false },
	/* No empty line: all of it is the header block. */
	{ "From: a@b\nList-Id: <iesg-only.ietf.org>", true },
	{ "", false },
};

static void
test_raw_headers(void)
{
	struct ruleset *ruleset = rules_parse("guard.rules", guard_rules,
	    NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(raw_cases); i++) {
		struct message *message = message_new();
		g_autofree char *shown = g_strescape(raw_cases[i].raw, NULL);

		message->raw = g_bytes_new(raw_cases[i].raw,
		    strlen(raw_cases[i].raw));
		set_field(message, F_SUBJECT, "New Liaison Statement, \"x\"");
		ok(confidential_check(ruleset, message) ==
		    raw_cases[i].confidential, "raw %zu: %s \"%s\"", i,
		    raw_cases[i].confidential ? "confidential" : "not",
		    shown);
		classify_message(ruleset, message);
		ok(message->verdict.confidential == raw_cases[i].confidential &&
		    message->verdict.breaking != raw_cases[i].confidential &&
		    message->verdict.category == CATEGORY_EXTERNAL,
		    "raw %zu: verdict agrees, still external, breaking only "
		    "if not confidential", i);
		message_free(message);
	}

	/* Parsed fields alone, no raw bytes at all. */
	{
		struct message *message = message_new();

		set_field(message, F_TEXT, "We will hold an Executive\n"
		    "Session on Thursday.");
		ok(confidential_check(ruleset, message),
		    "parsed body rule makes it confidential");
		classify_message(ruleset, message);
		is_str(message->verdict.reasons, "exec(confidential)",
		    "reasons name the confidential rule");
		message_free(message);
	}
	rules_free(ruleset);
}

#define AGENDA_HEAD \
	"INTERNET ENGINEERING STEERING GROUP (IESG)\n" \
	"1. Administrivia\n" \
	"1.1 Roll Call\n" \
	"5. IAB News We Can Use\n"
#define AGENDA_MGMT \
	"6. Management Issues\n" \
	"\n" \
	"6.1 Personnel matter: AD performance review\n" \
	"6.2 Retreat budget\n" \
	"\n"
#define AGENDA_TAIL \
	"7. Working Group News\n" \
	"\n" \
	"Text after section 7 stays.\n"

static const char redact_rules[] =
	"redact-section '^\\s*6\\.\\s+Management [Ii]ssues' '^\\s*7\\.\\s'\n"
	"redact-section '^\\s*4\\.\\s+PREVIOUS MINUTES'\n"
	"redact-section '^BEGIN SECRET' '^END SECRET'\n"
	"redact-section '^OTHER' '^END SECRET'\n"
	"mgmt confidential - body phrase 'personnel matter'\n";

static const struct {
	const char *name;
	const char *text;
	const char *want;	/* NULL: unchanged, not flagged */
} redact_cases[] = {
	{ "telechat agenda management section",
	  AGENDA_HEAD AGENDA_MGMT AGENDA_TAIL,
	  AGENDA_HEAD CONFIDENTIAL_MARKER "\n" AGENDA_TAIL },
	{ "section with no end runs to the end",
	  "intro\n  4.  PREVIOUS MINUTES\nsecret minutes\nmore\n",
	  "intro\n" CONFIDENTIAL_MARKER "\n" },
	{ "start on the last line, no newline",
	  "intro\n4. PREVIOUS MINUTES", "intro\n" CONFIDENTIAL_MARKER "\n" },
	{ "case-sensitive start",
	  "intro\n4. Previous minutes\nkept\n", NULL },
	{ "end line starts another section",
	  "a\nBEGIN SECRET\nx\nOTHER\ny\nEND SECRET\nb\n",
	  "a\n" CONFIDENTIAL_MARKER "\nEND SECRET\nb\n" },
	{ "two sections",
	  "a\nBEGIN SECRET\nx\nEND SECRET\nb\nOTHER\ny\nEND SECRET\nc\n",
	  "a\n" CONFIDENTIAL_MARKER "\nEND SECRET\nb\n" CONFIDENTIAL_MARKER
	  "\nEND SECRET\nc\n" },
	{ "the start line itself is not the end",
	  "BEGIN SECRET END SECRET\nx\nEND SECRET\n",
	  CONFIDENTIAL_MARKER "\nEND SECRET\n" },
	{ "CRLF lines",
	  "a\r\nBEGIN SECRET\r\nx\r\nEND SECRET\r\nb\r\n",
	  "a\r\n" CONFIDENTIAL_MARKER "\nEND SECRET\r\nb\r\n" },
	{ "nothing to withhold", "6.1 Management Issues elsewhere\n", NULL },
	{ "invalid UTF-8 around a section",
	  "\xff\nBEGIN SECRET\n\xfe\nEND SECRET\n",
	  "\xef\xbf\xbd\n" CONFIDENTIAL_MARKER "\nEND SECRET\n" },
};

static void
test_redaction(void)
{
	g_autoptr(GError) error = NULL;
	struct ruleset *ruleset = rules_parse("redact.rules", redact_rules,
	    &error);

	if (!ok(ruleset != NULL, "redaction rules parse")) {
		diag("%s", error->message);
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(redact_cases); i++) {
		struct message *message = message_new();
		const char *want = redact_cases[i].want != NULL ?
		    redact_cases[i].want : redact_cases[i].text;
		g_autofree char *again = NULL;

		set_field(message, F_TEXT, redact_cases[i].text);
		set_field(message, F_OWN, redact_cases[i].text);
		confidential_redact(ruleset, message);
		is_str(message->text, want, "redact: %s", redact_cases[i].name);
		is_str(message->own_text, want, "redact: %s (own text)",
		    redact_cases[i].name);
		ok(!(message->flags & MESSAGE_FLAG_REDACTED) ==
		    (redact_cases[i].want == NULL), "redact: %s: flag",
		    redact_cases[i].name);
		again = g_strdup(message->text);
		confidential_redact(ruleset, message);
		is_str(message->text, again, "redact: %s: idempotent",
		    redact_cases[i].name);
		message_free(message);
	}

	/* classify_message redacts first: withheld text matches no rule. */
	{
		struct message *message = message_new();

		set_field(message, F_TEXT, AGENDA_HEAD AGENDA_MGMT AGENDA_TAIL);
		classify_message(ruleset, message);
		ok(!message->verdict.confidential && (message->flags &
		    MESSAGE_FLAG_REDACTED) && strstr(message->text,
		    "Personnel") == NULL && strstr(message->text,
		    "Text after section 7 stays.") != NULL,
		    "classify: management section withheld before the rules "
		    "run, section 7 kept");
		message_free(message);
	}
	rules_free(ruleset);
}

/* rules_fold takes eight plain ASCII bytes at once where it can; on
 * random texts of the characters around that path's edges (case, '@',
 * '[', '`', '{', DEL, single and double spaces, other white space, NUL,
 * UTF-8 and invalid bytes) it must give what the byte-at-a-time fold
 * gives, with either case handling. */
static void
test_fold_eight_at_once(void)
{
	static const char *const pieces[] = {
		"The", "IAB", "iesg", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "@[`{~",
		"\x7f", "_", "Z", "a", " ", "  ", "\t", "\n", "\r\n", "\v",
		" \n ", "\xc3\xa9", "\xc2\xa0", "\xe2\x80\x83", "\xff",
		"\xc5\xbf", "\xe2\x84\xaa", "0123456789", ".", "-",
	};
	GRand *rand = g_rand_new_with_seed(20261123);
	unsigned differences = 0;

	for (unsigned round = 0; round < 5000; round++) {
		GString *text = g_string_new(NULL);
		int count = g_rand_int_range(rand, 1, 40);
		bool keep_case = round % 2;
		size_t fast_len, slow_len;
		bool fast_valid, slow_valid;
		char *fast, *slow;

		for (int k = 0; k < count; k++) {
			if (g_rand_int_range(rand, 0, 50) == 0)
				g_string_append_c(text, '\0');
			g_string_append(text, pieces[g_rand_int_range(rand, 0,
			    G_N_ELEMENTS(pieces))]);
		}
		fast = rules_fold(text->str, text->len, keep_case, &fast_len,
		    &fast_valid);
		slow = rules_fold_bytewise(text->str, text->len, keep_case,
		    &slow_len, &slow_valid);
		if ((fast_len != slow_len || memcmp(fast, slow, fast_len) != 0 ||
		    fast_valid != slow_valid) && differences++ < 3) {
			g_autofree char *shown = g_strescape(text->str, NULL);

			diag("fold differs on \"%s\" (keep_case %d)", shown,
			    keep_case);
		}
		g_free(fast);
		g_free(slow);
		g_string_free(text, TRUE);
	}
	is_int(differences, 0, "fold: eight bytes at once = byte by byte "
	    "(5000 random texts)");
	g_rand_free(rand);
}

/* The scanner cuts a long text into four overlapping parts: a literal
 * across any cut, at either end, or in an overlap is found as a search
 * of the whole text would find it, on random texts of many lengths. */
static void
test_scan_parts(void)
{
	static const char *const words[] = { "ab", "abc", "bca", "caab",
	    "liaison statement", "b", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz" };
	static const char alphabet[] = "abcz lisonemt";
	g_autoptr(GPtrArray) literals = g_ptr_array_new();
	GRand *rand = g_rand_new_with_seed(20261123);
	struct rules_scanner *scanner;
	unsigned wrong = 0, found = 0;
	guint8 bits[1];

	for (size_t i = 0; i < G_N_ELEMENTS(words); i++)
		g_ptr_array_add(literals, (char *)words[i]);
	scanner = rules_scanner_new(literals, NULL);
	for (unsigned round = 0; round < 4000; round++) {
		gsize len = (gsize)g_rand_int_range(rand, 0, 1200);
		char *text = g_malloc(len + 1);

		for (gsize i = 0; i < len; i++)
			text[i] = alphabet[g_rand_int_range(rand, 0,
			    (gint32)sizeof(alphabet) - 1)];
		/* Plant a long literal across a random point, often a cut. */
		if (len > 40) {
			const char *w = words[g_rand_int_range(rand, 4, 7)];
			gsize wl = strlen(w), at = round % 2
			    ? len / 4 * (gsize)g_rand_int_range(rand, 1, 4)
			    : (gsize)g_rand_int_range(rand, 0, (gint32)len);

			at = at >= wl / 2 ? at - wl / 2 : 0;
			if (at + wl <= len)
				memcpy(text + at, w, wl);
		}
		text[len] = '\0';
		rules_scanner_scan(scanner, text, len, bits);
		for (size_t i = 0; i < G_N_ELEMENTS(words); i++) {
			bool want = strstr(text, words[i]) != NULL;
			bool got = (bits[i / 8] >> (i % 8)) & 1;

			wrong += want != got;
			found += got;
		}
		g_free(text);
	}
	ok(wrong == 0 && found > 4000,
	    "scanning in four parts finds what a search of the whole finds"
	    " (%u found, %u wrong)", found, wrong);
	rules_scanner_free(scanner);
	g_rand_free(rand);
}

int
main(void)
{
	test_errors();
	test_all_errors_at_once();
	test_duplicate_directives();
	test_load();
	test_matching();
	test_scan_limit();
	test_scan_parts();
	test_literals();
	test_literal_bounds();
	test_fold_eight_at_once();
	test_prefilter_sound();
	test_invalid_utf8();
	test_verdicts();
	test_raw_headers();
	test_redaction();
	return done_testing();
}

/* rules.c: the rules file -> struct ruleset. Every bad line is reported,
 * then the whole ruleset is refused: a half-loaded rule set would silently
 * misfile mail. The format is documented at the top of config/rules.conf. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "log.h"
#include "rules.h"

#define RULE_SYNOPSIS "NAME CATEGORY WEIGHT WHERE MATCH PATTERN [OPTIONS]"
/* After this many bad lines the file is clearly not a rules file. */
#define RULES_ERRORS_MAX 100

static const char *const where_names[RULE_WHERE_COUNT] = {
	[RULE_WHERE_SUBJECT] = "subject", [RULE_WHERE_BODY] = "body",
	[RULE_WHERE_OWN] = "own", [RULE_WHERE_FROM] = "from",
	[RULE_WHERE_LIST_ID] = "list-id", [RULE_WHERE_TO] = "to",
	[RULE_WHERE_HEADER] = "header", [RULE_WHERE_ANY] = "any",
};

static const char *const match_names[] = {
	[RULE_MATCH_WORD] = "word", [RULE_MATCH_PHRASE] = "phrase",
	[RULE_MATCH_REGEX] = "regex",
};

/* The state of one parse: where we are and what went wrong so far. */
struct rules_parser {
	struct ruleset *ruleset;
	const char *name;
	unsigned line;
	GString *errors;
	unsigned error_count;
	GHashTable *names;		/* rule name -> first line */
	unsigned threshold_line[CATEGORY_COUNT];
	unsigned breaking_line;
};

static void G_GNUC_PRINTF(2, 3)
parser_error(struct rules_parser *parser, const char *format, ...)
{
	va_list ap;

	parser->error_count++;
	if (parser->error_count > RULES_ERRORS_MAX)
		return;
	if (parser->errors->len > 0)
		g_string_append_c(parser->errors, '\n');
	g_string_append_printf(parser->errors, "%s:%u: ", parser->name,
	    parser->line);
	va_start(ap, format);
	g_string_append_vprintf(parser->errors, format, ap);
	va_end(ap);
}

static void
rule_free(gpointer data)
{
	struct rule *rule = data;

	g_free(rule->name);
	g_free(rule->header);
	g_free(rule->pattern);
	g_free(rule->needle);
	if (rule->regex != NULL)
		g_regex_unref(rule->regex);
	rules_prefilter_clear(&rule->prefilter);
	g_free(rule->kind);
	g_free(rule);
}

static void
redaction_free(gpointer data)
{
	struct rules_redaction *redaction = data;

	if (redaction->start != NULL)
		g_regex_unref(redaction->start);
	rules_prefilter_clear(&redaction->prefilter);
	if (redaction->end != NULL)
		g_regex_unref(redaction->end);
	g_free(redaction);
}

void
rules_free(struct ruleset *ruleset)
{
	if (ruleset == NULL)
		return;
	g_free(ruleset->path);
	g_ptr_array_unref(ruleset->rules);
	g_ptr_array_unref(ruleset->literals);
	g_byte_array_unref(ruleset->literal_bounds);
	rules_scanner_free(ruleset->scanner);
	g_ptr_array_unref(ruleset->redactions);
	g_free(ruleset);
}

void
rules_set_breaking_threshold(struct ruleset *ruleset, int threshold)
{
	ruleset->breaking_threshold =
	    threshold > 0 ? threshold : RULES_BREAKING_OFF;
}

const char *
rules_where_name(enum rule_where where)
{
	if ((unsigned)where >= RULE_WHERE_COUNT)
		return "?";
	return where_names[where];
}

const char *
rules_match_name(enum rule_match match)
{
	if ((unsigned)match >= G_N_ELEMENTS(match_names))
		return "?";
	return match_names[match];
}

/* A decimal integer in [min, max] with an optional sign, nothing else. */
static bool
parse_int(const char *text, int min, int max, int *out)
{
	char *end;
	long value;

	if (!g_ascii_isdigit(text[0]) &&
	    !((text[0] == '+' || text[0] == '-') && g_ascii_isdigit(text[1])))
		return false;
	errno = 0;
	value = strtol(text, &end, 10);
	if (errno != 0 || *end != '\0' || value < min || value > max)
		return false;
	*out = (int)value;
	return true;
}

/* Letters, digits and the punctuation in extra; not empty. */
static bool
is_token(const char *text, const char *extra)
{
	if (*text == '\0')
		return false;
	for (; *text != '\0'; text++) {
		if (!g_ascii_isalnum(*text) && strchr(extra, *text) == NULL)
			return false;
	}
	return true;
}

/* A header field name as RFC 5322 allows it: printable ASCII but ':'. */
static bool
is_header_name(const char *text)
{
	if (*text == '\0')
		return false;
	for (; *text != '\0'; text++) {
		if (*text <= ' ' || *text >= 127 || *text == ':')
			return false;
	}
	return true;
}

static bool
parse_category(const char *text, struct rule *rule)
{
	if (strcmp(text, "confidential") == 0) {
		rule->confidential = true;
		rule->category = CATEGORY_NONE;
		return true;
	}
	return verdict_category_parse(text, &rule->category) &&
	    rule->category != CATEGORY_NONE;
}

static bool
parse_where(const char *text, struct rule *rule)
{
	if (g_str_has_prefix(text, "header:")) {
		if (!is_header_name(text + strlen("header:")))
			return false;
		rule->where = RULE_WHERE_HEADER;
		rule->header = g_strdup(text + strlen("header:"));
		return true;
	}
	for (size_t i = 0; i < RULE_WHERE_COUNT; i++) {
		if (i != RULE_WHERE_HEADER && strcmp(text, where_names[i]) == 0) {
			rule->where = (enum rule_where)i;
			return true;
		}
	}
	return false;
}

static bool
parse_match(const char *text, struct rule *rule)
{
	for (size_t i = 0; i < G_N_ELEMENTS(match_names); i++) {
		if (strcmp(text, match_names[i]) == 0) {
			rule->match = (enum rule_match)i;
			return true;
		}
	}
	return false;
}

/* Options come after the pattern and may be in any order. */
static bool
parse_options(struct rules_parser *parser, char **options, struct rule *rule)
{
	for (; *options != NULL; options++) {
		const char *option = *options;

		if (strcmp(option, "breaking") == 0) {
			if (rule->confidential) {
				parser_error(parser, "option breaking is not "
				    "allowed on a confidential rule");
				return false;
			}
			rule->breaking = true;
		} else if (strcmp(option, "case") == 0) {
			rule->case_sensitive = true;
		} else if (g_str_has_prefix(option, "kind=")) {
			const char *kind = option + strlen("kind=");

			if (!is_token(kind, "-_")) {
				parser_error(parser, "bad kind \"%s\" (expected "
				    "letters, digits, - and _)", kind);
				return false;
			}
			g_free(rule->kind);
			rule->kind = g_ascii_strdown(kind, -1);
		} else {
			parser_error(parser, "unknown option \"%s\" (expected "
			    "breaking, case or kind=LABEL)", option);
			return false;
		}
	}
	return true;
}

/* Offset just past the character class that starts at pattern[i] ('['),
 * or strlen(pattern) when it is not closed. */
static size_t
skip_class(const char *pattern, size_t i)
{
	i++;
	if (pattern[i] == '^')
		i++;
	if (pattern[i] == ']')
		i++;			/* a leading ] is literal */
	while (pattern[i] != '\0' && pattern[i] != ']') {
		if (pattern[i] == '\\' && pattern[i + 1] != '\0') {
			i += 2;
		} else if (pattern[i] == '[' && pattern[i + 1] == ':') {
			const char *end = strstr(pattern + i + 2, ":]");

			i = end != NULL ? (size_t)(end - pattern) + 2 : i + 1;
		} else {
			i++;
		}
	}
	return pattern[i] == ']' ? i + 1 : i;
}

/* Body text is wrapped, so in a regex a plain space stands for any run of
 * white space, as in a phrase: " " -> \s+, " *" -> \s*, " ?" -> \s?.
 * Escaped spaces, spaces in classes and patterns using \Q or (?x) are left
 * alone. Caller frees. */
static char *
regex_spaces(const char *pattern)
{
	GString *out;
	size_t i = 0;

	if (strstr(pattern, "\\Q") != NULL || strstr(pattern, "(?x") != NULL)
		return g_strdup(pattern);
	out = g_string_new(NULL);
	while (pattern[i] != '\0') {
		if (pattern[i] == '\\' && pattern[i + 1] != '\0') {
			g_string_append_len(out, pattern + i, 2);
			i += 2;
		} else if (pattern[i] == '[') {
			size_t end = skip_class(pattern, i);

			g_string_append_len(out, pattern + i, (gssize)(end - i));
			i = end;
		} else if (pattern[i] == ' ') {
			while (pattern[i] == ' ')
				i++;
			g_string_append(out, "\\s");
			if (strchr("*+?{", pattern[i]) == NULL ||
			    pattern[i] == '\0')
				g_string_append_c(out, '+');
		} else {
			g_string_append_c(out, pattern[i++]);
		}
	}
	return g_string_free(out, FALSE);
}

/* Word and phrase patterns become needles folded like the text they are
 * searched in; regexes are compiled here, once. */
static bool
prepare_pattern(struct rules_parser *parser, struct rule *rule)
{
	g_autoptr(GError) regex_error = NULL;
	g_autofree char *trimmed = g_strstrip(g_strdup(rule->pattern));
	g_autofree char *spaced = NULL;
	GRegexCompileFlags flags = G_REGEX_OPTIMIZE | G_REGEX_MULTILINE;

	if (trimmed[0] == '\0') {
		parser_error(parser, "empty pattern");
		return false;
	}
	switch (rule->match) {
	case RULE_MATCH_WORD:
	case RULE_MATCH_PHRASE:
		if (rule->match == RULE_MATCH_WORD &&
		    strpbrk(trimmed, " \t\r\n\f\v") != NULL) {
			parser_error(parser, "word pattern \"%s\" contains "
			    "white space (use phrase)", rule->pattern);
			return false;
		}
		/* With "case", only white space is normalized. */
		rule->needle = rules_fold(trimmed, strlen(trimmed),
		    rule->case_sensitive, &rule->needle_len, NULL);
		return true;
	case RULE_MATCH_REGEX:
		if (!rule->case_sensitive)
			flags |= G_REGEX_CASELESS;
		spaced = regex_spaces(rule->pattern);
		rule->regex = g_regex_new(spaced, flags, 0, &regex_error);
		if (rule->regex == NULL) {
			parser_error(parser, "bad regex \"%s\": %s",
			    rule->pattern, regex_error->message);
			return false;
		}
		rules_literals(spaced, &rule->prefilter);
		return true;
	}
	g_assert_not_reached();
}

/* Names the first missing column of a short rule line. */
static void
report_incomplete(struct rules_parser *parser, int argc)
{
	static const char *const columns[] = { "NAME", "CATEGORY", "WEIGHT",
		"WHERE", "MATCH", "PATTERN" };

	if (argc == 5)
		parser_error(parser, "missing pattern (expected "
		    RULE_SYNOPSIS ")");
	else
		parser_error(parser, "incomplete rule: missing %s (expected "
		    RULE_SYNOPSIS ")", columns[argc]);
}

/* NAME CATEGORY WEIGHT WHERE MATCH PATTERN [OPTIONS]; the first problem
 * found is the one reported for the line. */
static struct rule *
parse_rule(struct rules_parser *parser, int argc, char **argv)
{
	struct rule *rule = g_new0(struct rule, 1);
	gpointer first;

	rule->line = parser->line;
	if (argc < 6) {
		report_incomplete(parser, argc);
		goto fail;
	}
	if (!is_token(argv[0], "-_.")) {
		parser_error(parser, "bad rule name \"%s\" (expected letters, "
		    "digits, -, _ and .)", argv[0]);
		goto fail;
	}
	rule->name = g_strdup(argv[0]);
	if (!parse_category(argv[1], rule)) {
		parser_error(parser, "unknown category \"%s\" (expected "
		    "process, architecture, external, routine or "
		    "confidential)", argv[1]);
		goto fail;
	}
	if (rule->confidential) {
		if (strcmp(argv[2], "-") != 0) {
			parser_error(parser, "bad weight \"%s\" (expected - "
			    "for a confidential rule)", argv[2]);
			goto fail;
		}
	} else if (!parse_int(argv[2], -RULES_WEIGHT_MAX, RULES_WEIGHT_MAX,
	    &rule->weight)) {
		parser_error(parser, "bad weight \"%s\" (expected a signed "
		    "integer from -%d to +%d)", argv[2], RULES_WEIGHT_MAX,
		    RULES_WEIGHT_MAX);
		goto fail;
	}
	if (!parse_where(argv[3], rule)) {
		parser_error(parser, "unknown WHERE \"%s\" (expected subject, "
		    "body, own, from, list-id, to, header:NAME or any)",
		    argv[3]);
		goto fail;
	}
	if (!parse_match(argv[4], rule)) {
		parser_error(parser, "unknown MATCH \"%s\" (expected word, "
		    "phrase or regex)", argv[4]);
		goto fail;
	}
	rule->pattern = g_strdup(argv[5]);
	if (!parse_options(parser, argv + 6, rule) ||
	    !prepare_pattern(parser, rule))
		goto fail;
	if (g_hash_table_lookup_extended(parser->names, rule->name, NULL,
	    &first)) {
		parser_error(parser, "duplicate rule name \"%s\" (first "
		    "defined on line %u)", rule->name, GPOINTER_TO_UINT(first));
		goto fail;
	}
	g_hash_table_insert(parser->names, g_strdup(rule->name),
	    GUINT_TO_POINTER(parser->line));
	return rule;
fail:
	rule_free(rule);
	return NULL;
}

/* threshold CATEGORY N */
static void
parse_threshold(struct rules_parser *parser, int argc, char **argv)
{
	enum verdict_category category;
	int value;

	if (argc != 3 || !verdict_category_parse(argv[1], &category) ||
	    category == CATEGORY_NONE ||
	    !parse_int(argv[2], 1, G_MAXINT - 1, &value)) {
		parser_error(parser, "expected threshold CATEGORY N (CATEGORY "
		    "one of process, architecture, external, routine; N a "
		    "positive integer)");
		return;
	}
	if (parser->threshold_line[category] != 0) {
		parser_error(parser, "duplicate threshold for %s (first set "
		    "on line %u)", argv[1], parser->threshold_line[category]);
		return;
	}
	parser->threshold_line[category] = parser->line;
	parser->ruleset->thresholds[category] = value;
}

/* breaking-threshold N */
static void
parse_breaking_threshold(struct rules_parser *parser, int argc, char **argv)
{
	int value;

	if (argc != 2 || !parse_int(argv[1], 1, G_MAXINT - 1, &value)) {
		parser_error(parser, "expected breaking-threshold N (N a "
		    "positive integer)");
		return;
	}
	if (parser->breaking_line != 0) {
		parser_error(parser, "duplicate breaking-threshold (first set "
		    "on line %u)", parser->breaking_line);
		return;
	}
	parser->breaking_line = parser->line;
	parser->ruleset->breaking_threshold = value;
}

static GRegex *
compile_section_regex(struct rules_parser *parser, const char *pattern)
{
	g_autoptr(GError) regex_error = NULL;
	GRegex *regex;

	/* Multi-line: ^ and $ match at every line (see confidential.c). */
	regex = g_regex_new(pattern, G_REGEX_OPTIMIZE | G_REGEX_MULTILINE, 0,
	    &regex_error);
	if (regex == NULL)
		parser_error(parser, "redact-section: bad regex \"%s\": %s",
		    pattern, regex_error->message);
	return regex;
}

/* redact-section START-REGEX [END-REGEX] */
static void
parse_redact_section(struct rules_parser *parser, int argc, char **argv)
{
	struct rules_redaction *redaction;

	if (argc != 2 && argc != 3) {
		parser_error(parser, "expected redact-section START-REGEX "
		    "[END-REGEX]");
		return;
	}
	redaction = g_new0(struct rules_redaction, 1);
	redaction->line = parser->line;
	redaction->start = compile_section_regex(parser, argv[1]);
	if (redaction->start != NULL)
		rules_literals(argv[1], &redaction->prefilter);
	if (redaction->start != NULL && argc == 3)
		redaction->end = compile_section_regex(parser, argv[2]);
	if (redaction->start == NULL || (argc == 3 && redaction->end == NULL)) {
		redaction_free(redaction);
		return;
	}
	g_ptr_array_add(parser->ruleset->redactions, redaction);
}

static void
parse_line(struct rules_parser *parser, const char *line)
{
	g_autoptr(GError) shell_error = NULL;
	g_auto(GStrv) argv = NULL;
	const char *p = line;
	int argc;

	while (g_ascii_isspace(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return;
	if (!g_utf8_validate(line, -1, NULL)) {
		parser_error(parser, "invalid UTF-8");
		return;
	}
	if (!g_shell_parse_argv(line, &argc, &argv, &shell_error)) {
		parser_error(parser, "bad quoting: %s", shell_error->message);
		return;
	}
	if (strcmp(argv[0], "threshold") == 0) {
		parse_threshold(parser, argc, argv);
	} else if (strcmp(argv[0], "breaking-threshold") == 0) {
		parse_breaking_threshold(parser, argc, argv);
	} else if (strcmp(argv[0], "redact-section") == 0) {
		parse_redact_section(parser, argc, argv);
	} else {
		struct rule *rule = parse_rule(parser, argc, argv);

		if (rule != NULL)
			g_ptr_array_add(parser->ruleset->rules, rule);
	}
}

static struct ruleset *
ruleset_new(const char *name)
{
	struct ruleset *ruleset = g_new0(struct ruleset, 1);

	ruleset->path = g_strdup(name);
	ruleset->rules = g_ptr_array_new_with_free_func(rule_free);
	ruleset->literals = g_ptr_array_new_with_free_func(g_free);
	ruleset->literal_bounds = g_byte_array_new();
	ruleset->redactions = g_ptr_array_new_with_free_func(redaction_free);
	for (size_t i = 0; i < CATEGORY_COUNT; i++)
		ruleset->thresholds[i] = RULES_DEFAULT_THRESHOLD;
	ruleset->breaking_threshold = RULES_BREAKING_OFF;
	return ruleset;
}

/* The id of literal with bounds in ruleset->literals, added if new. ids
 * is keyed by the bounds as a digit, then the literal. */
static guint
literal_id(struct ruleset *ruleset, GHashTable *ids, const char *literal,
    guint8 bounds)
{
	g_autofree char *key = g_strdup_printf("%u%s", bounds, literal);
	gpointer found;

	if (g_hash_table_lookup_extended(ids, key, NULL, &found))
		return GPOINTER_TO_UINT(found);
	g_ptr_array_add(ruleset->literals, g_strdup(literal));
	g_byte_array_append(ruleset->literal_bounds, &bounds, 1);
	g_hash_table_insert(ids, g_steal_pointer(&key),
	    GUINT_TO_POINTER(ruleset->literals->len - 1));
	return ruleset->literals->len - 1;
}

static void
set_ids(struct ruleset *ruleset, GHashTable *ids,
    struct rules_prefilter *prefilter)
{
	if (prefilter->literals == NULL)
		return;
	prefilter->ids = g_new(guint, g_strv_length(prefilter->literals));
	for (guint j = 0; prefilter->literals[j] != NULL; j++)
		prefilter->ids[j] = literal_id(ruleset, ids,
		    prefilter->literals[j], prefilter->bounds[j]);
}

/* Every needle (lower-cased: presence in the folded text is a necessary
 * condition even for "case" rules) and every prefilter literal gets an
 * id; one automaton then finds them all in a field at once. */
static void
build_scanner(struct ruleset *ruleset)
{
	GHashTable *ids = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);

	for (guint i = 0; i < ruleset->rules->len; i++) {
		struct rule *rule = g_ptr_array_index(ruleset->rules, i);

		if (rule->match != RULE_MATCH_REGEX) {
			g_autofree char *lower = rules_fold(rule->needle,
			    rule->needle_len, false, NULL, NULL);

			rule->needle_id = literal_id(ruleset, ids, lower, 0);
		} else {
			set_ids(ruleset, ids, &rule->prefilter);
		}
	}
	for (guint i = 0; i < ruleset->redactions->len; i++) {
		struct rules_redaction *redaction =
		    g_ptr_array_index(ruleset->redactions, i);

		set_ids(ruleset, ids, &redaction->prefilter);
	}
	g_hash_table_unref(ids);
	ruleset->scanner = rules_scanner_new(ruleset->literals,
	    ruleset->literal_bounds->data);
}

struct ruleset *
rules_parse(const char *name, const char *text, GError **error)
{
	struct rules_parser parser = { 0 };
	const char *line = text;

	parser.ruleset = ruleset_new(name);
	parser.name = name;
	parser.errors = g_string_new(NULL);
	parser.names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
	    NULL);
	while (*line != '\0') {
		const char *newline = strchr(line, '\n');
		size_t len = newline != NULL ? (size_t)(newline - line)
		    : strlen(line);
		g_autofree char *copy = NULL;

		parser.line++;
		if (len > 0 && line[len - 1] == '\r')
			len--;
		copy = g_strndup(line, len);
		parse_line(&parser, copy);
		if (newline == NULL)
			break;
		line = newline + 1;
	}
	g_hash_table_unref(parser.names);
	if (parser.error_count > RULES_ERRORS_MAX)
		g_string_append_printf(parser.errors, "\n%s: %u more errors "
		    "not shown", name, parser.error_count - RULES_ERRORS_MAX);
	if (parser.error_count > 0) {
		g_set_error_literal(error, LB_ERROR, LB_ERROR_CONFIG,
		    parser.errors->str);
		g_string_free(parser.errors, TRUE);
		rules_free(parser.ruleset);
		return NULL;
	}
	g_string_free(parser.errors, TRUE);
	build_scanner(parser.ruleset);
	log_debug(LOG_AREA_CLASSIFY, "%s: %u rules, %u literals, %u "
	    "redactions", name, parser.ruleset->rules->len,
	    parser.ruleset->literals->len, parser.ruleset->redactions->len);
	return parser.ruleset;
}

struct ruleset *
rules_load(const char *path, GError **error)
{
	g_autoptr(GError) read_error = NULL;
	g_autofree char *text = NULL;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, &read_error)) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG, "%s: %s", path,
		    read_error->message);
		return NULL;
	}
	if (len > RULES_FILE_MAX) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s: larger than %d bytes: not a rules file", path,
		    RULES_FILE_MAX);
		return NULL;
	}
	if (memchr(text, '\0', len) != NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s: contains NUL bytes: not a rules file", path);
		return NULL;
	}
	return rules_parse(path, text, error);
}

/* rules_literal.c: the literals a regular expression cannot match without.
 *
 * Running ninety regexes over every body costs far more than looking for
 * a few plain strings, so each regex rule gets a prefilter: up to
 * GROUPS_MAX groups of lower-case strings such that every text the regex
 * matches contains a string of each group ('\b(ICANN|SSAC)\b' -> {icann,
 * ssac}; 'the IAB' -> {the} and {iab}). The rule's regex only runs when
 * the folded text passes. A \b next to a literal's first or last letter
 * is kept as a bound on it ("pti" in "option" does not count for
 * '\bPTI\b'): most of the regex time went on texts where a short
 * literal occurred only inside longer words. A pattern this small parser does not
 * understand gives no prefilter: the regex always runs. Wrong answers here
 * would silently drop matches, so anything unusual is "unknown". */
#include <string.h>

#include "rules.h"

#define SET_MAX 64		/* strings in a set */
#define STRING_MAX 64		/* bytes in one string */
#define DEPTH_MAX 32		/* group nesting */
#define GROUPS_MAX 4		/* sets all required at once */
/* Stands for \b inside the strings built here; rules_literals turns the
 * ones at a string's ends into bounds (rules.h) and drops the rest. The
 * pattern's own characters are all printable (plain_char). */
#define BOUND '\x01'

/* What is known about the text one regex node matches. */
struct facts {
	GPtrArray *exact;	/* it is exactly one of these (lower case) */
	GPtrArray *all;		/* sets of strings: it contains one string
				   of each set */
	bool space;		/* \s: white space, folded to one space */
};

struct scan {
	const char *p;
	bool failed;		/* give up: no prefilter */
	unsigned depth;
};

static GPtrArray *
set_new(void)
{
	return g_ptr_array_new_with_free_func(g_free);
}

static GPtrArray *
set_of(const char *string)
{
	GPtrArray *set = set_new();

	g_ptr_array_add(set, g_strdup(string));
	return set;
}

static void
set_free(GPtrArray *set)
{
	if (set != NULL)
		g_ptr_array_unref(set);
}

static GPtrArray *
set_copy(const GPtrArray *set)
{
	GPtrArray *copy = set_new();

	for (guint i = 0; i < set->len; i++)
		g_ptr_array_add(copy, g_strdup(g_ptr_array_index(set, i)));
	return copy;
}

static void
facts_clear(struct facts *facts)
{
	set_free(facts->exact);
	if (facts->all != NULL)
		g_ptr_array_unref(facts->all);
	facts->exact = facts->all = NULL;
}

/* How unlikely a string is to occur by chance in English mail: longer,
 * and made of rarer characters, is better. */
static unsigned
rarity(const char *string)
{
	unsigned score = 0;

	for (; *string != '\0'; string++) {
		char c = *string;

		if (c == BOUND)
			continue;
		if (strchr("etaoinsrhl", c) != NULL)
			score += 1;
		else if (g_ascii_islower(c) || g_ascii_isdigit(c))
			score += strchr("vkjxqz", c) != NULL ? 3 : 2;
		else
			score += 3;
	}
	return score;
}

/* Bytes of string but its BOUND marks. */
static size_t
text_length(const char *string)
{
	size_t n = 0;

	for (; *string != '\0'; string++)
		n += *string != BOUND;
	return n;
}

/* A set is as selective as its most common string. */
static unsigned
set_score(const GPtrArray *set)
{
	unsigned weakest = G_MAXUINT;

	for (guint i = 0; i < set->len; i++) {
		const char *string = g_ptr_array_index(set, i);

		weakest = MIN(weakest, text_length(string) < 2 ? 0
		    : rarity(string));
	}
	return set->len == 0 ? 0 : weakest;
}

static gint
compare_sets(gconstpointer a, gconstpointer b)
{
	const GPtrArray *left = *(GPtrArray *const *)a;
	const GPtrArray *right = *(GPtrArray *const *)b;
	unsigned x = set_score(left), y = set_score(right);

	if (x != y)
		return x > y ? -1 : 1;
	return (int)left->len - (int)right->len;
}

static GPtrArray *
groups_new(void)
{
	return g_ptr_array_new_with_free_func((GDestroyNotify)set_free);
}

/* string as a required literal: white space at its ends goes (the folded
 * text has none at its own ends), and so does every BOUND mark but one
 * directly before its first or after its last character when that is a
 * word character: there \b means a non-word character (or the text's
 * end) next to it. Elsewhere a \b says nothing rules_scan.c checks. */
static char *
literal_of(const char *string)
{
	GString *text = g_string_new(NULL);
	GArray *bound_before = g_array_new(FALSE, TRUE, sizeof(bool));
	bool marked = false, start, end;
	size_t first, last;

	for (const char *p = string; *p != '\0'; p++) {
		if (*p == BOUND) {
			marked = true;
			continue;
		}
		/* A \b between two spaces can never hold; keep one space. */
		if (*p == ' ' && text->len > 0 &&
		    text->str[text->len - 1] == ' ') {
			marked = false;
			continue;
		}
		g_array_append_val(bound_before, marked);
		g_string_append_c(text, *p);
		marked = false;
	}
	g_array_append_val(bound_before, marked);
	first = 0;
	last = text->len;
	while (first < last && text->str[first] == ' ')
		first++;
	while (last > first && text->str[last - 1] == ' ')
		last--;
	start = last > first && rules_ascii_word((guchar)text->str[first]) &&
	    g_array_index(bound_before, bool, first);
	end = last > first && rules_ascii_word((guchar)text->str[last - 1]) &&
	    g_array_index(bound_before, bool, last);
	g_array_unref(bound_before);
	g_string_truncate(text, last);
	g_string_erase(text, 0, (gssize)first);
	if (start)
		g_string_prepend_c(text, BOUND);
	if (end)
		g_string_append_c(text, BOUND);
	return g_string_free(text, FALSE);
}

/* Adds a copy of set to groups if it says something. */
static void
groups_add(GPtrArray *groups, const GPtrArray *set)
{
	GPtrArray *copy;

	if (set == NULL)
		return;
	copy = set_new();
	for (guint i = 0; i < set->len; i++)
		g_ptr_array_add(copy, literal_of(g_ptr_array_index(set, i)));
	if (set_score(copy) > 0)
		g_ptr_array_add(groups, copy);
	else
		set_free(copy);
}

/* Keeps the GROUPS_MAX most selective sets, best first. */
static GPtrArray *
groups_trim(GPtrArray *groups)
{
	g_ptr_array_sort(groups, compare_sets);
	if (groups->len > GROUPS_MAX)
		g_ptr_array_set_size(groups, GROUPS_MAX);
	if (groups->len == 0) {
		g_ptr_array_unref(groups);
		return NULL;
	}
	return groups;
}

/* Every a + b; NULL when the result would be too large. */
static GPtrArray *
set_product(const GPtrArray *left, const GPtrArray *right)
{
	GPtrArray *product;

	if ((size_t)left->len * right->len > SET_MAX)
		return NULL;
	product = set_new();
	for (guint i = 0; i < left->len; i++) {
		for (guint j = 0; j < right->len; j++) {
			const char *a = g_ptr_array_index(left, i);
			const char *b = g_ptr_array_index(right, j);
			size_t a_len = strlen(a);

			if (text_length(a) + text_length(b) > STRING_MAX) {
				set_free(product);
				return NULL;
			}
			/* Adjacent white space folds into one space, and
			 * two \b in a row say no more than one. */
			if (a_len > 0 && (a[a_len - 1] == ' ' ||
			    a[a_len - 1] == BOUND) && *b == a[a_len - 1])
				b++;
			g_ptr_array_add(product, g_strconcat(a, b, NULL));
		}
	}
	return product;
}

/* Adds all of from to into; false when too large. */
static bool
set_union(GPtrArray *into, const GPtrArray *from)
{
	if (into->len + from->len > SET_MAX)
		return false;
	for (guint i = 0; i < from->len; i++)
		g_ptr_array_add(into, g_strdup(g_ptr_array_index(from, i)));
	return true;
}

static void parse_alternation(struct scan *scan, struct facts *out);

/* A character the folded text holds as itself, lower-cased: printable
 * ASCII but white space (folded into single spaces). */
static bool
plain_char(unsigned char c)
{
	return c > ' ' && c < 127;
}

static void
exact_char(struct facts *out, char c)
{
	char string[2] = { g_ascii_tolower(c), '\0' };

	out->exact = set_of(string);
}

static void
zero_width(struct facts *out)
{
	out->exact = set_of("");
}

/* After a backslash. */
static void
parse_escape(struct scan *scan, struct facts *out)
{
	char c = *scan->p;

	if (c == '\0') {
		scan->failed = true;
		return;
	}
	scan->p++;
	if (c == 'b') {
		out->exact = set_of((char[]){ BOUND, '\0' });
	} else if (strchr("BAzZGK", c) != NULL) {
		zero_width(out);
	} else if (c == 's') {
		/* Folding turns any run of white space into one space. */
		out->exact = set_of(" ");
		out->space = true;
	} else if (c == 'x' && g_ascii_isxdigit(scan->p[0]) &&
	    g_ascii_isxdigit(scan->p[1])) {
		char value = (char)(g_ascii_xdigit_value(scan->p[0]) * 16 +
		    g_ascii_xdigit_value(scan->p[1]));

		scan->p += 2;
		if (plain_char((unsigned char)value))
			exact_char(out, value);
	} else if (c == 'Q' || c == 'E' || c == 'g' || c == 'k' ||
	    c == 'c' || c == 'o' || c == 'x' || g_ascii_isdigit(c)) {
		scan->failed = true;	/* rare: do not guess */
	} else if (c == 'p' || c == 'P' || c == 'N') {
		if (*scan->p == '{') {
			const char *end = strchr(scan->p, '}');

			if (end == NULL)
				scan->failed = true;
			else
				scan->p = end + 1;
		} else if (*scan->p != '\0' && c != 'N') {
			scan->p++;
		}
	} else if (!g_ascii_isalnum(c) && plain_char((unsigned char)c)) {
		exact_char(out, c);	/* \. \- \/ ... */
	}
	/* \d \w \s \h \v \R \X \n \t ...: nothing known */
}

/* [...]: exact when it lists only a few plain characters ([Ii], [sz]);
 * negations, ranges, escapes and named classes tell nothing. */
static void
parse_class(struct scan *scan, struct facts *out)
{
	GPtrArray *chars = set_new();
	bool plain = true;

	if (*scan->p == '^') {
		plain = false;
		scan->p++;
	}
	if (*scan->p == ']') {		/* a leading ] is a member */
		plain = false;
		scan->p++;
	}
	while (*scan->p != '\0' && *scan->p != ']') {
		char c = *scan->p++;
		char string[2] = { g_ascii_tolower(c), '\0' };
		bool seen = false;

		if (c == '\\' || c == '[' || c == '-' ||
		    !plain_char((unsigned char)c)) {
			plain = false;
			if (c == '\\' && *scan->p != '\0')
				scan->p++;
			if (c == '[' && *scan->p == ':') {
				const char *end = strstr(scan->p, ":]");

				if (end != NULL)
					scan->p = end + 2;
			}
			continue;
		}
		for (guint i = 0; i < chars->len; i++)
			seen |= strcmp(g_ptr_array_index(chars, i), string) == 0;
		if (!seen)
			g_ptr_array_add(chars, g_strdup(string));
	}
	if (*scan->p != ']') {
		scan->failed = true;
		set_free(chars);
		return;
	}
	scan->p++;
	if (plain && chars->len > 0 && chars->len <= 4)
		out->exact = chars;
	else
		set_free(chars);
}

/* After "(": the kind of group decides what its content tells. */
static void
parse_group(struct scan *scan, struct facts *out)
{
	bool lookaround = false;

	if (++scan->depth > DEPTH_MAX) {
		scan->failed = true;
		return;
	}
	if (scan->p[0] == '*') {
		scan->failed = true;	/* (*VERB) */
		return;
	}
	if (scan->p[0] == '?') {
		const char *q = scan->p + 1;

		if (*q == '#') {	/* comment */
			const char *end = strchr(q, ')');

			if (end == NULL) {
				scan->failed = true;
				return;
			}
			scan->p = end + 1;
			scan->depth--;
			zero_width(out);
			return;
		}
		if (*q == ':' || *q == '|' || *q == '>') {
			scan->p = q + 1;
		} else if (*q == '=' || *q == '!') {
			lookaround = true;
			scan->p = q + 1;
		} else if (*q == '<' && (q[1] == '=' || q[1] == '!')) {
			lookaround = true;
			scan->p = q + 2;
		} else if (*q == '<' || *q == '\'' || (*q == 'P' &&
		    q[1] == '<')) {
			const char *end = strpbrk(q + 1, ">'");

			if (end == NULL) {
				scan->failed = true;
				return;
			}
			scan->p = end + 1;
		} else {
			/* Options: (?i) (?-i) (?i:...); anything else fails,
			 * and so does x, where spaces and # change meaning. */
			while (*q == '-' || g_ascii_isalpha(*q)) {
				if (*q == 'x')
					scan->failed = true;
				q++;
			}
			if (scan->failed)
				return;
			if (*q == ')') {
				scan->p = q + 1;
				scan->depth--;
				zero_width(out);
				return;
			}
			if (*q != ':') {
				scan->failed = true;
				return;
			}
			scan->p = q + 1;
		}
	}
	parse_alternation(scan, out);
	if (*scan->p != ')') {
		scan->failed = true;
		return;
	}
	scan->p++;
	scan->depth--;
	if (lookaround) {
		facts_clear(out);
		zero_width(out);
	}
}

/* One atom: a character, escape, class, group, dot or anchor. */
static void
parse_atom(struct scan *scan, struct facts *out)
{
	char c = *scan->p++;

	switch (c) {
	case '\\':
		parse_escape(scan, out);
		break;
	case '[':
		parse_class(scan, out);
		break;
	case '(':
		parse_group(scan, out);
		break;
	case '^':
	case '$':
		zero_width(out);
		break;
	case '.':
		break;
	default:
		if (plain_char((unsigned char)c))
			exact_char(out, c);
		else if ((unsigned char)c >= 0x80)
			while (((unsigned char)*scan->p & 0xc0) == 0x80)
				scan->p++;	/* the rest of the character */
		break;
	}
}

/* A quantifier after an atom, if any: returns its minimum count (1 when
 * there is none); *optional says it is ? (zero or one). */
static unsigned
parse_quantifier(struct scan *scan, bool *present, bool *optional)
{
	unsigned minimum = 1;

	*present = true;
	*optional = *scan->p == '?';
	switch (*scan->p) {
	case '*':
	case '?':
		minimum = 0;
		scan->p++;
		break;
	case '+':
		scan->p++;
		break;
	case '{':
		/* {n} {n,} {n,m}; anything else with a brace is unusual
		 * enough (and PCRE versions differ on it) to give up */
		if (!g_ascii_isdigit(scan->p[1])) {
			scan->failed = true;
			return 0;
		}
		minimum = (unsigned)g_ascii_strtoull(scan->p + 1, NULL, 10);
		scan->p++;
		while (g_ascii_isdigit(*scan->p))
			scan->p++;
		if (*scan->p == ',')
			scan->p++;
		while (g_ascii_isdigit(*scan->p))
			scan->p++;
		if (*scan->p != '}') {
			scan->failed = true;
			return 0;
		}
		scan->p++;
		break;
	default:
		*present = false;
		return 1;
	}
	if (*scan->p == '?' || *scan->p == '+')
		scan->p++;		/* lazy, possessive */
	return minimum;
}

/* Atoms in sequence: adjacent exact pieces are multiplied out into longer
 * strings; each such run and each atom's own groups are all required. */
static void
parse_sequence(struct scan *scan, struct facts *out)
{
	GPtrArray *run = set_of("");
	GPtrArray *groups = groups_new();
	bool all_exact = true;

	while (!scan->failed && *scan->p != '\0' && *scan->p != '|' &&
	    *scan->p != ')') {
		struct facts atom = { 0 };
		GPtrArray *joined = NULL;
		unsigned minimum;
		bool quantified, optional;

		parse_atom(scan, &atom);
		minimum = parse_quantifier(scan, &quantified, &optional);
		if (optional && atom.exact != NULL &&
		    atom.exact->len < SET_MAX) {
			/* x? is exactly x or nothing: "leaks?" -> {leak,
			 * leaks}, and the run goes on. */
			if (atom.all != NULL)
				g_ptr_array_unref(atom.all);
			atom.all = NULL;
			g_ptr_array_add(atom.exact, g_strdup(""));
		} else if (quantified && minimum == 0) {
			facts_clear(&atom);
		} else if (quantified && atom.space) {
			/* \s+ is still one space once folded */
		} else if (quantified && atom.exact != NULL) {
			/* x+ or x{2,}: x occurs, but the whole is not exact */
			if (atom.all == NULL) {
				atom.all = groups_new();
				groups_add(atom.all, atom.exact);
			}
			set_free(atom.exact);
			atom.exact = NULL;
		}
		if (atom.exact != NULL)
			joined = set_product(run, atom.exact);
		if (joined != NULL) {
			set_free(run);
			run = joined;
		} else {
			/* The run ends here. */
			all_exact = false;
			groups_add(groups, run);
			set_free(run);
			run = atom.exact != NULL ? set_copy(atom.exact)
			    : set_of("");
			for (guint i = 0; atom.all != NULL &&
			    i < atom.all->len; i++)
				groups_add(groups, g_ptr_array_index(atom.all, i));
		}
		facts_clear(&atom);
	}
	groups_add(groups, run);
	out->exact = all_exact ? run : (set_free(run), NULL);
	out->all = groups_trim(groups);
}

/* The best single set a branch offers, or NULL. Borrowed. */
static const GPtrArray *
branch_best(const struct facts *branch)
{
	const GPtrArray *best = NULL;

	if (branch->all != NULL)
		best = g_ptr_array_index(branch->all, 0);
	if (branch->exact != NULL && set_score(branch->exact) > 0 &&
	    (best == NULL || set_score(branch->exact) >= set_score(best)))
		best = branch->exact;
	return best;
}

/* Branches: one of them matches, so only what every branch offers is
 * known: the union of each branch's best set. */
static void
parse_alternation(struct scan *scan, struct facts *out)
{
	GPtrArray *exact = set_new();
	GPtrArray *either = set_new();
	bool exact_ok = true, either_ok = true;
	unsigned branches = 0;
	struct facts first = { 0 };

	for (;;) {
		struct facts branch = { 0 };
		const GPtrArray *best;

		parse_sequence(scan, &branch);
		best = branch_best(&branch);
		exact_ok = exact_ok && branch.exact != NULL &&
		    set_union(exact, branch.exact);
		either_ok = either_ok && best != NULL &&
		    set_union(either, best);
		if (branches++ == 0)
			first = branch;
		else
			facts_clear(&branch);
		if (scan->failed || *scan->p != '|')
			break;
		scan->p++;
	}
	if (branches == 1) {		/* not an alternation after all */
		*out = first;
		set_free(exact);
		set_free(either);
		return;
	}
	facts_clear(&first);
	out->exact = exact_ok ? exact : (set_free(exact), NULL);
	out->all = groups_new();
	if (either_ok)
		groups_add(out->all, either);
	set_free(either);
	out->all = groups_trim(out->all);
}

bool
rules_literals(const char *pattern, struct rules_prefilter *prefilter)
{
	struct scan scan = { .p = pattern };
	struct facts facts = { 0 };
	GPtrArray *literals;
	GArray *group_of;
	GByteArray *bounds;

	memset(prefilter, 0, sizeof(*prefilter));
	parse_alternation(&scan, &facts);
	if (scan.failed || *scan.p != '\0' || facts.all == NULL) {
		facts_clear(&facts);
		return false;
	}
	literals = g_ptr_array_new();
	group_of = g_array_new(FALSE, FALSE, sizeof(guint));
	bounds = g_byte_array_new();
	for (guint g = 0; g < facts.all->len; g++) {
		const GPtrArray *set = g_ptr_array_index(facts.all, g);

		for (guint i = 0; i < set->len; i++) {
			const char *string = g_ptr_array_index(set, i);
			size_t len = strlen(string);
			guint8 bound = 0;

			if (string[0] == BOUND) {
				bound |= RULES_BOUND_START;
				string++;
				len--;
			}
			if (len > 0 && string[len - 1] == BOUND) {
				bound |= RULES_BOUND_END;
				len--;
			}
			g_ptr_array_add(literals, g_strndup(string, len));
			g_array_append_val(group_of, g);
			g_byte_array_append(bounds, &bound, 1);
		}
	}
	g_ptr_array_add(literals, NULL);
	prefilter->groups = facts.all->len;
	prefilter->group = (guint *)g_array_free(group_of, FALSE);
	prefilter->bounds = g_byte_array_free(bounds, FALSE);
	prefilter->literals = (char **)g_ptr_array_free(literals, FALSE);
	facts_clear(&facts);
	return true;
}

void
rules_prefilter_clear(struct rules_prefilter *prefilter)
{
	g_strfreev(prefilter->literals);
	g_free(prefilter->group);
	g_free(prefilter->bounds);
	g_free(prefilter->ids);
	memset(prefilter, 0, sizeof(*prefilter));
}

bool
rules_prefilter_passes(const struct rules_prefilter *prefilter,
    const char *folded, size_t len)
{
	guint found = 0;

	if (prefilter->literals == NULL)
		return true;
	for (guint i = 0; prefilter->literals[i] != NULL; i++) {
		if (memmem(folded, len, prefilter->literals[i],
		    strlen(prefilter->literals[i])) != NULL)
			found |= 1u << prefilter->group[i];
	}
	return found == (1u << prefilter->groups) - 1;
}

/* rules_scan.c: text as the matcher sees it (folded), and which of the
 * ruleset's literals occur in it: an Aho-Corasick automaton over every
 * word and phrase needle and every regex prefilter literal
 * (rules_literal.c), built once per ruleset as a table-driven DFA over
 * byte classes.
 *
 * With a hundred rules, a memmem() per literal per field costs more than
 * the rest of classification together; one pass costs the same however
 * many rules there are. The pass is a chain of dependent table loads, so
 * a long text is cut into four overlapping parts scanned side by side:
 * the CPU then has four loads in flight instead of one.
 *
 * A literal with bounds (a regex's \b next to its first or last letter)
 * is reported only where no ASCII word character touches it on that
 * side. Only ASCII counts as "word" here: PCRE's idea of a word
 * character beyond ASCII (letters and digits, not marks, in this
 * version) is left to the regex itself, so a bound can only ever be too
 * lenient. Folding keeps ASCII letters and digits what they were, and
 * makes nothing else into one but letters (K from the Kelvin sign, s from
 * long s), which were word characters already. */
#include <string.h>

#include "rules.h"

/* Above this the table would not fit a cache; matching then falls back to
 * one memmem() per literal. Transitions are 16 bits, the top one saying
 * that the target state reports literals. */
#define SCAN_STATES_MAX 32767
#define SCAN_OUTPUT 0x8000

struct rules_scanner {
	guint8 classes[256];	/* byte -> column; 0: no literal has it */
	guint columns;
	guint shift;		/* rows are 1 << shift columns wide */
	guint states;
	guint16 *next;		/* [state << shift | column], SCAN_OUTPUT */
	guint *output;		/* first literal ending here, or G_MAXUINT */
	GArray *chain;		/* literal ids: output lists, G_MAXUINT ends */
	guint *suffix;		/* next state down the failure chain with
				   output, or 0 */
	guint literal_count;
	gsize longest;		/* bytes of the longest literal */
	guint8 *bounds;		/* RULES_BOUND_* per literal, or NULL */
	guint *length;		/* bytes of each literal, with bounds */
};

/* The trie being built: sparse, one child list per state. */
struct trie_state {
	GArray *edges;		/* guint: column << 16 | child */
	GArray *ends;		/* guint: literal ids ending here */
	guint fail;
};

static guint
trie_child(const struct trie_state *state, guint column)
{
	for (guint i = 0; i < state->edges->len; i++) {
		guint edge = g_array_index(state->edges, guint, i);

		if (edge >> 16 == column)
			return edge & 0xffff;
	}
	return 0;
}

static guint
trie_add_state(GArray *trie)
{
	struct trie_state state = {
		.edges = g_array_new(FALSE, FALSE, sizeof(guint)),
		.ends = g_array_new(FALSE, FALSE, sizeof(guint)),
	};

	g_array_append_val(trie, state);
	return trie->len - 1;
}

static void
trie_free(GArray *trie)
{
	for (guint i = 0; i < trie->len; i++) {
		struct trie_state *state = &g_array_index(trie,
		    struct trie_state, i);

		g_array_unref(state->edges);
		g_array_unref(state->ends);
	}
	g_array_unref(trie);
}

/* The sparse trie of all literals; false when it grows too large. */
static bool
build_trie(struct rules_scanner *scanner, GPtrArray *literals, GArray *trie)
{
	trie_add_state(trie);			/* the root, state 0 */
	for (guint id = 0; id < literals->len; id++) {
		const guint8 *p = g_ptr_array_index(literals, id);
		guint state = 0;

		for (; *p != '\0'; p++) {
			guint column = scanner->classes[*p];
			guint child = trie_child(&g_array_index(trie,
			    struct trie_state, state), column);

			if (child == 0) {
				guint edge;

				if (trie->len >= SCAN_STATES_MAX)
					return false;
				child = trie_add_state(trie);
				edge = column << 16 | child;
				g_array_append_val(g_array_index(trie,
				    struct trie_state, state).edges, edge);
			}
			state = child;
		}
		g_array_append_val(g_array_index(trie, struct trie_state,
		    state).ends, id);
	}
	return true;
}

/* Breadth first: failure links, then the full transition table. */
static void
build_table(struct rules_scanner *scanner, GArray *trie)
{
	guint *queue = g_new(guint, trie->len);
	guint head = 0, tail = 0;

	scanner->states = trie->len;
	scanner->next = g_new0(guint16, (gsize)trie->len << scanner->shift);
	scanner->output = g_new(guint, trie->len);
	scanner->suffix = g_new0(guint, trie->len);
	queue[tail++] = 0;
	while (head < tail) {
		guint state = queue[head++];
		struct trie_state *node = &g_array_index(trie,
		    struct trie_state, state);
		guint16 *row = scanner->next + ((gsize)state << scanner->shift);
		const guint16 *fail_row = scanner->next +
		    ((gsize)node->fail << scanner->shift);

		for (guint column = 0; column < scanner->columns; column++) {
			guint child = trie_child(node, column);

			if (child == 0) {
				row[column] = state == 0 ? 0 : fail_row[column];
				continue;
			}
			row[column] = (guint16)child;
			g_array_index(trie, struct trie_state, child).fail =
			    state == 0 ? 0 : fail_row[column];
			queue[tail++] = child;
		}
		/* Output: this state's own ends, then the nearest state down
		 * the failure chain that has any. */
		scanner->output[state] = G_MAXUINT;
		if (node->ends->len > 0) {
			guint end = G_MAXUINT;

			scanner->output[state] = scanner->chain->len;
			g_array_append_vals(scanner->chain, node->ends->data,
			    node->ends->len);
			g_array_append_val(scanner->chain, end);
		}
		if (state != 0) {
			guint fail = node->fail;

			scanner->suffix[state] =
			    scanner->output[fail] != G_MAXUINT ? fail
			    : scanner->suffix[fail];
		}
	}
	g_free(queue);
	/* Flag the transitions into states that report something, so the
	 * scan loop needs no other lookup. */
	for (gsize i = 0; i < ((gsize)trie->len << scanner->shift); i++) {
		guint target = scanner->next[i];

		if (scanner->output[target] != G_MAXUINT ||
		    scanner->suffix[target] != 0)
			scanner->next[i] |= SCAN_OUTPUT;
	}
}

struct rules_scanner *
rules_scanner_new(GPtrArray *literals, const guint8 *bounds)
{
	struct rules_scanner *scanner = g_new0(struct rules_scanner, 1);
	GArray *trie = g_array_new(FALSE, FALSE, sizeof(struct trie_state));

	scanner->literal_count = literals->len;
	scanner->columns = 1;
	for (guint id = 0; bounds != NULL && id < literals->len; id++) {
		if (bounds[id] == 0)
			continue;
		if (scanner->bounds == NULL) {
			scanner->bounds = g_memdup2(bounds, literals->len);
			scanner->length = g_new(guint, literals->len);
		}
		scanner->length[id] = (guint)strlen(
		    g_ptr_array_index(literals, id));
	}
	for (guint id = 0; id < literals->len; id++) {
		const guint8 *p = g_ptr_array_index(literals, id);

		scanner->longest = MAX(scanner->longest,
		    strlen((const char *)p));
		for (; *p != '\0'; p++) {
			if (scanner->classes[*p] == 0)
				scanner->classes[*p] = (guint8)scanner->columns++;
		}
	}
	while ((1u << scanner->shift) < scanner->columns)
		scanner->shift++;
	scanner->chain = g_array_new(FALSE, FALSE, sizeof(guint));
	if (!build_trie(scanner, literals, trie)) {
		trie_free(trie);
		rules_scanner_free(scanner);
		return NULL;
	}
	build_table(scanner, trie);
	trie_free(trie);
	return scanner;
}

void
rules_scanner_free(struct rules_scanner *scanner)
{
	if (scanner == NULL)
		return;
	g_free(scanner->next);
	g_free(scanner->output);
	g_free(scanner->suffix);
	g_free(scanner->bounds);
	g_free(scanner->length);
	g_array_unref(scanner->chain);
	g_free(scanner);
}

gsize
rules_scanner_bits_size(const struct rules_scanner *scanner)
{
	return (scanner->literal_count + 7) / 8;
}

/* Does the literal id, ending with the byte at last, keep its bounds in
 * the text [start, end)? */
static bool
within_bounds(const struct rules_scanner *scanner, guint id,
    const guint8 *last, const guint8 *start, const guint8 *end)
{
	guint8 bounds = scanner->bounds[id];
	const guint8 *first = last + 1 - scanner->length[id];

	if ((bounds & RULES_BOUND_START) && first > start &&
	    rules_ascii_word(first[-1]))
		return false;
	return !(bounds & RULES_BOUND_END) || last + 1 == end ||
	    !rules_ascii_word(last[1]);
}

/* Reports the literals that end at state, its byte being at last. */
static void
mark(const struct rules_scanner *scanner, guint state, guint8 *bits,
    const guint8 *last, const guint8 *start, const guint8 *end)
{
	for (; state != 0; state = scanner->suffix[state]) {
		const guint *id;

		if (scanner->output[state] == G_MAXUINT)
			continue;
		id = &g_array_index(scanner->chain, guint,
		    scanner->output[state]);
		for (; *id != G_MAXUINT; id++) {
			if (scanner->bounds != NULL && scanner->bounds[*id] &&
			    !within_bounds(scanner, *id, last, start, end))
				continue;
			bits[*id / 8] |= (guint8)(1u << (*id % 8));
		}
	}
}

/* What folding makes of each ASCII byte, lower-casing or keeping case:
 * white space becomes a space (a run of it one space), NUL stays.
 * Non-ASCII takes the slow path (where Unicode white space, like the
 * no-break space of HTML mail, is found too). */
static guint8 fold_lower[128], fold_keep[128];

static void
fold_tables_init(void)
{
	static gsize done;

	if (!g_once_init_enter(&done))
		return;
	for (unsigned c = 1; c < 128; c++) {
		bool space = c == ' ' || (c >= '\t' && c <= '\r');

		fold_keep[c] = space ? ' ' : (guint8)c;
		fold_lower[c] = space ? ' ' : (guint8)g_ascii_tolower((char)c);
	}
	g_once_init_leave(&done, 1);
}

/* One non-ASCII character (or invalid byte) at p, written to out as
 * folded, or as white space after what is there already. Returns where
 * the next character starts; *written is how many bytes were added. */
static const guchar *
fold_high(const guchar *p, const guchar *end, bool keep_case, char *out,
    size_t n, size_t *written, bool *valid)
{
	const guchar *next;
	gunichar u = g_utf8_get_char_validated((const char *)p, end - p);

	*written = 0;
	if (u >= 0x110000) {
		*valid = false;
		out[n] = (char)*p;	/* not UTF-8: kept as is */
		*written = 1;
		return p + 1;
	}
	next = (const guchar *)g_utf8_next_char(p);
	/* All that PCRE's \s matches (it runs with Unicode properties) must
	 * fold into a space, or a prefilter literal with a space could
	 * miss. */
	if (u == 0x85 || u == 0x180e || g_unichar_isspace(u)) {
		if (n > 0 && out[n - 1] != ' ') {
			out[n] = ' ';
			*written = 1;
		}
	} else if (keep_case) {
		memcpy(out + n, p, (size_t)(next - p));
		*written = (size_t)(next - p);
	} else {
		/* PCRE's caseless matching pairs s with long s. */
		u = u == 0x17f ? 's' : g_unichar_tolower(u);
		*written = (size_t)g_unichar_to_utf8(u, out + n);
	}
	return next;
}

/* The automaton's tables, copied out of the struct so that the compiler
 * keeps them in registers (stores through char pointers could otherwise
 * alias the struct and force reloads). */
struct stepper {
	const struct rules_scanner *scanner;
	const guint16 *next;
	const guint8 *classes;
	guint shift;
	guint8 *bits;
	const guint8 *start, *end;	/* the whole text */
};

/* The byte at p through the automaton. */
static inline __attribute__((always_inline)) guint
step(const struct stepper *stepper, guint state, const guint8 *p)
{
	guint16 to = stepper->next[state << stepper->shift |
	    stepper->classes[*p]];

	state = to & ~SCAN_OUTPUT;
	if (G_UNLIKELY(to & SCAN_OUTPUT))
		mark(stepper->scanner, state, stepper->bits, p,
		    stepper->start, stepper->end);
	return state;
}

/* Eight bytes of plain ASCII text at once, as SWAR (SIMD within a 64-bit
 * register): printable characters and single spaces, no space after
 * white space already written. Writes them folded to out and says whether
 * the last was a space; false, and nothing written, for anything else
 * (control characters and other white space, a second space, non-ASCII),
 * which the byte-at-a-time path handles. Most of a mail's text is such
 * runs: folding them costs a few operations per eight bytes instead of a
 * table load and store per byte. */
static inline bool
fold_eight(const guchar *p, bool keep_case, bool after_space, char *out,
    bool *last_space)
{
	const guint64 ones = G_GUINT64_CONSTANT(0x0101010101010101);
	const guint64 highs = ones * 0x80, low7 = ones * 0x7f;
	guint64 v, t, spaces;

	memcpy(&v, p, sizeof(v));
	if (v & highs)
		return false;			/* non-ASCII */
	/* b + 0x60 keeps the high bit clear only for b < 0x20; no byte of
	 * an ASCII word carries into the next. */
	if (~(v + ones * (0x80 - 0x20)) & highs)
		return false;			/* control, tab, newline */
	t = v ^ (ones * ' ');			/* spaces become zero bytes */
	spaces = ~(((t & low7) + low7) | t) & highs;
	if ((spaces & (spaces << 8)) || (after_space && (spaces & 0x80)))
		return false;			/* a second space */
	if (!keep_case)			/* 'A'..'Z' get 0x20 */
		v |= ((v + ones * (0x80 - 'A')) &
		    ~(v + ones * (0x80 - 'Z' - 1)) & highs) >> 2;
	memcpy(out, &v, sizeof(v));
	*last_space = (spaces >> 56) != 0;
	return true;
}

static char *
fold(const char *text, size_t len, bool keep_case, bool eight_at_once,
    size_t *out_len, bool *valid)
{
	/* Lower case can take more bytes than upper (U+023A -> U+2C65). */
	char *out = g_malloc(len * 2 + 1);
	const guchar *p = (const guchar *)text, *end = p + len;
	const guint8 *table = keep_case ? fold_keep : fold_lower;
	bool is_valid = true;
	bool after_space = true;	/* or at the start: no space here */
	size_t n = 0;

	fold_tables_init();
	while (p < end) {
		const guchar *stop;

		if (eight_at_once && end - p >= 8 && G_BYTE_ORDER ==
		    G_LITTLE_ENDIAN && fold_eight(p, keep_case, after_space,
		    out + n, &after_space)) {
			p += 8;
			n += 8;
			continue;
		}
		/* Byte by byte up to the next eight, and without a branch on
		 * white space, which no predictor guesses: the byte is always
		 * written, and kept unless it is a second space. */
		for (stop = MIN(p + 8, end); p < stop;) {
			guchar c = *p;
			guint8 folded;
			bool space;

			if (G_UNLIKELY(c >= 0x80)) {
				size_t written;

				p = fold_high(p, end, keep_case, out, n,
				    &written, &is_valid);
				n += written;
				after_space = n == 0 || out[n - 1] == ' ';
				continue;
			}
			folded = table[c];
			space = folded == ' ';
			out[n] = (char)folded;
			n += !(space & after_space);
			after_space = space;
			p++;
		}
	}
	if (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	if (out_len != NULL)
		*out_len = n;
	if (valid != NULL)
		*valid = is_valid;
	return out;
}

char *
rules_fold(const char *text, size_t len, bool keep_case, size_t *out_len,
    bool *valid)
{
	return fold(text, len, keep_case, true, out_len, valid);
}

char *
rules_fold_bytewise(const char *text, size_t len, bool keep_case,
    size_t *out_len, bool *valid)
{
	return fold(text, len, keep_case, false, out_len, valid);
}

/* Below this a text is scanned in one part. */
#define SCAN_SPLIT_MIN 256

void
rules_scanner_scan(const struct rules_scanner *scanner, const char *text,
    size_t len, guint8 *bits)
{
	const struct stepper stepper = {
		.scanner = scanner,
		.next = scanner->next,
		.classes = scanner->classes,
		.shift = scanner->shift,
		.bits = bits,
		.start = (const guint8 *)text,
		.end = (const guint8 *)text + len,
	};
	const guint8 *p = (const guint8 *)text;
	/* Each part after the first starts this far before its share, so
	 * a literal ending in its share is seen whole; one seen by two
	 * parts sets its bit twice. */
	size_t overlap = scanner->longest > 0 ? scanner->longest - 1 : 0;
	size_t quarter = len / 4, run, i;
	guint s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	const guint8 *p1, *p2, *p3;

	memset(bits, 0, rules_scanner_bits_size(scanner));
	if (len < SCAN_SPLIT_MIN || quarter < 2 * overlap) {
		for (i = 0; i < len; i++)
			s0 = step(&stepper, s0, p + i);
		return;
	}
	/* Parts [0, q + o), [q - o, 2q), [2q - o, 3q), [3q - o, len). */
	run = quarter + overlap;
	p1 = p + quarter - overlap;
	p2 = p + 2 * quarter - overlap;
	p3 = p + 3 * quarter - overlap;
	for (i = 0; i < run; i++) {
		s0 = step(&stepper, s0, p + i);
		s1 = step(&stepper, s1, p1 + i);
		s2 = step(&stepper, s2, p2 + i);
		s3 = step(&stepper, s3, p3 + i);
	}
	for (i = 4 * quarter; i < len; i++)
		s3 = step(&stepper, s3, p + i);
}

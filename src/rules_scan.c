/* rules_scan.c: which of the ruleset's literals occur in a text, in one
 * pass: an Aho-Corasick automaton over every word and phrase needle and
 * every regex prefilter literal (rules_literal.c), built once per ruleset
 * as a table-driven DFA over byte classes.
 *
 * With a hundred rules, a memmem() per literal per field costs more than
 * the rest of classification together; one pass costs the same however
 * many rules there are. */
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
rules_scanner_new(GPtrArray *literals)
{
	struct rules_scanner *scanner = g_new0(struct rules_scanner, 1);
	GArray *trie = g_array_new(FALSE, FALSE, sizeof(struct trie_state));

	scanner->literal_count = literals->len;
	scanner->columns = 1;
	for (guint id = 0; id < literals->len; id++) {
		for (const guint8 *p = g_ptr_array_index(literals, id);
		    *p != '\0'; p++) {
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
	g_array_unref(scanner->chain);
	g_free(scanner);
}

gsize
rules_scanner_bits_size(const struct rules_scanner *scanner)
{
	return (scanner->literal_count + 7) / 8;
}

static void
mark(const struct rules_scanner *scanner, guint state, guint8 *bits)
{
	for (; state != 0; state = scanner->suffix[state]) {
		const guint *id;

		if (scanner->output[state] == G_MAXUINT)
			continue;
		id = &g_array_index(scanner->chain, guint,
		    scanner->output[state]);
		for (; *id != G_MAXUINT; id++)
			bits[*id / 8] |= (guint8)(1u << (*id % 8));
	}
}

void
rules_scanner_scan(const struct rules_scanner *scanner, const char *text,
    size_t len, guint8 *bits)
{
	const guint16 *next = scanner->next;
	const guint8 *classes = scanner->classes;
	const guint shift = scanner->shift;
	const guint8 *p = (const guint8 *)text, *end = p + len;
	guint state = 0;

	memset(bits, 0, rules_scanner_bits_size(scanner));
	while (p < end) {
		guint16 to = next[state << shift | classes[*p++]];

		state = to & ~SCAN_OUTPUT;
		if (G_UNLIKELY(to & SCAN_OUTPUT))
			mark(scanner, state, bits);
	}
}

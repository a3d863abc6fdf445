/* fuzz_filter.c: libFuzzer target for filter_rewrite. On any bytes, with a
 * fixed verdict: the output minus our X-Liaison-* lines is the input minus
 * every X-Liaison-* header (continuation lines included) of its header
 * block, except that an input ending inside its header block without a
 * newline gets one before ours. The first byte chooses --explain. */
#include <stdint.h>
#include <string.h>

#include "filter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Independent of filter.c on purpose: a second reading of the contract. */
static bool
fuzz_is_liaison(const char *p, size_t n)
{
	static const char prefix[] = "x-liaison-";

	return n > sizeof(prefix) - 1 &&
	    g_ascii_strncasecmp(p, prefix, sizeof(prefix) - 1) == 0;
}

/* Copies text without the header block's X-Liaison-* fields. Sets
 * *header_end to where the header block stops in the copy, and
 * *needs_eol when the text ends inside the header block without '\n'. */
static GString *
fuzz_strip(const char *text, size_t len, size_t *header_end, bool *needs_eol)
{
	GString *out = g_string_new(NULL);
	size_t i = 0;
	bool dropping = false;

	*needs_eol = false;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t next = nl ? (size_t)(nl - text) + 1 : len;
		size_t n = next - i;

		if ((n == 1 && text[i] == '\n') ||
		    (n == 2 && text[i] == '\r' && text[i + 1] == '\n'))
			break;
		if (text[i] == ' ' || text[i] == '\t') {
			if (!dropping)
				g_string_append_len(out, text + i, (gssize)n);
		} else {
			dropping = fuzz_is_liaison(text + i, n);
			if (!dropping)
				g_string_append_len(out, text + i, (gssize)n);
		}
		i = next;
	}
	*header_end = out->len;
	if (out->len > 0 && out->str[out->len - 1] != '\n')
		*needs_eol = true;
	g_string_append_len(out, text + i, (gssize)(len - i));
	return out;
}

/* Removes the X-Liaison-* lines (and their tab-folded continuations)
 * that start at offset at in s: those are ours. */
static void
fuzz_remove_ours(GString *s, size_t at)
{
	size_t i = at;

	while (i < s->len) {
		const char *nl = memchr(s->str + i, '\n', s->len - i);
		size_t next = nl ? (size_t)(nl - s->str) + 1 : s->len;

		if (!fuzz_is_liaison(s->str + i, next - i) &&
		    !(i > at && s->str[i] == '\t'))
			break;
		i = next;
	}
	g_assert(i > at);	/* ours are always there */
	g_string_erase(s, (gssize)at, (gssize)(i - at));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct verdict verdict = {
		.category = CATEGORY_PROCESS, .score = 12, .breaking = true,
		.reasons = (char *)"rule-a(+8) rule\r\nb(+4)",
	};
	bool explain = size > 0 && (data[0] & 1);
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GString) want = NULL;
	size_t header_end;
	bool needs_eol;

	filter_rewrite((const char *)data, size, &verdict, explain, out);
	want = fuzz_strip((const char *)data, size, &header_end, &needs_eol);
	if (needs_eol) {
		/* The newline filter adds is the message's own kind. */
		const char *nl = memchr(data, '\n', size);
		bool crlf = nl && nl > (const char *)data && nl[-1] == '\r';

		g_string_insert(want, (gssize)header_end, crlf ? "\r\n" : "\n");
		header_end += crlf ? 2 : 1;
	}
	fuzz_remove_ours(out, header_end);
	g_assert(out->len == want->len);
	g_assert(memcmp(out->str, want->str, out->len) == 0);
	return 0;
}

/* fuzz_mbox.c: libFuzzer target for the mbox splitter. On any bytes:
 * every span lies inside the buffer and inside its own stretch, each call
 * makes progress, the stretches from_line..next tile the whole input, and
 * unquoting never grows a message or leaves a line that is no longer a
 * line of the span. */
#include <stdint.h>
#include <string.h>

#include "mbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Only lines that were ">+From " lose their first byte. */
static void
fuzz_check_unquote(const char *text, const struct mbox_span *span)
{
	g_autoptr(GBytes) bytes = mbox_unquote(text, span);
	gsize len;
	const char *out = g_bytes_get_data(bytes, &len);
	size_t span_len = span->end - span->start;

	g_assert(len <= span_len);
	if (!span->quoted)
		return;
	g_assert(len < span_len);
	/* The last byte stays the last byte: lines are kept whole. */
	if (len > 0)
		g_assert(out[len - 1] == text[span->end - 1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	size_t offset = 0, line = 1, covered = 0, count = 0;
	struct mbox_span span;

	while (mbox_next(text, size, &offset, &line, &span)) {
		/* Tiles: this one starts where the previous one stopped. */
		g_assert(span.from_line == covered);
		g_assert(offset > span.from_line);	/* progress */
		g_assert(offset <= size);
		g_assert(span.from_line <= span.start);
		g_assert(span.start <= span.end);
		g_assert(span.end <= offset);
		/* A separator line really is one. */
		if (span.start > span.from_line)
			g_assert(span.start - span.from_line >= 5 &&
			    memcmp(text + span.from_line, "From ", 5) == 0);
		/* Only the separator's newline is dropped at the end. */
		g_assert(offset - span.end <= 2);
		g_assert(span.line >= 1);
		fuzz_check_unquote(text, &span);
		covered = offset;
		g_assert(++count <= size);
	}
	g_assert(covered == size);
	g_assert(offset == size || size == 0);
	return 0;
}

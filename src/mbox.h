/* mbox.h: splitting an mbox (mboxo or mboxrd, LF or CRLF) into messages.
 * Pure functions over a buffer, so they can be fuzzed on their own. */
#ifndef LIAISONBOT_MBOX_H
#define LIAISONBOT_MBOX_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

/* One message inside the buffer. */
struct mbox_span {
	size_t from_line;	/* offset of its "From " line */
	size_t start;		/* first byte after the From_ line */
	size_t end;		/* one past its last byte (separator dropped) */
	size_t line;		/* 1-based line number of the From_ line */
	bool quoted;		/* has ">From " lines to unquote */
	gint64 arrival;		/* date on the From_ line, or 0 */
};

/* Finds the message starting at or after *offset. A separator is a line
 * starting "From " at the start of the buffer or after an empty line, or
 * a complete From_ line with its date anywhere (some writers leave out
 * the empty line; an unquoted "From " line of text is not taken for one).
 * Text before the first separator (not an mbox, or junk) is reported as a
 * span with from_line == start, so nothing is silently skipped. *line
 * tracks line numbers across calls (start it at 1). Returns false at the
 * end of the buffer. */
bool mbox_next(const char *data, size_t len, size_t *offset, size_t *line,
    struct mbox_span *span);

/* The span's bytes with one '>' removed from each ">+From " line
 * (mboxrd; harmless for mboxo). */
GBytes *mbox_unquote(const char *data, const struct mbox_span *span);

#endif

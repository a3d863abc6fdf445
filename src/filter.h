/* filter.h: a message with X-Liaison-* verdict headers, otherwise byte
 * for byte as received (for procmail and Sieve filters). */
#ifndef LIAISONBOT_FILTER_H
#define LIAISONBOT_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#include "message.h"

/* Writes raw to out with every X-Liaison-* header (and its continuation
 * lines) removed, so a sender cannot forge one, and ours added at the end
 * of the header block, in the message's own line ending (CRLF or LF).
 * Everything else is copied unchanged. */
void filter_rewrite(const char *raw, size_t len, const struct verdict *verdict,
    bool explain, GString *out);

#endif

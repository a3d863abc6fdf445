/* draft.h: a draft as a proper MIME message, built with GMime:
 * multipart/alternative (text + HTML), UTF-8, encoded headers, a stable
 * Message-ID derived from the draft's identity. */
#ifndef LIAISONBOT_DRAFT_H
#define LIAISONBOT_DRAFT_H

#include <stdbool.h>

#include <glib.h>

struct draft_headers {
	const char *from;	/* "Name <addr>" */
	char **to;		/* NULL-terminated */
	const char *reply_to;	/* or NULL */
	const char *subject;	/* cleaned of control characters here too */
	const char *message_id;	/* without <> */
	gint64 date;
	const char *kind;	/* "digest" or "breaking": X-Liaison-Draft */
};

/* The Message-ID for a draft identity ("digest:2026-11-16T18:00Z/..."):
 * the same identity always gives the same id, so a resend after a crash
 * is recognisable. Domain from from's address. Caller frees. */
char *draft_message_id(const char *identity, const char *from);

/* The complete RFC 5322 message (CRLF line ends). html may be NULL for
 * a text-only draft. Caller frees with g_bytes_unref. */
GBytes *draft_build(const struct draft_headers *headers, const char *text,
    const char *html, GError **error);

/* The address inside "Name <addr>" or a bare address; NULL if none.
 * Caller frees. */
char *draft_address_of(const char *mailbox);

#endif

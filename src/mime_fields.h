/* mime_fields.h: the top-level header block of a message split into
 * fields without GMime, when it is plain enough that doing so cannot
 * differ from GMime's parser.
 *
 * List mail carries some 40 header fields (Received, DKIM, ARC, X-Spam
 * ...) that liaisonbot only copies; GMime makes a GObject of each and
 * that was a third of the cost of a parse. mime.c reads a plain block with
 * this and lets GMime parse only the Content-* fields and the body. */
#ifndef LIAISONBOT_MIME_FIELDS_H
#define LIAISONBOT_MIME_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

/* One header field, pointing into the message. */
struct mime_field {
	const char *name;	/* before the colon */
	size_t name_len;
	const char *value;	/* after the colon up to and with the line
				   end of its last line: GMime's raw value */
	size_t value_len;
	bool encoded;		/* value has "=?" (RFC 2047 words maybe) or
				   8-bit UTF-8: needs GMime's decoder */
	bool eight_bit;		/* value has bytes beyond ASCII */
	bool content;		/* a Content-* field */
};

/* Splits the header block at the start of data into fields (struct
 * mime_field, appended to fields) if it is plain: every line a field
 * ("Name:" with a name of printable ASCII, no blank before the colon) or
 * a continuation (a blank, then something that is not blank), no control
 * characters but tab (CR only before LF), values ASCII or UTF-8, ended by
 * an empty line,
 * with at least one field and none of RFC 5322's single fields (From,
 * Date, Message-ID ...) twice. Then GMime would warn of nothing in it and
 * would read the same fields. *blank is the offset of the empty line.
 * False otherwise: the caller lets GMime parse the whole message. */
bool mime_fields_scan(const char *data, size_t len, GArray *fields,
    size_t *blank);

#endif

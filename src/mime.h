/* mime.h: GMime -> struct message. The only module that speaks GMime to
 * parse mail; every other stage sees the plain struct message. */
#ifndef LIAISONBOT_MIME_H
#define LIAISONBOT_MIME_H

#include <gmime/gmime.h>

#include "message.h"

/* GMime 3.2 ships no autoptr cleanups; declared once, here. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeObject, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeFilter, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeParserOptions, g_mime_parser_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InternetAddressList, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeReferences, g_mime_references_free)

/* Limits that keep hostile mail to bounded memory and time. Reaching one
 * sets MESSAGE_FLAG_TRUNCATED. */
#define MIME_TEXT_MAX (1024 * 1024)	/* bytes of message->text */
#define MIME_HTML_MAX (4 * 1024 * 1024)	/* bytes of HTML read per part */
#define MIME_DEPTH_MAX 64		/* multipart / message nesting */
#define MIME_PARTS_MAX 10000		/* MIME parts looked at */
#define MIME_HEADER_MAX (16 * 1024)	/* bytes of one header value */
#define MIME_HEADERS_MAX 1000		/* entries of message->headers */

/* Domain of the Message-ID made up for mail without one. */
#define MIME_HASH_DOMAIN "liaisonbot.invalid"

/* Initializes GMime (and libxml2) once; later calls do nothing.
 * Thread-safe. */
void mime_init(void);

/* Parses one message as received. Never fails and never returns NULL:
 * what is broken is recorded in message->flags (enum message_flag):
 *   NO_MESSAGE_ID  none usable; the id is "sha256-<32 hex>@" MIME_HASH_DOMAIN
 *                  over the first From, Date, Subject and the text, so the
 *                  same mail from IMAP or an mbox gets the same id
 *   DUPLICATE_ID   several Message-ID headers (the first is used)
 *   BAD_DATE       Date missing or unparsable: date is arrival
 *   NO_FROM        no From, or no address with '@' in it
 *   BAD_HEADERS    invalid header line, repeated single header (RFC 5322
 *                  3.6), invalid address list
 *   BROKEN_MIME    GMime's structure warnings: no or bad boundary, no end
 *                  boundary, invalid Content-Type or parameters, parts
 *                  without headers or content; or no header block at all
 *   BAD_ENCODING   8-bit header, broken RFC 2047 word, unknown charset,
 *                  undeclared 8-bit text, invalid UTF-8 or charset bytes
 *                  (repaired), bad base64 or quoted-printable, NUL bytes
 *   NO_TEXT        no text/plain or text/html part
 *   TRUNCATED      one of the MIME_*_MAX limits was reached
 * Headers are RFC 2047-decoded to UTF-8, unfolded and freed of control
 * characters; the text is text/plain (HTML converted when there is none),
 * an attached message/rfc822 included after TEXT_ATTACHED_MARKER.
 * Keeps a reference to raw in message->raw. A leading mbox "From " line is
 * skipped. Fills every field of struct message except the verdict,
 * including own_text (text.h) and the thread keys (thread.h). Calls
 * mime_init() if needed. Caller frees with message_free(). */
struct message *mime_parse(GBytes *raw, gint64 arrival);

/* The same parse with GMime reading every header itself, as mime_parse
 * does when a header block is not plain (mime_fields.h): the reference
 * that tests compare mime_parse with. */
struct message *mime_parse_reference(GBytes *raw, gint64 arrival);

#endif

/* mime.c: GMime -> struct message: headers decoded, body text chosen and
 * converted to UTF-8, what is broken recorded as flags. */
#include <errno.h>
#include <string.h>

#include <libxml/parser.h>

#include "log.h"
#include "mime.h"
#include "mime_fields.h"
#include "text.h"
#include "thread.h"

#define MIME_READ_CHUNK 8192
#define MIME_ID_MAX 998		/* RFC 5322 line length */

/* What one parse learns on its way; GMime's warning callback writes here. */
struct mime_state {
	unsigned flags;
	GString *text;
	bool any_text;		/* a text/plain or text/html part seen */
	GMimePart *html_fallback;	/* first HTML attachment */
	unsigned parts;
	char *from_value;	/* first From and Date, for the id hash */
	char *date_value;
};

struct mime_frame {
	GMimeObject *object;
	int depth;
};

/* One GMimeParserOptions per thread, so the parse needs none of its own;
 * only the warning callback's user data changes per message. */
static GPrivate mime_options_key =
    G_PRIVATE_INIT((GDestroyNotify)g_mime_parser_options_free);

static const unsigned mime_warning_flags[] = {
	[GMIME_WARN_DUPLICATED_HEADER] = MESSAGE_FLAG_BAD_HEADERS,
	[GMIME_WARN_DUPLICATED_PARAMETER] = MESSAGE_FLAG_BROKEN_MIME,
	[GMIME_WARN_UNENCODED_8BIT_HEADER] = MESSAGE_FLAG_BAD_ENCODING,
	[GMIME_WARN_INVALID_CONTENT_TYPE] = MESSAGE_FLAG_BROKEN_MIME,
	[GMIME_WARN_INVALID_RFC2047_HEADER_VALUE] = MESSAGE_FLAG_BAD_ENCODING,
	[GMIME_WARN_MALFORMED_MULTIPART] = MESSAGE_FLAG_BROKEN_MIME,
	[GMIME_WARN_TRUNCATED_MESSAGE] = MESSAGE_FLAG_BROKEN_MIME,
	[GMIME_WARN_MALFORMED_MESSAGE] = MESSAGE_FLAG_BROKEN_MIME,
	[GMIME_CRIT_INVALID_HEADER_NAME] = MESSAGE_FLAG_BAD_HEADERS,
	[GMIME_CRIT_CONFLICTING_HEADER] = MESSAGE_FLAG_BAD_HEADERS,
	[GMIME_CRIT_CONFLICTING_PARAMETER] = MESSAGE_FLAG_BROKEN_MIME,
	[GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY] = MESSAGE_FLAG_BROKEN_MIME,
	[GMIME_WARN_INVALID_PARAMETER] = MESSAGE_FLAG_BROKEN_MIME,
	[GMIME_WARN_INVALID_ADDRESS_LIST] = MESSAGE_FLAG_BAD_HEADERS,
	[GMIME_CRIT_NESTING_OVERFLOW] =
	    MESSAGE_FLAG_BROKEN_MIME | MESSAGE_FLAG_TRUNCATED,
	[GMIME_WARN_PART_WITHOUT_CONTENT] = MESSAGE_FLAG_BROKEN_MIME,
	[GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT] =
	    MESSAGE_FLAG_BROKEN_MIME,
};

static void
mime_warning(gint64 offset, GMimeParserWarning code, const char *item,
    gpointer user_data)
{
	struct mime_state *state = user_data;

	if (state == NULL)
		return;
	if ((code == GMIME_WARN_DUPLICATED_HEADER ||
	    code == GMIME_CRIT_CONFLICTING_HEADER) && item != NULL &&
	    g_ascii_strcasecmp(item, "Message-Id") == 0)
		state->flags |= MESSAGE_FLAG_DUPLICATE_ID;
	else if ((unsigned)code < G_N_ELEMENTS(mime_warning_flags))
		state->flags |= mime_warning_flags[code];
	else
		state->flags |= MESSAGE_FLAG_BROKEN_MIME;
	log_debug(LOG_AREA_MIME, "parser warning %d at offset %lld",
	    (int)code, (long long)offset);
}

void
mime_init(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		g_mime_init();
		xmlInitParser();
		g_once_init_leave(&done, 1);
	}
}

static GMimeParserOptions *
mime_options(void)
{
	/* windows-1252 before latin-1: the usual truth behind 8-bit junk. */
	static const char *fallback[] = { "utf-8", "windows-1252",
		"iso-8859-1", NULL };
	GMimeParserOptions *options = g_private_get(&mime_options_key);

	if (options != NULL)
		return options;
	options = g_mime_parser_options_new();
	g_mime_parser_options_set_rfc2047_compliance_mode(options,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_address_compliance_mode(options,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(options,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_fallback_charsets(options, fallback);
	g_private_set(&mime_options_key, options);
	return options;
}

/* ---- charsets ------------------------------------------------------------ */

/* CRLF and lone CR to LF, NUL bytes dropped; in place. */
static size_t
mime_normalize(char *text, size_t len, unsigned *flags)
{
	char *cr = memchr(text, '\r', len), *nul = memchr(text, '\0', len);
	size_t o, i;

	if (cr == NULL && nul == NULL)
		return len;
	if (nul != NULL)
		*flags |= MESSAGE_FLAG_BAD_ENCODING;
	o = i = (size_t)((cr == NULL ? nul : nul == NULL ? cr : MIN(cr, nul)) -
	    text);
	for (; i < len; i++) {
		char c = text[i];

		if (c == '\r') {
			if (i + 1 < len && text[i + 1] == '\n')
				continue;
			c = '\n';
		} else if (c == '\0') {
			continue;
		}
		text[o++] = c;
	}
	return o;
}

/* Converts with iconv, replacing what does not convert with U+FFFD. */
static GString *
mime_iconv(iconv_t cd, const char *data, size_t len, unsigned *flags)
{
	GString *out = g_string_sized_new(len + len / 2 + 16);
	char *in = (char *)data;
	size_t inleft = len;
	char buf[MIME_READ_CHUNK];

	iconv(cd, NULL, NULL, NULL, NULL);	/* the cache shares cd */
	for (;;) {
		char *o = buf;
		size_t oleft = sizeof(buf);
		size_t r = iconv(cd, inleft > 0 ? &in : NULL, &inleft, &o,
		    &oleft);
		int saved = errno;

		g_string_append_len(out, buf, o - buf);
		if (r != (size_t)-1 && inleft == 0)
			break;
		if (r == (size_t)-1 && saved == E2BIG)
			continue;
		if (inleft == 0)
			break;
		/* EILSEQ, EINVAL: skip one byte and go on */
		*flags |= MESSAGE_FLAG_BAD_ENCODING;
		g_string_append(out, "\xef\xbf\xbd");
		in++;
		inleft--;
	}
	return out;
}

static bool
mime_charset_is_utf8(const char *charset)
{
	static const char *const names[] = { "utf-8", "utf8", "us-ascii",
		"ascii", "ansi_x3.4-1968", "us_ascii" };

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
		if (g_ascii_strcasecmp(charset, names[i]) == 0)
			return true;
	return false;
}

/* Decoded bytes in charset (NULL: undeclared) as valid UTF-8 with LF line
 * ends. Takes ownership of data. Returns the new length in *len. */
static char *
mime_to_utf8(char *data, size_t *len, const char *charset, unsigned *flags)
{
	iconv_t cd = (iconv_t)-1;
	GString *converted;
	char *valid;

	if (charset != NULL && !mime_charset_is_utf8(charset)) {
		cd = g_mime_iconv_open("UTF-8", charset);
		if (cd == (iconv_t)-1)
			*flags |= MESSAGE_FLAG_BAD_ENCODING;
	}
	if (cd != (iconv_t)-1) {
		converted = mime_iconv(cd, data, *len, flags);
		g_mime_iconv_close(cd);
		g_free(data);
		*len = mime_normalize(converted->str, converted->len, flags);
		g_string_set_size(converted, *len);
		return g_string_free(converted, FALSE);
	}
	*len = mime_normalize(data, *len, flags);
	data[*len] = '\0';
	if (g_utf8_validate_len(data, *len, NULL))
		return data;
	*flags |= MESSAGE_FLAG_BAD_ENCODING;
	if (charset != NULL && g_ascii_strncasecmp(charset, "utf", 3) == 0) {
		valid = g_utf8_make_valid(data, (gssize)*len);
	} else {
		/* undeclared, mislabelled or unknown: best effort */
		cd = g_mime_iconv_open("UTF-8", "windows-1252");
		converted = mime_iconv(cd, data, *len, flags);
		g_mime_iconv_close(cd);
		valid = g_string_free(converted, FALSE);
	}
	g_free(data);
	*len = strlen(valid);
	return valid;
}

/* ---- body ---------------------------------------------------------------- */

/* Flags base64 and quoted-printable content that is not what it says. */
static void
mime_check_encoding(GMimeContentEncoding encoding, const char *buf,
    size_t len, unsigned *flags)
{
	if (encoding == GMIME_CONTENT_ENCODING_BASE64) {
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)buf[i];

			if (!g_ascii_isalnum(c) && c != '+' && c != '/' &&
			    c != '=' && !g_ascii_isspace(c)) {
				*flags |= MESSAGE_FLAG_BAD_ENCODING;
				return;
			}
		}
	} else if (encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE) {
		const char *p = buf, *end = buf + len;

		while ((p = memchr(p, '=', (size_t)(end - p))) != NULL &&
		    end - p >= 3) {
			bool hex = g_ascii_isxdigit(p[1]) &&
			    g_ascii_isxdigit(p[2]);
			bool soft = p[1] == '\r' || p[1] == '\n' ||
			    p[1] == ' ' || p[1] == '\t';

			if (!hex && !soft) {
				*flags |= MESSAGE_FLAG_BAD_ENCODING;
				return;
			}
			p++;
		}
	}
}

/* The part's content with its transfer encoding undone, at most max
 * bytes (NUL-terminated, one spare byte). *more: content was left out. */
static char *
mime_decode(GMimePart *part, size_t max, size_t *len, bool *more,
    unsigned *flags)
{
	GMimeDataWrapper *content = g_mime_part_get_content(part);
	GMimeContentEncoding encoding = GMIME_CONTENT_ENCODING_DEFAULT;
	g_autoptr(GMimeFilter) filter = NULL;
	GMimeStream *stream = NULL;
	GByteArray *out = g_byte_array_new();
	char buf[MIME_READ_CHUNK];
	ssize_t n = 0;

	*more = false;
	if (content != NULL)
		stream = g_mime_data_wrapper_get_stream(content);
	if (stream != NULL && g_mime_stream_reset(stream) == 0) {
		encoding = g_mime_data_wrapper_get_encoding(content);
		if (encoding == GMIME_CONTENT_ENCODING_BASE64 ||
		    encoding == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
		    encoding == GMIME_CONTENT_ENCODING_UUENCODE)
			filter = g_mime_filter_basic_new(encoding, FALSE);
		while (out->len <= max &&
		    (n = g_mime_stream_read(stream, buf, sizeof(buf))) > 0) {
			char *o = buf;
			size_t olen = (size_t)n, pre;

			mime_check_encoding(encoding, buf, (size_t)n, flags);
			if (filter != NULL)
				g_mime_filter_filter(filter, buf, olen, 0, &o,
				    &olen, &pre);
			g_byte_array_append(out, (guint8 *)o, (guint)olen);
		}
		if (filter != NULL && n == 0) {
			char *o;
			size_t olen, pre;

			g_mime_filter_complete(filter, buf, 0, 0, &o, &olen,
			    &pre);
			g_byte_array_append(out, (guint8 *)o, (guint)olen);
		}
		*more = out->len > max ||
		    (n > 0 && !g_mime_stream_eos(stream));
	}
	if (out->len > max)
		g_byte_array_set_size(out, (guint)max);
	*len = out->len;
	g_byte_array_append(out, (const guint8 *)"", 1);
	return (char *)g_byte_array_free(out, FALSE);
}

/* Appends text to the body, a blank line apart from what is there. */
static void
mime_append_text(struct mime_state *state, const char *text, size_t len)
{
	GString *out = state->text;
	size_t room;

	while (len > 0 && text[len - 1] == '\n')
		len--;
	if (len == 0)
		return;
	if (out->len > 0) {
		if (out->str[out->len - 1] != '\n')
			g_string_append_c(out, '\n');
		if (out->len < 2 || out->str[out->len - 2] != '\n')
			g_string_append_c(out, '\n');
	}
	room = out->len < MIME_TEXT_MAX ? MIME_TEXT_MAX - out->len : 0;
	if (len > room) {
		len = text_utf8_prefix(text, len, room);
		state->flags |= MESSAGE_FLAG_TRUNCATED;
	}
	g_string_append_len(out, text, (gssize)len);
}

static void
mime_append_part(struct mime_state *state, GMimePart *part, bool html)
{
	GMimeObject *object = GMIME_OBJECT(part);
	size_t room = MIME_TEXT_MAX - MIN(state->text->len, MIME_TEXT_MAX);
	size_t len;
	bool more;
	char *data;

	if (room == 0) {
		state->flags |= MESSAGE_FLAG_TRUNCATED;
		return;
	}
	data = mime_decode(part, html ? MIME_HTML_MAX : room, &len, &more,
	    &state->flags);
	if (more)
		state->flags |= MESSAGE_FLAG_TRUNCATED;
	data = mime_to_utf8(data, &len,
	    g_mime_object_get_content_type_parameter(object, "charset"),
	    &state->flags);
	if (html) {
		char *text = text_html_to_text(data, len);

		g_free(data);
		data = text;
		len = strlen(text);
	}
	mime_append_text(state, data, len);
	g_free(data);
}

static void
mime_leaf(struct mime_state *state, GMimePart *part)
{
	GMimeContentType *type =
	    g_mime_object_get_content_type(GMIME_OBJECT(part));
	bool html;

	if (g_mime_content_type_is_type(type, "text", "plain"))
		html = false;
	else if (g_mime_content_type_is_type(type, "text", "html"))
		html = true;
	else
		return;
	state->any_text = true;
	if (html && g_mime_part_is_attachment(part)) {
		/* an HTML file attached: only if there is nothing else */
		if (state->html_fallback == NULL)
			state->html_fallback = part;
		return;
	}
	mime_append_part(state, part, html);
}

/* The alternative to read: text/plain, else a nested multipart (that may
 * hold it), else HTML, else the first. */
static GMimeObject *
mime_alternative(GMimeMultipart *multipart)
{
	int count = g_mime_multipart_get_count(multipart);
	GMimeObject *nested = NULL, *html = NULL;

	for (int i = 0; i < count; i++) {
		GMimeObject *child = g_mime_multipart_get_part(multipart, i);
		GMimeContentType *type = g_mime_object_get_content_type(child);

		if (g_mime_content_type_is_type(type, "text", "plain"))
			return child;
		if (nested == NULL && GMIME_IS_MULTIPART(child))
			nested = child;
		if (html == NULL && g_mime_content_type_is_type(type, "text",
		    "html"))
			html = child;
	}
	if (nested != NULL)
		return nested;
	if (html != NULL)
		return html;
	return count > 0 ? g_mime_multipart_get_part(multipart, 0) : NULL;
}

/* An attached message: a marker line and its main headers, so a
 * forwarded liaison statement reads as one. */
static void
mime_append_attached(struct mime_state *state, GMimeMessage *inner)
{
	static const char *const names[] = { "From", "Date", "Subject" };
	GString *block = g_string_new(TEXT_ATTACHED_MARKER "\n");

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		const char *value = g_mime_object_get_header(
		    GMIME_OBJECT(inner), names[i]);
		g_autofree char *clean = NULL;

		if (value == NULL)
			continue;
		clean = text_clean_line(value, -1, MIME_ID_MAX, NULL);
		g_string_append_printf(block, "%s: %s\n", names[i], clean);
	}
	mime_append_text(state, block->str, block->len);
	g_string_append_c(state->text, '\n');
	g_string_free(block, TRUE);
}

static void
mime_push(GArray *stack, GMimeObject *object, int depth)
{
	struct mime_frame frame = { object, depth };

	if (object != NULL)
		g_array_append_val(stack, frame);
}

/* Depth-first, in document order, with an explicit stack: nesting depth
 * costs heap, not C stack. */
static void
mime_walk(struct mime_state *state, GMimeObject *root)
{
	g_autoptr(GArray) stack = g_array_new(FALSE, FALSE,
	    sizeof(struct mime_frame));

	mime_push(stack, root, 0);
	while (stack->len > 0 && state->text->len < MIME_TEXT_MAX) {
		struct mime_frame frame = g_array_index(stack,
		    struct mime_frame, stack->len - 1);

		g_array_set_size(stack, stack->len - 1);
		if (frame.depth > MIME_DEPTH_MAX ||
		    ++state->parts > MIME_PARTS_MAX) {
			state->flags |= MESSAGE_FLAG_TRUNCATED;
			continue;
		}
		if (GMIME_IS_MULTIPART(frame.object)) {
			GMimeMultipart *multipart =
			    GMIME_MULTIPART(frame.object);
			GMimeContentType *type =
			    g_mime_object_get_content_type(frame.object);

			if (g_mime_content_type_is_type(type, "multipart",
			    "alternative")) {
				mime_push(stack, mime_alternative(multipart),
				    frame.depth + 1);
				continue;
			}
			for (int i = g_mime_multipart_get_count(multipart) - 1;
			    i >= 0; i--)
				mime_push(stack, g_mime_multipart_get_part(
				    multipart, i), frame.depth + 1);
		} else if (GMIME_IS_MESSAGE_PART(frame.object)) {
			GMimeMessage *inner = g_mime_message_part_get_message(
			    GMIME_MESSAGE_PART(frame.object));

			if (inner == NULL)
				continue;
			mime_append_attached(state, inner);
			mime_push(stack, g_mime_message_get_mime_part(inner),
			    frame.depth + 1);
		} else if (GMIME_IS_PART(frame.object)) {
			mime_leaf(state, GMIME_PART(frame.object));
		}
	}
	if (stack->len > 0)
		state->flags |= MESSAGE_FLAG_TRUNCATED;
}

static void
mime_read_body(struct mime_state *state, GMimeMessage *mime)
{
	mime_walk(state, g_mime_message_get_mime_part(mime));
	if (state->text->len == 0 && state->html_fallback != NULL)
		mime_append_part(state, state->html_fallback, true);
	if (!state->any_text)
		state->flags |= MESSAGE_FLAG_NO_TEXT;
}

/* ---- headers ------------------------------------------------------------- */

/* A header value as message->headers holds it: cleaned (unfolded, one
 * line) and cut at MIME_HEADER_MAX. len < 0: NUL-terminated. */
static char *
mime_clean_value(struct mime_state *state, const char *value, gssize len)
{
	bool cut;
	char *clean = text_clean_line(value, len, MIME_HEADER_MAX, &cut);

	if (cut)
		state->flags |= MESSAGE_FLAG_TRUNCATED;
	return clean;
}

/* A message id cleaned up, or NULL if nothing is left of it. */
static char *
mime_clean_id(struct mime_state *state, const char *id)
{
	char *clean;
	bool cut;

	if (id == NULL)
		return NULL;
	clean = text_clean_line(id, -1, MIME_ID_MAX, &cut);
	if (cut)
		state->flags |= MESSAGE_FLAG_TRUNCATED;
	if (*clean == '\0') {
		g_free(clean);
		return NULL;
	}
	return clean;
}

/* The id inside <...>, or the value itself if it is one word. */
static char *
mime_angle(const char *value, bool lower)
{
	const char *open = strchr(value, '<'), *close;
	char *inner;

	if (open != NULL && (close = strchr(open + 1, '>')) != NULL)
		inner = g_strstrip(g_strndup(open + 1, close - open - 1));
	else if (*value != '\0' && strchr(value, ' ') == NULL)
		inner = g_strdup(value);
	else
		return NULL;
	if (*inner == '\0') {
		g_free(inner);
		return NULL;
	}
	if (lower) {
		char *down = g_utf8_strdown(inner, -1);

		g_free(inner);
		inner = down;
	}
	return inner;
}

static char **
mime_references(struct mime_state *state, const char *raw)
{
	g_autoptr(GMimeReferences) refs =
	    g_mime_references_parse(mime_options(), raw);
	int count = g_mime_references_length(refs);
	GPtrArray *out = g_ptr_array_sized_new((guint)count + 1);

	for (int i = 0; i < count; i++) {
		char *id = mime_clean_id(state,
		    g_mime_references_get_message_id(refs, i));

		if (id != NULL)
			g_ptr_array_add(out, id);
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

/* Address headers that occur more than once count as one list. The
 * decoded header value is the decoded list, as written. */
static void
mime_join_list(struct mime_state *state, char **list, const char *value)
{
	char *joined;

	if (*value == '\0')
		return;
	if (*list == NULL) {
		*list = g_strdup(value);
		return;
	}
	if (strlen(*list) + strlen(value) + 2 > MIME_HEADER_MAX) {
		state->flags |= MESSAGE_FLAG_TRUNCATED;
		return;
	}
	joined = g_strconcat(*list, ", ", value, NULL);
	g_free(*list);
	*list = joined;
}

/* Fields taken from the first header of their name; raw is the value as
 * in the mail (GMime's raw value), value the cleaned one. */
static void
mime_header_field(struct message *message, struct mime_state *state,
    const char *name, const char *raw, const char *value)
{
	if (raw == NULL)
		raw = "";
	if (g_ascii_strcasecmp(name, "Message-Id") == 0) {
		char *id;

		if (message->message_id != NULL) {
			state->flags |= MESSAGE_FLAG_DUPLICATE_ID;
			return;
		}
		id = g_mime_utils_decode_message_id(raw);
		message->message_id = mime_clean_id(state, id);
		g_free(id);
	} else if (g_ascii_strcasecmp(name, "In-Reply-To") == 0) {
		char **ids;

		if (message->in_reply_to != NULL)
			return;
		ids = mime_references(state, raw);
		message->in_reply_to = g_strdup(ids[0]);
		g_strfreev(ids);
	} else if (g_ascii_strcasecmp(name, "References") == 0) {
		if (message->references == NULL)
			message->references = mime_references(state, raw);
	} else if (g_ascii_strcasecmp(name, "List-Id") == 0) {
		if (message->list_id == NULL)
			message->list_id = mime_angle(value, true);
	} else if (g_ascii_strcasecmp(name, "Archived-At") == 0) {
		if (message->archived_at == NULL)
			message->archived_at = mime_angle(value, false);
	} else if (g_ascii_strcasecmp(name, "Subject") == 0) {
		if (*message->subject == '\0') {
			g_free(message->subject);
			message->subject = g_strdup(value);
		}
	} else if (g_ascii_strcasecmp(name, "From") == 0) {
		if (state->from_value == NULL)
			state->from_value = g_strdup(value);
	} else if (g_ascii_strcasecmp(name, "Date") == 0) {
		if (state->date_value == NULL)
			state->date_value = g_strdup(value);
	} else if (g_ascii_strcasecmp(name, "To") == 0) {
		mime_join_list(state, &message->to, value);
	} else if (g_ascii_strcasecmp(name, "Cc") == 0) {
		mime_join_list(state, &message->cc, value);
	}
}

/* One header into message->headers and the fields; takes value. */
static void
mime_add_header(struct message *message, struct mime_state *state,
    const char *name, gssize name_len, char *value)
{
	struct message_header *entry;

	if (message->headers->len >= MIME_HEADERS_MAX) {
		state->flags |= MESSAGE_FLAG_TRUNCATED;
		g_free(value);
		return;
	}
	entry = g_new(struct message_header, 1);
	entry->name = text_clean_line(name, name_len, MIME_ID_MAX, NULL);
	entry->value = value;
	g_ptr_array_add(message->headers, entry);
}

/* A header GMime parsed. GMime has decoded its value already (it does,
 * for its warnings). */
static void
mime_add_gmime_header(struct message *message, struct mime_state *state,
    GMimeHeader *header)
{
	const char *name = g_mime_header_get_name(header);
	const char *raw = g_mime_header_get_raw_value(header);
	char *value = mime_clean_value(state, g_mime_header_get_value(header),
	    -1);

	mime_header_field(message, state, name, raw, value);
	mime_add_header(message, state, name, -1, value);
}

/* The message's headers and its top part's Content-* headers, which GMime
 * keeps apart, merged back into their order in the mail. */
static void
mime_read_headers(struct message *message, struct mime_state *state,
    GMimeMessage *mime)
{
	GMimeObject *part = g_mime_message_get_mime_part(mime);
	GMimeHeaderList *top =
	    g_mime_object_get_header_list(GMIME_OBJECT(mime));
	GMimeHeaderList *content = part != NULL ?
	    g_mime_object_get_header_list(part) : NULL;
	int n_top = g_mime_header_list_get_count(top);
	int n_content = content != NULL ?
	    g_mime_header_list_get_count(content) : 0;
	int i = 0, j = 0;

	while (i < n_top || j < n_content) {
		GMimeHeader *a = i < n_top ?
		    g_mime_header_list_get_header_at(top, i) : NULL;
		GMimeHeader *b = j < n_content ?
		    g_mime_header_list_get_header_at(content, j) : NULL;

		if (b == NULL || (a != NULL && g_mime_header_get_offset(a) <=
		    g_mime_header_get_offset(b))) {
			mime_add_gmime_header(message, state, a);
			i++;
		} else {
			mime_add_gmime_header(message, state, b);
			j++;
		}
	}
}

/* The first mailbox of a list, looking into groups. */
static InternetAddressMailbox *
mime_first_mailbox(InternetAddressList *list)
{
	int count = list != NULL ? internet_address_list_length(list) : 0;

	for (int i = 0; i < count; i++) {
		InternetAddress *address =
		    internet_address_list_get_address(list, i);
		InternetAddressMailbox *mailbox;

		if (INTERNET_ADDRESS_IS_MAILBOX(address))
			return INTERNET_ADDRESS_MAILBOX(address);
		mailbox = mime_first_mailbox(internet_address_group_get_members(
		    INTERNET_ADDRESS_GROUP(address)));
		if (mailbox != NULL)
			return mailbox;
	}
	return NULL;
}

/* The first mailbox of the From list. */
static void
mime_read_from(struct message *message, struct mime_state *state,
    InternetAddressList *from)
{
	InternetAddressMailbox *mailbox = mime_first_mailbox(from);
	const char *name, *address;

	if (mailbox == NULL) {
		state->flags |= MESSAGE_FLAG_NO_FROM;
		return;
	}
	name = internet_address_get_name(INTERNET_ADDRESS(mailbox));
	address = internet_address_mailbox_get_addr(mailbox);
	if (name != NULL && *name != '\0')
		message->from_name = text_clean_line(name, -1, MIME_ID_MAX,
		    NULL);
	if (address != NULL && *address != '\0') {
		g_autofree char *clean = text_clean_line(address, -1,
		    MIME_ID_MAX, NULL);

		message->from_address = g_utf8_strdown(clean, -1);
	}
	if (message->from_address == NULL ||
	    strchr(message->from_address, '@') == NULL)
		state->flags |= MESSAGE_FLAG_NO_FROM;
}

static void
mime_read_date(struct message *message, struct mime_state *state,
    GDateTime *date)
{
	if (date != NULL) {
		message->date = g_date_time_to_unix(date);
	} else {
		message->date = message->arrival;
		state->flags |= MESSAGE_FLAG_BAD_DATE;
	}
}

static void
mime_read_envelope(struct message *message, struct mime_state *state,
    GMimeMessage *mime)
{
	mime_read_headers(message, state, mime);
	mime_read_from(message, state, g_mime_message_get_from(mime));
	mime_read_date(message, state, g_mime_message_get_date(mime));
}

/* ---- the header fast path ------------------------------------------------ */

/* A plain header block (mime_fields.h) is read here, and GMime gets only
 * its Content-* fields and the body. */

/* The fields' names and raw values as C strings, "name\0value\0" each,
 * in one block; names[i] and raws[i] point into it. Caller frees. */
static char *
mime_fields_strings(const GArray *fields, const char **names,
    const char **raws)
{
	size_t size = 0, o = 0;
	char *block;

	for (guint i = 0; i < fields->len; i++) {
		const struct mime_field *field = &g_array_index(fields,
		    struct mime_field, i);

		size += field->name_len + field->value_len + 2;
	}
	block = g_malloc(size);
	for (guint i = 0; i < fields->len; i++) {
		const struct mime_field *field = &g_array_index(fields,
		    struct mime_field, i);

		names[i] = memcpy(block + o, field->name, field->name_len);
		o += field->name_len;
		block[o++] = '\0';
		raws[i] = memcpy(block + o, field->value, field->value_len);
		o += field->value_len;
		block[o++] = '\0';
	}
	return block;
}

/* The value as GMime's g_mime_header_get_value() gives it: unfolded and
 * RFC 2047-decoded, with the same warnings. Caller frees. */
static char *
mime_field_decode(const char *raw, bool encoded)
{
	char *unfolded = g_mime_utils_header_unfold(raw);
	char *decoded;

	if (!encoded)
		return unfolded;	/* plain ASCII decodes to itself */
	decoded = g_mime_utils_header_decode_text(mime_options(), unfolded);
	g_free(unfolded);
	return decoded;
}

/* The cleaned value of a field. Without "=?" the decoded value is the
 * unfolded raw value, and cleaning does what unfolding does (the block is
 * plain: no CR but before LF, every LF followed by a blank), so the raw
 * value is cleaned directly. */
static char *
mime_field_value(struct mime_state *state, const char *raw, size_t len,
    bool encoded)
{
	g_autofree char *decoded = NULL;

	if (!encoded)
		return mime_clean_value(state, raw, (gssize)len);
	decoded = mime_field_decode(raw, true);
	return mime_clean_value(state, decoded, -1);
}

/* Exported by GMime 3.2 and what its parser uses, but declared in its
 * header only from 3.2.14 on; a compatible redeclaration. */
void internet_address_list_append_parse(InternetAddressList *list,
    GMimeParserOptions *options, const char *str);

/* Address fields GMime parses into lists as it reads them (warning of
 * what is wrong); From is the one liaisonbot keeps. */
static const char *const mime_address_fields[] = {
	"Sender", "From", "Reply-To", "To", "Cc", "Bcc",
};

static void
mime_field_addresses(InternetAddressList *from, const char *name,
    const char *raw)
{
	g_autoptr(InternetAddressList) list = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(mime_address_fields); i++) {
		if (g_ascii_strcasecmp(name, mime_address_fields[i]) != 0)
			continue;
		if (g_ascii_strcasecmp(name, "From") == 0) {
			internet_address_list_append_parse(from,
			    mime_options(), raw);
			return;
		}
		list = internet_address_list_new();
		internet_address_list_append_parse(list, mime_options(), raw);
		return;
	}
}

/* The envelope from the fields, as mime_read_envelope reads it from
 * GMime: the same values and, through the warning callback, the same
 * flags. */
static void
mime_read_fields(struct message *message, struct mime_state *state,
    const GArray *fields)
{
	g_autoptr(InternetAddressList) from = internet_address_list_new();
	g_autofree const char **names = g_new(const char *, fields->len);
	g_autofree const char **raws = g_new(const char *, fields->len);
	g_autofree char *strings = mime_fields_strings(fields, names, raws);
	GDateTime *date = NULL;

	for (guint i = 0; i < fields->len; i++) {
		const struct mime_field *field = &g_array_index(fields,
		    struct mime_field, i);
		char *value = mime_field_value(state, raws[i],
		    field->value_len, field->encoded);

		mime_field_addresses(from, names[i], raws[i]);
		if (date == NULL && g_ascii_strcasecmp(names[i], "Date") == 0) {
			g_autofree char *decoded = mime_field_decode(raws[i],
			    field->encoded);

			date = g_mime_utils_header_decode_date(decoded);
		}
		mime_header_field(message, state, names[i], raws[i], value);
		mime_add_header(message, state, names[i],
		    (gssize)field->name_len, value);
	}
	mime_read_from(message, state, from);
	mime_read_date(message, state, date);
	if (date != NULL)
		g_date_time_unref(date);
}

/* What GMime parses of a plain message: its Content-* fields, then the
 * empty line and the body as they are. */
static GByteArray *
mime_reduce(const char *data, size_t len, const GArray *fields,
    size_t blank)
{
	GByteArray *out = g_byte_array_sized_new((guint)len);

	for (guint i = 0; i < fields->len; i++) {
		const struct mime_field *field = &g_array_index(fields,
		    struct mime_field, i);

		if (field->content)
			g_byte_array_append(out, (const guint8 *)field->name,
			    (guint)(field->value + field->value_len -
			    field->name));
	}
	g_byte_array_append(out, (const guint8 *)data + blank,
	    (guint)(len - blank));
	return out;
}

/* ---- the whole message --------------------------------------------------- */

/* A stable stand-in for a missing Message-ID: the same mail read from
 * IMAP or from an mbox (other Received lines, CRLF or LF) hashes alike. */
static char *
mime_hash_id(const struct message *message, const struct mime_state *state)
{
	g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
	const char *parts[] = { state->from_value, state->date_value,
		message->subject, message->text };

	for (size_t i = 0; i < G_N_ELEMENTS(parts); i++) {
		const char *part = parts[i] != NULL ? parts[i] : "";

		g_checksum_update(sum, (const guchar *)part,
		    (gssize)strlen(part) + 1);
	}
	return g_strdup_printf("sha256-%.32s@" MIME_HASH_DOMAIN,
	    g_checksum_get_string(sum));
}

/* Length of a leading mbox "From " line, or 0 ("From : x" is a header). */
static size_t
mime_mbox_line(const char *data, size_t len)
{
	const char *nl;

	if (len < 6 || memcmp(data, "From ", 5) != 0 || data[5] == ':' ||
	    data[5] == ' ' || data[5] == '\t')
		return 0;
	nl = memchr(data, '\n', len);
	return nl != NULL ? (size_t)(nl - data) + 1 : len;
}

/* What GMime makes of the bytes in array, or NULL when it can make
 * nothing of them. GMime reads them in place, through a stream that does
 * not own the array: it must outlive the message. */
static GMimeMessage *
mime_construct(GByteArray *array)
{
	g_autoptr(GMimeStream) stream = NULL;
	g_autoptr(GMimeParser) parser = NULL;

	stream = g_mime_stream_mem_new_with_byte_array(array);
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	return g_mime_parser_construct_message(parser, mime_options());
}

/* Nothing GMime could use: the bytes are kept as text. */
static void
mime_read_unparsed(struct message *message, struct mime_state *state,
    const char *data, size_t len)
{
	size_t n = MIN(len, MIME_TEXT_MAX);
	char *text = g_malloc(n + 1);

	state->flags |= MESSAGE_FLAG_BROKEN_MIME | MESSAGE_FLAG_BAD_HEADERS |
	    MESSAGE_FLAG_NO_FROM | MESSAGE_FLAG_BAD_DATE;
	if (len > MIME_TEXT_MAX)
		state->flags |= MESSAGE_FLAG_TRUNCATED;
	message->date = message->arrival;
	memcpy(text, data, n);
	text = mime_to_utf8(text, &n, NULL, &state->flags);
	mime_append_text(state, text, n);
	g_free(text);
	if (state->text->len == 0)
		state->flags |= MESSAGE_FLAG_NO_TEXT;
}

/* The fast path when the header block is plain (fast_headers), GMime's
 * own header parser otherwise. The warning callback is on throughout:
 * reading the fields can warn too. */
static void
mime_parse_bytes(struct message *message, struct mime_state *state,
    const char *data, size_t len, bool fast_headers)
{
	GMimeParserOptions *options = mime_options();
	g_autoptr(GArray) fields = g_array_new(FALSE, FALSE,
	    sizeof(struct mime_field));
	GByteArray *reduced = NULL, *lent = NULL;
	GMimeMessage *mime = NULL;
	size_t blank;

	g_mime_parser_options_set_warning_callback(options, mime_warning,
	    state);
	if (fast_headers && mime_fields_scan(data, len, fields, &blank)) {
		reduced = mime_reduce(data, len, fields, blank);
		mime = mime_construct(reduced);
		if (mime != NULL)
			mime_read_fields(message, state, fields);
	}
	if (mime == NULL) {
		/* only lends the caller's bytes: nothing writes to them */
		lent = g_byte_array_new_take((guint8 *)data, len);
		mime = mime_construct(lent);
		if (mime != NULL)
			mime_read_envelope(message, state, mime);
	}
	if (mime != NULL)
		mime_read_body(state, mime);
	else
		mime_read_unparsed(message, state, data, len);
	g_clear_object(&mime);
	if (reduced != NULL)
		g_byte_array_unref(reduced);
	if (lent != NULL)
		g_byte_array_free(lent, FALSE);
	g_mime_parser_options_set_warning_callback(options, mime_warning,
	    NULL);
}

static struct message *
mime_parse_with(GBytes *raw, gint64 arrival, bool fast_headers)
{
	struct message *message = message_new();
	struct mime_state state = { 0 };
	const char *data;
	size_t len, skip;

	mime_init();
	message->raw = g_bytes_ref(raw);
	message->arrival = arrival;
	data = g_bytes_get_data(raw, &len);
	if (data == NULL)
		data = "";
	skip = mime_mbox_line(data, len);
	state.text = g_string_new(NULL);
	mime_parse_bytes(message, &state, data + skip, len - skip,
	    fast_headers);

	message->text = g_string_free(state.text, FALSE);
	if (message->message_id == NULL) {
		message->message_id = mime_hash_id(message, &state);
		state.flags |= MESSAGE_FLAG_NO_MESSAGE_ID;
	}
	message->own_text = text_own_words(message->text);
	message->thread_key = thread_key(message);
	message->subject_key = thread_subject_key(message->subject);
	message->flags |= state.flags;
	g_free(state.from_value);
	g_free(state.date_value);
	if (log_debug_enabled(LOG_AREA_MIME)) {
		g_autofree char *flags = message_flags_describe(message->flags);

		log_debug_area(LOG_AREA_MIME, "%s: %zu bytes, flags %s",
		    message->message_id, len, flags);
	}
	return message;
}

struct message *
mime_parse(GBytes *raw, gint64 arrival)
{
	return mime_parse_with(raw, arrival, true);
}

struct message *
mime_parse_reference(GBytes *raw, gint64 arrival)
{
	return mime_parse_with(raw, arrival, false);
}

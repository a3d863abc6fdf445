/* mime_fields.c: the top-level header block split into fields, for mail
 * plain enough that GMime's parser would see exactly these fields and
 * warn of nothing (gmime-parser.c: step_headers, header_buffer_parse,
 * check_repeated_header). Anything else is left to GMime. */
#include <string.h>

#include "mime_fields.h"

/* RFC 5322 3.6 fields that may occur once; GMime warns when they repeat
 * (and mime.c then flags the message), so a repeat is not plain. */
static const char *const fields_single[] = {
	"Bcc", "Cc", "Date", "From", "In-Reply-To", "Message-ID",
	"References", "Reply-To", "Sender", "Subject", "To",
};

/* Bit of the single field called name, or 0. */
static unsigned
fields_single_bit(const char *name, size_t len)
{
	for (size_t i = 0; i < G_N_ELEMENTS(fields_single); i++) {
		if (strlen(fields_single[i]) == len &&
		    g_ascii_strncasecmp(name, fields_single[i], len) == 0)
			return 1u << i;
	}
	return 0;
}

/* Printable ASCII but the colon: what a field name is made of here. */
static bool
fields_name_char(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != ':';
}

/* Is [p, end) free of control characters (tab aside) and DEL? Notes in
 * the field what its value needs GMime's decoder for: "=?", or bytes
 * beyond ASCII (which must then be UTF-8: mime_fields_scan checks). */
static bool
fields_plain(const char *p, const char *end, struct mime_field *field)
{
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < ' ' ? c != '\t' : c == 0x7f)
			return false;
		if (c >= 0x80)
			field->encoded = field->eight_bit = true;
		else if (c == '=' && p + 1 < end && p[1] == '?')
			field->encoded = true;
	}
	return true;
}

/* GMime warns of a value that is not UTF-8. */
static bool
fields_utf8(const GArray *fields)
{
	for (guint i = 0; i < fields->len; i++) {
		const struct mime_field *field = &g_array_index(fields,
		    struct mime_field, i);

		if (field->eight_bit && !g_utf8_validate_len(field->value,
		    field->value_len, NULL))
			return false;
	}
	return true;
}

/* A continuation line with something on it: a line of blanks alone is
 * where other readers would see the end of the block. */
static bool
fields_continuation(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t')
			return true;
	return false;
}

/* A line that starts a field: "Name:" and a plain value. */
static bool
fields_add(GArray *fields, const char *line, const char *eol,
    const char *next, unsigned *singles)
{
	struct mime_field field = { .name = line };
	const char *colon = line;
	unsigned single;

	while (colon < eol && fields_name_char((unsigned char)*colon))
		colon++;
	if (colon == line || colon == eol || *colon != ':' ||
	    !fields_plain(colon + 1, eol, &field))
		return false;
	field.name_len = (size_t)(colon - line);
	field.value = colon + 1;
	field.value_len = (size_t)(next - field.value);
	field.content = field.name_len >= 8 &&
	    g_ascii_strncasecmp(line, "Content-", 8) == 0;
	single = fields_single_bit(line, field.name_len);
	if (single & *singles)
		return false;
	*singles |= single;
	g_array_append_val(fields, field);
	return true;
}

bool
mime_fields_scan(const char *data, size_t len, GArray *fields,
    size_t *blank)
{
	const char *p = data, *end = data + len;
	unsigned singles = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol;
		struct mime_field *last;

		if (nl == NULL)
			return false;	/* no end to the block */
		eol = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
		if (eol == p) {
			*blank = (size_t)(p - data);
			return fields->len > 0 && fields_utf8(fields);
		}
		if (*p != ' ' && *p != '\t') {
			if (!fields_add(fields, p, eol, nl + 1, &singles))
				return false;
		} else {
			if (fields->len == 0 || !fields_continuation(p, eol))
				return false;
			last = &g_array_index(fields, struct mime_field,
			    fields->len - 1);
			if (!fields_plain(p, eol, last))
				return false;
			last->value_len = (size_t)(nl + 1 - last->value);
		}
		p = nl + 1;
	}
	return false;
}

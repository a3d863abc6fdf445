/* mbox.c: the mbox splitter. */
#include <string.h>
#include <time.h>

#include "mbox.h"

static bool
mbox_is_from_line(const char *p, const char *end)
{
	return end - p >= 5 && memcmp(p, "From ", 5) == 0;
}

/* Is the line starting at p the first, or preceded by an empty line?
 * p[-1] is the '\n' ending the previous line. */
static bool
mbox_after_blank(const char *data, const char *p)
{
	const char *prev_end = p - 1;	/* the '\n' */

	if (p == data || prev_end == data)
		return true;
	if (prev_end[-1] == '\r')
		prev_end--;
	return prev_end == data || prev_end[-1] == '\n';
}

/* "From sender Thu Nov 21 12:00:00 2026": the asctime-style date. */
static gint64
mbox_from_line_date(const char *p, const char *eol)
{
	g_autofree char *line = g_strndup(p, (gsize)(eol - p));
	const char *days[] = { "Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ",
		"Sun " };
	struct tm tm;

	for (size_t i = 0; i < G_N_ELEMENTS(days); i++) {
		char *at = strstr(line, days[i]);

		memset(&tm, 0, sizeof(tm));
		if (at != NULL &&
		    strptime(at, "%a %b %d %H:%M:%S %Y", &tm) != NULL)
			return (gint64)timegm(&tm);
	}
	return 0;
}

/* "2026", or a zone such as "PST" or "+0000" beside it. */
static bool
mbox_is_year(const char *token, size_t n)
{
	if (n != 4)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isdigit(token[i]))
			return false;
	return true;
}

static bool
mbox_is_zone(const char *token, size_t n)
{
	if (n == 0 || n > 6)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isalnum(token[i]) && token[i] != '+' &&
		    token[i] != '-')
			return false;
	return true;
}

/* A whole From_ line, "From SENDER Thu Nov 21 12:00:00 [ZONE] 2026
 * [ZONE]", and nothing else. Writers that leave out the empty line before
 * a separator still write this much; a line of text rarely looks so. */
static bool
mbox_is_strict_from_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	char line[256];
	char *s, *token[3];
	size_t n = (size_t)((nl ? nl : end) - p), count = 0, len[3];
	struct tm tm;

	if (n >= sizeof(line) || n < 6 || p[5] == ' ')
		return false;
	memcpy(line, p, n);
	line[n] = '\0';
	if (memchr(line, '\0', n) != NULL ||
	    (s = strchr(line + 5, ' ')) == NULL)
		return false;
	memset(&tm, 0, sizeof(tm));
	if ((s = strptime(s, " %a %b %d %H:%M:%S", &tm)) == NULL)
		return false;
	while (*s != '\0') {
		while (g_ascii_isspace(*s))
			s++;
		if (*s == '\0')
			break;
		if (count == G_N_ELEMENTS(token))
			return false;
		token[count] = s;
		while (*s != '\0' && !g_ascii_isspace(*s))
			s++;
		len[count] = (size_t)(s - token[count]);
		count++;
	}
	if (count == 1)
		return mbox_is_year(token[0], len[0]);
	if (count == 2)
		return (mbox_is_year(token[0], len[0]) &&
		    mbox_is_zone(token[1], len[1])) ||
		    (mbox_is_zone(token[0], len[0]) &&
		    mbox_is_year(token[1], len[1]));
	return false;
}

/* A line starting "From " at the start of the buffer or after an empty
 * line, or a complete From_ line anywhere. */
static bool
mbox_is_separator(const char *data, const char *p, const char *end)
{
	return mbox_is_from_line(p, end) &&
	    (mbox_after_blank(data, p) || mbox_is_strict_from_line(p, end));
}

/* The next separator at or after p, or end; *lines counts the line ends
 * passed on the way. */
static const char *
mbox_find_separator(const char *data, const char *p, const char *end,
    bool *quoted, size_t *lines)
{
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;

		if (mbox_is_separator(data, p, end))
			return p;
		*lines += nl != NULL;
		if (*p == '>') {
			const char *q = p;

			while (q < end && *q == '>')
				q++;
			if (mbox_is_from_line(q, end))
				*quoted = true;
		}
		p = next;
	}
	return end;
}

bool
mbox_next(const char *data, size_t len, size_t *offset, size_t *line,
    struct mbox_span *span)
{
	const char *end = data + len;
	const char *p = data + *offset;
	const char *body, *next, *stop;
	size_t lines = 0;
	bool junk;

	if (p >= end)
		return false;
	memset(span, 0, sizeof(*span));
	junk = !mbox_is_separator(data, p, end);
	span->from_line = (size_t)(p - data);
	span->line = *line;
	if (junk) {
		body = p;
	} else {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		body = nl ? nl + 1 : end;
		lines = nl != NULL;
		span->arrival = mbox_from_line_date(p, nl ? nl : end);
	}
	next = mbox_find_separator(data, body, end, &span->quoted, &lines);
	/* Drop the empty line that separates messages, if there is one. */
	stop = next;
	if (next < end && mbox_after_blank(data, next)) {
		if (stop - body >= 1 && stop[-1] == '\n')
			stop--;
		if (stop - body >= 1 && stop[-1] == '\r')
			stop--;
	}
	span->start = (size_t)(body - data);
	span->end = (size_t)(stop - data);
	*line += lines;
	*offset = (size_t)(next - data);
	return true;
}

GBytes *
mbox_unquote(const char *data, const struct mbox_span *span)
{
	const char *p = data + span->start;
	const char *end = data + span->end;
	GByteArray *out = g_byte_array_sized_new((guint)(end - p));

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		const char *q = p;

		while (q < next && *q == '>')
			q++;
		if (q > p && mbox_is_from_line(q, next))
			p++;
		g_byte_array_append(out, (const guint8 *)p, (guint)(next - p));
		p = next;
	}
	return g_byte_array_free_to_bytes(out);
}

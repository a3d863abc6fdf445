/* filter.c: header rewriting for `liaisonbot filter`. */
#include <string.h>

#include "filter.h"

#define FILTER_PREFIX "x-liaison-"

static const char *
filter_line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));

	return nl ? nl + 1 : end;
}

static bool
filter_is_blank(const char *p, const char *next)
{
	return (next - p == 1 && p[0] == '\n') ||
	    (next - p == 2 && p[0] == '\r' && p[1] == '\n') ||
	    (p == next);
}

static bool
filter_is_ours(const char *p, const char *next)
{
	size_t n = strlen(FILTER_PREFIX);

	return (size_t)(next - p) > n &&
	    g_ascii_strncasecmp(p, FILTER_PREFIX, n) == 0;
}

/* Header values come from our verdict, but stay one clean line anyway. */
static void
filter_append_clean(GString *out, const char *text)
{
	for (const char *p = text; p && *p; p++)
		if ((unsigned char)*p >= 0x20 && *p != 0x7f)
			g_string_append_c(out, *p);
}

static void
filter_add_headers(GString *out, const struct verdict *verdict, bool explain,
    const char *eol)
{
	g_string_append_printf(out,
	    "X-Liaison-Category: %s%sX-Liaison-Score: %d%s"
	    "X-Liaison-Breaking: %s%sX-Liaison-Confidential: %s%s",
	    verdict_category_name(verdict->category), eol, verdict->score, eol,
	    verdict->breaking ? "yes" : "no", eol,
	    verdict->confidential ? "yes" : "no", eol);
	if (!explain)
		return;
	g_string_append(out, "X-Liaison-Rules:");
	if (verdict->reasons == NULL || *verdict->reasons == '\0') {
		g_string_append_printf(out, " none%s", eol);
		return;
	}
	/* One rule per folded line keeps every line short. */
	g_auto(GStrv) rules = g_strsplit(verdict->reasons, " ", -1);
	for (size_t i = 0; rules[i] != NULL; i++) {
		if (*rules[i] == '\0')
			continue;
		if (i > 0)
			g_string_append_printf(out, "%s\t", eol);
		else
			g_string_append_c(out, ' ');
		filter_append_clean(out, rules[i]);
	}
	g_string_append(out, eol);
}

void
filter_rewrite(const char *raw, size_t len, const struct verdict *verdict,
    bool explain, GString *out)
{
	const char *p = raw, *end = raw + len;
	const char *eol = "\n";
	const char *first_nl = memchr(raw, '\n', len);
	bool dropping = false;

	if (first_nl != NULL && first_nl > raw && first_nl[-1] == '\r')
		eol = "\r\n";
	while (p < end) {
		const char *next = filter_line_end(p, end);

		if (filter_is_blank(p, next))
			break;
		if (*p == ' ' || *p == '\t') {
			if (!dropping)
				g_string_append_len(out, p, next - p);
		} else {
			dropping = filter_is_ours(p, next);
			if (!dropping)
				g_string_append_len(out, p, next - p);
		}
		p = next;
	}
	/* A last header line without a newline needs one before ours. */
	if (out->len > 0 && out->str[out->len - 1] != '\n')
		g_string_append(out, eol);
	filter_add_headers(out, verdict, explain, eol);
	g_string_append_len(out, p, end - p);
}

/* text.c: the author's own words apart from quotes, signatures and list
 * footers; HTML to text (libxml2); one-line cleanup of header values. */
#include <string.h>

#include <libxml/HTMLparser.h>

#include "text.h"

/* At most this many '>' before a line of a nested HTML blockquote. */
#define TEXT_QUOTE_DEPTH_MAX 8
/* Lines an Outlook header block ("From:" ... "Sent:") may span. */
#define TEXT_HEADER_BLOCK_LINES 5
/* Lines of a mailing-list footer after its underscore rule. */
#define TEXT_FOOTER_LINES 8

size_t
text_utf8_prefix(const char *text, size_t len, size_t max)
{
	size_t i;

	if (len <= max)
		return len;
	i = max;
	while (i > 0 && ((unsigned char)text[i] & 0xc0) == 0x80)
		i--;
	return i;
}

struct text_line_out {
	char *buf;
	size_t len, cap, max;
	bool space;		/* a space is owed before the next text */
	bool cut;
};

/* Appends n bytes after the owed space: one character, or a run of ASCII
 * that may be cut anywhere. False once max is reached. */
static bool
text_line_put(struct text_line_out *w, const char *s, size_t n, bool ascii)
{
	size_t space = w->space && w->len > 0;

	if (w->len + space + n > w->max) {
		w->cut = true;
		if (!ascii || w->len + space >= w->max)
			return false;
		n = w->max - w->len - space;
	}
	if (w->len + space + n >= w->cap) {
		w->cap = MAX(w->cap * 2, w->len + space + n + 1);
		w->buf = g_realloc(w->buf, w->cap);
	}
	if (space)
		w->buf[w->len++] = ' ';
	w->space = false;
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	return !w->cut;
}

/* Runs of printable ASCII are copied whole; the rest a character at a
 * time: invalid bytes become U+FFFD, controls and white space a space. */
char *
text_clean_line(const char *text, gssize len, size_t max, bool *truncated)
{
	struct text_line_out w = { 0 };
	const char *p, *end;

	if (text == NULL)
		text = "";
	if (len < 0)
		len = (gssize)strlen(text);
	p = text;
	end = text + len;
	w.max = max;
	w.cap = MIN((size_t)len, max) + 1;	/* enough unless U+FFFD */
	w.buf = g_malloc(w.cap);
	while (p < end) {
		const char *run = p;
		gunichar u;

		while (p < end && (unsigned char)*p > ' ' &&
		    (unsigned char)*p < 0x7f)
			p++;
		if (p > run && !text_line_put(&w, run, (size_t)(p - run), true))
			break;
		if (p == end)
			break;
		if ((unsigned char)*p < 0x80) {
			w.space = true;	/* controls, blanks, DEL */
			p++;
			continue;
		}
		u = g_utf8_get_char_validated(p, end - p);
		if (u == (gunichar)-1 || u == (gunichar)-2) {
			p++;
			if (!text_line_put(&w, "\xef\xbf\xbd", 3, false))
				break;
			continue;
		}
		run = p;
		p = g_utf8_next_char(p);
		if ((u >= 0x80 && u <= 0xa0) || u == 0x2028 || u == 0x2029 ||
		    u == 0xfeff)
			w.space = true;
		else if (!text_line_put(&w, run, (size_t)(p - run), false))
			break;
	}
	if (truncated != NULL)
		*truncated = w.cut;
	w.buf[w.len] = '\0';
	return w.buf;
}

/* ---- own words --------------------------------------------------------- */

struct text_line {
	const char *start;
	size_t len;		/* without trailing white space */
};

enum text_marker {
	TEXT_MARKER_NONE,
	TEXT_MARKER_FORWARD,	/* forwarded content follows: keep it */
	TEXT_MARKER_ORIGINAL,	/* a quoted original follows: drop it */
};

static const struct {
	const char *phrase;
	enum text_marker marker;
} text_marker_phrases[] = {
	{ "forwarded message", TEXT_MARKER_FORWARD },
	{ "weitergeleitete nachricht", TEXT_MARKER_FORWARD },
	{ "message transféré", TEXT_MARKER_FORWARD },
	{ "mensaje reenviado", TEXT_MARKER_FORWARD },
	{ "attached message", TEXT_MARKER_FORWARD },
	{ "original message", TEXT_MARKER_ORIGINAL },
	{ "ursprüngliche nachricht", TEXT_MARKER_ORIGINAL },
	{ "message d'origine", TEXT_MARKER_ORIGINAL },
	{ "mensaje original", TEXT_MARKER_ORIGINAL },
};

/* Endings of attribution lines ("On ..., X wrote:"), lower case. */
static const char *const text_attribution_ends[] = {
	"wrote:", "writes:", "wrote :", "a écrit :", "a écrit:", "schrieb:",
	"escribió:", "ha scritto:", "skrev:", "napisał:", "schreef:",
};

/* How multi-line attributions begin. */
static const char *const text_attribution_starts[] = {
	"On ", "Le ", "Am ", "El ", "Il ", "Den ", "Op ", "W dniu ", "Em ",
};

/* Paragraphs of the datatracker's standard text in ballot and review
 * mail, dropped up to the next blank line. */
static const char *const text_boilerplate[] = {
	"When responding, please keep the subject line intact and reply to all",
	"Please refer to https://www.ietf.org/about/groups/iesg/statements/"
	"handling-ballot-positions/",
	"Please refer to https://www.ietf.org/blog/handling-iesg-ballot-"
	"positions/",
	"Please refer to https://www.ietf.org/iesg/statement/discuss-criteria",
	"The document, along with other ballot positions, can be found here:",
};

/* Signature starts other than the RFC 3676 "-- " line. */
static const char *const text_signature_starts[] = {
	"Sent from my ", "Get Outlook for ", "Sent from Mail for Windows",
};

static const char *const text_footer_words[] = {
	"mailing list", "listinfo", "mailman", "unsubscribe", "list -- ",
};

static bool
text_has_prefix(const struct text_line *line, const char *prefix)
{
	size_t n;

	if (line->len == 0 || line->start[0] != prefix[0])
		return false;	/* the common case, cheaply */
	n = strlen(prefix);

	return line->len >= n && memcmp(line->start, prefix, n) == 0;
}

static bool
text_has_prefix_ci(const struct text_line *line, const char *prefix)
{
	size_t n;

	if (line->len == 0 || g_ascii_tolower(line->start[0]) !=
	    g_ascii_tolower(prefix[0]))
		return false;
	n = strlen(prefix);

	return line->len >= n &&
	    g_ascii_strncasecmp(line->start, prefix, n) == 0;
}

static bool
text_blank(const struct text_line *line)
{
	for (size_t i = 0; i < line->len; i++)
		if (line->start[i] != ' ' && line->start[i] != '\t')
			return false;
	return true;
}

static bool
text_quoted(const struct text_line *line)
{
	size_t i = 0;

	while (i < line->len && i < 4 && line->start[i] == ' ')
		i++;
	return i < line->len && line->start[i] == '>';
}

/* Case-insensitive search of an ASCII needle in a line. */
static bool
text_contains_ci(const struct text_line *line, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= line->len; i++)
		if (g_ascii_strncasecmp(line->start + i, needle, n) == 0)
			return true;
	return false;
}

/* "---------- Forwarded message ---------", "-----Original Message-----",
 * "Begin forwarded message:". */
static enum text_marker
text_marker(const struct text_line *line)
{
	const char *p = line->start, *end = line->start + line->len;
	size_t dashes = 0;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) >= 24 && (*p == 'B' || *p == 'b') &&
	    g_ascii_strncasecmp(p, "Begin forwarded message:", 24) == 0)
		return TEXT_MARKER_FORWARD;
	while (p < end && (*p == '-' || *p == ' ')) {
		dashes += *p == '-';
		p++;
	}
	while (end > p && (end[-1] == '-' || end[-1] == ' '))
		end--;
	if (dashes < 2)
		return TEXT_MARKER_NONE;
	for (size_t i = 0; i < G_N_ELEMENTS(text_marker_phrases); i++) {
		const char *phrase = text_marker_phrases[i].phrase;
		size_t n = strlen(phrase);
		g_autofree char *lower = NULL;

		if ((size_t)(end - p) != n)
			continue;
		lower = g_utf8_strdown(p, (gssize)n);
		if (strcmp(lower, phrase) == 0)
			return text_marker_phrases[i].marker;
	}
	return TEXT_MARKER_NONE;
}

static bool
text_signature(const struct text_line *line)
{
	if (line->len == 2 && memcmp(line->start, "--", 2) == 0)
		return true;
	for (size_t i = 0; i < G_N_ELEMENTS(text_signature_starts); i++)
		if (text_has_prefix(line, text_signature_starts[i]))
			return true;
	return false;
}

static bool
text_attribution_end(const struct text_line *line)
{
	if (line->len == 0 || line->start[line->len - 1] != ':')
		return false;	/* every ending below has one */
	for (size_t i = 0; i < G_N_ELEMENTS(text_attribution_ends); i++) {
		const char *suffix = text_attribution_ends[i];
		size_t n = strlen(suffix);

		if (line->len >= n &&
		    g_ascii_strncasecmp(line->start + line->len - n, suffix,
		    n) == 0)
			return true;
	}
	return false;
}

static bool
text_attribution_start(const struct text_line *line)
{
	for (size_t i = 0; i < G_N_ELEMENTS(text_attribution_starts); i++)
		if (text_has_prefix(line, text_attribution_starts[i]))
			return true;
	return false;
}

static bool
text_rule(const struct text_line *line, char c, size_t min)
{
	size_t n = 0;

	for (size_t i = 0; i < line->len; i++) {
		if (line->start[i] == c)
			n++;
		else if (line->start[i] != ' ')
			return false;
	}
	return n >= min;
}

/* Index of the first non-blank line at or after i, or count. */
static size_t
text_next_nonblank(const struct text_line *lines, size_t count, size_t i)
{
	while (i < count && text_blank(&lines[i]))
		i++;
	return i;
}

/* An Outlook reply header without separator: "From: ..." followed within
 * a few lines by "Sent: ..." (or "Date:"), the start of a quoted original. */
static bool
text_header_block(const struct text_line *lines, size_t count, size_t i)
{
	static const char *const from[] = { "From:", "De :", "De:", "Von:" };
	static const char *const sent[] = { "Sent:", "Date:", "Envoyé :",
		"Gesendet:", "Enviado:" };
	bool found = false;

	for (size_t k = 0; k < G_N_ELEMENTS(from) && !found; k++)
		found = text_has_prefix(&lines[i], from[k]);
	if (!found)
		return false;
	for (size_t j = i + 1; j < count && j <= i + TEXT_HEADER_BLOCK_LINES;
	    j++) {
		if (text_blank(&lines[j]))
			return false;
		for (size_t k = 0; k < G_N_ELEMENTS(sent); k++)
			if (text_has_prefix(&lines[j], sent[k]))
				return true;
	}
	return false;
}

/* Number of lines of a list footer starting at the rule line i, or 0. */
static size_t
text_footer(const struct text_line *lines, size_t count, size_t i)
{
	bool listy = false;
	size_t j;

	if (!text_rule(&lines[i], '_', 10))
		return 0;
	for (j = i + 1; j < count && j <= i + TEXT_FOOTER_LINES; j++) {
		if (text_blank(&lines[j]))
			break;
		for (size_t k = 0; k < G_N_ELEMENTS(text_footer_words); k++)
			listy = listy ||
			    text_contains_ci(&lines[j], text_footer_words[k]);
	}
	return listy ? j - i : 0;
}

static bool
text_boilerplate_start(const struct text_line *line)
{
	for (size_t i = 0; i < G_N_ELEMENTS(text_boilerplate); i++)
		if (text_has_prefix_ci(line, text_boilerplate[i]))
			return true;
	return false;
}

/* Drops the attribution ending at line i if quoted text follows it. */
static void
text_drop_attribution(const struct text_line *lines, size_t count,
    size_t i, bool *keep)
{
	size_t next = text_next_nonblank(lines, count, i + 1);
	size_t first = i;

	if (next < count && !text_quoted(&lines[next]))
		return;
	/* Mailers wrap long attributions; look back for their start. */
	for (size_t back = 1; back <= 2 && back <= i; back++) {
		const struct text_line *line = &lines[i - back];

		if (text_blank(line) || text_quoted(line))
			break;
		if (text_attribution_start(line)) {
			first = i - back;
			break;
		}
	}
	for (size_t j = first; j <= i; j++)
		keep[j] = false;
}

static GArray *
text_split_lines(const char *text)
{
	GArray *lines = g_array_new(FALSE, FALSE, sizeof(struct text_line));
	const char *p = text;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');
		struct text_line line = { p,
			nl != NULL ? (size_t)(nl - p) : strlen(p) };

		while (line.len > 0 && (p[line.len - 1] == ' ' ||
		    p[line.len - 1] == '\t' || p[line.len - 1] == '\r'))
			line.len--;
		g_array_append_val(lines, line);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return lines;
}

/* Marks the lines that are the author's own. */
static void
text_mark_own(const struct text_line *lines, size_t count, bool *keep)
{
	enum { OWN, SIGNATURE, FORWARD } state = OWN;
	size_t i = 0;

	while (i < count) {
		const struct text_line *line = &lines[i];
		enum text_marker marker = text_marker(line);
		size_t footer = text_footer(lines, count, i);

		if (footer > 0) {
			i += footer;	/* list footers go in every state */
			continue;
		}
		if (marker == TEXT_MARKER_FORWARD) {
			state = FORWARD;
			keep[i++] = true;
			continue;
		}
		if (state == FORWARD) {
			keep[i++] = true;
			continue;
		}
		if (state == SIGNATURE) {
			keep[i] = text_blank(line);
			i++;
			continue;
		}
		if (marker == TEXT_MARKER_ORIGINAL ||
		    text_header_block(lines, count, i) ||
		    (text_rule(line, '_', 10) &&
		    text_next_nonblank(lines, count, i + 1) < count &&
		    text_header_block(lines, count,
		    text_next_nonblank(lines, count, i + 1))))
			return;	/* the rest is the quoted original */
		if (text_signature(line)) {
			state = SIGNATURE;
			i++;
			continue;
		}
		if (text_boilerplate_start(line)) {
			while (i < count && !text_blank(&lines[i]))
				i++;
			continue;
		}
		keep[i] = !text_quoted(line);
		if (keep[i] && text_attribution_end(line))
			text_drop_attribution(lines, count, i, keep);
		i++;
	}
}

char *
text_own_words(const char *text)
{
	g_autoptr(GArray) lines = NULL;
	g_autofree bool *keep = NULL;
	GString *out;
	bool blank = false;

	if (text == NULL)
		return g_strdup("");
	lines = text_split_lines(text);
	keep = g_new0(bool, lines->len + 1);
	text_mark_own((const struct text_line *)(void *)lines->data,
	    lines->len, keep);
	out = g_string_sized_new(strlen(text) / 2 + 16);
	for (guint i = 0; i < lines->len; i++) {
		const struct text_line *line =
		    &g_array_index(lines, struct text_line, i);

		if (!keep[i])
			continue;
		if (text_blank(line)) {
			blank = out->len > 0;
			continue;
		}
		if (out->len > 0)
			g_string_append(out, blank ? "\n\n" : "\n");
		blank = false;
		g_string_append_len(out, line->start, (gssize)line->len);
	}
	return g_string_free(out, FALSE);
}

/* ---- HTML ---------------------------------------------------------------- */

enum text_html_kind {
	TEXT_HTML_INLINE,
	TEXT_HTML_SKIP,		/* not shown: script, style, head */
	TEXT_HTML_LINE,		/* starts and ends a line */
	TEXT_HTML_PARAGRAPH,	/* surrounded by a blank line */
	TEXT_HTML_BREAK,	/* <br> */
	TEXT_HTML_QUOTE,	/* <blockquote> */
	TEXT_HTML_PRE,		/* white space kept */
	TEXT_HTML_CELL,		/* table cell: a space apart */
};

static const struct {
	const char *name;
	enum text_html_kind kind;
} text_html_elements[] = {
	{ "script", TEXT_HTML_SKIP }, { "style", TEXT_HTML_SKIP },
	{ "head", TEXT_HTML_SKIP }, { "title", TEXT_HTML_SKIP },
	{ "noscript", TEXT_HTML_SKIP }, { "template", TEXT_HTML_SKIP },
	{ "object", TEXT_HTML_SKIP }, { "svg", TEXT_HTML_SKIP },
	{ "br", TEXT_HTML_BREAK }, { "blockquote", TEXT_HTML_QUOTE },
	{ "pre", TEXT_HTML_PRE },
	{ "p", TEXT_HTML_PARAGRAPH }, { "h1", TEXT_HTML_PARAGRAPH },
	{ "h2", TEXT_HTML_PARAGRAPH }, { "h3", TEXT_HTML_PARAGRAPH },
	{ "h4", TEXT_HTML_PARAGRAPH }, { "h5", TEXT_HTML_PARAGRAPH },
	{ "h6", TEXT_HTML_PARAGRAPH }, { "ul", TEXT_HTML_PARAGRAPH },
	{ "ol", TEXT_HTML_PARAGRAPH }, { "table", TEXT_HTML_PARAGRAPH },
	{ "dl", TEXT_HTML_PARAGRAPH },
	{ "div", TEXT_HTML_LINE }, { "li", TEXT_HTML_LINE },
	{ "tr", TEXT_HTML_LINE }, { "dt", TEXT_HTML_LINE },
	{ "dd", TEXT_HTML_LINE }, { "hr", TEXT_HTML_LINE },
	{ "section", TEXT_HTML_LINE }, { "article", TEXT_HTML_LINE },
	{ "header", TEXT_HTML_LINE }, { "footer", TEXT_HTML_LINE },
	{ "address", TEXT_HTML_LINE }, { "center", TEXT_HTML_LINE },
	{ "form", TEXT_HTML_LINE }, { "caption", TEXT_HTML_LINE },
	{ "figure", TEXT_HTML_LINE }, { "nav", TEXT_HTML_LINE },
	{ "main", TEXT_HTML_LINE }, { "aside", TEXT_HTML_LINE },
	{ "fieldset", TEXT_HTML_LINE },
	{ "td", TEXT_HTML_CELL }, { "th", TEXT_HTML_CELL },
};

struct text_html {
	GString *out;
	size_t limit;		/* stop writing past this many bytes */
	int newlines;		/* line breaks owed before the next text */
	bool space;		/* a space owed before the next text */
	int quote;		/* blockquote depth */
	int pre;		/* <pre> depth */
};

static enum text_html_kind
text_html_kind(const xmlNode *node)
{
	const char *name = (const char *)node->name;

	if (name == NULL)
		return TEXT_HTML_INLINE;
	for (size_t i = 0; i < G_N_ELEMENTS(text_html_elements); i++)
		if (g_ascii_strcasecmp(name, text_html_elements[i].name) == 0)
			return text_html_elements[i].kind;
	return TEXT_HTML_INLINE;
}

static void
text_html_break(struct text_html *h, int newlines)
{
	if (h->out->len > 0 && h->newlines < newlines)
		h->newlines = newlines;
	h->space = false;
}

/* Writes owed line breaks and the quote prefix before visible text. */
static void
text_html_flush(struct text_html *h)
{
	bool line_start = h->out->len == 0 ||
	    h->out->str[h->out->len - 1] == '\n';

	if (h->newlines > 0) {
		for (int i = 0; i < h->newlines; i++)
			g_string_append_c(h->out, '\n');
		line_start = true;
	} else if (h->space && !line_start) {
		g_string_append_c(h->out, ' ');
	}
	h->newlines = 0;
	h->space = false;
	if (line_start && h->quote > 0) {
		for (int i = 0; i < MIN(h->quote, TEXT_QUOTE_DEPTH_MAX); i++)
			g_string_append_c(h->out, '>');
		g_string_append_c(h->out, ' ');
	}
}

static void
text_html_text(struct text_html *h, const char *text)
{
	const char *p = text;

	while (*p != '\0' && h->out->len < h->limit) {
		unsigned char c = (unsigned char)*p;

		if (h->pre > 0 && c == '\n') {
			h->newlines++;
			p++;
		} else if (h->pre == 0 && (c == ' ' || c == '\t' ||
		    c == '\n' || c == '\r' || c == '\f')) {
			h->space = true;
			p++;
		} else if (c == 0xc2 && (unsigned char)p[1] == 0xa0) {
			h->space = true;	/* &nbsp; */
			p += 2;
		} else {
			const char *start = p;

			while (*p != '\0' && (unsigned char)*p > ' ' &&
			    !((unsigned char)*p == 0xc2 &&
			    (unsigned char)p[1] == 0xa0))
				p++;
			if (p == start) {
				/* a control character, or blank inside <pre> */
				p++;
				if (h->pre == 0 || (c != ' ' && c != '\t'))
					continue;
			}
			text_html_flush(h);
			g_string_append_len(h->out, start, p - start);
		}
	}
}

/* Line breaks an element owes before and after its content. */
static const int text_html_newlines[] = {
	[TEXT_HTML_LINE] = 1, [TEXT_HTML_PARAGRAPH] = 2,
	[TEXT_HTML_QUOTE] = 2, [TEXT_HTML_PRE] = 2,
};

/* Entering (step 1) or leaving (step -1) an element shown as a block. */
static void
text_html_edge(struct text_html *h, enum text_html_kind kind, int step)
{
	if ((size_t)kind < G_N_ELEMENTS(text_html_newlines) &&
	    text_html_newlines[kind] > 0)
		text_html_break(h, text_html_newlines[kind]);
	if (kind == TEXT_HTML_CELL)
		h->space = true;
	else if (kind == TEXT_HTML_QUOTE)
		h->quote += step;
	else if (kind == TEXT_HTML_PRE)
		h->pre += step;
}

/* Returns whether the walk should descend into node's children (and
 * leave it afterwards). */
static bool
text_html_enter(struct text_html *h, const xmlNode *node)
{
	enum text_html_kind kind;

	if (node->type == XML_TEXT_NODE ||
	    node->type == XML_CDATA_SECTION_NODE) {
		if (node->content != NULL)
			text_html_text(h, (const char *)node->content);
		return false;
	}
	if (node->type != XML_ELEMENT_NODE)
		return false;
	kind = text_html_kind(node);
	if (kind == TEXT_HTML_SKIP)
		return false;
	if (kind == TEXT_HTML_BREAK) {
		if (h->out->len > 0)
			h->newlines++;
		h->space = false;
		return false;
	}
	text_html_edge(h, kind, 1);
	return true;
}

static void
text_html_leave(struct text_html *h, const xmlNode *node)
{
	text_html_edge(h, text_html_kind(node), -1);
}

/* Iterative walk: documents may nest deeper than the stack allows. */
static void
text_html_walk(struct text_html *h, xmlNode *root)
{
	xmlNode *node = root->children;

	while (node != NULL && h->out->len < h->limit) {
		bool descend = text_html_enter(h, node);

		if (descend && node->children != NULL) {
			node = node->children;
			continue;
		}
		if (descend)
			text_html_leave(h, node);
		while (node->next == NULL) {
			node = node->parent;
			if (node == NULL || node == root)
				return;
			text_html_leave(h, node);
		}
		node = node->next;
	}
}

char *
text_html_to_text(const char *html, size_t len)
{
	struct text_html h = { 0 };
	htmlDocPtr doc;
	int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET | HTML_PARSE_COMPACT;

	if (html == NULL || len == 0)
		return g_strdup("");
	len = MIN(len, (size_t)G_MAXINT);
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8", options);
	if (doc == NULL)
		return g_strdup("");
	h.out = g_string_sized_new(len / 2 + 16);
	h.limit = 2 * len + 1024;
	text_html_walk(&h, (xmlNode *)doc);
	xmlFreeDoc(doc);
	return g_string_free(h.out, FALSE);
}

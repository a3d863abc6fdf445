/* summary.c: lead sentences of the author's own text. */
#include <stdbool.h>
#include <string.h>

#include <glib.h>

#include "summary.h"

/* Lines that carry no content of their own. */
static bool
summary_skip_line(const char *line)
{
	static const char *const openers[] = {
		"hi", "hello", "dear", "all", "folks", "colleagues", "team",
		"greetings", "hi all", "hello all", "dear all", "dear colleagues",
	};
	static const char *const boilerplate[] = {
		"when responding, please keep the subject line intact",
		"please refer to https://www.ietf.org/about/groups/iesg/",
		"the document, along with other ballot positions",
		"----------------------------------------------------------------",
	};
	g_autofree char *lower = g_utf8_strdown(line, -1);
	size_t len = strlen(lower);

	for (size_t i = 0; i < G_N_ELEMENTS(boilerplate); i++)
		if (strstr(lower, boilerplate[i]) != NULL)
			return true;
	/* "Hi all," "Dear Colleagues," "Folks -": a short salutation. */
	if (len > 0 && len < 40 && strchr(",:-!", lower[len - 1]) != NULL) {
		for (size_t i = 0; i < G_N_ELEMENTS(openers); i++)
			if (g_str_has_prefix(lower, openers[i]))
				return true;
	}
	return false;
}

/* The datatracker's liaison-statement mail starts with a block of fields
 * (Title:, From:, Deadline:...) and puts the statement after "Body:". */
static bool
summary_is_field(const char *line)
{
	static const char *const fields[] = {
		"Title:", "Submission Date:", "URL of the IETF Web page:",
		"From:", "To:", "Cc:", "Response Contact:", "Technical Contact:",
		"Purpose:", "Deadline:", "Attachments:", "Liaisons referred by "
		"this one:", "Liaisons referring to this one:", "Please reply by",
	};

	for (size_t i = 0; i < G_N_ELEMENTS(fields); i++)
		if (g_str_has_prefix(line, fields[i]))
			return true;
	return false;
}

/* Joins kept lines into one whitespace-collapsed paragraph stream. */
static GString *
summary_flatten(const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	GString *out = g_string_new(NULL);
	bool in_fields = false;

	for (size_t i = 0; lines[i] != NULL; i++) {
		char *line = g_strstrip(lines[i]);

		/* Field blocks end at "Body:"; a field's value may wrap onto
		 * indented lines, so skip until then. */
		if (summary_is_field(line))
			in_fields = true;
		if (in_fields && g_str_has_prefix(line, "Body:")) {
			in_fields = false;
			line = g_strstrip(line + strlen("Body:"));
		}
		if (in_fields)
			continue;
		if (*line == '\0' || summary_skip_line(line))
			continue;
		if (out->len > 0)
			g_string_append_c(out, ' ');
		for (const char *p = line; *p; p++) {
			bool space = g_ascii_isspace(*p);

			if (space && out->len > 0 &&
			    out->str[out->len - 1] == ' ')
				continue;
			g_string_append_c(out, space ? ' ' : *p);
		}
	}
	return out;
}

/* A sentence ends at . ! ? followed by a space and an upper-case letter,
 * digit or quote, unless the word is a common abbreviation. */
static bool
summary_is_end(const char *text, const char *p)
{
	static const char *const abbreviations[] = {
		"e.g", "i.e", "etc", "vs", "cf", "dr", "mr", "ms", "sec", "no",
		"fig", "al",
	};
	const char *word = p;

	if (*p != '.' && *p != '!' && *p != '?')
		return false;
	if (p[1] != ' ' || !(g_ascii_isupper(p[2]) || g_ascii_isdigit(p[2]) ||
	    p[2] == '"' || (unsigned char)p[2] >= 0x80))
		return false;
	if (*p != '.')
		return true;
	while (word > text && word[-1] != ' ')
		word--;
	for (size_t i = 0; i < G_N_ELEMENTS(abbreviations); i++) {
		size_t n = strlen(abbreviations[i]);

		if ((size_t)(p - word) == n &&
		    g_ascii_strncasecmp(word, abbreviations[i], n) == 0)
			return false;
	}
	return true;
}

char *
summary_extract(const char *own_text, int max_sentences, size_t max_chars)
{
	g_autoptr(GString) flat = NULL;
	const char *p, *cut = NULL;
	int sentences = 0;

	if (own_text == NULL || max_sentences <= 0)
		return g_strdup("");
	flat = summary_flatten(own_text);
	for (p = flat->str; *p != '\0'; p++) {
		if (summary_is_end(flat->str, p) &&
		    ++sentences == max_sentences) {
			cut = p + 1;
			break;
		}
	}
	if (cut != NULL)
		g_string_truncate(flat, (gsize)(cut - flat->str));
	if (g_utf8_strlen(flat->str, -1) > (glong)max_chars) {
		char *end = g_utf8_offset_to_pointer(flat->str,
		    (glong)max_chars);
		char *space = g_utf8_strrchr(flat->str, end - flat->str, ' ');

		if (space != NULL && space > flat->str)
			end = space;
		g_string_truncate(flat, (gsize)(end - flat->str));
		g_string_append(flat, "…");
	}
	return g_strdup(g_strstrip(flat->str));
}

/* text.h: plain-text helpers for message bodies and header values: the
 * author's own words apart from quotes and signatures, HTML to text, and
 * one-line cleanup. Pure functions on strings; no GMime here. */
#ifndef LIAISONBOT_TEXT_H
#define LIAISONBOT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

/* The line mime.c puts before the text of an attached message/rfc822
 * part. text_own_words() treats it like a forwarded-message marker: what
 * follows is kept as the author's own words. */
#define TEXT_ATTACHED_MARKER "---------- Attached message ----------"

/* The author's own words in text (UTF-8, LF line ends): without quoted
 * lines, attribution lines, Outlook "Original Message" blocks, signature
 * and mailing-list footers. Forwarded content is kept. Blank-line runs are
 * collapsed, trailing whitespace removed. Never NULL; caller frees. */
char *text_own_words(const char *text);

/* The readable text of an HTML document given as UTF-8 (any <meta>
 * charset is ignored): script and style dropped, block elements as line
 * breaks, entities decoded, blockquotes prefixed with '>' so that
 * text_own_words() can drop them. Never NULL; caller frees. */
char *text_html_to_text(const char *html, size_t len);

/* text as one clean line: invalid UTF-8 repaired, control characters and
 * runs of white space (CR, LF and tab included, so folded header lines are
 * unfolded) become one space, ends trimmed. len < 0: NUL-terminated. At
 * most max bytes are kept (cut on a character boundary); *truncated, if
 * given, is set when something was cut. Caller frees. */
char *text_clean_line(const char *text, gssize len, size_t max,
    bool *truncated);

/* Longest prefix of text, at most max bytes, that ends on a UTF-8
 * character boundary (text must be valid UTF-8). */
size_t text_utf8_prefix(const char *text, size_t len, size_t max);

#endif

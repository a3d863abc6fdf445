/* summary.h: a short extractive summary of an author's own words: the
 * leading sentences, greetings and boilerplate skipped. */
#ifndef LIAISONBOT_SUMMARY_H
#define LIAISONBOT_SUMMARY_H

#include <stddef.h>

/* At most max_sentences sentences and about max_chars characters (cut at
 * a word, with an ellipsis) of own_text, whitespace collapsed. "" when
 * nothing is left. Caller frees. */
char *summary_extract(const char *own_text, int max_sentences,
    size_t max_chars);

#endif

/* regex.h: how liaisonbot compiles its GRegex patterns. */
#ifndef LIAISONBOT_REGEX_H
#define LIAISONBOT_REGEX_H

#include <glib.h>

/* G_REGEX_OPTIMIZE (PCRE2's JIT), unless LIAISONBOT_REGEX_JIT=0 is in the
 * environment: the test suite sets that under valgrind, which cannot
 * follow JIT-compiled code and reports false errors in it. */
GRegexCompileFlags regex_optimize(void);

#endif

/* regex.c: see regex.h. */
#include <string.h>

#include "regex.h"

GRegexCompileFlags
regex_optimize(void)
{
	static int jit = -1;

	if (jit < 0) {
		const char *setting = g_getenv("LIAISONBOT_REGEX_JIT");

		jit = setting == NULL || strcmp(setting, "0") != 0;
	}
	return jit ? G_REGEX_OPTIMIZE : 0;
}

/* crashpoint.c: see crashpoint.h. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "crashpoint.h"

static struct {
	bool initialized;
	long target;		/* 0: disabled */
	const char *only;
	long passed;
} crash;

void
crashpoint(const char *name)
{
	if (!crash.initialized) {
		const char *at = getenv("LIAISONBOT_CRASH_AT");

		crash.target = at ? strtol(at, NULL, 10) : 0;
		crash.only = getenv("LIAISONBOT_CRASH_ONLY");
		crash.initialized = true;
	}
	if (crash.target <= 0)
		return;
	if (crash.only != NULL && strcmp(crash.only, name) != 0)
		return;
	if (++crash.passed == crash.target)
		_exit(CRASHPOINT_EXIT_STATUS);
}

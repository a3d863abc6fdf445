/* memtrim.c: see memtrim.h. */
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <glib.h>

#include "log.h"
#include "memtrim.h"

/* A mapping worth paging out: file-backed and not writable (code and
 * read-only data; writable ones may hold dirty private pages). */
static bool
memtrim_candidate(const char *perms, const char *path)
{
	return perms[1] != 'w' && path != NULL && path[0] == '/';
}

void
memtrim_idle(void)
{
#ifdef MADV_PAGEOUT
	FILE *maps = fopen("/proc/self/maps", "r");
	char line[512];
	int trimmed = 0;

	malloc_trim(0);
	if (maps == NULL)
		return;
	while (fgets(line, sizeof(line), maps) != NULL) {
		unsigned long start, end;
		char perms[8], path[400] = "";

		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %399s", &start, &end,
		    perms, path) < 3 || !memtrim_candidate(perms, path))
			continue;
		/* Failure (an old kernel, a locked page) is harmless. */
		if (madvise((void *)start, end - start, MADV_PAGEOUT) == 0)
			trimmed++;
	}
	fclose(maps);
	log_debug(LOG_AREA_DAEMON, "memory trimmed (%d mappings)", trimmed);
#else
	malloc_trim(0);
#endif
}

/* progress.h: count, rate and ETA of a long operation on a terminal.
 * Silent when stderr is not a TTY, so logs and pipes stay clean. */
#ifndef LIAISONBOT_PROGRESS_H
#define LIAISONBOT_PROGRESS_H

#include <stdbool.h>

#include <glib.h>

struct progress;

/* NULL-safe everywhere: a NULL progress reports nothing. */
struct progress *progress_new(const char *label);
/* count: items so far; done/total: work units (bytes) for the ETA,
 * total 0 when unknown. Redraws at most a few times a second. */
void progress_update(struct progress *progress, guint64 count, guint64 done,
    guint64 total);
/* Clears the line. */
void progress_free(struct progress *progress);

#endif

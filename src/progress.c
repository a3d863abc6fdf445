/* progress.c: a single redrawn status line on stderr. */
#include <stdio.h>
#include <unistd.h>

#include "progress.h"

struct progress {
	char *label;
	gint64 started;		/* monotonic microseconds */
	gint64 drawn;
	bool shown;
};

struct progress *
progress_new(const char *label)
{
	struct progress *progress;

	if (!isatty(STDERR_FILENO))
		return NULL;
	progress = g_new0(struct progress, 1);
	progress->label = g_strdup(label);
	progress->started = g_get_monotonic_time();
	return progress;
}

void
progress_update(struct progress *progress, guint64 count, guint64 done,
    guint64 total)
{
	gint64 now;
	double elapsed, rate;

	if (progress == NULL)
		return;
	now = g_get_monotonic_time();
	if (now - progress->drawn < G_USEC_PER_SEC / 5)
		return;
	progress->drawn = now;
	elapsed = (double)(now - progress->started) / G_USEC_PER_SEC;
	rate = elapsed > 0 ? (double)count / elapsed : 0;
	fprintf(stderr, "\r%s: %" G_GUINT64_FORMAT " messages, %.0f/s",
	    progress->label, count, rate);
	if (total > 0 && done > 0 && done <= total) {
		double eta = elapsed * (double)(total - done) / (double)done;

		fprintf(stderr, ", %.0f%%, ETA %.0fs   ",
		    100.0 * (double)done / (double)total, eta);
	}
	fflush(stderr);
	progress->shown = true;
}

void
progress_free(struct progress *progress)
{
	if (progress == NULL)
		return;
	if (progress->shown)
		fprintf(stderr, "\r\033[K");
	g_free(progress->label);
	g_free(progress);
}

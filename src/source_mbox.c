/* source_mbox.c: messages from an mbox file, memory-mapped. */
#include <sys/mman.h>

#include "error.h"
#include "mbox.h"
#include "source.h"

struct mbox_state {
	GMappedFile *map;
	GBytes *bytes;		/* the whole file, for zero-copy slices */
	const char *data;
	size_t len;
	size_t offset;
	size_t line;
	size_t dropped;		/* pages before this are out of our RSS */
	char *path;
};

/* Give pages back in steps this large (a multiple of any page size). */
#define MBOX_DROP_STEP (8u << 20)

static bool
mbox_open(struct source *source, const char *path, GError **error)
{
	struct mbox_state *state;
	g_autoptr(GError) local = NULL;
	GMappedFile *map = g_mapped_file_new(path, FALSE, &local);

	if (map == NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_INPUT, "mbox %s: %s",
		    path, local->message);
		return false;
	}
	state = g_new0(struct mbox_state, 1);
	state->map = map;
	state->bytes = g_mapped_file_get_bytes(map);
	state->data = g_mapped_file_get_contents(map);
	state->len = g_mapped_file_get_length(map);
	state->line = 1;
	state->path = g_strdup(path);
	source->state = state;
	/* Read once, front to back: ask for eager readahead. */
	if (state->len > 0)
		madvise((void *)state->data, state->len, MADV_SEQUENTIAL);
	return true;
}

/* A mapped page stays in our RSS once read, so a large mbox would end up
 * resident as a whole. Pages before offset are done with: drop them. A
 * slice of an earlier message that a caller still holds stays valid: the
 * mapping is private and never written, so touching it again reads the
 * same bytes back from the file. */
static void
mbox_drop_behind(struct mbox_state *state, size_t offset)
{
	size_t end = offset / MBOX_DROP_STEP * MBOX_DROP_STEP;

	if (end <= state->dropped)
		return;
	madvise((char *)state->data + state->dropped, end - state->dropped,
	    MADV_DONTNEED);
	state->dropped = end;
}

static enum source_next
mbox_next_message(struct source *source, struct raw_message **out,
    GError **error)
{
	struct mbox_state *state = source->state;
	struct mbox_span span;
	GBytes *bytes;

	mbox_drop_behind(state, state->offset);
	if (!mbox_next(state->data, state->len, &state->offset, &state->line,
	    &span))
		return SOURCE_DONE;
	if (span.quoted)
		bytes = mbox_unquote(state->data, &span);
	else
		bytes = g_bytes_new_from_bytes(state->bytes, span.start,
		    span.end - span.start);
	*out = raw_message_new(bytes, span.arrival,
	    g_strdup_printf("%s:%zu", state->path, span.line));
	return SOURCE_MESSAGE;
}

static void
mbox_progress(struct source *source, guint64 *done, guint64 *total)
{
	struct mbox_state *state = source->state;

	*done = state->offset;
	*total = state->len;
}

static void
mbox_close(struct source *source)
{
	struct mbox_state *state = source->state;

	if (state == NULL)
		return;
	g_bytes_unref(state->bytes);
	g_mapped_file_unref(state->map);
	g_free(state->path);
	g_free(state);
}

const struct source_ops source_mbox_ops = {
	.name = "mbox",
	.open = mbox_open,
	.next = mbox_next_message,
	.progress = mbox_progress,
	.close = mbox_close,
};

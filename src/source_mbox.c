/* source_mbox.c: messages from an mbox file, memory-mapped. */
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
	char *path;
};

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
	return true;
}

static enum source_next
mbox_next_message(struct source *source, struct raw_message **out,
    GError **error)
{
	struct mbox_state *state = source->state;
	struct mbox_span span;
	GBytes *bytes;

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

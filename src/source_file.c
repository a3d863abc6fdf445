/* source_file.c: one message from a file, or from standard input. */
#include <errno.h>
#include <unistd.h>

#include "error.h"
#include "source.h"

struct file_state {
	char *path;		/* NULL: stdin */
	bool done;
};

static bool
file_open(struct source *source, const char *path, GError **error)
{
	struct file_state *state = g_new0(struct file_state, 1);

	state->path = g_strdup(path);
	source->state = state;
	return true;
}

/* Reads fd to its end, or to SOURCE_STDIN_MAX bytes: a pipe from an MDA
 * must be drained. *complete is false when the limit stopped it; the
 * bytes read so far are returned either way (NULL on a read error). */
GByteArray *
source_read_fd(int fd, bool *complete, GError **error)
{
	GByteArray *buffer = g_byte_array_sized_new(64 * 1024);
	guint8 chunk[64 * 1024];

	*complete = true;
	for (;;) {
		size_t room = SOURCE_STDIN_MAX - buffer->len;
		ssize_t n = read(fd, chunk, MIN(sizeof(chunk), room + 1));

		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
			    "stdin: %s", g_strerror(errno));
			g_byte_array_unref(buffer);
			return NULL;
		}
		if ((size_t)n > room) {
			g_byte_array_append(buffer, chunk, (guint)room);
			*complete = false;
			g_set_error(error, LB_ERROR, LB_ERROR_INPUT,
			    "stdin: message larger than %u MB refused",
			    SOURCE_STDIN_MAX / (1024 * 1024));
			/* The byte past the limit is the caller's too. */
			g_byte_array_append(buffer, chunk + room, (guint)(n - room));
			return buffer;
		}
		g_byte_array_append(buffer, chunk, (guint)n);
	}
	return buffer;
}

static enum source_next
file_next(struct source *source, struct raw_message **out, GError **error)
{
	struct file_state *state = source->state;
	g_autoptr(GError) local = NULL;
	GBytes *bytes;
	char *data;
	gsize len;

	if (state->done)
		return SOURCE_DONE;
	state->done = true;
	if (state->path == NULL) {
		bool complete;
		GByteArray *buffer = source_read_fd(STDIN_FILENO, &complete,
		    error);

		if (buffer == NULL)
			return SOURCE_ERROR;
		if (!complete) {
			g_byte_array_unref(buffer);
			return SOURCE_ERROR;
		}
		bytes = g_byte_array_free_to_bytes(buffer);
		*out = raw_message_new(bytes, 0, g_strdup("-"));
		return SOURCE_MESSAGE;
	}
	if (!g_file_get_contents(state->path, &data, &len, &local)) {
		g_set_error(error, LB_ERROR, LB_ERROR_INPUT, "%s",
		    local->message);
		return SOURCE_ERROR;
	}
	*out = raw_message_new(g_bytes_new_take(data, len), 0,
	    g_strdup(state->path));
	return SOURCE_MESSAGE;
}

static void
file_progress(struct source *source, guint64 *done, guint64 *total)
{
	struct file_state *state = source->state;

	*done = state->done;
	*total = 1;
}

static void
file_close(struct source *source)
{
	struct file_state *state = source->state;

	g_free(state->path);
	g_free(state);
}

const struct source_ops source_file_ops = {
	.name = "file",
	.open = file_open,
	.next = file_next,
	.progress = file_progress,
	.close = file_close,
};

const struct source_ops source_stdin_ops = {
	.name = "stdin",
	.open = file_open,
	.next = file_next,
	.progress = file_progress,
	.close = file_close,
};

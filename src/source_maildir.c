/* source_maildir.c: messages from a Maildir's new/ and cur/, read-only
 * (nothing is moved or renamed: the Maildir belongs to the user's MUA). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "log.h"
#include "source.h"

struct maildir_state {
	GPtrArray *files;	/* full paths, sorted */
	guint next;
};

static bool
maildir_list(const char *dir, GPtrArray *files, GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autoptr(GDir) handle = g_dir_open(dir, 0, &local);
	const char *name;

	if (handle == NULL) {
		if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return true;
		g_set_error(error, LB_ERROR, LB_ERROR_INPUT, "maildir %s: %s",
		    dir, local->message);
		return false;
	}
	while ((name = g_dir_read_name(handle)) != NULL) {
		if (name[0] != '.')
			g_ptr_array_add(files, g_build_filename(dir, name,
			    NULL));
	}
	return true;
}

static int
maildir_compare(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
maildir_open(struct source *source, const char *path, GError **error)
{
	struct maildir_state *state;
	g_autofree char *cur = g_build_filename(path, "cur", NULL);
	g_autofree char *new = g_build_filename(path, "new", NULL);
	GPtrArray *files;

	if (!g_file_test(cur, G_FILE_TEST_IS_DIR) &&
	    !g_file_test(new, G_FILE_TEST_IS_DIR)) {
		g_set_error(error, LB_ERROR, LB_ERROR_INPUT,
		    "maildir %s: expected a Maildir (with cur/ and new/)",
		    path);
		return false;
	}
	files = g_ptr_array_new_with_free_func(g_free);
	if (!maildir_list(cur, files, error) ||
	    !maildir_list(new, files, error)) {
		g_ptr_array_unref(files);
		return false;
	}
	g_ptr_array_sort(files, maildir_compare);
	state = g_new0(struct maildir_state, 1);
	state->files = files;
	source->state = state;
	return true;
}

static enum source_next
maildir_next(struct source *source, struct raw_message **out, GError **error)
{
	struct maildir_state *state = source->state;
	g_autoptr(GError) local = NULL;
	const char *path;
	char *data;
	gsize len;
	struct stat st;
	bool found;

	while (state->next < state->files->len) {
		path = g_ptr_array_index(state->files, state->next++);
		found = stat(path, &st) == 0;
		/* A FIFO would block the read forever, a device never end. */
		if (found && !S_ISREG(st.st_mode)) {
			log_warn("%s: not a regular file, skipped", path);
			continue;
		}
		if (!g_file_get_contents(path, &data, &len, &local)) {
			/* Delivered-then-moved by the MUA meanwhile: gone
			 * from here, still in the Maildir under another
			 * name, which a later run picks up. */
			if (g_error_matches(local, G_FILE_ERROR,
			    G_FILE_ERROR_NOENT)) {
				g_clear_error(&local);
				continue;
			}
			g_set_error(error, LB_ERROR, LB_ERROR_INPUT, "%s: %s",
			    path, local->message);
			return SOURCE_ERROR;
		}
		*out = raw_message_new(g_bytes_new_take(data, len),
		    found ? (gint64)st.st_mtime : 0,
		    g_strdup(path));
		return SOURCE_MESSAGE;
	}
	return SOURCE_DONE;
}

static void
maildir_progress(struct source *source, guint64 *done, guint64 *total)
{
	struct maildir_state *state = source->state;

	*done = state->next;
	*total = state->files->len;
}

static void
maildir_close(struct source *source)
{
	struct maildir_state *state = source->state;

	if (state == NULL)
		return;
	g_ptr_array_unref(state->files);
	g_free(state);
}

const struct source_ops source_maildir_ops = {
	.name = "maildir",
	.open = maildir_open,
	.next = maildir_next,
	.progress = maildir_progress,
	.close = maildir_close,
};

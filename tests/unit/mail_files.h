/* mail_files.h: the single-message files of a test data directory
 * (tests/data/corpus, tests/data/hostile, contrib/sample-week), for unit
 * tests that run every one of them through something. Header-only. */
#ifndef LIAISONBOT_TEST_MAIL_FILES_H
#define LIAISONBOT_TEST_MAIL_FILES_H

#include <string.h>

#include <glib.h>

/* Calls each(path, name, bytes, data) for every readable file of dir but
 * the EXPECTED and MANIFEST lists and mboxes (several messages each);
 * bytes is the file's contents, borrowed for the call. Returns how many,
 * -1 when dir cannot be opened. */
static inline int
mail_files_each(const char *dir,
    void (*each)(const char *path, const char *name, GBytes *bytes,
    void *data), void *data)
{
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *entry;
	int files = 0;

	if (d == NULL)
		return -1;
	while ((entry = g_dir_read_name(d)) != NULL) {
		g_autofree char *path = g_build_filename(dir, entry, NULL);
		char *contents = NULL;
		GBytes *bytes;
		gsize len;

		if (strcmp(entry, "EXPECTED") == 0 ||
		    strcmp(entry, "MANIFEST") == 0 ||
		    g_str_has_suffix(entry, ".mbox") ||
		    !g_file_get_contents(path, &contents, &len, NULL))
			continue;
		bytes = g_bytes_new_take(contents, len);
		each(path, entry, bytes, data);
		g_bytes_unref(bytes);
		files++;
	}
	return files;
}

#endif

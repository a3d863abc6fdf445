/* bench_gmime: the floor for `liaisonbot classify`: a bare GMime parse.
 *
 *   bench_gmime FILE...          one message per file
 *   bench_gmime --mbox FILE...   every message of each mbox
 *
 * Parses each message with GMime's defaults and decodes its text parts
 * (transfer encoding and charset, as g_mime_text_part_get_text does), and
 * nothing else: no classification, no store, no liaisonbot code. Linked
 * against GMime and GLib only. Prints "N messages, B bytes of text" so
 * the work cannot be skipped; `make bench` times the whole process. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <gmime/gmime.h>

struct bench_totals {
	guint64 messages;
	guint64 text_bytes;
};

static void
bench_text_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct bench_totals *totals = data;
	char *text;

	if (!GMIME_IS_TEXT_PART(part))
		return;
	text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
	if (text != NULL)
		totals->text_bytes += strlen(text);
	g_free(text);
}

/* Every message the parser yields until the end of its stream. */
static void
bench_parse_stream(GMimeStream *stream, bool mbox,
    struct bench_totals *totals)
{
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);

	if (mbox)
		g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
	while (!g_mime_parser_eos(parser)) {
		GMimeMessage *message = g_mime_parser_construct_message(parser,
		    NULL);

		if (message == NULL)
			break;
		totals->messages++;
		g_mime_message_foreach(message, bench_text_part, totals);
		g_object_unref(message);
		if (!mbox)
			break;
	}
	g_object_unref(parser);
}

int
main(int argc, char **argv)
{
	struct bench_totals totals = { 0 };
	bool mbox = false;
	int first = 1;

	if (argc > 1 && strcmp(argv[1], "--mbox") == 0) {
		mbox = true;
		first = 2;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: bench_gmime [--mbox] FILE...\n");
		return 2;
	}
	g_mime_init();
	for (int i = first; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		GMimeStream *stream;

		if (fd < 0) {
			perror(argv[i]);
			return 1;
		}
		/* The mmap stream reads the way liaisonbot's mbox source
		 * does; for single files a plain fs stream. */
		stream = mbox ? g_mime_stream_mmap_new(fd, PROT_READ,
		    MAP_PRIVATE) : g_mime_stream_fs_new(fd);
		if (stream == NULL) {
			perror(argv[i]);
			return 1;
		}
		bench_parse_stream(stream, mbox, &totals);
		g_object_unref(stream);		/* closes fd */
	}
	printf("%" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT
	    " bytes of text\n", totals.messages, totals.text_bytes);
	g_mime_shutdown();
	return 0;
}

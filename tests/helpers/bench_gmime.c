/* bench_gmime: the floor for `liaisonbot classify`: a bare GMime parse.
 *
 *   bench_gmime FILE...                  one message per file
 *   bench_gmime --mbox FILE...           every message of each mbox
 *   bench_gmime --store DB [--mbox] FILE...
 *
 * Parses each message with GMime's defaults and decodes its text parts
 * (transfer encoding and charset, as g_mime_text_part_get_text does), and
 * nothing else: no classification, no store, no liaisonbot code. Prints
 * "N messages, B bytes of text" so the work cannot be skipped; `make
 * bench` times the whole process.
 *
 * --store DB: the floor of a sync that keeps what the store must (the
 * extracted text): also writes each message's decoded text as one row of
 * a new SQLite database, in one transaction, with the store's page size,
 * WAL and synchronous settings and nothing else (no index, no other
 * field, no checkpoint at commit or close). Linked against GMime, GLib
 * and SQLite only. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <sqlite3.h>

struct bench_totals {
	guint64 messages;
	guint64 text_bytes;
	GString *text;			/* the message's text, with --store */
	sqlite3_stmt *insert;		/* its row, with --store */
};

static void
bench_text_part(GMimeObject *parent, GMimeObject *part, gpointer data)
{
	struct bench_totals *totals = data;
	char *text;

	if (!GMIME_IS_TEXT_PART(part))
		return;
	text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
	if (text != NULL) {
		totals->text_bytes += strlen(text);
		if (totals->text != NULL)
			g_string_append(totals->text, text);
	}
	g_free(text);
}

static bool
bench_store_text(struct bench_totals *totals)
{
	int rc;

	sqlite3_bind_text(totals->insert, 1, totals->text->str,
	    (int)totals->text->len, SQLITE_STATIC);
	rc = sqlite3_step(totals->insert);
	sqlite3_reset(totals->insert);
	g_string_truncate(totals->text, 0);
	return rc == SQLITE_DONE;
}

/* Every message the parser yields until the end of its stream. */
static bool
bench_parse_stream(GMimeStream *stream, bool mbox,
    struct bench_totals *totals)
{
	GMimeParser *parser = g_mime_parser_new_with_stream(stream);
	bool ok = true;

	if (mbox)
		g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
	while (ok && !g_mime_parser_eos(parser)) {
		GMimeMessage *message = g_mime_parser_construct_message(parser,
		    NULL);

		if (message == NULL)
			break;
		totals->messages++;
		g_mime_message_foreach(message, bench_text_part, totals);
		g_object_unref(message);
		if (totals->insert != NULL)
			ok = bench_store_text(totals);
		if (!mbox)
			break;
	}
	g_object_unref(parser);
	return ok;
}

static void
bench_store_error(const char *path, sqlite3 *db)
{
	fprintf(stderr, "bench_gmime: %s: %s\n", path, sqlite3_errmsg(db));
}

static sqlite3 *
bench_store_open(const char *path, sqlite3_stmt **insert)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	sqlite3 *db = NULL;

	/* A new database: a WAL left by an earlier run would be replayed. */
	for (size_t i = 0; i < G_N_ELEMENTS(suffix); i++) {
		g_autofree char *name = g_strconcat(path, suffix[i], NULL);

		unlink(name);
	}
	if (sqlite3_open(path, &db) != SQLITE_OK)
		goto fail;
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (sqlite3_exec(db, "PRAGMA page_size = 65536;"
	    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	    "PRAGMA wal_autocheckpoint = 0;"
	    "CREATE TABLE message (id INTEGER PRIMARY KEY, text TEXT);"
	    "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO message (text) VALUES (?)",
	    -1, insert, NULL) != SQLITE_OK)
		goto fail;
	return db;
fail:
	bench_store_error(path, db);
	sqlite3_close(db);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct bench_totals totals = { 0 };
	const char *store = NULL;
	sqlite3 *db = NULL;
	bool mbox = false;
	int first = 1;

	for (; first < argc && argv[first][0] == '-'; first++) {
		if (strcmp(argv[first], "--mbox") == 0)
			mbox = true;
		else if (strcmp(argv[first], "--store") == 0 &&
		    first + 1 < argc)
			store = argv[++first];
		else
			break;
	}
	if (first >= argc || argv[first][0] == '-') {
		fprintf(stderr, "usage: bench_gmime [--store DB] [--mbox]"
		    " FILE...\n");
		return 2;
	}
	if (store != NULL) {
		db = bench_store_open(store, &totals.insert);
		if (db == NULL)
			return 1;
		totals.text = g_string_sized_new(65536);
	}
	g_mime_init();
	for (int i = first; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY);
		GMimeStream *stream;
		bool ok;

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
		ok = bench_parse_stream(stream, mbox, &totals);
		g_object_unref(stream);		/* closes fd */
		if (!ok) {
			bench_store_error(store, db);
			return 1;
		}
	}
	if (db != NULL) {
		sqlite3_finalize(totals.insert);
		if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			bench_store_error(store, db);
			return 1;
		}
		sqlite3_close(db);
		g_string_free(totals.text, TRUE);
	}
	printf("%" G_GUINT64_FORMAT " messages, %" G_GUINT64_FORMAT
	    " bytes of text\n", totals.messages, totals.text_bytes);
	g_mime_shutdown();
	return 0;
}

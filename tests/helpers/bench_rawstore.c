/* bench_rawstore: the floor of storing, for `make bench`'s sync floor.
 *
 *   bench_rawstore DB FILE...    one message per file
 *
 * Inserts each file's bytes, as they are, into one table of a new SQLite
 * database DB, in one transaction, with the store's own settings (64 KiB
 * pages, WAL, synchronous = NORMAL) and nothing else: no parse, no
 * index, no text, no state, and no checkpoint, at commit or at close
 * (the WAL is left for the next open). Whatever keeps the raw message must do at least
 * this. Linked against SQLite only. Prints "N messages, B bytes". */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

static int
bench_fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench_rawstore: %s: %s\n", what, sqlite3_errmsg(db));
	sqlite3_close(db);
	return 1;
}

/* One file's bytes as one row; mapped, so that reading costs no copy. */
static int
bench_insert_file(sqlite3_stmt *insert, const char *path, long long *bytes)
{
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY);
	int rc;

	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		perror(path);
		return -1;
	}
	sqlite3_bind_blob(insert, 1, map, (int)st.st_size, SQLITE_STATIC);
	rc = sqlite3_step(insert);
	sqlite3_reset(insert);
	munmap(map, st.st_size);
	*bytes += st.st_size;
	return rc == SQLITE_DONE ? 0 : -1;
}

int
main(int argc, char **argv)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *insert = NULL;
	long long bytes = 0;
	int count = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: bench_rawstore DB FILE...\n");
		return 2;
	}
	/* A new database: a WAL left by an earlier run would be replayed. */
	for (int i = 0; i < 3; i++) {
		static const char *const suffix[] = { "", "-wal", "-shm" };
		char path[4096];

		snprintf(path, sizeof path, "%s%s", argv[1], suffix[i]);
		unlink(path);
	}
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		return bench_fail(db, argv[1]);
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if (sqlite3_exec(db, "PRAGMA page_size = 65536;"
	    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
	    "PRAGMA wal_autocheckpoint = 0;"
	    "CREATE TABLE message (id INTEGER PRIMARY KEY, raw BLOB NOT NULL);"
	    "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return bench_fail(db, "setup");
	if (sqlite3_prepare_v2(db, "INSERT INTO message (raw) VALUES (?)", -1,
	    &insert, NULL) != SQLITE_OK)
		return bench_fail(db, "prepare");
	for (int i = 2; i < argc; i++) {
		if (bench_insert_file(insert, argv[i], &bytes) != 0) {
			sqlite3_finalize(insert);
			return bench_fail(db, argv[i]);
		}
		count++;
	}
	sqlite3_finalize(insert);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return bench_fail(db, "commit");
	sqlite3_close(db);
	printf("%d messages, %lld bytes\n", count, bytes);
	return 0;
}

/* store_checkpoint.c: see store_checkpoint.h.
 *
 * POSIX mutex and condition variables rather than GLib's: GLib's are
 * futexes that ThreadSanitizer (tests/tsan.sh) cannot see. */
#include <pthread.h>
#include <stdbool.h>

#include "log.h"
#include "store_checkpoint.h"

/* SQLite's own automatic checkpoint limit, given back on free. */
#define SQLITE_DEFAULT_AUTOCHECKPOINT_FRAMES 1000

struct store_checkpointer {
	sqlite3 *db;			/* the writer's connection */
	char *path;			/* its file, as SQLite resolved it */
	int frames;			/* WAL frames that ask for one */
	int catch_up_frames;		/* and that wait for it */
	GThread *thread;		/* NULL until the first is asked for */
	pthread_mutex_t lock;
	pthread_cond_t wake;		/* to the thread: asked, or stop */
	pthread_cond_t idle;		/* from it: neither asked nor busy */
	/* Under lock: */
	bool asked, busy, stop;
	bool failed;			/* no thread: checkpoint inline */
	guint64 runs;
};

static gpointer
checkpointer_thread(gpointer data)
{
	struct store_checkpointer *c = data;
	sqlite3 *db = NULL;
	bool warned = false;
	int rc;

	rc = sqlite3_open_v2(c->path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA synchronous = NORMAL", NULL,
		    NULL, NULL);
	pthread_mutex_lock(&c->lock);
	if (rc != SQLITE_OK) {
		log_warn("store %s: checkpoint connection: %s (checkpoints "
		    "stay in the writing thread)", c->path,
		    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		c->failed = true;
		c->asked = false;
	}
	while (!c->failed) {
		while (!c->asked && !c->stop) {
			c->busy = false;
			pthread_cond_broadcast(&c->idle);
			pthread_cond_wait(&c->wake, &c->lock);
		}
		if (c->stop)
			break;
		c->asked = false;
		c->busy = true;
		pthread_mutex_unlock(&c->lock);
		/* PASSIVE, as SQLite's automatic ones: copies what no reader
		 * still needs, never waits for a lock. */
		rc = sqlite3_wal_checkpoint_v2(db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY && !warned) {
			log_warn("store %s: checkpoint: %s", c->path,
			    sqlite3_errmsg(db));
			warned = true;
		}
		pthread_mutex_lock(&c->lock);
		c->runs++;
	}
	c->busy = false;
	pthread_cond_broadcast(&c->idle);
	pthread_mutex_unlock(&c->lock);
	sqlite3_close(db);
	return NULL;
}

/* Asks the thread for a checkpoint, starting it the first time; false
 * when there is no thread to ask. On the writer's thread. */
static bool
checkpointer_ask(struct store_checkpointer *c)
{
	g_autoptr(GError) error = NULL;
	bool asked = true;

	pthread_mutex_lock(&c->lock);
	if (c->failed) {
		asked = false;
	} else if (c->thread == NULL) {
		c->asked = true;
		c->thread = g_thread_try_new("checkpoint", checkpointer_thread,
		    c, &error);
		if (c->thread == NULL) {
			log_warn("store %s: no checkpoint thread: %s "
			    "(checkpoints stay in the writing thread)",
			    c->path, error->message);
			c->failed = true;
			c->asked = asked = false;
		} else {
			log_debug(LOG_AREA_STORE, "%s: checkpoints on their "
			    "own thread from now on", c->path);
		}
	} else {
		c->asked = true;
		pthread_cond_signal(&c->wake);
	}
	pthread_mutex_unlock(&c->lock);
	return asked;
}

guint64
store_checkpointer_wait(struct store_checkpointer *c)
{
	guint64 runs;

	pthread_mutex_lock(&c->lock);
	while (c->thread != NULL && (c->asked || c->busy))
		pthread_cond_wait(&c->idle, &c->lock);
	runs = c->runs;
	pthread_mutex_unlock(&c->lock);
	return runs;
}

/* SQLite calls this after every commit, the write lock released; frames
 * counts the whole WAL, copied or not. Past the catch-up limit the thread
 * is asked for a checkpoint of everything up to this commit, and waited
 * for: the next write then starts the WAL over. */
static int
checkpointer_hook(void *data, sqlite3 *db, const char *schema, int frames)
{
	struct store_checkpointer *c = data;

	if (frames < c->frames)
		return SQLITE_OK;
	if (!checkpointer_ask(c)) {
		sqlite3_wal_checkpoint_v2(db, schema,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	} else if (frames >= c->catch_up_frames) {
		log_debug(LOG_AREA_STORE, "%s: WAL of %d pages: waiting for "
		    "the checkpoint to copy all of it", c->path, frames);
		store_checkpointer_wait(c);
	}
	return SQLITE_OK;
}

struct store_checkpointer *
store_checkpointer_new(sqlite3 *db)
{
	struct store_checkpointer *c = g_new0(struct store_checkpointer, 1);
	sqlite3_stmt *stmt = NULL;
	int page_size = 4096;

	if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &stmt,
	    NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
		page_size = MAX(sqlite3_column_int(stmt, 0), 512);
	sqlite3_finalize(stmt);
	c->db = db;
	c->path = g_strdup(sqlite3_db_filename(db, "main"));
	c->frames = MAX(STORE_CHECKPOINT_BYTES / page_size, 1);
	c->catch_up_frames = MAX(STORE_CHECKPOINT_CATCH_UP_BYTES / page_size,
	    c->frames);
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->wake, NULL);
	pthread_cond_init(&c->idle, NULL);
	sqlite3_wal_hook(db, checkpointer_hook, c);
	return c;
}

void
store_checkpointer_free(struct store_checkpointer *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	c->stop = true;
	pthread_cond_signal(&c->wake);
	pthread_mutex_unlock(&c->lock);
	if (c->thread != NULL)
		g_thread_join(c->thread);
	sqlite3_wal_autocheckpoint(c->db, SQLITE_DEFAULT_AUTOCHECKPOINT_FRAMES);
	pthread_cond_destroy(&c->idle);
	pthread_cond_destroy(&c->wake);
	pthread_mutex_destroy(&c->lock);
	g_free(c->path);
	g_free(c);
}

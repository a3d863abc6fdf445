/* store_checkpoint.h: the store's WAL checkpoints, on a thread of their
 * own.
 *
 * SQLite copies the write-ahead log back into the database every so often
 * (a checkpoint), and by default does it inside the COMMIT that crosses
 * the limit, with two fsync()s, on the thread that writes. During a bulk
 * load (an initial IMAP sync, an mbox ingest) that thread is the one the
 * whole pipeline waits on; a second connection on its own thread takes
 * the copying and the waiting off it, as SQLite's documentation suggests
 * for WAL writers. Durability is as before: commits are in the WAL
 * (synchronous = NORMAL), checkpoints are the same PASSIVE ones. */
#ifndef LIAISONBOT_STORE_CHECKPOINT_H
#define LIAISONBOT_STORE_CHECKPOINT_H

#include <glib.h>
#include <sqlite3.h>

/* A checkpoint is asked for once the WAL holds this many bytes. */
#define STORE_CHECKPOINT_BYTES (16 * 1024 * 1024)
/* A writer that never pauses keeps the thread behind it, and SQLite starts
 * the WAL over only at a write after a checkpoint that copied all of it:
 * once the WAL holds this many bytes, the COMMIT waits for one. */
#define STORE_CHECKPOINT_CATCH_UP_BYTES (4 * STORE_CHECKPOINT_BYTES)

struct store_checkpointer;

/* Takes over db's automatic checkpoints (its WAL hook). The thread and
 * its connection (to the same file) start on the first checkpoint asked
 * for; should they fail, checkpoints run in the COMMIT as before. db
 * must outlive the checkpointer. */
struct store_checkpointer *store_checkpointer_new(sqlite3 *db);
/* Stops the thread (a checkpoint under way is finished, one only asked
 * for is left to sqlite3_close) and gives db its automatic checkpoints
 * back. NULL is fine. */
void store_checkpointer_free(struct store_checkpointer *checkpointer);
/* Waits until no checkpoint is asked for or under way; returns how many
 * the thread has run. Tests call it; so does a COMMIT past
 * STORE_CHECKPOINT_CATCH_UP_BYTES. */
guint64 store_checkpointer_wait(struct store_checkpointer *checkpointer);

#endif

/* parse_pool.h: parse and classify on worker threads, results in order.
 *
 * An ordered parallel map raw_message -> struct message (mime_parse, then
 * classify_message): the caller pushes raw messages and pops the results
 * in the order it pushed them, each once its worker is done, and stores or
 * prints them on its own thread. Bulk work (ingest, classify, an initial
 * IMAP sync) is bound by parsing and the rules; this spreads them over
 * the CPUs while the store stays on one thread.
 *
 * The pool belongs to the thread that made it: push, pop and the rest
 * are called from that thread only. Memory is bounded: at most
 * parse_pool_window() messages, and PARSE_POOL_BYTES_MAX bytes of them
 * (or one message), are pushed and not yet popped; the caller pops before
 * pushing more:
 *
 *	while ((result = parse_pool_next(pool, false)))
 *		handle(result);		(oldest first; waits only when full)
 *	parse_pool_push(pool, raw);
 *	...
 *	while ((result = parse_pool_next(pool, true)))
 *		handle(result);		(the rest, to the last)
 */
#ifndef LIAISONBOT_PARSE_POOL_H
#define LIAISONBOT_PARSE_POOL_H

#include <stdbool.h>

#include <glib.h>

#include "message.h"
#include "rules.h"
#include "source.h"

/* Threads for threads = 0 at most, whatever the CPU count. */
#define PARSE_POOL_THREADS_MAX 8
/* Messages in flight per thread: enough to keep each one busy while the
 * caller stores, few enough to keep memory small. */
#define PARSE_POOL_WINDOW_PER_THREAD 8
/* Bytes of raw messages in flight beyond which the window counts as full
 * (one message always fits): large mail does not multiply memory. */
#define PARSE_POOL_BYTES_MAX (8u << 20)
/* Overrides the threads asked for (a number; 1: none), e.g. under
 * valgrind, which runs one thread at a time anyway. */
#define PARSE_POOL_THREADS_ENV "LIAISONBOT_THREADS"

/* One message pushed: the raw message and what was made of it. */
struct parse_result {
	struct raw_message *raw;
	struct message *message;	/* parsed and classified */
};

/* A result made here and now, without a pool: parse_pool_parse of raw,
 * which it takes. */
struct parse_result *parse_result_new(const struct ruleset *rules,
    struct raw_message *raw);
void parse_result_free(struct parse_result *result);

/* What a worker does with one message: mime_parse (arrival "now" when raw
 * has none), then classify_message with rules. Never fails. Caller frees
 * with message_free(). */
struct message *parse_pool_parse(const struct ruleset *rules,
    const struct raw_message *raw);

/* The number of worker threads for a setting: threads, unless the
 * environment overrides it; 0 means one per CPU (at most
 * PARSE_POOL_THREADS_MAX). 1 means no threads. */
guint parse_pool_threads(guint threads);

struct parse_pool;

/* A pool of parse_pool_threads(threads) workers classifying with rules
 * (borrowed; must outlive the pool, or parse_pool_set_rules). With one
 * thread there are none: push does the work itself, in order; so too
 * while debug logging of mime or classify is on, to keep each message's
 * lines together. Calls mime_init(). */
struct parse_pool *parse_pool_new(const struct ruleset *rules,
    guint threads);

/* Waits for the workers, then frees the pool and whatever was not popped
 * (messages not yet started are dropped unparsed). NULL-safe. */
void parse_pool_free(struct parse_pool *pool);

/* Rules for messages pushed from now on; borrowed. Those in flight keep
 * the rules they were pushed with (which must outlive them). */
void parse_pool_set_rules(struct parse_pool *pool,
    const struct ruleset *rules);

/* Worker threads (0: the work is done inline). */
guint parse_pool_workers(const struct parse_pool *pool);
/* How many messages may be pushed and not yet popped. */
guint parse_pool_window(const struct parse_pool *pool);
/* Pushed and not yet popped. */
guint parse_pool_pending(const struct parse_pool *pool);
/* The window is full (in messages or in bytes): pop before pushing
 * again. */
bool parse_pool_full(const struct parse_pool *pool);

/* Queues raw for parsing; takes ownership. Never blocks; the window must
 * not be full (a broken invariant otherwise). */
void parse_pool_push(struct parse_pool *pool, struct raw_message *raw);

/* The oldest message pushed and not popped once it is done, waiting for
 * it if wait; NULL when none is pending, or when it is not done and not
 * wait. Results come back in push order, never otherwise. Caller gives it
 * back with parse_pool_release (or frees it with parse_result_free). */
struct parse_result *parse_pool_pop(struct parse_pool *pool, bool wait);

/* What a caller between pushes handles next: with all, every pending
 * result in turn (waiting for each); else what is done, waiting only while
 * the window is full. parse_pool_pop otherwise. */
struct parse_result *parse_pool_next(struct parse_pool *pool, bool all);

/* Frees a popped result: the raw message now, the message later, on the
 * worker that made it (cheaper than here), or here once a waiting pop
 * finds nothing pending (the end of a run). Before parse_pool_free.
 * result NULL: nothing; pool NULL (a result of parse_result_new):
 * parse_result_free. */
void parse_pool_release(struct parse_pool *pool,
    struct parse_result *result);

/* Drops everything pending (after a failure): what a worker is on is
 * waited for, what it has not started is not parsed. */
void parse_pool_discard(struct parse_pool *pool);

#endif

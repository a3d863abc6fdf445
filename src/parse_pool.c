/* parse_pool.c: see parse_pool.h.
 *
 * Each pushed message is an item in a queue only the caller's thread
 * touches; a worker gets the item itself, fills in its message and marks
 * it done under the lock. What a worker runs is thread-safe because
 * nothing it reaches is both shared and written:
 *  - the ruleset (rules*.c, classify.c, confidential.c) is read-only once
 *    loaded; matching state lives in each call's struct rules_fields and
 *    rules_text; GLib matches a shared GRegex without writing to it when
 *    no match options are given (2.74: its JIT is compiled at
 *    g_regex_new); the fold tables are made once, under g_once;
 *  - mime.c keeps a parse's state on its stack and one GMimeParserOptions
 *    per thread (the warning callback's data changes per parse); GMime's
 *    own caches (charset names) are locked, and GMime, its types and
 *    libxml2 are initialised once before any worker starts (mime_init);
 *  - text.c, thread.c and message.c have no mutable static state;
 *  - logging only reads settings made at start-up (log.c opens syslog in
 *    log_setup), and stdio and syslog() lock for each line.
 * Results are freed on the caller's thread: glibc's malloc takes that. */
#include "parse_pool.h"

#include "classify.h"
#include "log.h"
#include "mime.h"

/* GLib's GMutex and GAsyncQueue work on futexes, which ThreadSanitizer
 * does not see: tell it about the two hand-offs, the item to its worker
 * and everything under pool->lock. Nothing in other builds. */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PARSE_POOL_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(PARSE_POOL_TSAN)
void __tsan_acquire(void *address);
void __tsan_release(void *address);
#define parse_pool_tsan_acquire(address) __tsan_acquire(address)
#define parse_pool_tsan_release(address) __tsan_release(address)
#else
#define parse_pool_tsan_acquire(address) ((void)(address))
#define parse_pool_tsan_release(address) ((void)(address))
#endif

/* One message from push to pop, and on until its worker frees it. */
struct parse_item {
	struct parse_result result;	/* first: pop hands out &result */
	const struct ruleset *rules;
	GThread *owner;			/* the worker that made the message;
					   NULL: made on the caller's */
	gint done;			/* atomic; set once message is */
};

struct parse_pool {
	const struct ruleset *rules;
	guint workers;			/* 0: inline */
	guint window;
	GThreadPool *threads;		/* NULL when inline */
	/* The caller's thread only: */
	GQueue pending;			/* struct parse_item, oldest first */
	gsize pending_bytes;		/* of their raw messages */
	GQueue spent;			/* released, not yet handed over */
	/* Under lock: */
	GMutex lock;
	GCond done;			/* waiting_for is done */
	struct parse_item *waiting_for;
	GQueue garbage;			/* released, for their owners */
};

static void
parse_pool_lock(struct parse_pool *pool)
{
	g_mutex_lock(&pool->lock);
	parse_pool_tsan_acquire(&pool->lock);
}

static void
parse_pool_unlock(struct parse_pool *pool)
{
	parse_pool_tsan_release(&pool->lock);
	g_mutex_unlock(&pool->lock);
}

static void
parse_pool_wait(struct parse_pool *pool)
{
	parse_pool_tsan_release(&pool->lock);
	g_cond_wait(&pool->done, &pool->lock);
	parse_pool_tsan_acquire(&pool->lock);
}

/* Every result is the first member of an item, so that results from a
 * pool and from parse_result_new free alike. */
struct parse_result *
parse_result_new(const struct ruleset *rules, struct raw_message *raw)
{
	struct parse_item *item = g_new0(struct parse_item, 1);

	item->result.raw = raw;
	item->result.message = parse_pool_parse(rules, raw);
	item->done = 1;
	return &item->result;
}

void
parse_result_free(struct parse_result *result)
{
	if (result == NULL)
		return;
	message_free(result->message);
	raw_message_free(result->raw);
	g_free(result);
}

/* Frees the items of a queue of released ones. */
static void
parse_pool_free_items(GQueue *items)
{
	struct parse_item *item;

	while ((item = g_queue_pop_head(items)) != NULL)
		parse_result_free(&item->result);
}

struct message *
parse_pool_parse(const struct ruleset *rules, const struct raw_message *raw)
{
	gint64 arrival = raw->arrival ? raw->arrival
				      : g_get_real_time() / G_USEC_PER_SEC;
	struct message *message = mime_parse(raw->bytes, arrival);

	/* Also withholds confidential sections (classify.h): that text
	 * neither matches rules nor reaches the store. */
	classify_message(rules, message);
	return message;
}

guint
parse_pool_threads(guint threads)
{
	const char *setting = g_getenv(PARSE_POOL_THREADS_ENV);
	guint64 value;

	if (setting != NULL && g_ascii_string_to_unsigned(setting, 10, 0,
	    G_MAXUINT, &value, NULL))
		threads = (guint)value;
	if (threads == 0)
		threads = (guint)CLAMP(g_get_num_processors(), 1,
		    PARSE_POOL_THREADS_MAX);
	return threads;
}

/* Moves to mine the released items that self made. Under lock. */
static void
parse_pool_take_garbage(struct parse_pool *pool, GThread *self,
    GQueue *mine)
{
	GList *link = pool->garbage.head;

	while (link != NULL) {
		GList *next = link->next;
		struct parse_item *item = link->data;

		if (item->owner == self) {
			g_queue_unlink(&pool->garbage, link);
			g_queue_push_tail_link(mine, link);
		}
		link = next;
	}
}

/* A worker: parses one item, and frees what the caller released of its
 * own earlier ones. glibc's malloc gives each thread an arena; a message
 * freed by the thread that made it goes back without a lock taken from
 * under the other threads (on the caller's thread that cost a third more
 * CPU time than the parsing saved, in futex calls and cache misses). */
static void
parse_pool_work(gpointer data, gpointer user_data)
{
	struct parse_item *item = data;
	struct parse_pool *pool = user_data;
	GThread *self = g_thread_self();
	GQueue mine = G_QUEUE_INIT;
	struct message *message;

	parse_pool_tsan_acquire(item);
	message = parse_pool_parse(item->rules, item->result.raw);
	parse_pool_lock(pool);
	item->result.message = message;
	item->owner = self;
	g_atomic_int_set(&item->done, 1);
	if (pool->waiting_for == item)
		g_cond_signal(&pool->done);
	parse_pool_take_garbage(pool, self, &mine);
	parse_pool_unlock(pool);
	parse_pool_free_items(&mine);
}

/* Shared threads (not exclusive): a pool that goes quiet, like a daemon's
 * between two mails, gives them back to GLib, which ends them soon. */
static void
parse_pool_start(struct parse_pool *pool)
{
	pool->threads = g_thread_pool_new(parse_pool_work, pool,
	    (gint)pool->workers, FALSE, NULL);
}

struct parse_pool *
parse_pool_new(const struct ruleset *rules, guint threads)
{
	struct parse_pool *pool = g_new0(struct parse_pool, 1);

	mime_init();
	pool->rules = rules;
	pool->workers = parse_pool_threads(threads);
	if (pool->workers < 2 || log_debug_enabled(LOG_AREA_MIME) ||
	    log_debug_enabled(LOG_AREA_CLASSIFY))
		pool->workers = 0;
	pool->window = pool->workers > 0
	    ? pool->workers * PARSE_POOL_WINDOW_PER_THREAD : 1;
	g_queue_init(&pool->pending);
	g_queue_init(&pool->spent);
	g_queue_init(&pool->garbage);
	g_mutex_init(&pool->lock);
	g_cond_init(&pool->done);
	if (pool->workers > 0)
		parse_pool_start(pool);
	return pool;
}

/* Frees every item; no worker may be running. */
static void
parse_pool_clear(struct parse_pool *pool)
{
	pool->pending_bytes = 0;
	parse_pool_free_items(&pool->pending);
	parse_pool_free_items(&pool->spent);
	parse_pool_free_items(&pool->garbage);
}

/* Stops the workers: what they are on is finished, what they have not
 * started is dropped. */
static void
parse_pool_stop(struct parse_pool *pool)
{
	if (pool->threads == NULL)
		return;
	g_thread_pool_free(pool->threads, TRUE, TRUE);
	pool->threads = NULL;
	/* Whatever the workers wrote under the lock is ours now. */
	parse_pool_lock(pool);
	parse_pool_unlock(pool);
}

void
parse_pool_free(struct parse_pool *pool)
{
	if (pool == NULL)
		return;
	parse_pool_stop(pool);
	parse_pool_clear(pool);
	g_mutex_clear(&pool->lock);
	g_cond_clear(&pool->done);
	g_free(pool);
}

void
parse_pool_discard(struct parse_pool *pool)
{
	if (g_queue_is_empty(&pool->pending))
		return;
	parse_pool_stop(pool);
	parse_pool_clear(pool);
	if (pool->workers > 0)
		parse_pool_start(pool);
}

void
parse_pool_set_rules(struct parse_pool *pool, const struct ruleset *rules)
{
	pool->rules = rules;
}

guint
parse_pool_workers(const struct parse_pool *pool)
{
	return pool->workers;
}

guint
parse_pool_window(const struct parse_pool *pool)
{
	return pool->window;
}

guint
parse_pool_pending(const struct parse_pool *pool)
{
	return pool->pending.length;
}

bool
parse_pool_full(const struct parse_pool *pool)
{
	return pool->pending.length >= pool->window ||
	    (pool->pending.length > 0 &&
	    pool->pending_bytes >= PARSE_POOL_BYTES_MAX);
}

/* No thread could be started for a push (the system is out of them):
 * parse here from now on. A thread that did start has what it took. */
static void
parse_pool_fallback(struct parse_pool *pool, const GError *error)
{
	if (g_thread_pool_get_num_threads(pool->threads) > 0)
		return;
	log_warn("cannot start parser threads, parsing on one: %s",
	    error->message);
	parse_pool_stop(pool);
	pool->workers = 0;
	for (GList *link = pool->pending.head; link; link = link->next) {
		struct parse_item *item = link->data;

		if (item->done)
			continue;
		item->result.message = parse_pool_parse(item->rules,
		    item->result.raw);
		item->done = 1;
	}
}

void
parse_pool_push(struct parse_pool *pool, struct raw_message *raw)
{
	struct parse_item *item = g_new0(struct parse_item, 1);
	g_autoptr(GError) error = NULL;

	g_assert(!parse_pool_full(pool));
	item->result.raw = raw;
	item->rules = pool->rules;
	g_queue_push_tail(&pool->pending, item);
	pool->pending_bytes += g_bytes_get_size(raw->bytes);
	if (pool->threads == NULL) {
		item->result.message = parse_pool_parse(item->rules, raw);
		item->done = 1;
		return;
	}
	parse_pool_tsan_release(item);
	if (!g_thread_pool_push(pool->threads, item, &error))
		parse_pool_fallback(pool, error);
}

/* Hands what the caller released over to the workers. Under lock. */
static void
parse_pool_hand_over(struct parse_pool *pool)
{
	GList *link;

	while ((link = g_queue_pop_head_link(&pool->spent)) != NULL)
		g_queue_push_tail_link(&pool->garbage, link);
}

/* Whether the oldest item is done, waiting for it if wait. A wait lasts
 * until half the window is done, not just the oldest item: each wake-up
 * of this thread costs (an interrupt to another CPU, in a VM a trip
 * through the hypervisor), and once woken it has a run of results to
 * take while the workers go on with the rest. */
static bool
parse_pool_ready(struct parse_pool *pool, struct parse_item *oldest,
    bool wait)
{
	struct parse_item *mark;

	if (g_atomic_int_get(&oldest->done))
		return true;
	if (!wait)
		return false;
	mark = g_queue_peek_nth(&pool->pending,
	    MIN(pool->pending.length, pool->window / 2 + 1) - 1);
	parse_pool_lock(pool);
	parse_pool_hand_over(pool);
	while (!mark->done || !oldest->done) {
		pool->waiting_for = mark->done ? oldest : mark;
		parse_pool_wait(pool);
	}
	pool->waiting_for = NULL;
	parse_pool_unlock(pool);
	return true;
}

/* Frees here what the workers have not freed of what was released: at
 * the end of a run, when they are idle (when a run's last results were
 * made by a worker that made no more, nothing else would). */
static void
parse_pool_collect(struct parse_pool *pool)
{
	GQueue garbage = G_QUEUE_INIT;

	parse_pool_lock(pool);
	parse_pool_hand_over(pool);
	garbage = pool->garbage;
	g_queue_init(&pool->garbage);
	parse_pool_unlock(pool);
	parse_pool_free_items(&garbage);
}

struct parse_result *
parse_pool_pop(struct parse_pool *pool, bool wait)
{
	struct parse_item *item = g_queue_peek_head(&pool->pending);

	if (item == NULL && wait && pool->threads != NULL)
		parse_pool_collect(pool);	/* drained: the end of a run */
	if (item == NULL || !parse_pool_ready(pool, item, wait))
		return NULL;
	g_queue_pop_head(&pool->pending);
	pool->pending_bytes -= g_bytes_get_size(item->result.raw->bytes);
	return &item->result;
}

struct parse_result *
parse_pool_next(struct parse_pool *pool, bool all)
{
	return parse_pool_pop(pool, all || parse_pool_full(pool));
}

void
parse_pool_release(struct parse_pool *pool, struct parse_result *result)
{
	struct parse_item *item = (struct parse_item *)result;

	if (result == NULL)
		return;
	/* The raw message was made on this thread, and the message's
	 * reference to its bytes too: drop both here. */
	raw_message_free(result->raw);
	result->raw = NULL;
	if (result->message != NULL)
		g_clear_pointer(&result->message->raw, g_bytes_unref);
	if (pool == NULL || item->owner == NULL || pool->threads == NULL) {
		parse_result_free(result);
		return;
	}
	g_queue_push_tail(&pool->spent, item);
	if (pool->spent.length >= pool->window / 2) {
		parse_pool_lock(pool);
		parse_pool_hand_over(pool);
		parse_pool_unlock(pool);
	}
}

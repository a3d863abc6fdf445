/* test_parse_pool.c: the parse pool gives back what a plain mime_parse
 * and classify_message give, in push order, with 1, 2 and 4 threads, over
 * every message of the corpus, the hostile set and the sample week. */
#include <stdarg.h>
#include <string.h>

#include "classify.h"
#include "log.h"
#include "mail_files.h"
#include "mime.h"
#include "parse_pool.h"
#include "rules.h"
#include "tap.h"

#define ARRIVAL 1741000000
/* Each message is pushed this often: many windows' worth in all. */
#define ROUNDS 3

/* One input message and what a plain parse made of it. */
struct sample {
	char *path;
	GBytes *bytes;
	char *want;		/* message_dump and the verdict */
};

/* A path under the source tree ($LIAISONBOT_SRCDIR, or here). */
static char *
source_path(const char *relative)
{
	const char *dir = g_getenv("LIAISONBOT_SRCDIR");

	return g_build_filename(dir != NULL ? dir : ".", relative, NULL);
}

/* Everything the pool must reproduce: the parse and the verdict. */
static char *
describe(const struct message *message)
{
	const struct verdict *verdict = &message->verdict;
	g_autofree char *dump = message_dump(message);

	return g_strdup_printf("%s\ncategory %s score %d breaking %d "
	    "confidential %d kind %s reasons %s flags %#x", dump,
	    verdict_category_name(verdict->category), verdict->score,
	    verdict->breaking, verdict->confidential,
	    verdict->kind ? verdict->kind : "-",
	    verdict->reasons ? verdict->reasons : "-", message->flags);
}

static char *
describe_plain(const struct ruleset *rules, GBytes *bytes)
{
	struct message *message = mime_parse(bytes, ARRIVAL);
	char *text;

	classify_message(rules, message);
	text = describe(message);
	message_free(message);
	return text;
}

/* What load_dir adds samples with. */
struct load {
	GPtrArray *samples;
	const struct ruleset *rules;
	const char *relative;
};

static void
load_file(const char *path, const char *name, GBytes *bytes, void *data)
{
	struct load *load = data;
	struct sample *sample = g_new0(struct sample, 1);

	(void)path;
	sample->path = g_build_filename(load->relative, name, NULL);
	sample->bytes = g_bytes_ref(bytes);
	sample->want = describe_plain(load->rules, sample->bytes);
	g_ptr_array_add(load->samples, sample);
}

static void
load_dir(GPtrArray *samples, const struct ruleset *rules,
    const char *relative)
{
	g_autofree char *dir = source_path(relative);
	struct load load = { samples, rules, relative };
	int files = mail_files_each(dir, load_file, &load);

	ok(files > 0, "%s: %d messages", relative, files);
}

static void
sample_free(gpointer data)
{
	struct sample *sample = data;

	g_free(sample->path);
	g_bytes_unref(sample->bytes);
	g_free(sample->want);
	g_free(sample);
}

/* Push number n: sample n % count, its number in where. */
static struct raw_message *
raw_for(GPtrArray *samples, guint n)
{
	const struct sample *sample = samples->pdata[n % samples->len];

	return raw_message_new(g_bytes_ref(sample->bytes), ARRIVAL,
	    g_strdup_printf("%u", n));
}

/* Checks one popped result against push number *next; releases it. */
static void
check_result(struct parse_pool *pool, GPtrArray *samples,
    struct parse_result *result, guint *next, guint *wrong_order,
    guint *wrong_content)
{
	guint n = (guint)g_ascii_strtoull(result->raw->where, NULL, 10);
	const struct sample *sample = samples->pdata[n % samples->len];
	g_autofree char *got = describe(result->message);

	if (n != *next && (*wrong_order)++ == 0)
		diag("pushed %u came back as %u", n, *next);
	if (strcmp(got, sample->want) != 0 && (*wrong_content)++ == 0)
		diag("%s differs:\n--- got\n%s\n--- want\n%s", sample->path,
		    got, sample->want);
	(*next)++;
	parse_pool_release(pool, result);
}

/* Every sample ROUNDS times through a pool, with the idiom of
 * parse_pool.h: pop what is ready, waiting only while full. */
static void
test_threads(GPtrArray *samples, const struct ruleset *rules, guint threads)
{
	struct parse_pool *pool = parse_pool_new(rules, threads);
	guint total = samples->len * ROUNDS, next = 0;
	guint wrong_order = 0, wrong_content = 0, peak = 0, no_room = 0;
	guint want_workers = parse_pool_threads(threads);
	struct parse_result *result;

	if (want_workers < 2)
		want_workers = 0;
	is_int(parse_pool_workers(pool), want_workers,
	    "threads %u: %u workers", threads, want_workers);
	for (guint n = 0; n < total; n++) {
		while ((result = parse_pool_next(pool, false)) != NULL) {
			check_result(pool, samples, result, &next, &wrong_order,
			    &wrong_content);
		}
		if (parse_pool_full(pool)) {
			no_room++;
			continue;
		}
		parse_pool_push(pool, raw_for(samples, n));
		peak = MAX(peak, parse_pool_pending(pool));
	}
	while ((result = parse_pool_pop(pool, true)) != NULL)
		check_result(pool, samples, result, &next, &wrong_order,
		    &wrong_content);
	is_int(next, total, "threads %u: %u results", threads, total);
	is_int(wrong_order, 0, "threads %u: in push order", threads);
	is_int(wrong_content, 0, "threads %u: as mime_parse + "
	    "classify_message", threads);
	is_int(no_room, 0, "threads %u: room after the pops", threads);
	ok(peak <= parse_pool_window(pool), "threads %u: at most %u pending "
	    "(peak %u)", threads, parse_pool_window(pool), peak);
	ok(total > parse_pool_window(pool), "threads %u: %u pushed, more "
	    "than the window", threads, total);
	ok(parse_pool_pop(pool, false) == NULL, "threads %u: drained",
	    threads);
	parse_pool_free(pool);
}

/* The window fills; a full pool still gives its oldest first; pops on an
 * empty pool return NULL whether they wait or not. */
static void
test_window(GPtrArray *samples, const struct ruleset *rules, guint threads)
{
	struct parse_pool *pool = parse_pool_new(rules, threads);
	guint window = parse_pool_window(pool), next = 0, order = 0, content = 0;
	struct parse_result *result;

	ok(parse_pool_pop(pool, false) == NULL, "threads %u: empty, no wait",
	    threads);
	ok(parse_pool_pop(pool, true) == NULL, "threads %u: empty, wait",
	    threads);
	for (guint n = 0; n < window; n++)
		parse_pool_push(pool, raw_for(samples, n));
	ok(parse_pool_full(pool), "threads %u: full after %u", threads,
	    window);
	is_int(parse_pool_pending(pool), window, "threads %u: pending",
	    threads);
	result = parse_pool_pop(pool, true);
	ok(result != NULL && strcmp(result->raw->where, "0") == 0,
	    "threads %u: oldest first", threads);
	check_result(pool, samples, result, &next, &order, &content);
	ok(!parse_pool_full(pool), "threads %u: room after a pop", threads);
	parse_pool_discard(pool);
	is_int(parse_pool_pending(pool), 0, "threads %u: discarded",
	    threads);
	ok(parse_pool_pop(pool, true) == NULL, "threads %u: nothing after "
	    "discard", threads);
	/* still usable, and freeing with work pending drops it */
	next = 5;
	parse_pool_push(pool, raw_for(samples, 5));
	result = parse_pool_pop(pool, true);
	ok(result != NULL, "threads %u: usable after discard", threads);
	if (result != NULL)
		check_result(pool, samples, result, &next, &order, &content);
	is_int(order + content, 0, "threads %u: window results right",
	    threads);
	for (guint n = 0; n < window; n++)
		parse_pool_push(pool, raw_for(samples, n));
	parse_pool_free(pool);
}

/* Large messages fill the window by their bytes; one always fits. */
static void
test_bytes(const struct ruleset *rules, guint threads)
{
	struct parse_pool *pool = parse_pool_new(rules, threads);
	gsize size = PARSE_POOL_BYTES_MAX / 3 + 1;
	char *data = g_malloc(size);
	GBytes *bytes;
	guint pushed = 0;
	struct parse_result *result;

	memset(data, 'a', size);
	memcpy(data, "Subject: large\n\n", 16);
	bytes = g_bytes_new_take(data, size);
	while (!parse_pool_full(pool) && pushed < parse_pool_window(pool)) {
		parse_pool_push(pool, raw_message_new(g_bytes_ref(bytes),
		    ARRIVAL, g_strdup("large")));
		pushed++;
	}
	is_int(pushed, MIN(3, parse_pool_window(pool)),
	    "threads %u: full after %u of a third of the byte bound",
	    threads, MIN(3, parse_pool_window(pool)));
	while ((result = parse_pool_pop(pool, true)) != NULL)
		parse_result_free(result);
	g_bytes_unref(bytes);
	bytes = g_bytes_new_take(g_malloc0(PARSE_POOL_BYTES_MAX * 2),
	    PARSE_POOL_BYTES_MAX * 2);
	ok(!parse_pool_full(pool), "threads %u: empty, so a message beyond "
	    "the byte bound fits", threads);
	parse_pool_push(pool, raw_message_new(bytes, ARRIVAL,
	    g_strdup("huge")));
	ok(parse_pool_full(pool), "threads %u: and fills the window",
	    threads);
	result = parse_pool_pop(pool, true);
	ok(result != NULL && result->message != NULL, "threads %u: parsed",
	    threads);
	parse_result_free(result);
	parse_pool_free(pool);
}

/* Pushes sample n, taking what is done (oldest first) into results. */
static void
push_collect(struct parse_pool *pool, GPtrArray *samples, guint n,
    GPtrArray *results)
{
	struct parse_result *result;

	while ((result = parse_pool_next(pool, false)) != NULL)
		g_ptr_array_add(results, result);
	parse_pool_push(pool, raw_for(samples, n));
}

/* Messages keep the rules they were pushed with. */
static void
test_set_rules(GPtrArray *samples, const struct ruleset *rules,
    guint threads)
{
	g_autoptr(GError) error = NULL;
	struct ruleset *none = rules_parse("none.rules", "", &error);
	struct parse_pool *pool = parse_pool_new(rules, threads);
	g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)parse_result_free);
	guint half = MIN(2 * parse_pool_window(pool), samples->len / 2);
	guint scored = 0, zero = 0, differ = 0;
	struct parse_result *result;

	if (!ok(none != NULL, "empty ruleset")) {
		diag("%s", error->message);
		parse_pool_free(pool);
		return;
	}
	for (guint n = 0; n < half; n++)
		push_collect(pool, samples, n, results);
	parse_pool_set_rules(pool, none);
	for (guint n = half; n < 2 * half; n++)
		push_collect(pool, samples, n, results);
	while ((result = parse_pool_pop(pool, true)) != NULL)
		g_ptr_array_add(results, result);
	is_int(results->len, 2 * half, "threads %u: %u results", threads,
	    2 * half);
	for (guint n = 0; n < results->len; n++) {
		const struct sample *sample = samples->pdata[n];
		g_autofree char *plain = describe_plain(none, sample->bytes);
		g_autofree char *got = describe(((struct parse_result *)
		    results->pdata[n])->message);

		if (n < half && strcmp(plain, sample->want) != 0)
			differ++;
		if (n < half && strcmp(got, sample->want) == 0)
			scored++;
		if (n >= half && strcmp(got, plain) == 0)
			zero++;
	}
	ok(differ > 0, "threads %u: %u of the first %u tell the rulesets "
	    "apart", threads, differ, half);
	is_int(scored, half, "threads %u: old rules before the switch",
	    threads);
	is_int(zero, half, "threads %u: new rules after it", threads);
	parse_pool_free(pool);
	rules_free(none);
}

/* Debug lines of a parse stay together: no threads then. */
static void
test_debug(const struct ruleset *rules)
{
	static const char *const areas[] = { "mime", "classify" };

	for (size_t i = 0; i < G_N_ELEMENTS(areas); i++) {
		struct parse_pool *pool;

		log_setup(LOG_TARGET_STDERR, LOG_LEVEL_DEBUG, areas[i]);
		pool = parse_pool_new(rules, 4);
		is_int(parse_pool_workers(pool), 0, "debug %s: inline",
		    areas[i]);
		parse_pool_free(pool);
	}
	log_setup(LOG_TARGET_STDERR, LOG_LEVEL_DEBUG, "store");
	{
		struct parse_pool *pool = parse_pool_new(rules, 4);

		is_int(parse_pool_workers(pool), 4, "debug store: threads");
		parse_pool_free(pool);
	}
	log_setup(LOG_TARGET_STDERR, LOG_LEVEL_WARN, NULL);
}

int
main(void)
{
	static const guint threads[] = { 1, 2, 4 };
	g_autofree char *rules_path = source_path("config/rules.conf");
	g_autoptr(GError) error = NULL;
	struct ruleset *rules = rules_load(rules_path, &error);
	GPtrArray *samples = g_ptr_array_new_with_free_func(sample_free);

	/* The test asks for its own thread counts. */
	g_unsetenv(PARSE_POOL_THREADS_ENV);
	if (rules == NULL) {
		ok(0, "rules: %s", error->message);
		return done_testing();
	}
	load_dir(samples, rules, "tests/data/corpus");
	load_dir(samples, rules, "tests/data/hostile");
	load_dir(samples, rules, "contrib/sample-week");
	is_int(parse_pool_threads(3), 3, "threads 3 is 3");
	ok(parse_pool_threads(0) >= 1 &&
	    parse_pool_threads(0) <= PARSE_POOL_THREADS_MAX,
	    "threads 0: one per CPU, at most %d", PARSE_POOL_THREADS_MAX);
	g_setenv(PARSE_POOL_THREADS_ENV, "1", TRUE);
	is_int(parse_pool_threads(4), 1, PARSE_POOL_THREADS_ENV " overrides");
	g_setenv(PARSE_POOL_THREADS_ENV, "many", TRUE);
	is_int(parse_pool_threads(4), 4, "a bad " PARSE_POOL_THREADS_ENV
	    " is ignored");
	g_unsetenv(PARSE_POOL_THREADS_ENV);
	for (size_t i = 0; i < G_N_ELEMENTS(threads); i++) {
		test_threads(samples, rules, threads[i]);
		test_window(samples, rules, threads[i]);
		test_set_rules(samples, rules, threads[i]);
		test_bytes(rules, threads[i]);
	}
	test_debug(rules);
	g_ptr_array_unref(samples);
	rules_free(rules);
	return done_testing();
}

/* bench_digest: how long compose_digest takes for a week of N messages
 * (default 1,000): select, group, tally, model, render text and HTML,
 * build the MIME message. Builds a throwaway store of generated IETF-like
 * mail (threads in every category with replies that quote and sign,
 * ballot positions, routine announcements), classified by the shipped
 * rules, then composes the digest several times and prints the best and
 * the median. Asserts nothing: `make bench` reads the figures.
 *
 *   bench_digest [--messages N] [--runs N] [--srcdir DIR]
 *
 * DIR (default $LIAISONBOT_SRCDIR, else .) holds config/rules.conf and
 * templates/. Output, one line:
 *   digest of 1000 messages (T threads, B ballots): best X.X ms, median
 *   Y.Y ms over R runs; store built in Z.Z s */
#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "compose.h"
#include "config.h"
#include "ingest.h"
#include "log.h"
#include "rules.h"
#include "source.h"
#include "store.h"
#include "store_query.h"

#define BENCH_START 1795132800	/* Mon 16 Nov 2026 00:00 UTC */
#define BENCH_WEEK (7 * 86400)

static const char *const bench_people[] = {
	"Helena Vasquez-Lind", "Astrid Lindqvist", "Ngozi Adeyemi-Clarke",
	"Kenji Morioka", "Marcus Delacroix-Weber", "Ingrid Solberg",
	"Tomasz Wierzbicki", "Priyanka Deshmane", "Rafael Ibarra Solís",
	"Camille Ferrand", "Leila Haddad", "Dorothea Vance",
};

/* Subjects of reportable threads, by category under the shipped rules;
 * a number follows. */
static const char *const bench_topics[] = {
	"Draft IESG statement on DISCUSS criteria, take",
	"Encrypted DNS and resolver centralization, part",
	"New Liaison Statement from ITU-T SG13 on identifiers, number",
	"3GPP coordination: SA2 study on QUIC exposure, number",
	"Process experiment under RFC 3933, number",
};

static const char *const bench_routine[] = {
	"Protocol Action: 'Widget Protocol' to Proposed Standard, number",
	"Last Call: <draft-ietf-wg-widget-02.txt> (Widgets), number",
	"WG Action: Formed Widget Working Group, number",
	"IETF 128 plenary logistics, note",
	"RFC 9999 on Widget Transport, number",
};

static const char *const bench_positions[] = {
	"Yes", "No Objection", "No Objection", "Discuss", "Abstain",
};

static const char bench_words[] =
    "The working group considered the architecture of the protocol and "
    "its deployment across operators. Several participants asked how the "
    "registry would be maintained and whether the security considerations "
    "cover on-path observers. The chairs propose to discuss this at the "
    "next interim meeting and ask for reviews before the end of the month. ";

static void
bench_body(GString *out, int n, bool reply)
{
	if (reply) {
		g_string_append_printf(out, "On Mon, 16 Nov 2026, %s wrote:\n",
		    bench_people[(n + 3) % G_N_ELEMENTS(bench_people)]);
		for (int i = 0; i < 6; i++)
			g_string_append_printf(out, "> quoted line %d of the "
			    "earlier message in this thread\n", i);
		g_string_append_c(out, '\n');
	}
	for (int p = 0; p < 3 + n % 4; p++) {
		g_string_append(out, bench_words);
		g_string_append(out, "\n\n");
	}
	g_string_append_printf(out, "-- \n%s\nSomewhere Area Director\n",
	    bench_people[n % G_N_ELEMENTS(bench_people)]);
}

static void
bench_headers(GString *out, int n, const char *from, const char *subject,
    const char *parent, gint64 date)
{
	g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(date);
	g_autofree char *when = g_date_time_format(t,
	    "%a, %d %b %Y %H:%M:%S +0000");

	g_string_append_printf(out, "From: %s <p%d@example.org>\n"
	    "To: The IESG <iesg@ietf.org>\nSubject: %s\nDate: %s\n"
	    "Message-ID: <bench-%d@example.org>\nList-Id: <iesg.ietf.org>\n"
	    "Archived-At: <https://mailarchive.ietf.org/arch/msg/iesg/b%d>\n",
	    from, n % 97, subject, when, n, n);
	if (parent != NULL)
		g_string_append_printf(out, "In-Reply-To: <%s>\n"
		    "References: <%s>\n", parent, parent);
	g_string_append(out, "MIME-Version: 1.0\nContent-Type: text/plain; "
	    "charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n");
}

/* Message n of count: a fifth thread openers and replies, a fifth ballot
 * positions, the rest routine. */
static GBytes *
bench_message(int n, int count)
{
	GString *out = g_string_new(NULL);
	gint64 date = BENCH_START + 3600 + (gint64)n * (BENCH_WEEK - 7200) /
	    count;
	const char *person = bench_people[n % G_N_ELEMENTS(bench_people)];
	g_autofree char *subject = NULL, *parent = NULL;
	int kind = n % 10;

	if (kind < 4) {
		/* Threads of sixteen: even and odd messages of each 80. */
		int thread = n / 80 * 2 + n % 2;
		int opener = n / 80 * 80 + n % 2;

		subject = g_strdup_printf("%s %d", bench_topics[thread %
		    G_N_ELEMENTS(bench_topics)], thread);
		if (n != opener) {
			g_autofree char *re = subject;

			subject = g_strdup_printf("Re: %s", re);
			parent = g_strdup_printf("bench-%d@example.org",
			    opener);
		}
		bench_headers(out, n, person, subject, parent, date);
		bench_body(out, n, parent != NULL);
	} else if (kind < 6) {
		const char *position = bench_positions[n %
		    G_N_ELEMENTS(bench_positions)];

		subject = g_strdup_printf("%s's %s on "
		    "draft-ietf-wg%d-widget-03: (with COMMENT)", person,
		    position, n % 25);
		bench_headers(out, n, person, subject, NULL, date);
		g_string_append_printf(out, "%s has entered the following "
		    "ballot position for\ndraft-ietf-wg%d-widget-03: %s\n\n",
		    person, n % 25, position);
		bench_body(out, n, false);
	} else {
		subject = g_strdup_printf("%s %d", bench_routine[n %
		    G_N_ELEMENTS(bench_routine)], n);
		bench_headers(out, n, "The IESG", subject, NULL, date);
		bench_body(out, n, false);
	}
	return g_string_free_to_bytes(out);
}

static bool
bench_fill(struct store *store, const struct ruleset *rules, int count,
    GError **error)
{
	struct ingest *ingest = ingest_new(store, rules);
	bool ok = ingest_begin(ingest, error);

	for (int n = 0; ok && n < count; n++) {
		struct raw_message *raw = raw_message_new(bench_message(n,
		    count), BENCH_START, g_strdup_printf("generated %d", n));
		enum store_add_result result;

		ok = ingest_raw(ingest, raw, "bench", &result, error);
		raw_message_free(raw);
	}
	if (ok)
		ok = ingest_commit(ingest, error);
	else
		ingest_rollback(ingest);
	ingest_free(ingest);
	return ok;
}

static int
bench_compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	int count = 1000, runs = 7;
	const char *srcdir = g_getenv("LIAISONBOT_SRCDIR");
	g_autofree char *dir = NULL, *path = NULL, *text = NULL;
	g_autoptr(GError) error = NULL;
	struct config *config = NULL;
	struct ruleset *rules = NULL;
	struct store *store = NULL;
	struct compose *compose = NULL;
	double *ms, built;
	gint64 t0;
	gint64 counts[CATEGORY_COUNT];
	int status = 1;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (g_str_equal(argv[i], "--messages"))
			count = atoi(argv[i + 1]);
		else if (g_str_equal(argv[i], "--runs"))
			runs = atoi(argv[i + 1]);
		else if (g_str_equal(argv[i], "--srcdir"))
			srcdir = argv[i + 1];
	}
	if (count < 1 || runs < 1) {
		fprintf(stderr, "usage: bench_digest [--messages N] [--runs N] "
		    "[--srcdir DIR]\n");
		return 2;
	}
	if (srcdir == NULL)
		srcdir = ".";
	log_setup(LOG_TARGET_STDERR, LOG_LEVEL_WARN, NULL);
	dir = g_dir_make_tmp("bench-digest.XXXXXX", &error);
	if (dir == NULL)
		goto out;
	path = g_build_filename(dir, "store.db", NULL);
	text = g_strdup_printf("[store]\npath = %s\n[classify]\n"
	    "rules = %s/config/rules.conf\n[drafts]\n"
	    "from = IESG liaisonbot <liaisonbot@example.org>\n"
	    "to = liaison@example.org\ntemplate_dir = %s/templates\n", path,
	    srcdir, srcdir);
	if ((config = config_load_data("bench", text, -1, &error)) == NULL ||
	    (rules = rules_load(config->classify.rules, &error)) == NULL ||
	    (store = store_open(path, &error)) == NULL)
		goto out;
	t0 = g_get_monotonic_time();
	if (!bench_fill(store, rules, count, &error) ||
	    (compose = compose_new(store, config, &error)) == NULL)
		goto out;
	built = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
	ms = g_new(double, runs);
	for (int r = 0; r < runs; r++) {
		struct composed *composed = NULL;

		t0 = g_get_monotonic_time();
		if (!compose_digest(compose, COMPOSE_DIGEST_ADHOC, BENCH_START,
		    BENCH_START + BENCH_WEEK, &composed, &error)) {
			g_free(ms);
			goto out;
		}
		ms[r] = (double)(g_get_monotonic_time() - t0) / 1000.0;
		composed_free(composed);
	}
	qsort(ms, (size_t)runs, sizeof(*ms), bench_compare);
	if (!store_count_by_category(store, 0, counts, &error)) {
		g_free(ms);
		goto out;
	}
	printf("digest of %d messages (%" G_GINT64_FORMAT " process, %"
	    G_GINT64_FORMAT " architecture, %" G_GINT64_FORMAT " external, %"
	    G_GINT64_FORMAT " routine, %" G_GINT64_FORMAT " none): best %.1f "
	    "ms, median %.1f ms over %d runs; store built in %.1f s\n", count,
	    counts[CATEGORY_PROCESS], counts[CATEGORY_ARCHITECTURE],
	    counts[CATEGORY_EXTERNAL], counts[CATEGORY_ROUTINE],
	    counts[CATEGORY_NONE], ms[0], ms[runs / 2], runs, built);
	g_free(ms);
	status = 0;
out:
	if (error != NULL)
		fprintf(stderr, "bench_digest: %s\n", error->message);
	compose_free(compose);
	store_close(store);
	rules_free(rules);
	config_free(config);
	if (path != NULL) {
		g_autofree char *wal = g_strconcat(path, "-wal", NULL);
		g_autofree char *shm = g_strconcat(path, "-shm", NULL);

		g_unlink(path);
		g_unlink(wal);
		g_unlink(shm);
	}
	if (dir != NULL)
		g_rmdir(dir);
	return status;
}

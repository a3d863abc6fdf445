/* cmd_ingest.c: `liaisonbot ingest`: store messages from files, an mbox,
 * a Maildir or stdin (procmail/Sieve pipe). */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "error.h"
#include "ingest.h"
#include "log.h"
#include "rules.h"
#include "store.h"

#define INGEST_BATCH 500

struct ingest_run {
	struct ingest *ingest;
	struct progress *progress;
	guint batch;
};

static bool
ingest_one_source(struct ingest_run *run, const struct source_ops *ops,
    const char *arg, GError **error)
{
	struct source *source = source_open(ops, arg, error);
	bool ok;

	if (source == NULL)
		return false;
	ok = ingest_source(run->ingest, source, run->batch, run->progress,
	    error);
	source_close(source);
	return ok;
}

/* Each argument is a source; "-" is stdin. Stops at the first failure:
 * what was stored so far stays, a rerun skips it. */
static bool
ingest_all(struct ingest_run *run, char **mboxes, char **maildirs,
    int argc, char **argv, GError **error)
{
	for (size_t i = 0; mboxes != NULL && mboxes[i] != NULL; i++)
		if (!ingest_one_source(run, &source_mbox_ops, mboxes[i],
		    error))
			return false;
	for (size_t i = 0; maildirs != NULL && maildirs[i] != NULL; i++)
		if (!ingest_one_source(run, &source_maildir_ops, maildirs[i],
		    error))
			return false;
	for (int i = 1; i < argc; i++) {
		bool is_stdin = strcmp(argv[i], "-") == 0;

		if (!ingest_one_source(run,
		    is_stdin ? &source_stdin_ops : &source_file_ops,
		    is_stdin ? NULL : argv[i], error))
			return false;
	}
	return true;
}

static int
ingest_run(struct cmd_context *ctx, int argc, char **argv)
{
	g_auto(GStrv) mboxes = NULL;
	g_auto(GStrv) maildirs = NULL;
	int batch = INGEST_BATCH;
	const GOptionEntry entries[] = {
		{ "mbox", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &mboxes,
		  "Read an mbox (mboxrd or mboxo, LF or CRLF)", "FILE" },
		{ "maildir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &maildirs,
		  "Read a Maildir's cur/ and new/ (nothing is moved)", "DIR" },
		{ "batch", 0, 0, G_OPTION_ARG_INT, &batch,
		  "Messages per transaction (default 500)", "N" },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	struct config *config = NULL;
	struct ruleset *rules = NULL;
	struct store *store = NULL;
	struct ingest_run run = { 0 };
	const struct ingest_stats *stats;
	int status;
	bool ok;

	if (!cmd_parse_options(ctx, &cmd_ingest, entries, &argc, &argv,
	    &status))
		return status;
	if (argc < 2 && mboxes == NULL && maildirs == NULL) {
		fprintf(stderr, "usage: liaisonbot ingest %s\n",
		    cmd_ingest.args);
		return LB_EXIT_USAGE;
	}
	if ((config = cmd_load_config(ctx)) == NULL)
		return LB_EXIT_CONFIG;
	if ((rules = cmd_load_rules(config, &error)) == NULL ||
	    (store = cmd_open_store(config, &error)) == NULL) {
		status = cmd_report(error);
		goto out;
	}
	run.ingest = ingest_new(store, rules);
	ingest_set_threads(run.ingest, (guint)config->classify.threads);
	run.batch = batch > 0 ? (guint)batch : 1;
	run.progress = progress_new("ingest");
	ok = ingest_all(&run, mboxes, maildirs, argc, argv, &error);
	progress_free(run.progress);
	stats = ingest_stats(run.ingest);
	/* -q keeps MDA logs quiet: one line per delivery adds up. */
	if (!ctx->quiet || !ok)
		fprintf(stderr, "ingested %" G_GUINT64_FORMAT ", duplicates %"
		    G_GUINT64_FORMAT ", flagged %" G_GUINT64_FORMAT "\n",
		    stats->added, stats->duplicates, stats->flagged);
	status = ok ? LB_EXIT_OK : cmd_report(error);
	ingest_free(run.ingest);
out:
	store_close(store);
	rules_free(rules);
	config_free(config);
	return status;
}

const struct cmd cmd_ingest = {
	.name = "ingest",
	.args = "[--mbox FILE] [--maildir DIR] [FILE...] [-]",
	.summary = "Parse, classify and store messages",
	.run = ingest_run,
};

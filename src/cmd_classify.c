/* cmd_classify.c: `liaisonbot classify`: classify without storing.
 * Output, one line per message, tab separated (a stable interface):
 *   path category score breaking(yes|no) confidential(yes|no) [rules]
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "error.h"
#include "parse_pool.h"

static void
classify_print(const char *path, const struct message *message, bool explain)
{
	const struct verdict *verdict = &message->verdict;

	printf("%s\t%s\t%d\t%s\t%s", path,
	    verdict_category_name(verdict->category), verdict->score,
	    verdict->breaking ? "yes" : "no",
	    verdict->confidential ? "yes" : "no");
	if (explain)
		printf("\t%s", verdict->reasons ? verdict->reasons : "");
	putchar('\n');
}

/* Prints what the pool has classified (parse_pool_next), in order. */
static void
classify_print_ready(struct parse_pool *pool, bool all, bool explain)
{
	struct parse_result *result;

	while ((result = parse_pool_next(pool, all)) != NULL) {
		classify_print(result->raw->where, result->message, explain);
		parse_pool_release(pool, result);
	}
}

/* Classifies everything one source yields; the lines may still be in the
 * pool when it returns true. */
static bool
classify_source(struct parse_pool *pool, const struct source_ops *ops,
    const char *arg, bool explain, GError **error)
{
	struct source *source = source_open(ops, arg, error);
	struct raw_message *raw;
	enum source_next next;

	if (source == NULL)
		return false;
	while ((next = source->ops->next(source, &raw, error)) ==
	    SOURCE_MESSAGE) {
		parse_pool_push(pool, raw);
		classify_print_ready(pool, false, explain);
	}
	source_close(source);
	return next == SOURCE_DONE;
}

/* An error is reported after the lines of what came before it. */
static int
classify_report(struct parse_pool *pool, bool explain, GError **error)
{
	int status;

	classify_print_ready(pool, true, explain);
	fflush(stdout);
	status = cmd_report(*error);
	g_clear_error(error);
	return status;
}

static int
classify_run(struct cmd_context *ctx, int argc, char **argv)
{
	gboolean explain = FALSE;
	g_auto(GStrv) mboxes = NULL;
	const GOptionEntry entries[] = {
		{ "explain", 'e', 0, G_OPTION_ARG_NONE, &explain,
		  "Add a column with the rules that fired", NULL },
		{ "mbox", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &mboxes,
		  "Classify each message of an mbox (path column FILE:LINE)",
		  "FILE" },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	struct config *config;
	struct ruleset *rules;
	struct parse_pool *pool;
	int status = LB_EXIT_OK;

	if (!cmd_parse_options(ctx, &cmd_classify, entries, &argc, &argv,
	    &status))
		return status;
	if (argc < 2 && mboxes == NULL) {
		fprintf(stderr, "usage: liaisonbot classify %s\n",
		    cmd_classify.args);
		return LB_EXIT_USAGE;
	}
	if ((config = cmd_load_config(ctx)) == NULL)
		return LB_EXIT_CONFIG;
	if ((rules = cmd_load_rules(config, &error)) == NULL) {
		status = cmd_report(error);
		config_free(config);
		return status;
	}
	pool = parse_pool_new(rules, (guint)config->classify.threads);
	for (size_t i = 0; mboxes != NULL && mboxes[i] != NULL; i++) {
		if (!classify_source(pool, &source_mbox_ops, mboxes[i],
		    explain, &error))
			status = classify_report(pool, explain, &error);
	}
	for (int i = 1; i < argc; i++) {
		bool is_stdin = strcmp(argv[i], "-") == 0;

		/* A bad file is reported; the others are still classified. */
		if (!classify_source(pool,
		    is_stdin ? &source_stdin_ops : &source_file_ops,
		    is_stdin ? NULL : argv[i], explain, &error))
			status = classify_report(pool, explain, &error);
	}
	classify_print_ready(pool, true, explain);
	parse_pool_free(pool);
	rules_free(rules);
	config_free(config);
	return status;
}

const struct cmd cmd_classify = {
	.name = "classify",
	.args = "[--explain] [--mbox FILE] FILE... | -",
	.summary = "Classify messages without storing them",
	.run = classify_run,
};

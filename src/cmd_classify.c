/* cmd_classify.c: `liaisonbot classify`: classify without storing.
 * Output, one line per message, tab separated (a stable interface):
 *   path category score breaking(yes|no) confidential(yes|no) [rules]
 */
#include <stdio.h>
#include <string.h>

#include "classify.h"
#include "cmd.h"
#include "error.h"
#include "mime.h"
#include "source.h"

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

/* Classifies everything one source yields. */
static bool
classify_source(const struct ruleset *rules, const struct source_ops *ops,
    const char *arg, bool explain, GError **error)
{
	struct source *source = source_open(ops, arg, error);
	struct raw_message *raw;
	enum source_next next;

	if (source == NULL)
		return false;
	while ((next = source->ops->next(source, &raw, error)) ==
	    SOURCE_MESSAGE) {
		struct message *message = mime_parse(raw->bytes,
		    raw->arrival ? raw->arrival
				 : g_get_real_time() / G_USEC_PER_SEC);

		classify_message(rules, message);
		classify_print(raw->where, message, explain);
		message_free(message);
		raw_message_free(raw);
	}
	source_close(source);
	return next == SOURCE_DONE;
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
	mime_init();
	for (size_t i = 0; mboxes != NULL && mboxes[i] != NULL; i++) {
		if (!classify_source(rules, &source_mbox_ops, mboxes[i],
		    explain, &error)) {
			status = cmd_report(error);
			g_clear_error(&error);
		}
	}
	for (int i = 1; i < argc; i++) {
		bool is_stdin = strcmp(argv[i], "-") == 0;

		/* A bad file is reported; the others are still classified. */
		if (!classify_source(rules,
		    is_stdin ? &source_stdin_ops : &source_file_ops,
		    is_stdin ? NULL : argv[i], explain, &error)) {
			status = cmd_report(error);
			g_clear_error(&error);
		}
	}
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

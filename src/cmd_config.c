/* cmd_config.c: `liaisonbot config`: check the configuration and rules,
 * or print an example file with every key. */
#include <stdio.h>

#include "cmd.h"
#include "error.h"
#include "rules.h"

static int
config_run(struct cmd_context *ctx, int argc, char **argv)
{
	gboolean example = FALSE;
	const GOptionEntry entries[] = {
		{ "example", 0, 0, G_OPTION_ARG_NONE, &example,
		  "Print every key with its default and help", NULL },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	struct config *config;
	struct ruleset *rules;
	int status;

	if (!cmd_parse_options(ctx, &cmd_config, entries, &argc, &argv,
	    &status))
		return status;
	if (example) {
		g_autofree char *text = config_example();

		fputs(text, stdout);
		return LB_EXIT_OK;
	}
	if ((config = cmd_load_config(ctx)) == NULL)
		return LB_EXIT_CONFIG;
	rules = cmd_load_rules(config, &error);
	if (rules == NULL) {
		status = cmd_report(error);
		config_free(config);
		return status;
	}
	printf("config: %s\nrules: %s\nstore: %s\n",
	    config->path ? config->path : "(none: defaults)",
	    config->classify.rules, config->store.path);
	rules_free(rules);
	config_free(config);
	return LB_EXIT_OK;
}

const struct cmd cmd_config = {
	.name = "config",
	.args = "[--example]",
	.summary = "Check the configuration and rules, or print an example",
	.run = config_run,
};

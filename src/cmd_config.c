/* cmd_config.c: `liaisonbot config`: check the configuration and rules,
 * or print an example file with every key. */
#include <stdio.h>

#include "cmd.h"
#include "error.h"
#include "rules.h"
#include "secret.h"

/* password_file permissions are checked here; commands are not run. */
static bool
config_check_secret(const struct config_secret *secret, const char *what,
    GError **error)
{
	struct config_secret file_only = { .password_file =
		secret->password_file };
	char *password;

	if (secret->password_file == NULL)
		return true;
	password = secret_resolve(&file_only, what, error);
	secret_free(password);
	return password != NULL;
}

/* A group that is present must be complete: what run, poll and --send
 * would refuse later is refused now. */
static bool
config_check_groups(const struct config *config, GError **error)
{
	static const char *const groups[] = { "imap", "smtp", "drafts" };

	for (size_t i = 0; i < G_N_ELEMENTS(groups); i++)
		if (g_hash_table_contains(config->groups_present, groups[i]) &&
		    !config_require(config, groups[i], error))
			return false;
	return true;
}

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
	if (!config_check_groups(config, &error) ||
	    !config_check_secret(&config->imap.secret, "imap", &error) ||
	    !config_check_secret(&config->smtp.secret, "smtp", &error))
		rules = NULL;
	else
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

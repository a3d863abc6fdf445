/* cmd.c: option parsing, config and rules loading shared by commands. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "compose.h"
#include "error.h"
#include "imap_account.h"
#include "log.h"
#include "outbox.h"
#include "when.h"

int
cmd_report(const GError *error)
{
	g_auto(GStrv) lines = g_strsplit(error->message, "\n", -1);

	for (size_t i = 0; lines[i] != NULL; i++)
		log_error("%s", lines[i]);
	return lb_error_exit_code(error);
}

static gboolean
cmd_count_verbose(const char *name, const char *value, gpointer data,
    GError **error)
{
	struct cmd_context *ctx = data;

	ctx->verbose++;
	return TRUE;
}

/* The command's own entries, then -c, -v and -q. */
static GArray *
cmd_entries(struct cmd_context *ctx, const GOptionEntry *own)
{
	const GOptionEntry common[] = {
		{ "config", 'c', 0, G_OPTION_ARG_FILENAME, &ctx->config_path,
		  "Configuration file", "FILE" },
		{ "verbose", 'v', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK,
		  (gpointer)cmd_count_verbose, "More diagnostics (repeat "
		  "for debug)", NULL },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &ctx->quiet,
		  "Only warnings and errors", NULL },
	};
	const GOptionEntry end = { NULL };
	GArray *entries = g_array_new(FALSE, FALSE, sizeof(GOptionEntry));

	for (size_t i = 0; own != NULL && own[i].long_name != NULL; i++)
		g_array_append_val(entries, own[i]);
	g_array_append_vals(entries, common, G_N_ELEMENTS(common));
	g_array_append_val(entries, end);
	return entries;
}

bool
cmd_parse_options(struct cmd_context *ctx, const struct cmd *cmd,
    const GOptionEntry *entries, int *argc, char ***argv, int *status)
{
	g_autofree char *prgname = g_strdup_printf("liaisonbot %s",
	    cmd->name);
	g_autoptr(GOptionContext) context = g_option_context_new(cmd->args);
	g_autoptr(GError) error = NULL;
	g_autoptr(GArray) all = cmd_entries(ctx, entries);
	GOptionGroup *group = g_option_group_new(cmd->name, cmd->summary,
	    "Show options", ctx, NULL);

	/* --help then reads "liaisonbot ingest [OPTION…] ARGS". */
	g_set_prgname(prgname);
	g_option_context_set_summary(context, cmd->summary);
	g_option_group_add_entries(group, (GOptionEntry *)all->data);
	g_option_context_set_main_group(context, group);
	if (!g_option_context_parse(context, argc, argv, &error)) {
		fprintf(stderr, "liaisonbot %s: %s\n", cmd->name,
		    error->message);
		fprintf(stderr, "usage: liaisonbot %s %s\n", cmd->name,
		    cmd->args);
		*status = LB_EXIT_USAGE;
		return false;
	}
	return true;
}

struct config *
cmd_read_config(struct cmd_context *ctx)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *path = config_find(ctx->config_path);
	struct config *config;

	if (ctx->config_path != NULL &&
	    !g_file_test(ctx->config_path, G_FILE_TEST_EXISTS)) {
		log_error("%s: no such configuration file", ctx->config_path);
		return NULL;
	}
	config = config_load(path, &error);
	if (config == NULL)
		cmd_report(error);
	return config;
}

void
cmd_apply_log(const struct cmd_context *ctx, const struct config *config)
{
	enum log_target target = LOG_TARGET_STDERR;
	enum log_level level = LOG_LEVEL_INFO;
	g_autofree char *areas = config->log.debug
	    ? g_strjoinv(",", config->log.debug) : NULL;

	log_parse_target(config->log.target, &target);
	log_parse_level(config->log.level, &level);
	if (ctx->quiet)
		level = LOG_LEVEL_WARN;
	log_setup(target, level, areas);
	log_raise_level(ctx->verbose);
}

struct config *
cmd_load_config(struct cmd_context *ctx)
{
	struct config *config = cmd_read_config(ctx);

	if (config != NULL)
		cmd_apply_log(ctx, config);
	return config;
}

struct store *
cmd_open_store(const struct config *config, GError **error)
{
	struct store *store = store_open(config->store.path, error);

	if (store != NULL)
		store_set_busy_timeout(store, config->store.busy_timeout);
	return store;
}

struct ruleset *
cmd_load_rules(const struct config *config, GError **error)
{
	struct ruleset *rules = rules_load(config->classify.rules, error);

	if (rules != NULL && config->breaking.threshold > 0)
		rules_set_breaking_threshold(rules, config->breaking.threshold);
	return rules;
}

struct outbox *
cmd_new_outbox(const struct config *config, struct store *store,
    struct outbox_imap *imap)
{
	if (!config_require(config, "imap", NULL))
		return outbox_new(store, config, NULL);
	*imap = imap_account_outbox(config);
	return outbox_new(store, config, imap);
}

/* Queues composed and, with send, delivers every due draft. */
int
cmd_queue_and_send(struct config *config, struct store *store,
    struct compose *compose, const struct composed *composed, bool send)
{
	g_autoptr(GError) error = NULL;
	struct outbox_report report;
	struct outbox_imap imap;
	struct outbox *outbox;
	bool existed, ok;

	if (!config_require(config, "drafts", &error) ||
	    (send && !config_require(config, "smtp", &error)))
		return cmd_report(error);
	if (!compose_queue(compose, composed, &existed, &error))
		return cmd_report(error);
	printf("%s <%s>: %s\n", composed->identity, composed->message_id,
	    existed ? "already in the outbox" : "queued");
	fflush(stdout);
	if (!send)
		return LB_EXIT_OK;
	outbox = cmd_new_outbox(config, store, &imap);
	ok = outbox_recover(outbox, &error) &&
	    outbox_deliver(outbox, when_now(), &report, &error);
	outbox_free(outbox);
	if (!ok)
		return cmd_report(error);
	printf("sent %u, deferred %u, failed %u\n", report.sent,
	    report.deferred, report.failed);
	if (report.failed > 0)
		return LB_EXIT_FAILURE;
	return report.deferred > 0 ? LB_EXIT_TEMPFAIL : LB_EXIT_OK;
}

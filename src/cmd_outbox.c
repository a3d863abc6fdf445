/* cmd_outbox.c: `liaisonbot outbox`: list drafts and their delivery
 * state, deliver what is due, or put a failed or uncertain draft back in
 * the queue. Output, one line per draft, tab separated:
 *   id kind state attempts created subject */
#include <stdio.h>

#include "cmd.h"
#include "error.h"
#include "outbox.h"
#include "store_draft.h"
#include "when.h"

static void
outbox_print(const struct store_draft *draft)
{
	g_autoptr(GDateTime) created = g_date_time_new_from_unix_utc(
	    draft->created);
	g_autofree char *when = g_date_time_format_iso8601(created);

	printf("%" G_GINT64_FORMAT "\t%s\t%s\t%d\t%s\t%s\n", draft->id,
	    draft->kind, draft->state, draft->attempts, when, draft->subject);
	if (draft->last_error != NULL && *draft->last_error)
		printf("\t\t%s\n", draft->last_error);
}

/* --deliver --dry-run: what is due, to whom; nothing changes. */
static int
outbox_print_due(const struct config *config, struct store *store)
{
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) queued = store_drafts_by_state(store, "queued",
	    &error);
	g_autofree char *to = config->drafts.to
	    ? g_strjoinv(", ", config->drafts.to) : g_strdup("(no [drafts] to)");
	gint64 now = when_now();

	if (queued == NULL)
		return cmd_report(error);
	for (guint i = 0; i < queued->len; i++) {
		const struct store_draft *d = g_ptr_array_index(queued, i);

		if (d->next_attempt <= now)
			printf("would deliver %" G_GINT64_FORMAT " <%s> to %s: "
			    "%s\n", d->id, d->message_id, to, d->subject);
	}
	return LB_EXIT_OK;
}

static int
outbox_run(struct cmd_context *ctx, int argc, char **argv)
{
	gint64 resend = 0;
	gboolean deliver = FALSE, dry_run = FALSE;
	const GOptionEntry entries[] = {
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "Show what delivery would send; send nothing",
		  NULL },
		{ "resend", 0, 0, G_OPTION_ARG_INT64, &resend,
		  "Queue a failed or uncertain draft again", "ID" },
		{ "deliver", 0, 0, G_OPTION_ARG_NONE, &deliver,
		  "Deliver every draft that is due now", NULL },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(GPtrArray) drafts = NULL;
	struct config *config = NULL;
	struct store *store = NULL;
	struct outbox *outbox = NULL;
	struct outbox_imap imap;
	struct outbox_report report;
	int status = LB_EXIT_OK;

	if (!cmd_parse_options(ctx, &cmd_outbox, entries, &argc, &argv,
	    &status))
		return status;
	if ((config = cmd_load_config(ctx)) == NULL)
		return LB_EXIT_CONFIG;
	if ((store = cmd_open_store(config, &error)) == NULL) {
		status = cmd_report(error);
		goto out;
	}
	outbox = cmd_new_outbox(config, store, &imap);
	if (deliver && dry_run)
		status = outbox_print_due(config, store);
	else if (resend > 0 && !outbox_resend(outbox, resend, &error))
		status = cmd_report(error);
	else if (deliver && (!outbox_recover(outbox, &error) ||
	    !outbox_deliver(outbox, when_now(), &report, &error)))
		status = cmd_report(error);
	else if ((drafts = store_drafts_by_state(store, NULL, &error)) == NULL)
		status = cmd_report(error);
	else
		for (guint i = 0; i < drafts->len; i++)
			outbox_print(g_ptr_array_index(drafts, i));
out:
	outbox_free(outbox);
	store_close(store);
	config_free(config);
	return status;
}

const struct cmd cmd_outbox = {
	.name = "outbox",
	.args = "[--deliver [--dry-run] | --resend ID]",
	.summary = "List drafts and their delivery state; deliver or resend",
	.run = outbox_run,
};

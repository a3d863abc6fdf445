/* cmd_breaking.c: `liaisonbot breaking`: flush pending breaking news. */
#include <stdio.h>

#include "cmd.h"
#include "compose.h"
#include "error.h"
#include "when.h"

static int
breaking_run(struct cmd_context *ctx, int argc, char **argv)
{
	gboolean dry_run = FALSE, queue = FALSE;
	const GOptionEntry entries[] = {
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "Print the draft; store and send nothing", NULL },
		{ "queue", 0, 0, G_OPTION_ARG_NONE, &queue,
		  "Store the draft for the daemon instead of sending now",
		  NULL },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	struct config *config = NULL;
	struct store *store = NULL;
	struct compose *compose = NULL;
	struct composed *composed = NULL;
	gint64 wake;
	int status;

	if (!cmd_parse_options(ctx, &cmd_breaking, entries, &argc, &argv,
	    &status))
		return status;
	if ((config = cmd_load_config(ctx)) == NULL)
		return LB_EXIT_CONFIG;
	if ((store = cmd_open_store(config, &error)) == NULL ||
	    (compose = compose_new(store, config, &error)) == NULL ||
	    !compose_breaking(compose, when_now(), true, &composed, &wake,
	    &error)) {
		status = cmd_report(error);
		goto out;
	}
	if (composed == NULL) {
		fprintf(stderr, "no breaking news pending\n");
		status = LB_EXIT_OK;
	} else if (dry_run) {
		gsize size;
		const char *raw = g_bytes_get_data(composed->raw, &size);

		status = fwrite(raw, 1, size, stdout) == size ? LB_EXIT_OK
							       : LB_EXIT_TEMPFAIL;
	} else {
		status = cmd_queue_and_send(config, store, compose, composed,
		    !queue);
	}
out:
	composed_free(composed);
	compose_free(compose);
	store_close(store);
	config_free(config);
	return status;
}

const struct cmd cmd_breaking = {
	.name = "breaking",
	.args = "[--dry-run | --queue]",
	.summary = "Draft and send pending breaking news now",
	.run = breaking_run,
};

/* cmd_digest.c: `liaisonbot digest`: draft a digest now.
 * Default and --dry-run print the complete draft and store nothing;
 * --queue stores it in the outbox for the daemon; --send also delivers. */
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "compose.h"
#include "error.h"
#include "when.h"

/* Prints the draft exactly as it would be sent. */
static bool
digest_print(const struct composed *composed)
{
	gsize size;
	const char *raw = g_bytes_get_data(composed->raw, &size);

	return fwrite(raw, 1, size, stdout) == size && fflush(stdout) == 0;
}

static int
digest_run(struct cmd_context *ctx, int argc, char **argv)
{
	g_autofree char *since_text = NULL, *until_text = NULL;
	gboolean dry_run = FALSE, queue = FALSE, send = FALSE;
	const GOptionEntry entries[] = {
		{ "since", 0, 0, G_OPTION_ARG_STRING, &since_text,
		  "Cover messages dated after T (a handover digest)", "T" },
		{ "until", 0, 0, G_OPTION_ARG_STRING, &until_text,
		  "Cover messages up to T (default now)", "T" },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "Print the draft; store and send nothing (default)", NULL },
		{ "queue", 0, 0, G_OPTION_ARG_NONE, &queue,
		  "Store the draft in the outbox for the daemon", NULL },
		{ "send", 0, 0, G_OPTION_ARG_NONE, &send,
		  "Store the draft and deliver it now", NULL },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	struct config *config = NULL;
	struct store *store = NULL;
	struct compose *compose = NULL;
	struct composed *composed = NULL;
	gint64 now = when_now(), since = 0, until = now;
	enum compose_kind kind;
	int status;

	if (!cmd_parse_options(ctx, &cmd_digest, entries, &argc, &argv,
	    &status))
		return status;
	if (dry_run + queue + send > 1 || argc > 1) {
		fprintf(stderr, "usage: liaisonbot digest %s\n",
		    cmd_digest.args);
		return LB_EXIT_USAGE;
	}
	if ((config = cmd_load_config(ctx)) == NULL)
		return LB_EXIT_CONFIG;
	if ((store = cmd_open_store(config, &error)) == NULL ||
	    (compose = compose_new(store, config, &error)) == NULL) {
		status = cmd_report(error);
		goto out;
	}
	{
		g_autoptr(GTimeZone) zone = g_time_zone_new_identifier(
		    config->drafts.timezone);

		if ((since_text && !when_parse(since_text, zone, now, &since,
		    &error)) || (until_text && !when_parse(until_text, zone,
		    now, &until, &error))) {
			status = cmd_report(error);
			goto out;
		}
	}
	if (since_text == NULL && until_text != NULL)
		since = until - 7 * 86400;
	kind = since_text || until_text ? COMPOSE_DIGEST_ADHOC : COMPOSE_DIGEST;
	if (!compose_digest(compose, kind, since, until, &composed, &error)) {
		status = cmd_report(error);
		goto out;
	}
	if (composed->empty && config->digest.skip_empty) {
		bool skipped;

		/* Only a real run records the skipped period. */
		if ((queue || send) && !compose_skip_empty(compose, composed,
		    &skipped, &error))
			status = cmd_report(error);
		else
			status = LB_EXIT_OK;
	} else if (queue || send)
		status = cmd_queue_and_send(config, store, compose, composed,
		    send);
	else
		status = digest_print(composed) ? LB_EXIT_OK
						: LB_EXIT_TEMPFAIL;
out:
	composed_free(composed);
	compose_free(compose);
	store_close(store);
	config_free(config);
	return status;
}

const struct cmd cmd_digest = {
	.name = "digest",
	.args = "[--since T] [--until T] [--dry-run | --queue | --send]",
	.summary = "Draft a digest of what the IAB should hear about",
	.run = digest_run,
};

/* cmd_run.c: `liaisonbot run`: the daemon, in the foreground. */
#include <stdio.h>
#include <unistd.h>

#include "cmd.h"
#include "daemon.h"
#include "error.h"
#include "log.h"

static int
run_run(struct cmd_context *ctx, int argc, char **argv)
{
	gboolean allow_root = FALSE, dry_run = FALSE;
	const GOptionEntry entries[] = {
		{ "allow-root", 0, 0, G_OPTION_ARG_NONE, &allow_root,
		  "Run even as root (for throwaway test machines)", NULL },
		{ "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
		  "Follow, store and draft, but deliver nothing and change "
		  "nothing on the server (drafts stay queued)", NULL },
		{ NULL },
	};
	struct daemon_options options = { 0 };
	int status;

	if (!cmd_parse_options(ctx, &cmd_run, entries, &argc, &argv,
	    &status))
		return status;
	if (argc > 1) {
		fprintf(stderr, "usage: liaisonbot run %s\n", cmd_run.args);
		return LB_EXIT_USAGE;
	}
	/* A daemon reading hostile mail has no business being root: the
	 * systemd unit in contrib/ runs it as its own user. */
	if (geteuid() == 0 && !allow_root) {
		log_error("refusing to run as root: run as an unprivileged user "
		    "(see contrib/liaisonbot.service) or pass --allow-root");
		return LB_EXIT_NOPERM;
	}
	options.dry_run = dry_run;
	return daemon_run(ctx, &options);
}

const struct cmd cmd_run = {
	.name = "run",
	.args = "[--allow-root] [--dry-run]",
	.summary = "Follow the IMAP folders and draft digests (daemon, "
		   "foreground)",
	.run = run_run,
};

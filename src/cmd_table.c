/* cmd_table.c: every subcommand, in the order --help lists them. */
#include "cmd.h"

const struct cmd *const cmd_table[] = {
	&cmd_run,
	&cmd_poll,
	&cmd_ingest,
	&cmd_classify,
	&cmd_filter,
	&cmd_digest,
	&cmd_breaking,
	&cmd_status,
	&cmd_outbox,
	&cmd_config,
	NULL,
};

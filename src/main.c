/* main.c: global options and dispatch to the subcommand table. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "error.h"
#include "mime.h"

static void
main_usage(FILE *out)
{
	fprintf(out, "usage: liaisonbot [-c FILE] [-v] [-q] COMMAND [ARGS]\n"
		     "       liaisonbot --version\n\n"
		     "liaisonbot follows the IESG's mail for the IAB's IESG "
		     "Liaison and drafts digests.\n\nCommands:\n");
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		fprintf(out, "  %-10s %s\n", cmd_table[i]->name,
		    cmd_table[i]->summary);
	fprintf(out, "\n'liaisonbot COMMAND --help' shows a command's options;"
		     " man liaisonbot(1).\n");
}

static const struct cmd *
main_find(const char *name)
{
	for (size_t i = 0; cmd_table[i] != NULL; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

/* Global options may precede the command; the command's own parser
 * accepts them too, so move the command name to the front. */
static int
main_find_command(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 ||
		    strcmp(argv[i], "--config") == 0) {
			i++;
			continue;
		}
		if (argv[i][0] != '-')
			return i;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct cmd_context ctx = { 0 };
	const struct cmd *cmd;
	char **args;
	int at, status;

	if (argc >= 2 && (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "-V") == 0)) {
		printf("liaisonbot %s\n", LIAISONBOT_VERSION);
		return LB_EXIT_OK;
	}
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0)) {
		main_usage(stdout);
		return LB_EXIT_OK;
	}
	at = main_find_command(argc, argv);
	if (at == 0) {
		main_usage(stderr);
		return LB_EXIT_USAGE;
	}
	cmd = main_find(argv[at]);
	if (cmd == NULL) {
		fprintf(stderr, "liaisonbot: unknown command '%s'\n", argv[at]);
		main_usage(stderr);
		return LB_EXIT_USAGE;
	}
	mime_init();
	args = g_new0(char *, argc + 1);
	args[0] = argv[at];
	for (int i = 1, j = 1; i < argc; i++)
		if (i != at)
			args[j++] = argv[i];
	status = cmd->run(&ctx, argc - 1, args);
	g_free(ctx.config_path);
	g_free(args);
	return status;
}

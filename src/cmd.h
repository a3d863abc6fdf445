/* cmd.h: the subcommand table and what commands share. One file per
 * subcommand (cmd_<name>.c), each exporting its struct cmd. */
#ifndef LIAISONBOT_CMD_H
#define LIAISONBOT_CMD_H

#include <stdbool.h>

#include <glib.h>

#include "config.h"
#include "rules.h"
#include "store.h"

/* What the global options said. */
struct cmd_context {
	char *config_path;		/* -c FILE, or NULL; owned */
	int verbose;			/* number of -v */
	bool quiet;			/* -q */
};

struct cmd {
	const char *name;
	const char *args;		/* "[--explain] FILE... | -" */
	const char *summary;		/* one line for --help */
	/* argv[0] is the command name. Returns the exit status. */
	int (*run)(struct cmd_context *, int argc, char **argv);
};

extern const struct cmd cmd_run, cmd_poll, cmd_ingest, cmd_classify,
    cmd_filter, cmd_digest, cmd_breaking, cmd_status, cmd_outbox,
    cmd_config;

struct compose;
struct composed;
/* Queues a composed draft in the outbox; with send, delivers what is due.
 * Prints what happened; returns the exit status. */
int cmd_queue_and_send(struct config *config, struct store *store,
    struct compose *compose, const struct composed *composed, bool send);

struct outbox;
struct outbox_imap;
/* The outbox of config. When [imap] is set up, *imap is filled with its
 * hooks and used: the copy to [drafts] imap_folder and the search for a
 * draft that came back after a crash need them. imap must outlive the
 * outbox. */
struct outbox *cmd_new_outbox(const struct config *config,
    struct store *store, struct outbox_imap *imap);

/* Every command, in --help order; NULL-terminated. */
extern const struct cmd *const cmd_table[];

/* Parses argv with the command's entries plus -c, -v and -q. On a usage
 * error prints it and returns false; *status is then the exit status. */
bool cmd_parse_options(struct cmd_context *ctx, const struct cmd *cmd,
    const GOptionEntry *entries, int *argc, char ***argv, int *status);

/* Find and load the config (defaults only when there is no file), apply
 * [log] and -v/-q. NULL after reporting the error. */
struct config *cmd_load_config(struct cmd_context *ctx);
/* The same in two steps, for a reload that may still be refused: read
 * (NULL after reporting), then apply its [log] once accepted. */
struct config *cmd_read_config(struct cmd_context *ctx);
void cmd_apply_log(const struct cmd_context *ctx, const struct config *config);
/* The rules of config, with [breaking] threshold applied. */
struct ruleset *cmd_load_rules(const struct config *config, GError **error);

/* The store of config, with its busy timeout. */
struct store *cmd_open_store(const struct config *config, GError **error);

/* Logs an error (each line of a multi-line message) and returns the exit
 * status it calls for. */
int cmd_report(const GError *error);

#endif

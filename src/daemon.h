/* daemon.h: `liaisonbot run`: one process, one GMainLoop. Every followed
 * folder has its own IMAP connection, IDLE when the server offers it,
 * else polled; lost connections come back with capped, jittered backoff.
 * Timers fire scheduled digests, breaking news and outbox retries.
 * SIGTERM/SIGINT finish the current message, commit, log out and exit;
 * SIGHUP reloads the configuration and rules, keeping the old ones when
 * the new ones are bad. */
#ifndef LIAISONBOT_DAEMON_H
#define LIAISONBOT_DAEMON_H

#include <stdbool.h>

#include <glib.h>

/* dry_run: follow and store as usual, compose drafts into the outbox, but
 * change nothing outside the store: no \Seen, nothing sent over SMTP or
 * copied to the Drafts folder (the drafts stay queued for a later run or
 * `outbox --deliver`). */
struct daemon_options {
	bool dry_run;
};

/* Runs until told to stop. config_path is reread on SIGHUP. Returns the
 * exit status. */
struct cmd_context;
int daemon_run(struct cmd_context *ctx, const struct daemon_options *options);

#endif

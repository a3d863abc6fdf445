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

/* Runs until told to stop. config_path is reread on SIGHUP. Returns the
 * exit status. */
struct cmd_context;
int daemon_run(struct cmd_context *ctx);

#endif

/* imap_account.h: the [imap] section as connections: options from the
 * config, a fresh secret (or OAuth2 token) on every connect, and the
 * outbox's IMAP side (APPEND to Drafts, search by Message-ID). */
#ifndef LIAISONBOT_IMAP_ACCOUNT_H
#define LIAISONBOT_IMAP_ACCOUNT_H

#include <stdbool.h>

#include <glib.h>

#include "config.h"
#include "imap_conn.h"
#include "outbox.h"

/* "user@host": the key of this account's sync state in the store. */
char *imap_account_name(const struct config_imap *imap);

/* Connects and logs in. The secret is resolved now (password_command runs
 * each time: OAuth2 tokens expire) and wiped after use. */
struct imap_conn *imap_account_connect(const struct config_imap *imap,
    GError **error);

/* Outbox hooks over short-lived connections, reading config (borrowed:
 * it must outlive the hooks' use). */
struct outbox_imap imap_account_outbox(const struct config *config);

#endif

/* secret.h: turn a config_secret into the password or token it names.
 * The result is never logged; callers free it with secret_free(). */
#ifndef LIAISONBOT_SECRET_H
#define LIAISONBOT_SECRET_H

#include <stdbool.h>

#include <glib.h>

#include "config.h"

/* The secret, or NULL with error. what names it in messages ("imap").
 * password_file is refused when group or world may read it;
 * password_command runs under /bin/sh, its stdout (trailing newlines
 * removed) is the secret, a non-zero exit is an error. A config with no
 * secret at all yields "" (no authentication). */
char *secret_resolve(const struct config_secret *secret, const char *what,
    GError **error);

/* Overwrites the secret before freeing it. NULL-safe. */
void secret_free(char *secret);

#endif

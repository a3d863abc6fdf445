/* digest_clock.h: when the next regular digest is due, from [digest]
 * schedule and, for meeting rules, the [digest] calendar (reloaded when
 * older than calendar_refresh; a URL is cached beside the store so a
 * flaky server never loses the schedule). */
#ifndef LIAISONBOT_DIGEST_CLOCK_H
#define LIAISONBOT_DIGEST_CLOCK_H

#include <stdbool.h>

#include <glib.h>

#include "config.h"

struct digest_clock;

/* NULL with LB_ERROR_CONFIG for bad rules or patterns. Borrows config. */
struct digest_clock *digest_clock_new(const struct config *config,
    GError **error);
void digest_clock_free(struct digest_clock *clock);

/* The next fire time after `after`; *when is 0 when no rule is set or
 * nothing is due within a year. *rule is borrowed. A calendar that cannot
 * be had is an error (the caller retries later). */
bool digest_clock_next(struct digest_clock *clock, gint64 after,
    gint64 *when, const char **rule, GError **error);

/* The latest fire time at or before now (0: none), for catching up on a
 * digest that fell due while the daemon was down. */
bool digest_clock_previous(struct digest_clock *clock, gint64 now,
    gint64 *when, const char **rule, GError **error);

#endif

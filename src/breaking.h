/* breaking.h: which stored messages make breaking news now. A message
 * classified breaking (never routine or confidential) is drafted at once,
 * merged with others of the same burst, unless a breaking draft for its
 * thread went out within min_interval. */
#ifndef LIAISONBOT_BREAKING_H
#define LIAISONBOT_BREAKING_H

#include <stdbool.h>

#include <glib.h>

#include "store.h"

struct breaking_options {
	int min_interval;	/* seconds */
	int burst_window;	/* seconds to wait for more of a burst */
	bool flush;		/* ignore burst_window: draft what is pending */
	int max_age;		/* messages stored or dated earlier are not
				   news */
};

/* The messages for a breaking draft now (struct stored_message *), or an
 * empty array. *wake is when to look again for a burst still forming
 * (0: nothing waiting). */
GPtrArray *breaking_select(struct store *store, gint64 now,
    const struct breaking_options *options, gint64 *wake, GError **error);

#endif

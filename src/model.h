/* model.h: the data a draft template receives, as a JSON tree (the
 * Mustache engine's input). The names here are a documented interface for
 * people who write their own templates: see templates/README. */
#ifndef LIAISONBOT_MODEL_H
#define LIAISONBOT_MODEL_H

#include <json-glib/json-glib.h>

#include "digest.h"

struct model_options {
	GTimeZone *zone;	/* dates are shown in this zone */
	const char *kind;	/* "digest" or "breaking" */
	gint64 now;
};

/* The whole model of a digest or breaking-news draft. Caller frees with
 * json_node_unref. */
JsonNode *model_from_digest(const struct digest *digest,
    const struct model_options *options);

/* Human label of a left-out kind ("last-call" -> "Last Call
 * announcements"); unknown kinds are returned as they are. */
const char *model_kind_label(const char *kind);

/* "Process", ... as section titles. */
const char *model_category_title(enum verdict_category category);

#endif

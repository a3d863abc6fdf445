/* render.h: a draft's text and HTML bodies from the Mustache templates
 * "<kind>.txt.mustache" and "<kind>.html.mustache" (kind: digest,
 * breaking), looked up in [drafts] template_dir first, then in the
 * installed templates directory. The HTML template is optional. */
#ifndef LIAISONBOT_RENDER_H
#define LIAISONBOT_RENDER_H

#include <stdbool.h>

#include <glib.h>
#include <json-glib/json-glib.h>

struct render;

/* template_dir may be NULL. Nothing is read until render_draft. */
struct render *render_new(const char *template_dir);
void render_free(struct render *render);

/* *html is NULL when there is no HTML template. Callers free both. */
bool render_draft(struct render *render, const char *kind, JsonNode *model,
    char **text, char **html, GError **error);

#endif

/* mustache.h: logic-less Mustache templates (spec v1.x core, no lambdas)
 * rendered against a json-glib data model.
 *
 * Parse once, render many: a parsed template is immutable and may be
 * rendered any number of times. Values from the model are data, never
 * template text: a value holding "{{x}}" is output as it is.
 *
 * Truthiness for sections: null, false, "", 0 and the empty list are
 * false; every other value (objects included) is true. A list iterates,
 * an object or a true scalar is pushed onto the context stack once.
 *
 * Interpolation prints strings as they are, integers without decimals,
 * other numbers in their shortest exact form ("1.5"), booleans as "true"
 * and "false"; null, missing names, objects and lists print nothing.
 *
 * Nothing here is thread-safe; nothing blocks except the loader, which
 * reads files. */
#ifndef LIAISONBOT_MUSTACHE_H
#define LIAISONBOT_MUSTACHE_H

#include <stdbool.h>

#include <glib.h>
#include <json-glib/json-glib.h>

/* Partials may include partials this deep, then rendering fails. */
#define MUSTACHE_MAX_PARTIAL_DEPTH 64
/* Sections may nest this deep in one template. */
#define MUSTACHE_MAX_NESTING 128
/* One render may emit this many bytes and visit this many nodes. */
#define MUSTACHE_MAX_OUTPUT (16u << 20)
#define MUSTACHE_MAX_STEPS (16u << 20)

enum mustache_escape {
	MUSTACHE_ESCAPE_NONE,	/* text parts: {{x}} is output raw */
	MUSTACHE_ESCAPE_HTML,	/* HTML parts: {{x}} escapes & < > " ' */
};

struct mustache_template;

/* Where partials come from. lookup sets *partial to the parsed partial
 * called name (borrowed: it must stay valid until mustache_render
 * returns), or to NULL when there is none, which renders as nothing.
 * It returns false with error set when the partial exists but cannot be
 * read or parsed. */
struct mustache_partials {
	bool (*lookup)(void *data, const char *name,
	    const struct mustache_template **partial, GError **error);
	void *data;
};

/* Compiles source. name is used in error messages ("digest.txt:3: ...").
 * Errors are LB_ERROR_CONFIG, "name:line: what was expected". The result
 * is freed with mustache_template_free and does not keep source. */
struct mustache_template *mustache_parse(const char *name, const char *source,
    GError **error);
void mustache_template_free(struct mustache_template *template);
/* The name given to mustache_parse (borrowed). */
const char *mustache_template_name(const struct mustache_template *template);

/* Renders template against data (may be NULL: an empty context), appending
 * to out. partials may be NULL (every partial is empty). On failure out is
 * left as it was and error says why: LB_ERROR_CONFIG for partials nested
 * too deep (a recursive partial), LB_ERROR_INPUT when the output or the
 * work exceeds MUSTACHE_MAX_OUTPUT / MUSTACHE_MAX_STEPS, or the lookup's
 * own error. data is only read. */
bool mustache_render(const struct mustache_template *template, JsonNode *data,
    enum mustache_escape escape, const struct mustache_partials *partials,
    GString *out, GError **error);

/* Templates read from files "<dir>/<name>.mustache", searching a list of
 * directories in order; the first that has the file wins. A user's
 * template_dir listed before the installed one overrides single files.
 * Parsed templates (and names found nowhere) are cached until
 * mustache_loader_free: make a new loader to see edited files. */
struct mustache_loader;

/* dirs: NULL-terminated, copied. */
struct mustache_loader *mustache_loader_new(const char *const *dirs);
void mustache_loader_free(struct mustache_loader *loader);

/* The template called name (borrowed from the loader). Fails with
 * LB_ERROR_CONFIG when name is not a plain file name, no directory has
 * it, or it cannot be read or parsed. */
const struct mustache_template *mustache_loader_load(
    struct mustache_loader *loader, const char *name, GError **error);

/* Partials looked up through loader, which must outlive every render
 * using them. A partial found nowhere renders as nothing. */
struct mustache_partials mustache_loader_partials(
    struct mustache_loader *loader);

#endif

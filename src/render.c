/* render.c: model -> text and HTML through the template loader. */
#include "error.h"
#include "mustache.h"
#include "render.h"

struct render {
	struct mustache_loader *loader;
	char *dirs[3];		/* NULL-terminated */
};

/* Whether any directory has the template: a missing optional template is
 * fine, a broken one is an error. */
static bool
render_exists(const struct render *render, const char *name)
{
	g_autofree char *file = g_strdup_printf("%s.mustache", name);

	for (size_t i = 0; render->dirs[i] != NULL; i++) {
		g_autofree char *path = g_build_filename(render->dirs[i], file,
		    NULL);

		if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
			return true;
	}
	return false;
}

struct render *
render_new(const char *template_dir)
{
	struct render *render = g_new0(struct render, 1);
	size_t n = 0;

	if (template_dir != NULL)
		render->dirs[n++] = g_strdup(template_dir);
	render->dirs[n++] = g_build_filename(LIAISONBOT_DATADIR, "templates",
	    NULL);
	render->loader = mustache_loader_new(
	    (const char *const *)render->dirs);
	return render;
}

void
render_free(struct render *render)
{
	if (render == NULL)
		return;
	mustache_loader_free(render->loader);
	for (size_t i = 0; render->dirs[i] != NULL; i++)
		g_free(render->dirs[i]);
	g_free(render);
}

static bool
render_one(struct render *render, const char *name,
    enum mustache_escape escape, JsonNode *model, char **out, bool optional,
    GError **error)
{
	const struct mustache_template *template;
	struct mustache_partials partials =
	    mustache_loader_partials(render->loader);
	GString *text;

	*out = NULL;
	if (optional && !render_exists(render, name))
		return true;
	template = mustache_loader_load(render->loader, name, error);
	if (template == NULL)
		return false;
	text = g_string_new(NULL);
	if (!mustache_render(template, model, escape, &partials, text,
	    error)) {
		g_string_free(text, TRUE);
		return false;
	}
	*out = g_string_free(text, FALSE);
	return true;
}

bool
render_draft(struct render *render, const char *kind, JsonNode *model,
    char **text, char **html, GError **error)
{
	g_autofree char *text_name = g_strdup_printf("%s.txt", kind);
	g_autofree char *html_name = g_strdup_printf("%s.html", kind);

	*html = NULL;
	if (!render_one(render, text_name, MUSTACHE_ESCAPE_NONE, model, text,
	    false, error))
		return false;
	if (!render_one(render, html_name, MUSTACHE_ESCAPE_HTML, model, html,
	    true, error)) {
		g_clear_pointer(text, g_free);
		return false;
	}
	return true;
}

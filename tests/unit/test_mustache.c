/* test_mustache.c: the published Mustache spec, when its folder is around,
 * then our own cases: errors, injection, escaping, limits, the loader. */
#include <string.h>

#include <glib/gstdio.h>

#include "error.h"
#include "mustache.h"
#include "tap.h"

static const char *const spec_files[] = {
	"comments", "delimiters", "interpolation", "inverted", "partials",
	"sections",
};

/* Partials given as a JSON object of name -> source, parsed on first use. */
struct table_partials {
	JsonObject *sources;	/* borrowed; may be NULL */
	GHashTable *parsed;	/* name -> template; NULL: not in sources */
};

static bool
table_lookup(void *data, const char *name,
    const struct mustache_template **partial, GError **error)
{
	struct table_partials *table = data;
	struct mustache_template *template = NULL;
	JsonNode *source = NULL;
	gpointer cached;

	if (g_hash_table_lookup_extended(table->parsed, name, NULL, &cached)) {
		*partial = cached;
		return true;
	}
	if (table->sources != NULL)
		source = json_object_get_member(table->sources, name);
	if (source != NULL) {
		template = mustache_parse(name, json_node_get_string(source),
		    error);
		if (template == NULL)
			return false;
	}
	g_hash_table_insert(table->parsed, g_strdup(name), template);
	*partial = template;
	return true;
}

/* Renders source against data with partials from a JSON object; returns
 * the output or NULL with error set. */
static char *
render_with(const char *source, JsonNode *data, JsonObject *partial_sources,
    enum mustache_escape escape, GError **error)
{
	struct table_partials table = {
		.sources = partial_sources,
		.parsed = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, (GDestroyNotify)mustache_template_free),
	};
	struct mustache_partials partials = { table_lookup, &table };
	struct mustache_template *template;
	GString *out = g_string_new(NULL);
	bool ok = false;

	template = mustache_parse("t", source, error);
	if (template != NULL)
		ok = mustache_render(template, data, escape, &partials, out,
		    error);
	mustache_template_free(template);
	g_hash_table_unref(table.parsed);
	return g_string_free(out, !ok);
}

static char *
spec_dir(void)
{
	const char *env = g_getenv("MUSTACHE_SPEC_DIR");
	const char *srcdir = g_getenv("LIAISONBOT_SRCDIR");
	char *dir;

	if (env != NULL && g_file_test(env, G_FILE_TEST_IS_DIR))
		return g_strdup(env);
	if (srcdir != NULL) {
		dir = g_build_filename(srcdir, "..", "shared", "mustache-spec",
		    NULL);
		if (g_file_test(dir, G_FILE_TEST_IS_DIR))
			return dir;
		g_free(dir);
	}
	if (g_file_test("../shared/mustache-spec", G_FILE_TEST_IS_DIR))
		return g_strdup("../shared/mustache-spec");
	return NULL;
}

/* One spec file: every case rendered in HTML mode. Returns passes. */
static int
spec_run_file(const char *dir, const char *file, int *total)
{
	g_autofree char *path = g_strdup_printf("%s/%s.json", dir, file);
	g_autoptr(JsonParser) parser = json_parser_new();
	g_autoptr(GError) error = NULL;
	JsonArray *tests;
	int passed = 0;

	if (!ok(json_parser_load_from_file(parser, path, &error),
	    "spec %s loads", path)) {
		diag("%s", error->message);
		return 0;
	}
	tests = json_object_get_array_member(
	    json_node_get_object(json_parser_get_root(parser)), "tests");
	for (guint i = 0; i < json_array_get_length(tests); i++) {
		JsonObject *test = json_array_get_object_element(tests, i);
		JsonObject *partials = NULL;
		g_autoptr(GError) render_error = NULL;
		g_autofree char *got = NULL;

		if (json_object_has_member(test, "partials"))
			partials = json_object_get_object_member(test,
			    "partials");
		got = render_with(json_object_get_string_member(test,
		    "template"), json_object_get_member(test, "data"),
		    partials, MUSTACHE_ESCAPE_HTML, &render_error);
		(*total)++;
		if (render_error != NULL)
			diag("%s", render_error->message);
		passed += is_str(got,
		    json_object_get_string_member(test, "expected"),
		    "spec %s: %s", file,
		    json_object_get_string_member(test, "name"));
	}
	return passed;
}

static void
test_spec(void)
{
	g_autofree char *dir = spec_dir();
	int passed = 0, total = 0;

	if (dir == NULL) {
		ok(1, "mustache spec # SKIP no ../shared/mustache-spec "
		    "(set MUSTACHE_SPEC_DIR)");
		return;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(spec_files); i++)
		passed += spec_run_file(dir, spec_files[i], &total);
	diag("mustache spec: %d of %d cases pass", passed, total);
}

/* Renders and compares; want NULL means an error containing error_part. */
struct render_case {
	const char *name;
	const char *template;
	const char *data;		/* JSON */
	const char *partials;		/* JSON object, or NULL */
	enum mustache_escape escape;
	const char *want;
	const char *error_part;
};

static const struct render_case render_cases[] = {
	/* Message text is data: tags inside values are never interpreted. */
	{ "injection, escaped",
	  "{{t}}", "{\"t\":\"{{evil}} {{>p}} {{=<% %>=}} <%evil%> {{#a}}\","
	  "\"evil\":\"BAD\",\"a\":true}", "{\"p\":\"PARTIAL\"}",
	  MUSTACHE_ESCAPE_NONE,
	  "{{evil}} {{>p}} {{=<% %>=}} <%evil%> {{#a}}", NULL },
	{ "injection, raw",
	  "{{{t}}}|{{&t}}", "{\"t\":\"{{{evil}}}{{!x}}\",\"evil\":\"BAD\"}",
	  NULL, MUSTACHE_ESCAPE_HTML, "{{{evil}}}{{!x}}|{{{evil}}}{{!x}}",
	  NULL },
	{ "injection inside a partial and a section",
	  "{{#list}}{{>item}}{{/list}}",
	  "{\"list\":[{\"s\":\"{{>item}}\"},{\"s\":\"{{/list}}\"}]}",
	  "{\"item\":\"[{{s}}]\"}", MUSTACHE_ESCAPE_NONE,
	  "[{{>item}}][{{/list}}]", NULL },
	{ "injection of markup, HTML mode",
	  "<p>{{s}}</p>", "{\"s\":\"<script>alert('x')</script>\"}", NULL,
	  MUSTACHE_ESCAPE_HTML,
	  "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</p>", NULL },
	{ "text mode outputs values raw",
	  "{{s}}|{{{s}}}|{{&s}}", "{\"s\":\"<a href=\\\"x\\\">&'\"}", NULL,
	  MUSTACHE_ESCAPE_NONE,
	  "<a href=\"x\">&'|<a href=\"x\">&'|<a href=\"x\">&'", NULL },
	{ "HTML mode escapes & < > \" '",
	  "{{s}}|{{{s}}}", "{\"s\":\"<a href=\\\"x\\\">&'\"}", NULL,
	  MUSTACHE_ESCAPE_HTML,
	  "&lt;a href=&quot;x&quot;&gt;&amp;&#39;|<a href=\"x\">&'", NULL },
	{ "numbers, booleans, null, containers",
	  "{{i}} {{neg}} {{d}} {{e}} {{whole}} {{big}} {{t}} {{f}} "
	  "[{{n}}] [{{o}}] [{{l}}]",
	  "{\"i\":100,\"neg\":-7,\"d\":1.5,\"e\":0.1,\"whole\":2.0,"
	  "\"big\":1e21,\"t\":true,\"f\":false,\"n\":null,\"o\":{\"a\":1},"
	  "\"l\":[1,2]}", NULL, MUSTACHE_ESCAPE_HTML,
	  "100 -7 1.5 0.1 2 1e+21 true false [] [] []", NULL },
	{ "false values: \"\", 0, 0.0, false, null, [], missing",
	  "{{^e}}e{{/e}}{{^z}}z{{/z}}{{^zd}}d{{/zd}}{{^f}}f{{/f}}"
	  "{{^n}}n{{/n}}{{^l}}l{{/l}}{{^m}}m{{/m}}{{#o}}o{{/o}}{{#s}}s{{/s}}",
	  "{\"e\":\"\",\"z\":0,\"zd\":0.0,\"f\":false,\"n\":null,\"l\":[],"
	  "\"o\":{},\"s\":\" \"}", NULL, MUSTACHE_ESCAPE_NONE,
	  "ezdfnlmos", NULL },
	{ "no data at all",
	  "a{{x}}{{#x}}b{{/x}}{{^x}}c{{/x}}{{.}}", NULL, NULL,
	  MUSTACHE_ESCAPE_NONE, "ac", NULL },
	{ "nested standalone partials add up their indentation",
	  "a\n  {{>outer}}\nz\n", "{}",
	  "{\"outer\":\"o1\\n  {{>inner}}\\no2\\n\","
	  "\"inner\":\"i1\\ni2\\n\"}", MUSTACHE_ESCAPE_NONE,
	  "a\n  o1\n    i1\n    i2\n  o2\nz\n", NULL },
	{ "an inline partial inside an indented one is not indented",
	  "  {{>p}}\n", "{}",
	  "{\"p\":\"x {{>q}}\\ny\\n\",\"q\":\"q1\\nq2\"}",
	  MUSTACHE_ESCAPE_NONE, "  x q1\nq2\n  y\n", NULL },
	{ "indentation before a close tag that is not alone",
	  " {{>p}}", "{\"a\":true}", "{\"p\":\"{{#a}}x\\n{{/a}}y\\n\"}",
	  MUSTACHE_ESCAPE_NONE, " x\n y\n", NULL },
	{ "indented list in a partial",
	  "<ul>\n  {{>items}}\n</ul>\n", "{\"l\":[\"a\",\"b\"]}",
	  "{\"items\":\"{{#l}}\\n<li>{{.}}</li>\\n{{/l}}\\n\"}",
	  MUSTACHE_ESCAPE_HTML, "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n",
	  NULL },
	{ "a partial including itself forever",
	  "x{{>p}}", "{}", "{\"p\":\"{{>p}}\"}", MUSTACHE_ESCAPE_NONE, NULL,
	  "p:1: partial 'p' nested more than 64 deep" },
	{ "a partial with an error",
	  "{{>p}}", "{}", "{\"p\":\"\\n{{#a}}\"}", MUSTACHE_ESCAPE_NONE, NULL,
	  "p:2: unclosed section 'a' opened at line 2" },
	{ "a missing partial is empty",
	  "[{{>nothing}}]", "{}", "{}", MUSTACHE_ESCAPE_NONE, "[]", NULL },
	{ "work is bounded",
	  "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}"
	  "{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}",
	  "{\"l\":[0,1,2,3,4,5,6,7,8,9]}", NULL, MUSTACHE_ESCAPE_NONE, NULL,
	  "rendering exceeds" },
	{ "output is bounded",
	  "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}{{s}}{{s}}{{s}}"
	  "{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}",
	  "{\"l\":[0,1,2,3,4,5,6,7,8,9],\"s\":\"0123456789abcdef0123456789"
	  "abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678\"}",
	  NULL, MUSTACHE_ESCAPE_NONE, NULL, "rendering exceeds" },
};

static void
test_render_cases(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(render_cases); i++) {
		const struct render_case *c = &render_cases[i];
		g_autoptr(GError) error = NULL;
		g_autoptr(JsonNode) data = NULL;
		g_autoptr(JsonNode) partials = NULL;
		g_autofree char *got = NULL;

		if (c->data != NULL)
			data = json_from_string(c->data, &error);
		if (c->partials != NULL && error == NULL)
			partials = json_from_string(c->partials, &error);
		if (!ok(error == NULL, "%s: test data parses", c->name)) {
			diag("%s", error->message);
			continue;
		}
		got = render_with(c->template, data,
		    partials ? json_node_get_object(partials) : NULL,
		    c->escape, &error);
		if (c->want != NULL) {
			if (error != NULL)
				diag("%s", error->message);
			is_str(got, c->want, "%s", c->name);
		} else {
			ok(got == NULL && error != NULL &&
			    strstr(error->message, c->error_part) != NULL,
			    "%s: fails with '%s'", c->name, c->error_part);
			if (error != NULL)
				diag("got: %s", error->message);
		}
	}
}

/* Parse errors name the template and line, and what was expected. */
static const struct {
	const char *template;
	const char *error;
} parse_cases[] = {
	{ "a\n{{#x}}\nb\n",
	  "t:3: unclosed section 'x' opened at line 2, expected {{/x}}" },
	{ "{{#a}}\n{{^b}}\n{{/a}}",
	  "t:3: mismatched {{/a}}, expected {{/b}} for the section opened at "
	  "line 2" },
	{ "x\n\n{{/a}}", "t:3: {{/a}} closes no open section" },
	{ "one\n{{name", "t:2: unclosed tag, expected '}}'" },
	{ "one\n\n{{{name}}", "t:3: unclosed tag, expected '}}}'" },
	{ "{{!\n\n", "t:1: unclosed tag, expected '}}'" },
	{ "{{=<% %>=}}\n<%#a%>\n<%/b%>",
	  "t:3: mismatched <%/b%>, expected <%/a%> for the section opened at "
	  "line 2" },
	{ "\n{{= a =}}",
	  "t:2: bad delimiter tag, expected {{=open close=}} with two "
	  "delimiters free of spaces and '='" },
	{ "{{=a b c=}}",
	  "t:1: bad delimiter tag, expected {{=open close=}} with two "
	  "delimiters free of spaces and '='" },
	{ "{{=<% =%>=}}",
	  "t:1: bad delimiter tag, expected {{=open close=}} with two "
	  "delimiters free of spaces and '='" },
	{ "{{=<% %>=}}<%=a=b c=%>",
	  "t:1: bad delimiter tag, expected <%=open close=%> with two "
	  "delimiters free of spaces and '='" },
	{ "x {{}}", "t:1: expected one name in tag {{}}" },
	{ "\n{{# }}", "t:2: expected one name in tag {{# }}" },
	{ "{{entry title}}", "t:1: expected one name in tag {{entry title}}" },
	{ "{{> a b}}", "t:1: expected one name in tag {{> a b}}" },
};

static void
test_parse_errors(void)
{
	GString *deep = g_string_new(NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(parse_cases); i++) {
		g_autoptr(GError) error = NULL;
		struct mustache_template *template;

		template = mustache_parse("t", parse_cases[i].template,
		    &error);
		ok(template == NULL &&
		    g_error_matches(error, LB_ERROR, LB_ERROR_CONFIG),
		    "parse error %zu is a config error", i);
		is_str(error ? error->message : NULL, parse_cases[i].error,
		    "parse error %zu: %s", i, parse_cases[i].error);
		mustache_template_free(template);
	}

	for (int i = 0; i <= MUSTACHE_MAX_NESTING; i++)
		g_string_append(deep, "{{#a}}\n");
	{
		g_autoptr(GError) error = NULL;
		struct mustache_template *template;

		template = mustache_parse("deep", deep->str, &error);
		is_str(error ? error->message : NULL,
		    "deep:129: sections nested more than 128 deep",
		    "section nesting is bounded");
		mustache_template_free(template);
	}
	g_string_free(deep, TRUE);
}

/* The deepest nesting allowed everywhere still ends in a clean error. */
static void
test_deep_recursion(void)
{
	GString *partial = g_string_new(NULL);
	g_autoptr(JsonNode) data = json_from_string("{\"t\":true}", NULL);
	g_autoptr(JsonObject) partials = json_object_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *got = NULL;

	for (int i = 0; i < MUSTACHE_MAX_NESTING; i++)
		g_string_append(partial, "{{#t}}");
	g_string_append(partial, "{{>p}}");
	for (int i = 0; i < MUSTACHE_MAX_NESTING; i++)
		g_string_append(partial, "{{/t}}");
	json_object_set_string_member(partials, "p", partial->str);
	got = render_with("{{>p}}", data, partials, MUSTACHE_ESCAPE_NONE,
	    &error);
	ok(got == NULL && g_error_matches(error, LB_ERROR, LB_ERROR_CONFIG) &&
	    strstr(error->message, "nested more than 64 deep") != NULL,
	    "deepest sections in deepest partials: a clean error");
	g_string_free(partial, TRUE);
}

/* One parse, several renders; a failed render leaves out as it was. */
static void
test_render_many(void)
{
	g_autoptr(GError) error = NULL;
	struct mustache_template *template;
	GString *out = g_string_new("kept|");
	const char *names[] = { "Ann", "Bob", "Cy" };

	template = mustache_parse("many", "{{#who}}<{{.}}>{{/who}}{{>p}}",
	    &error);
	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autoptr(JsonNode) data = json_node_new(JSON_NODE_OBJECT);
		g_autoptr(JsonObject) object = json_object_new();

		json_object_set_string_member(object, "who", names[i]);
		json_node_set_object(data, object);
		ok(mustache_render(template, data, MUSTACHE_ESCAPE_HTML, NULL,
		    out, &error), "render %zu", i);
	}
	is_str(out->str, "kept|<Ann><Bob><Cy>", "renders append to out");

	{
		g_autoptr(JsonNode) data = json_from_string(
		    "{\"l\":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]}",
		    NULL);
		struct mustache_template *bomb = mustache_parse("bomb",
		    "{{#l}}{{#l}}{{#l}}{{#l}}{{#l}}"
		    "0123456789abcdef0123456789abcdef0123456789abcdef"
		    "{{/l}}{{/l}}{{/l}}{{/l}}{{/l}}", NULL);

		ok(!mustache_render(bomb, data, MUSTACHE_ESCAPE_NONE, NULL,
		    out, &error) &&
		    g_error_matches(error, LB_ERROR, LB_ERROR_INPUT),
		    "a runaway render fails");
		is_str(out->str, "kept|<Ann><Bob><Cy>",
		    "a failed render leaves out as it was");
		mustache_template_free(bomb);
	}
	mustache_template_free(template);
	g_string_free(out, TRUE);
}

/* Nodes a caller made but never filled are empty, not a crash. */
static void
test_half_built_model(void)
{
	g_autoptr(JsonNode) data = json_node_new(JSON_NODE_OBJECT);
	g_autoptr(JsonObject) object = json_object_new();
	g_autoptr(GError) error = NULL;
	g_autofree char *got = NULL;

	json_object_set_member(object, "o", json_node_new(JSON_NODE_OBJECT));
	json_object_set_member(object, "l", json_node_new(JSON_NODE_ARRAY));
	json_node_set_object(data, object);
	got = render_with("{{o.x}}{{#l}}x{{/l}}{{^l}}empty{{/l}}{{#o}}o{{x}}"
	    "{{/o}}", data, NULL, MUSTACHE_ESCAPE_NONE, &error);
	is_str(got, "emptyo", "unfilled object and list nodes");
}

static void
write_file(const char *dir, const char *name, const char *text)
{
	g_autofree char *path = g_build_filename(dir, name, NULL);

	if (!g_file_set_contents(path, text, -1, NULL))
		diag("cannot write %s", path);
}

/* Renders template name from the loader, or returns the error text. */
static char *
loader_render(struct mustache_loader *loader, const char *name)
{
	g_autoptr(GError) error = NULL;
	const struct mustache_template *template;
	struct mustache_partials partials = mustache_loader_partials(loader);
	GString *out = g_string_new(NULL);

	template = mustache_loader_load(loader, name, &error);
	if (template == NULL || !mustache_render(template, NULL,
	    MUSTACHE_ESCAPE_NONE, &partials, out, &error)) {
		g_string_assign(out, "error: ");
		g_string_append(out, error->message);
	}
	return g_string_free(out, FALSE);
}

static void
remove_tree(const char *dir)
{
	GDir *handle = g_dir_open(dir, 0, NULL);
	const char *name;

	while (handle != NULL && (name = g_dir_read_name(handle)) != NULL) {
		g_autofree char *path = g_build_filename(dir, name, NULL);

		if (g_file_test(path, G_FILE_TEST_IS_DIR))
			remove_tree(path);
		else
			g_unlink(path);
	}
	if (handle != NULL)
		g_dir_close(handle);
	g_rmdir(dir);
}

/* A user's directory overrides single templates; the rest falls back. */
static void
test_loader(void)
{
	g_autofree char *top = g_dir_make_tmp("test_mustache.XXXXXX", NULL);
	g_autofree char *user = g_build_filename(top, "user", NULL);
	g_autofree char *system = g_build_filename(top, "system", NULL);
	g_autofree char *absent = g_build_filename(top, "absent", NULL);
	const char *user_first[] = { absent, user, system, NULL };
	const char *system_first[] = { system, user, NULL };
	const char *none[] = { NULL };
	struct mustache_loader *loader;
	const struct mustache_template *first, *again;
	g_autoptr(GError) error = NULL;
	g_autofree char *want_name = NULL;
	g_autofree char *broken = g_strdup_printf(
	    "error: %s/broken.mustache:2: unclosed tag, expected '}}'", user);
	g_autofree char *nothere = g_strdup_printf("error: template 'nothere': "
	    "expected nothere.mustache in %s, %s, %s", absent, user, system);
	const struct {
		const char *name;
		const char *want;
	} cases[] = {
		{ "digest", "S:user-head|sys-body|[]\n" },
		{ "override", "user override" },
		{ "broken", broken },
		{ "nothere", nothere },
		{ "../system/digest", "error: template name "
		  "'../system/digest': expected a plain file name" },
		{ "sneaky", "error: template name '../user/head': expected a "
		  "plain file name" },
	};

	g_mkdir(user, 0700);
	g_mkdir(system, 0700);
	write_file(system, "digest.mustache",
	    "S:{{>head}}|{{>body}}|[{{>missing}}]\n");
	write_file(system, "head.mustache", "sys-head");
	write_file(system, "body.mustache", "sys-body");
	write_file(system, "override.mustache", "system override");
	write_file(user, "override.mustache", "user override");
	write_file(user, "head.mustache", "user-head");
	write_file(user, "broken.mustache", "x\n{{y");
	write_file(user, "sneaky.mustache", "{{>../user/head}}");

	loader = mustache_loader_new(user_first);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = loader_render(loader, cases[i].name);

		is_str(got, cases[i].want, "loader, user first: %s",
		    cases[i].name);
	}
	first = mustache_loader_load(loader, "digest", &error);
	again = mustache_loader_load(loader, "digest", &error);
	ok(first != NULL && first == again, "loader caches parsed templates");
	want_name = g_build_filename(system, "digest.mustache", NULL);
	is_str(first ? mustache_template_name(first) : NULL, want_name,
	    "a loaded template is named by its path");
	mustache_loader_free(loader);

	loader = mustache_loader_new(system_first);
	{
		g_autofree char *got = loader_render(loader, "digest");

		is_str(got, "S:sys-head|sys-body|[]\n",
		    "loader, system first: its own head");
	}
	mustache_loader_free(loader);

	loader = mustache_loader_new(none);
	{
		g_autofree char *got = loader_render(loader, "digest");

		is_str(got, "error: template 'digest': expected "
		    "digest.mustache in (no directory)",
		    "loader without directories");
	}
	mustache_loader_free(loader);
	remove_tree(top);
	ok(!g_file_test(top, G_FILE_TEST_EXISTS), "temporary files removed");
}

int
main(void)
{
	/* A GLib or json-glib critical means we misused an API: fail. */
	g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL |
	    G_LOG_LEVEL_WARNING);
	test_spec();
	test_render_cases();
	test_parse_errors();
	test_deep_recursion();
	test_render_many();
	test_half_built_model();
	test_loader();
	return done_testing();
}

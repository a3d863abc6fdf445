/* mustache.c: Mustache templates. The parser turns source into a flat array
 * of nodes (a section's children follow it up to its end index); rendering
 * walks that array against a stack of JSON contexts. */
#include <string.h>

#include "error.h"
#include "mustache.h"

/* Loaded template files larger than this are refused. */
#define MUSTACHE_MAX_FILE (1u << 20)

enum node_kind {
	NODE_TEXT,
	NODE_INDENT,		/* a line starts: partial indentation */
	NODE_VARIABLE,		/* {{x}} */
	NODE_RAW,		/* {{{x}}} {{&x}} */
	NODE_SECTION,		/* {{#x}} */
	NODE_INVERTED,		/* {{^x}} */
	NODE_PARTIAL,		/* {{>x}} */
};

struct node {
	enum node_kind kind;
	unsigned line;		/* of the tag, for errors */
	size_t end;		/* sections: index past their last child */
	char *text;		/* text, or the tag's name */
	size_t len;		/* length of text */
	char **path;		/* name split at '.'; NULL for "." */
	char *indent;		/* standalone partial: blanks before it */
};

struct mustache_template {
	char *name;
	GArray *nodes;		/* struct node */
};

struct parser {
	struct mustache_template *template;
	const char *source;
	size_t text_start;	/* first byte of text not yet made a node */
	unsigned line;		/* line number at line_pos */
	size_t line_pos;
	char *open;		/* current delimiters */
	char *close;
	bool at_line_start;	/* next node begins a source line */
	GArray *sections;	/* indexes of the open section nodes */
};

/* Clears a node's contents; the GArray owns the node itself. */
static void
node_clear(void *data)
{
	struct node *node = data;

	g_free(node->text);
	g_strfreev(node->path);
	g_free(node->indent);
}

void
mustache_template_free(struct mustache_template *template)
{
	if (template == NULL)
		return;
	g_array_unref(template->nodes);
	g_free(template->name);
	g_free(template);
}

const char *
mustache_template_name(const struct mustache_template *template)
{
	return template->name;
}

/* Line number of pos; positions asked for only grow, so counting is
 * linear over the whole parse. */
static unsigned
parser_line(struct parser *p, size_t pos)
{
	for (; p->line_pos < pos; p->line_pos++)
		if (p->source[p->line_pos] == '\n')
			p->line++;
	return p->line;
}

static struct node *
parser_add(struct parser *p, enum node_kind kind, unsigned line)
{
	struct node node = { .kind = kind, .line = line };

	g_array_append_val(p->template->nodes, node);
	return &g_array_index(p->template->nodes, struct node,
	    p->template->nodes->len - 1);
}

/* Source text [start, end) becomes a node. */
static void
parser_text(struct parser *p, size_t start, size_t end)
{
	struct node *node;

	if (end <= start)
		return;
	if (p->at_line_start)
		parser_add(p, NODE_INDENT, 0);
	node = parser_add(p, NODE_TEXT, 0);
	node->text = g_strndup(p->source + start, end - start);
	node->len = end - start;
	p->at_line_start = p->source[end - 1] == '\n';
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A tag alone on its line (but for blanks) vanishes with its line. Sets
 * *line_begin to where the blanks before it start and *next to the start of
 * the following line. */
static bool
parser_standalone(const struct parser *p, size_t tag_start, size_t tag_end,
    size_t *line_begin, size_t *next)
{
	const char *s = p->source;
	size_t begin = tag_start, end = tag_end;

	while (begin > p->text_start && is_blank(s[begin - 1]))
		begin--;
	if (begin > 0 && s[begin - 1] != '\n')
		return false;
	while (is_blank(s[end]))
		end++;
	if (s[end] == '\r' && s[end + 1] == '\n')
		end += 2;
	else if (s[end] == '\n')
		end++;
	else if (s[end] != '\0')
		return false;
	*line_begin = begin;
	*next = end;
	return true;
}

/* {{=<% %>=}}: content is what lies between the two '='. */
static bool
parser_delimiters(struct parser *p, const char *content, size_t len,
    unsigned line, GError **error)
{
	g_autofree char *copy = g_strndup(content, len);
	g_auto(GStrv) words = g_strsplit_set(g_strstrip(copy), " \t\r\n", -1);
	char *found[2];
	int count = 0;

	for (size_t i = 0; words[i] != NULL; i++) {
		if (words[i][0] == '\0')
			continue;
		if (count == 2 || strchr(words[i], '=') != NULL) {
			count = 3;
			break;
		}
		found[count++] = words[i];
	}
	if (count != 2) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s:%u: bad delimiter tag, expected %s=open close=%s with "
		    "two delimiters free of spaces and '='",
		    p->template->name, line, p->open, p->close);
		return false;
	}
	g_free(p->open);
	g_free(p->close);
	p->open = g_strdup(found[0]);
	p->close = g_strdup(found[1]);
	return true;
}

/* Trims the tag's content to one name; false if it holds none or more. */
static char *
parser_name(struct parser *p, char sigil, const char *content, size_t len,
    unsigned line, GError **error)
{
	char *name = g_strstrip(g_strndup(content, len));

	if (name[0] == '\0' || strpbrk(name, " \t\r\n") != NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s:%u: expected one name in tag %s%.*s%.*s%s%s",
		    p->template->name, line, p->open, sigil != 0, &sigil,
		    (int)len, content, sigil == '{' ? "}" : "", p->close);
		g_free(name);
		return NULL;
	}
	return name;
}

static bool
parser_open_section(struct parser *p, enum node_kind kind, char *name,
    unsigned line, GError **error)
{
	struct node *node;
	size_t index = p->template->nodes->len;

	if (p->sections->len >= MUSTACHE_MAX_NESTING) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s:%u: sections nested more than %d deep",
		    p->template->name, line, MUSTACHE_MAX_NESTING);
		g_free(name);
		return false;
	}
	node = parser_add(p, kind, line);
	node->text = name;
	node->path = strcmp(name, ".") == 0 ? NULL : g_strsplit(name, ".", -1);
	g_array_append_val(p->sections, index);
	return true;
}

static bool
parser_close_section(struct parser *p, const char *name, unsigned line,
    GError **error)
{
	struct node *open;

	if (p->sections->len == 0) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s:%u: %s/%s%s closes no open section",
		    p->template->name, line, p->open, name, p->close);
		return false;
	}
	open = &g_array_index(p->template->nodes, struct node,
	    g_array_index(p->sections, size_t, p->sections->len - 1));
	if (strcmp(open->text, name) != 0) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s:%u: mismatched %s/%s%s, expected %s/%s%s for the "
		    "section opened at line %u", p->template->name, line,
		    p->open, name, p->close, p->open, open->text, p->close,
		    open->line);
		return false;
	}
	open->end = p->template->nodes->len;
	g_array_set_size(p->sections, p->sections->len - 1);
	return true;
}

/* Acts on one tag; content is its text between sigil and closer. */
static bool
parser_tag(struct parser *p, char sigil, const char *content, size_t len,
    unsigned line, const char *indent, size_t indent_len, GError **error)
{
	struct node *node;
	char *name;
	bool ok;

	if (sigil == '!')
		return true;
	if (sigil == '=')
		return parser_delimiters(p, content, len, line, error);
	name = parser_name(p, sigil, content, len, line, error);
	if (name == NULL)
		return false;
	switch (sigil) {
	case '#':
		return parser_open_section(p, NODE_SECTION, name, line, error);
	case '^':
		return parser_open_section(p, NODE_INVERTED, name, line, error);
	case '/':
		ok = parser_close_section(p, name, line, error);
		g_free(name);
		return ok;
	case '>':
		node = parser_add(p, NODE_PARTIAL, line);
		node->text = name;
		if (indent != NULL)
			node->indent = g_strndup(indent, indent_len);
		return true;
	}
	node = parser_add(p, sigil == 0 ? NODE_VARIABLE : NODE_RAW, line);
	node->text = name;
	node->path = strcmp(name, ".") == 0 ? NULL : g_strsplit(name, ".", -1);
	return true;
}

/* Parses the tag opening at tag_start; sets *next past it (and past its
 * line when it stands alone). */
static bool
parser_step(struct parser *p, size_t tag_start, size_t *next, GError **error)
{
	const char *s = p->source;
	size_t content = tag_start + strlen(p->open);
	unsigned line = parser_line(p, tag_start);
	g_autofree char *closer = NULL;
	size_t tag_end, line_begin;
	const char *found;
	char sigil = 0;
	bool alone;

	if (s[content] != '\0' && strchr("#^/!>&{=", s[content]) != NULL)
		sigil = s[content++];
	if (sigil == '{' || sigil == '=')
		closer = g_strdup_printf("%c%s", sigil == '{' ? '}' : '=',
		    p->close);
	else
		closer = g_strdup(p->close);
	found = strstr(s + content, closer);
	if (found == NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s:%u: unclosed tag, expected '%s'", p->template->name,
		    line, closer);
		return false;
	}
	tag_end = (size_t)(found - s) + strlen(closer);
	alone = sigil != 0 && sigil != '&' && sigil != '{' &&
	    parser_standalone(p, tag_start, tag_end, &line_begin, next);
	if (alone) {
		parser_text(p, p->text_start, line_begin);
	} else {
		parser_text(p, p->text_start, tag_start);
		*next = tag_end;
		line_begin = tag_start;	/* no indentation to keep */
		if (p->at_line_start)
			parser_add(p, NODE_INDENT, 0);
	}
	/* A partial alone on its line indents each of its lines as the tag
	 * was indented. */
	if (!parser_tag(p, sigil, s + content, (size_t)(found - s) - content,
	    line, alone ? s + line_begin : NULL, tag_start - line_begin,
	    error))
		return false;
	p->at_line_start = alone;
	return true;
}

static bool
parser_run(struct parser *p, GError **error)
{
	const char *tag;
	size_t next, len;

	while ((tag = strstr(p->source + p->text_start, p->open)) != NULL) {
		if (!parser_step(p, (size_t)(tag - p->source), &next, error))
			return false;
		p->text_start = next;
	}
	len = strlen(p->source);
	parser_text(p, p->text_start, len);
	if (p->sections->len > 0) {
		struct node *open = &g_array_index(p->template->nodes,
		    struct node,
		    g_array_index(p->sections, size_t, p->sections->len - 1));

		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s:%u: unclosed section '%s' opened at line %u, "
		    "expected %s/%s%s", p->template->name,
		    parser_line(p, len > 0 ? len - 1 : 0), open->text,
		    open->line, p->open, open->text, p->close);
		return false;
	}
	return true;
}

struct mustache_template *
mustache_parse(const char *name, const char *source, GError **error)
{
	struct mustache_template *template = g_new0(struct mustache_template,
	    1);
	struct parser p = {
		.template = template,
		.source = source,
		.line = 1,
		.open = g_strdup("{{"),
		.close = g_strdup("}}"),
		.at_line_start = true,
		.sections = g_array_new(FALSE, FALSE, sizeof(size_t)),
	};
	bool ok;

	template->name = g_strdup(name);
	template->nodes = g_array_new(FALSE, TRUE, sizeof(struct node));
	g_array_set_clear_func(template->nodes, node_clear);
	ok = parser_run(&p, error);
	g_free(p.open);
	g_free(p.close);
	g_array_unref(p.sections);
	if (!ok) {
		mustache_template_free(template);
		return NULL;
	}
	return template;
}

struct render {
	enum mustache_escape escape;
	const struct mustache_partials *partials;
	GString *out;
	size_t out_start;
	GPtrArray *stack;	/* JsonNode *, borrowed; innermost last */
	GString *indent;	/* of the standalone partials being rendered */
	unsigned partial_depth;
	size_t steps;
};

/* Member name of node, or NULL when node is no object or lacks it. */
static JsonNode *
node_member(JsonNode *node, const char *name)
{
	JsonObject *object;

	if (!JSON_NODE_HOLDS_OBJECT(node))
		return NULL;
	object = json_node_get_object(node);	/* NULL if never set */
	return object != NULL ? json_object_get_member(object, name) : NULL;
}

static guint
node_length(JsonNode *node)
{
	JsonArray *array = json_node_get_array(node);

	return array != NULL ? json_array_get_length(array) : 0;
}

/* The value a name stands for: its first part is searched from the
 * innermost context outwards, the other parts only inside what was found. */
static JsonNode *
render_lookup(const struct render *r, char **path)
{
	JsonNode *value = NULL;

	if (path == NULL)
		return r->stack->len > 0 ?
		    r->stack->pdata[r->stack->len - 1] : NULL;
	for (size_t i = r->stack->len; i-- > 0 && value == NULL;)
		value = node_member(r->stack->pdata[i], path[0]);
	for (size_t i = 1; value != NULL && path[i] != NULL; i++)
		value = node_member(value, path[i]);
	return value;
}

static bool
value_is_false(JsonNode *value)
{
	GType type;

	if (value == NULL || JSON_NODE_HOLDS_NULL(value))
		return true;
	if (JSON_NODE_HOLDS_ARRAY(value))
		return node_length(value) == 0;
	if (!JSON_NODE_HOLDS_VALUE(value))
		return false;
	type = json_node_get_value_type(value);
	if (type == G_TYPE_BOOLEAN)
		return !json_node_get_boolean(value);
	if (type == G_TYPE_STRING)
		return json_node_get_string(value) == NULL ||
		    json_node_get_string(value)[0] == '\0';
	if (type == G_TYPE_INT64)
		return json_node_get_int(value) == 0;
	if (type == G_TYPE_DOUBLE)
		return json_node_get_double(value) == 0.0;
	return false;
}

static void
append_html(GString *out, const char *s)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *entity;

		switch (*s) {
		case '&': entity = "&amp;"; break;
		case '<': entity = "&lt;"; break;
		case '>': entity = "&gt;"; break;
		case '"': entity = "&quot;"; break;
		case '\'': entity = "&#39;"; break;
		default: continue;
		}
		g_string_append_len(out, run, s - run);
		g_string_append(out, entity);
		run = s + 1;
	}
	g_string_append_len(out, run, s - run);
}

/* The shortest form that reads back as the same double: 1.21, not
 * 1.2099999999999999. */
static void
append_double(GString *out, double number)
{
	static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
	char buffer[G_ASCII_DTOSTR_BUF_SIZE];

	for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
		g_ascii_formatd(buffer, sizeof(buffer), formats[i], number);
		if (g_ascii_strtod(buffer, NULL) == number)
			break;
	}
	g_string_append(out, buffer);
}

static void
render_value(struct render *r, JsonNode *value, bool escape)
{
	GType type;

	if (value == NULL || !JSON_NODE_HOLDS_VALUE(value))
		return;
	type = json_node_get_value_type(value);
	if (type == G_TYPE_STRING) {
		const char *s = json_node_get_string(value);

		if (s == NULL)
			return;
		if (escape)
			append_html(r->out, s);
		else
			g_string_append(r->out, s);
	} else if (type == G_TYPE_INT64) {
		g_string_append_printf(r->out, "%" G_GINT64_FORMAT,
		    json_node_get_int(value));
	} else if (type == G_TYPE_DOUBLE) {
		append_double(r->out, json_node_get_double(value));
	} else if (type == G_TYPE_BOOLEAN) {
		g_string_append(r->out,
		    json_node_get_boolean(value) ? "true" : "false");
	}
}

/* Text inside a standalone partial gets the partial's indentation after
 * each of its newlines (the one ending the text is left to the next node). */
static void
render_text(struct render *r, const struct node *node, size_t indent_from)
{
	const char *s = node->text, *end = s + node->len, *newline;
	size_t indent_len = r->indent->len - indent_from;

	while (indent_len > 0 && (newline = memchr(s, '\n', end - s)) != NULL &&
	    newline + 1 < end) {
		g_string_append_len(r->out, s, newline + 1 - s);
		g_string_append_len(r->out, r->indent->str + indent_from,
		    indent_len);
		s = newline + 1;
	}
	g_string_append_len(r->out, s, end - s);
}

/* Counts one step of work; false once a limit is passed. */
static bool
render_budget(struct render *r, const struct mustache_template *t,
    GError **error)
{
	if (++r->steps <= MUSTACHE_MAX_STEPS &&
	    r->out->len - r->out_start <= MUSTACHE_MAX_OUTPUT)
		return true;
	g_set_error(error, LB_ERROR, LB_ERROR_INPUT,
	    "%s: rendering exceeds %u bytes or %u steps", t->name,
	    MUSTACHE_MAX_OUTPUT, MUSTACHE_MAX_STEPS);
	return false;
}

static bool render_nodes(struct render *r, const struct mustache_template *t,
    size_t begin, size_t end, size_t indent_from, GError **error);

static bool
render_section(struct render *r, const struct mustache_template *t,
    size_t index, size_t indent_from, GError **error)
{
	const struct node *node = &g_array_index(t->nodes, struct node, index);
	JsonNode *value = render_lookup(r, node->path);
	JsonArray *list;
	bool ok = true;

	if (node->kind == NODE_INVERTED)
		return !value_is_false(value) ||
		    render_nodes(r, t, index + 1, node->end, indent_from,
		    error);
	if (value_is_false(value))
		return true;
	if (!JSON_NODE_HOLDS_ARRAY(value)) {
		g_ptr_array_add(r->stack, value);
		ok = render_nodes(r, t, index + 1, node->end, indent_from,
		    error);
		g_ptr_array_set_size(r->stack, r->stack->len - 1);
		return ok;
	}
	list = json_node_get_array(value);
	for (guint i = 0; ok && i < node_length(value); i++) {
		if (!render_budget(r, t, error))
			return false;
		g_ptr_array_add(r->stack, json_array_get_element(list, i));
		ok = render_nodes(r, t, index + 1, node->end, indent_from,
		    error);
		g_ptr_array_set_size(r->stack, r->stack->len - 1);
	}
	return ok;
}

static bool
render_partial(struct render *r, const struct mustache_template *t,
    const struct node *node, GError **error)
{
	const struct mustache_template *partial = NULL;
	size_t indent_len = r->indent->len;
	bool ok;

	if (r->partials == NULL)
		return true;
	if (r->partial_depth >= MUSTACHE_MAX_PARTIAL_DEPTH) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s:%u: partial '%s' nested more than %d deep; does it "
		    "include itself without end?", t->name, node->line,
		    node->text, MUSTACHE_MAX_PARTIAL_DEPTH);
		return false;
	}
	if (!r->partials->lookup(r->partials->data, node->text, &partial,
	    error))
		return false;
	if (partial == NULL)
		return true;
	/* Inline partials are not indented; standalone ones add their own
	 * indentation to that of the partials around them. */
	if (node->indent != NULL)
		g_string_append(r->indent, node->indent);
	r->partial_depth++;
	ok = render_nodes(r, partial, 0, partial->nodes->len,
	    node->indent != NULL ? 0 : indent_len, error);
	r->partial_depth--;
	g_string_truncate(r->indent, indent_len);
	return ok;
}

static bool
render_nodes(struct render *r, const struct mustache_template *t,
    size_t begin, size_t end, size_t indent_from, GError **error)
{
	for (size_t i = begin; i < end; i++) {
		const struct node *node = &g_array_index(t->nodes, struct node,
		    i);

		if (!render_budget(r, t, error))
			return false;
		switch (node->kind) {
		case NODE_TEXT:
			render_text(r, node, indent_from);
			break;
		case NODE_INDENT:
			g_string_append_len(r->out,
			    r->indent->str + indent_from,
			    r->indent->len - indent_from);
			break;
		case NODE_VARIABLE:
		case NODE_RAW:
			render_value(r, render_lookup(r, node->path),
			    node->kind == NODE_VARIABLE &&
			    r->escape == MUSTACHE_ESCAPE_HTML);
			break;
		case NODE_SECTION:
		case NODE_INVERTED:
			if (!render_section(r, t, i, indent_from, error))
				return false;
			i = node->end - 1;
			break;
		case NODE_PARTIAL:
			if (!render_partial(r, t, node, error))
				return false;
			break;
		}
	}
	return true;
}

bool
mustache_render(const struct mustache_template *template, JsonNode *data,
    enum mustache_escape escape, const struct mustache_partials *partials,
    GString *out, GError **error)
{
	struct render r = {
		.escape = escape,
		.partials = partials,
		.out = out,
		.out_start = out->len,
		.stack = g_ptr_array_new(),
		.indent = g_string_new(NULL),
	};
	bool ok;

	if (data != NULL)
		g_ptr_array_add(r.stack, data);
	ok = render_nodes(&r, template, 0, template->nodes->len, 0, error);
	if (!ok)
		g_string_truncate(out, r.out_start);
	g_ptr_array_unref(r.stack);
	g_string_free(r.indent, TRUE);
	return ok;
}

struct mustache_loader {
	char **dirs;
	GHashTable *templates;	/* name -> template, or NULL: nowhere */
};

struct mustache_loader *
mustache_loader_new(const char *const *dirs)
{
	struct mustache_loader *loader = g_new0(struct mustache_loader, 1);

	loader->dirs = g_strdupv((char **)dirs);
	loader->templates = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, (GDestroyNotify)mustache_template_free);
	return loader;
}

void
mustache_loader_free(struct mustache_loader *loader)
{
	if (loader == NULL)
		return;
	g_strfreev(loader->dirs);
	g_hash_table_unref(loader->templates);
	g_free(loader);
}

/* Reads and parses path; false with *template NULL when it does not
 * exist, false with error set when it cannot be used. */
static bool
loader_read(const char *path, struct mustache_template **template,
    GError **error)
{
	g_autoptr(GError) local = NULL;
	g_autofree char *source = NULL;
	gsize len;

	*template = NULL;
	if (!g_file_get_contents(path, &source, &len, &local)) {
		if (g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
			return false;
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG, "%s",
		    local->message);
		return false;
	}
	if (len > MUSTACHE_MAX_FILE || strlen(source) != len) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s: expected a text file of at most %u bytes", path,
		    MUSTACHE_MAX_FILE);
		return false;
	}
	*template = mustache_parse(path, source, error);
	return *template != NULL;
}

/* The template called name, or NULL when no directory has it. */
static bool
loader_find(void *data, const char *name,
    const struct mustache_template **found, GError **error)
{
	struct mustache_loader *loader = data;
	struct mustache_template *template = NULL;
	gpointer cached;

	if (g_hash_table_lookup_extended(loader->templates, name, NULL,
	    &cached)) {
		*found = cached;
		return true;
	}
	/* Names come from templates: keep them inside the directories. */
	if (name[0] == '\0' || name[0] == '.' || strchr(name, '/') != NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "template name '%s': expected a plain file name", name);
		return false;
	}
	for (size_t i = 0; loader->dirs[i] != NULL; i++) {
		g_autofree char *path = g_strdup_printf("%s/%s.mustache",
		    loader->dirs[i], name);
		GError *local = NULL;

		if (loader_read(path, &template, &local))
			break;
		if (local != NULL) {
			g_propagate_error(error, local);
			return false;
		}
	}
	g_hash_table_insert(loader->templates, g_strdup(name), template);
	*found = template;
	return true;
}

const struct mustache_template *
mustache_loader_load(struct mustache_loader *loader, const char *name,
    GError **error)
{
	const struct mustache_template *template;
	g_autofree char *dirs = NULL;

	if (!loader_find(loader, name, &template, error))
		return NULL;
	if (template == NULL) {
		dirs = g_strjoinv(", ", loader->dirs);
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "template '%s': expected %s.mustache in %s", name, name,
		    dirs[0] != '\0' ? dirs : "(no directory)");
	}
	return template;
}

struct mustache_partials
mustache_loader_partials(struct mustache_loader *loader)
{
	return (struct mustache_partials){ loader_find, loader };
}

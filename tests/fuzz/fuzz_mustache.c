/* fuzz_mustache.c: libFuzzer target for the Mustache parser and renderer.
 * The input is NUL-separated: a template, then partials named a, b, c.
 * Each is parsed, and what parses is rendered in both escape modes against
 * a small fixed model. Must never crash, leak or run away. */
#include <stdint.h>
#include <string.h>

#include "mustache.h"

#define FUZZ_PARTIALS 3

static const char model_json[] =
	"{\"name\":\"Ann <a&b> 'q'\",\"n\":3,\"zero\":0,\"pi\":1.5,"
	"\"t\":true,\"f\":false,\"nil\":null,\"empty\":[],\"blank\":\"\","
	"\"s\":\"{{name}}{{>a}}\",\"obj\":{\"a\":{\"b\":\"deep\"},\"n\":4},"
	"\"list\":[{\"x\":1},{\"x\":\"two\",\"list\":[]},3,[\"in\"],null]}";

struct fuzz_partials {
	const char *sources[FUZZ_PARTIALS];
	struct mustache_template *parsed[FUZZ_PARTIALS];
	bool tried[FUZZ_PARTIALS];
};

static bool
fuzz_lookup(void *data, const char *name,
    const struct mustache_template **partial, GError **error)
{
	struct fuzz_partials *partials = data;
	int i = name[0] - 'a';

	*partial = NULL;
	if (name[0] == '\0' || name[1] != '\0' || i < 0 || i >= FUZZ_PARTIALS ||
	    partials->sources[i] == NULL)
		return true;
	if (!partials->tried[i]) {
		partials->tried[i] = true;
		partials->parsed[i] = mustache_parse(name,
		    partials->sources[i], NULL);
	}
	*partial = partials->parsed[i];
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static JsonNode *model;
	char *input = g_malloc(size + 1);
	struct fuzz_partials table = { { NULL } };
	struct mustache_partials partials = { fuzz_lookup, &table };
	struct mustache_template *template;
	const char *chunk, *end = input + size;
	GString *out = g_string_new(NULL);

	if (model == NULL)
		model = json_from_string(model_json, NULL);
	memcpy(input, data, size);
	input[size] = '\0';
	chunk = input + strlen(input) + 1;
	for (int i = 0; i < FUZZ_PARTIALS && chunk <= end; i++) {
		table.sources[i] = chunk;
		chunk += strlen(chunk) + 1;
	}
	template = mustache_parse("fuzz", input, NULL);
	if (template != NULL) {
		mustache_render(template, model, MUSTACHE_ESCAPE_HTML,
		    &partials, out, NULL);
		mustache_render(template, model, MUSTACHE_ESCAPE_NONE,
		    &partials, out, NULL);
	}
	mustache_template_free(template);
	for (int i = 0; i < FUZZ_PARTIALS; i++)
		mustache_template_free(table.parsed[i]);
	g_string_free(out, TRUE);
	g_free(input);
	return 0;
}

/* fuzz_config.c: libFuzzer target for the config parser. The input is the
 * text of a config file. It either loads, or fails with one clean
 * LB_ERROR_CONFIG whose every line names the file. Must never crash or
 * leak. */
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "error.h"

#define FUZZ_NAME "/nonexistent/fuzz.conf"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GError *error = NULL;
	struct config *config = config_load_data(FUZZ_NAME,
	    (const char *)data, (gssize)size, &error);

	if (config == NULL) {
		g_auto(GStrv) lines = NULL;

		g_assert(error != NULL);
		g_assert(error->domain == LB_ERROR);
		g_assert(error->code == LB_ERROR_CONFIG);
		lines = g_strsplit(error->message, "\n", -1);
		for (size_t i = 0; lines[i] != NULL; i++)
			g_assert(g_str_has_prefix(lines[i], FUZZ_NAME ":"));
		g_error_free(error);
		return 0;
	}
	g_assert(error == NULL);
	/* What loaded is complete: the fields every command relies on. */
	g_assert(config->store.path != NULL && config->classify.rules != NULL);
	g_assert(config->imap.port > 0 && config->imap.port <= 65535);
	config_require(config, "imap", &error);
	g_clear_error(&error);
	config_free(config);
	return 0;
}

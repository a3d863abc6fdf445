/* cmd_filter.c: `liaisonbot filter`: stdin to stdout with X-Liaison-*
 * headers, for procmail and Sieve (vnd.dovecot.filter). Whatever fails
 * inside, the message itself is written through and the exit status is
 * 75 so the MDA keeps the mail. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "classify.h"
#include "cmd.h"
#include "error.h"
#include "filter.h"
#include "mime.h"
#include "source.h"

static bool
filter_write_all(const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

/* Streams what is left of stdin to stdout. */
static bool
filter_copy_rest(void)
{
	char chunk[64 * 1024];
	ssize_t n;

	while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || !filter_write_all(chunk, (size_t)n))
			return false;
	}
	return true;
}

/* Classify raw and write the rewritten message; false on any failure
 * before the first byte is written. */
static bool
filter_classify(struct cmd_context *ctx, GBytes *raw, bool explain,
    GString *out, GError **error)
{
	struct config *config = cmd_load_config(ctx);
	struct ruleset *rules;
	struct message *message;
	gsize len;
	const char *data = g_bytes_get_data(raw, &len);

	if (config == NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "no usable configuration");
		return false;
	}
	rules = cmd_load_rules(config, error);
	config_free(config);
	if (rules == NULL)
		return false;
	mime_init();
	message = mime_parse(raw, g_get_real_time() / G_USEC_PER_SEC);
	classify_message(rules, message);
	filter_rewrite(data, len, &message->verdict, explain, out);
	message_free(message);
	rules_free(rules);
	return true;
}

static int
filter_run(struct cmd_context *ctx, int argc, char **argv)
{
	gboolean explain = FALSE;
	const GOptionEntry entries[] = {
		{ "explain", 'e', 0, G_OPTION_ARG_NONE, &explain,
		  "Add X-Liaison-Rules with the rules that fired", NULL },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GBytes) raw = NULL;
	GByteArray *buffer;
	bool complete;
	int status;

	if (!cmd_parse_options(ctx, &cmd_filter, entries, &argc, &argv,
	    &status))
		return status;
	buffer = source_read_fd(STDIN_FILENO, &complete, &error);
	if (buffer == NULL)
		return cmd_report(error);	/* 75: the MDA keeps the mail */
	if (!complete) {
		/* Too big to classify: pass it through whole, say so. */
		cmd_report(error);
		if (filter_write_all((const char *)buffer->data, buffer->len))
			filter_copy_rest();
		g_byte_array_unref(buffer);
		return LB_EXIT_TEMPFAIL;
	}
	raw = g_byte_array_free_to_bytes(buffer);
	if (filter_classify(ctx, raw, explain, out, &error)) {
		status = filter_write_all(out->str, out->len)
		    ? LB_EXIT_OK : LB_EXIT_TEMPFAIL;
	} else {
		gsize len;
		const char *data = g_bytes_get_data(raw, &len);

		cmd_report(error);
		filter_write_all(data, len);
		status = LB_EXIT_TEMPFAIL;
	}
	return status;
}

const struct cmd cmd_filter = {
	.name = "filter",
	.args = "[--explain] < MESSAGE",
	.summary = "Copy a message from stdin to stdout with X-Liaison-* "
		   "headers",
	.run = filter_run,
};

/* source.c: what all sources share. */
#include "source.h"

struct source *
source_open(const struct source_ops *ops, const char *arg, GError **error)
{
	struct source *source = g_new0(struct source, 1);

	source->ops = ops;
	source->origin = arg ? g_strdup_printf("%s:%s", ops->name, arg)
			     : g_strdup(ops->name);
	if (!ops->open(source, arg, error)) {
		g_free(source->origin);
		g_free(source);
		return NULL;
	}
	return source;
}

void
source_close(struct source *source)
{
	if (source == NULL)
		return;
	source->ops->close(source);
	g_free(source->origin);
	g_free(source);
}

struct raw_message *
raw_message_new(GBytes *bytes, gint64 arrival, char *where)
{
	struct raw_message *message = g_new0(struct raw_message, 1);

	message->bytes = bytes;
	message->arrival = arrival;
	message->where = where;
	return message;
}

void
raw_message_free(struct raw_message *message)
{
	if (message == NULL)
		return;
	g_bytes_unref(message->bytes);
	g_free(message->where);
	g_free(message);
}

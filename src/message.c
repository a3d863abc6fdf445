/* message.c: life cycle of struct message and struct verdict. */
#include <string.h>

#include "message.h"

static const char *const category_names[CATEGORY_COUNT] = {
	[CATEGORY_NONE] = "none",
	[CATEGORY_PROCESS] = "process",
	[CATEGORY_ARCHITECTURE] = "architecture",
	[CATEGORY_EXTERNAL] = "external",
	[CATEGORY_ROUTINE] = "routine",
};

static const struct {
	unsigned flag;
	const char *name;
} flag_names[] = {
	{ MESSAGE_FLAG_NO_MESSAGE_ID, "no-message-id" },
	{ MESSAGE_FLAG_BAD_DATE, "bad-date" },
	{ MESSAGE_FLAG_BROKEN_MIME, "broken-mime" },
	{ MESSAGE_FLAG_BAD_ENCODING, "bad-encoding" },
	{ MESSAGE_FLAG_NO_FROM, "no-from" },
	{ MESSAGE_FLAG_BAD_HEADERS, "bad-headers" },
	{ MESSAGE_FLAG_NO_TEXT, "no-text" },
	{ MESSAGE_FLAG_TRUNCATED, "truncated" },
	{ MESSAGE_FLAG_DUPLICATE_ID, "duplicate-message-id" },
	{ MESSAGE_FLAG_REDACTED, "redacted" },
};

static void
message_header_free(gpointer data)
{
	struct message_header *header = data;

	g_free(header->name);
	g_free(header->value);
	g_free(header);
}

struct message *
message_new(void)
{
	struct message *message = g_new0(struct message, 1);

	message->headers = g_ptr_array_new_with_free_func(message_header_free);
	message->subject = g_strdup("");
	return message;
}

void
verdict_clear(struct verdict *verdict)
{
	g_free(verdict->kind);
	g_free(verdict->reasons);
	memset(verdict, 0, sizeof(*verdict));
}

void
message_free(struct message *message)
{
	if (message == NULL)
		return;
	if (message->raw != NULL)
		g_bytes_unref(message->raw);
	g_free(message->message_id);
	g_free(message->in_reply_to);
	g_strfreev(message->references);
	g_free(message->thread_key);
	g_free(message->subject_key);
	g_free(message->list_id);
	g_free(message->archived_at);
	g_free(message->from_name);
	g_free(message->from_address);
	g_free(message->to);
	g_free(message->cc);
	g_free(message->subject);
	g_free(message->text);
	g_free(message->own_text);
	g_ptr_array_unref(message->headers);
	verdict_clear(&message->verdict);
	g_free(message);
}

const char *
message_get_header(const struct message *message, const char *name)
{
	for (guint i = 0; i < message->headers->len; i++) {
		const struct message_header *header =
		    g_ptr_array_index(message->headers, i);

		if (g_ascii_strcasecmp(header->name, name) == 0)
			return header->value;
	}
	return NULL;
}

const char *
verdict_category_name(enum verdict_category category)
{
	if ((unsigned)category >= CATEGORY_COUNT)
		return "none";
	return category_names[category];
}

bool
verdict_category_parse(const char *name, enum verdict_category *out)
{
	for (size_t i = 0; i < CATEGORY_COUNT; i++) {
		if (strcmp(name, category_names[i]) == 0) {
			*out = (enum verdict_category)i;
			return true;
		}
	}
	return false;
}

char *
message_flags_describe(unsigned flags)
{
	GString *out = g_string_new(NULL);

	for (size_t i = 0; i < G_N_ELEMENTS(flag_names); i++) {
		if (!(flags & flag_names[i].flag))
			continue;
		if (out->len > 0)
			g_string_append_c(out, ',');
		g_string_append(out, flag_names[i].name);
	}
	return g_string_free(out, FALSE);
}

char *
message_dump(const struct message *message)
{
	GString *out = g_string_new(NULL);
	const char *strings[][2] = {
		{ "message-id", message->message_id },
		{ "in-reply-to", message->in_reply_to },
		{ "thread-key", message->thread_key },
		{ "subject-key", message->subject_key },
		{ "list-id", message->list_id },
		{ "archived-at", message->archived_at },
		{ "from-name", message->from_name },
		{ "from-address", message->from_address },
		{ "to", message->to },
		{ "cc", message->cc },
		{ "subject", message->subject },
		{ "text", message->text },
		{ "own-text", message->own_text },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(strings); i++)
		g_string_append_printf(out, "%s: %s\n", strings[i][0],
		    strings[i][1] != NULL ? strings[i][1] : "(null)");
	for (size_t i = 0; message->references != NULL &&
	    message->references[i] != NULL; i++)
		g_string_append_printf(out, "references: %s\n",
		    message->references[i]);
	for (guint i = 0; i < message->headers->len; i++) {
		const struct message_header *header =
		    g_ptr_array_index(message->headers, i);

		g_string_append_printf(out, "header: %s: %s\n", header->name,
		    header->value);
	}
	g_string_append_printf(out, "date: %" G_GINT64_FORMAT "\n"
	    "arrival: %" G_GINT64_FORMAT "\nflags: %u\n", message->date,
	    message->arrival, message->flags);
	return g_string_free(out, FALSE);
}

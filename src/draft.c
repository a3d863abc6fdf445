/* draft.c: building draft messages with GMime. */
#include <string.h>

#include <gmime/gmime.h>

#include "digest.h"
#include "draft.h"
#include "error.h"
#include "mime.h"

char *
draft_address_of(const char *mailbox)
{
	InternetAddressList *list;
	char *address = NULL;

	if (mailbox == NULL)
		return NULL;
	list = internet_address_list_parse(NULL, mailbox);
	if (list != NULL && internet_address_list_length(list) > 0) {
		InternetAddress *first = internet_address_list_get_address(
		    list, 0);

		if (INTERNET_ADDRESS_IS_MAILBOX(first))
			address = g_strdup(internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(first)));
	}
	if (list != NULL)
		g_object_unref(list);
	return address;
}

char *
draft_message_id(const char *identity, const char *from)
{
	g_autofree char *address = draft_address_of(from);
	g_autofree char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA256,
	    identity, -1);
	const char *at = address ? strrchr(address, '@') : NULL;
	const char *domain = at && at[1] ? at + 1 : "liaisonbot.invalid";

	hash[24] = '\0';
	return g_strdup_printf("liaisonbot.%s@%s", hash, domain);
}

static GMimeTextPart *
draft_text_part(const char *subtype, const char *body)
{
	GMimeTextPart *part = g_mime_text_part_new_with_subtype(subtype);

	/* GMime picks 7bit/QP/base64 for the body as needed. */
	g_mime_text_part_set_text(part, body);
	g_mime_text_part_set_charset(part, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(part),
	    g_mime_part_get_best_content_encoding(GMIME_PART(part),
	    GMIME_ENCODING_CONSTRAINT_7BIT));
	return part;
}

static bool
draft_add_addresses(GMimeMessage *message, GMimeAddressType type,
    const char *const *mailboxes, GError **error)
{
	InternetAddressList *list = g_mime_message_get_addresses(message,
	    type);

	for (size_t i = 0; mailboxes != NULL && mailboxes[i] != NULL; i++) {
		g_autofree char *clean = digest_clean_line(mailboxes[i]);
		InternetAddressList *parsed = internet_address_list_parse(NULL,
		    clean);

		if (parsed == NULL ||
		    internet_address_list_length(parsed) == 0) {
			if (parsed != NULL)
				g_object_unref(parsed);
			g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
			    "draft: '%s' is not a mail address", clean);
			return false;
		}
		internet_address_list_append(list, parsed);
		g_object_unref(parsed);
	}
	return true;
}

static GBytes *
draft_serialize(GMimeMessage *message)
{
	GMimeFormatOptions *format = g_mime_format_options_clone(NULL);
	GMimeStream *stream = g_mime_stream_mem_new();
	GByteArray *array;
	GBytes *bytes;

	g_mime_format_options_set_newline_format(format,
	    GMIME_NEWLINE_FORMAT_DOS);
	g_mime_object_write_to_stream(GMIME_OBJECT(message), format, stream);
	array = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
	bytes = g_bytes_new(array->data, array->len);
	g_object_unref(stream);
	g_mime_format_options_free(format);
	return bytes;
}

GBytes *
draft_build(const struct draft_headers *headers, const char *text,
    const char *html, GError **error)
{
	GMimeMessage *message;
	g_autofree char *subject = digest_clean_line(headers->subject);
	g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc(
	    headers->date);
	const char *from[] = { headers->from, NULL };
	const char *reply_to[] = { headers->reply_to, NULL };
	GMimeTextPart *plain;
	GBytes *bytes = NULL;

	mime_init();
	message = g_mime_message_new(TRUE);
	plain = draft_text_part("plain", text);
	if (!draft_add_addresses(message, GMIME_ADDRESS_TYPE_FROM, from,
	    error) ||
	    !draft_add_addresses(message, GMIME_ADDRESS_TYPE_TO,
	    (const char *const *)headers->to, error) ||
	    (headers->reply_to != NULL &&
	    !draft_add_addresses(message, GMIME_ADDRESS_TYPE_REPLY_TO,
	    reply_to, error)))
		goto out;
	g_mime_message_set_subject(message, subject, "utf-8");
	g_mime_message_set_date(message, date);
	g_mime_message_set_message_id(message, headers->message_id);
	g_mime_object_set_header(GMIME_OBJECT(message), "Auto-Submitted",
	    "auto-generated", NULL);
	g_mime_object_set_header(GMIME_OBJECT(message), "X-Liaison-Draft",
	    headers->kind, NULL);
	if (html == NULL) {
		g_mime_message_set_mime_part(message, GMIME_OBJECT(plain));
	} else {
		GMimeMultipart *alternative =
		    g_mime_multipart_new_with_subtype("alternative");
		GMimeTextPart *rich = draft_text_part("html", html);

		/* RFC 2046: the preferred alternative goes last. */
		g_mime_multipart_add(alternative, GMIME_OBJECT(plain));
		g_mime_multipart_add(alternative, GMIME_OBJECT(rich));
		g_mime_message_set_mime_part(message,
		    GMIME_OBJECT(alternative));
		g_object_unref(rich);
		g_object_unref(alternative);
	}
	bytes = draft_serialize(message);
out:
	g_object_unref(plain);
	g_object_unref(message);
	return bytes;
}

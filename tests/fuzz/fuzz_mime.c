/* fuzz_mime.c: libFuzzer target, mime_parse on arbitrary bytes.
 *   make fuzz && build/fuzz/fuzz_mime tests/fuzz/corpus/mime
 * It also checks that the header fast path (mime_fields.h) reads the
 * input exactly as GMime's own header parser does.
 * The seed corpus is the fixed messages of tests/unit/test_mime.c
 * (LIAISONBOT_WRITE_CORPUS=tests/fuzz/corpus/mime
 *  build/default/tests/test_mime). */
#include <stdint.h>
#include <string.h>

#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	GBytes *raw = g_bytes_new(data, size);
	struct message *message = mime_parse(raw, 0);

	/* what every later stage relies on */
	if (message->message_id == NULL || message->thread_key == NULL ||
	    message->subject_key == NULL || message->subject == NULL ||
	    message->text == NULL || message->own_text == NULL ||
	    !g_utf8_validate(message->text, -1, NULL) ||
	    !g_utf8_validate(message->own_text, -1, NULL) ||
	    !g_utf8_validate(message->subject, -1, NULL))
		__builtin_trap();
	struct message *reference = mime_parse_reference(raw, 0);
	char *a = message_dump(message), *b = message_dump(reference);

	if (strcmp(a, b) != 0)
		__builtin_trap();
	g_free(a);
	g_free(b);
	message_free(reference);
	message_free(message);
	g_bytes_unref(raw);
	return 0;
}

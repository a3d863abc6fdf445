/* thread.c: thread and subject keys. */
#include <string.h>

#include "text.h"
#include "thread.h"

/* A [list-tag] longer than this is taken as part of the subject. */
#define THREAD_TAG_MAX 64

static const char *const thread_prefixes[] = {
	"re", "fwd", "fw", "aw", "wg", "sv", "vs", "tr", "antw", "odp",
};

char *
thread_key(const struct message *message)
{
	if (message->references != NULL && message->references[0] != NULL)
		return g_strdup(message->references[0]);
	if (message->in_reply_to != NULL)
		return g_strdup(message->in_reply_to);
	return g_strdup(message->message_id != NULL ? message->message_id :
	    "");
}

/* Length of a "[tag]" at p (with the space after it), or 0. */
static size_t
thread_tag(const char *p)
{
	const char *close;

	if (*p != '[')
		return 0;
	close = strchr(p, ']');
	if (close == NULL || close - p > THREAD_TAG_MAX)
		return 0;
	return (size_t)(close - p) + 1;
}

/* Length of a "Re:", "Re[2]:", "Re(2):", "RE :" prefix at p, or 0. */
static size_t
thread_prefix(const char *p)
{
	for (size_t i = 0; i < G_N_ELEMENTS(thread_prefixes); i++) {
		size_t n = strlen(thread_prefixes[i]);
		const char *q = p + n;

		if (g_ascii_strncasecmp(p, thread_prefixes[i], n) != 0)
			continue;
		if (*q == '[' || *q == '(') {
			char close = *q == '[' ? ']' : ')';

			q++;
			while (g_ascii_isdigit(*q))
				q++;
			if (*q++ != close)
				continue;
		}
		if (*q == ' ')
			q++;
		if (*q == ':')
			return (size_t)(q - p) + 1;
		if (strncmp(q, "\xef\xbc\x9a", 3) == 0)	/* full-width ':' */
			return (size_t)(q - p) + 3;
	}
	return 0;
}

char *
thread_subject_key(const char *subject)
{
	g_autofree char *clean = text_clean_line(subject != NULL ? subject :
	    "", -1, G_MAXSIZE / 4, NULL);
	const char *p = clean;

	for (;;) {
		size_t n;

		while (*p == ' ')
			p++;
		if ((n = thread_tag(p)) == 0 && (n = thread_prefix(p)) == 0)
			break;
		p += n;
	}
	return g_utf8_casefold(p, -1);
}

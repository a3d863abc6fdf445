/* test_mbox.c: the mbox splitter on LF, CRLF, mboxrd quoting and junk. */
#include <string.h>

#include "mbox.h"
#include "tap.h"

/* Splits text and joins the messages' bytes with '|' for comparison. */
static char *
split(const char *text, size_t *count, gint64 *first_arrival)
{
	GString *out = g_string_new(NULL);
	size_t offset = 0, line = 1;
	struct mbox_span span;

	*count = 0;
	while (mbox_next(text, strlen(text), &offset, &line, &span)) {
		g_autoptr(GBytes) bytes = mbox_unquote(text, &span);
		gsize len;
		const char *data = g_bytes_get_data(bytes, &len);

		if (*count == 0)
			*first_arrival = span.arrival;
		if (*count > 0)
			g_string_append_c(out, '|');
		g_string_append_len(out, data, (gssize)len);
		(*count)++;
	}
	return g_string_free(out, FALSE);
}

static const struct {
	const char *name;
	const char *mbox;
	size_t count;
	const char *joined;
} cases[] = {
	{ "two messages, LF",
	  "From a@b Thu Nov 20 10:00:00 2026\nSubject: 1\n\nbody1\n\n"
	  "From c@d Thu Nov 20 11:00:00 2026\nSubject: 2\n\nbody2\n",
	  2, "Subject: 1\n\nbody1\n|Subject: 2\n\nbody2\n" },
	{ "two messages, CRLF",
	  "From a@b Thu Nov 20 10:00:00 2026\r\nSubject: 1\r\n\r\nx\r\n\r\n"
	  "From c@d Thu Nov 20 11:00:00 2026\r\nSubject: 2\r\n\r\ny\r\n",
	  2, "Subject: 1\r\n\r\nx\r\n|Subject: 2\r\n\r\ny\r\n" },
	{ "mboxrd quoting undone one level",
	  "From a@b Thu Nov 20 10:00:00 2026\nSubject: q\n\n>From here\n"
	  ">>From there\n> From not quoted\n",
	  1, "Subject: q\n\nFrom here\n>From there\n> From not quoted\n" },
	{ "From inside a paragraph is not a separator",
	  "From a@b Thu Nov 20 10:00:00 2026\nSubject: p\n\nline\nFrom x\n",
	  1, "Subject: p\n\nline\nFrom x\n" },
	{ "junk before the first From_ line is kept as a message",
	  "garbage\n\nFrom a@b Thu Nov 20 10:00:00 2026\nSubject: j\n\nz\n",
	  2, "garbage\n|Subject: j\n\nz\n" },
	{ "complete From_ lines without an empty line before them",
	  "From a@b Thu Nov 20 10:00:00 2026\nSubject: 1\n\nx\n"
	  "From c@d Wed Dec  2 05:53:22 PST 1992\nSubject: 2\n\ny\n"
	  "From e@f Fri Nov 20 11:00:00 2026 +0000\r\nSubject: 3\n",
	  3, "Subject: 1\n\nx\n|Subject: 2\n\ny\n|Subject: 3\n" },
	{ "text lines starting From are not separators without blank line",
	  "From a@b Thu Nov 20 10:00:00 2026\nSubject: t\n\nx\n"
	  "From Thu Nov 20 10:00:00 2026 on, we meet\n"
	  "From me Thu Nov 20 10:00:00 2026 and you\n"
	  "From  a@b Thu Nov 20 10:00:00 2026\n",
	  1, "Subject: t\n\nx\nFrom Thu Nov 20 10:00:00 2026 on, we meet\n"
	  "From me Thu Nov 20 10:00:00 2026 and you\n"
	  "From  a@b Thu Nov 20 10:00:00 2026\n" },
	{ "empty file", "", 0, "" },
	{ "From_ line without body",
	  "From a@b Thu Nov 20 10:00:00 2026", 1, "" },
};

int
main(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		size_t count;
		gint64 arrival = 0;
		g_autofree char *joined = split(cases[i].mbox, &count,
		    &arrival);

		is_int((long long)count, (long long)cases[i].count,
		    "%s: count", cases[i].name);
		is_str(joined, cases[i].joined, "%s: bytes", cases[i].name);
	}
	{
		size_t count;
		gint64 arrival = 0;
		g_autofree char *joined = split(cases[0].mbox, &count,
		    &arrival);

		is_int(arrival, 1795168800, "From_ line date read as UTC");
	}
	/* Each message's line is 1 + the line ends before its start, in
	 * every case (junk first, CRLF, no final line end among them). */
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		const char *text = cases[i].mbox;
		size_t offset = 0, line = 1, wrong = 0;
		struct mbox_span span;

		while (mbox_next(text, strlen(text), &offset, &line, &span)) {
			size_t want = 1;

			for (size_t k = 0; k < span.from_line; k++)
				want += text[k] == '\n';
			wrong += span.line != want;
		}
		is_int((long long)wrong, 0, "%s: line numbers", cases[i].name);
	}
	{
		const char *text = "From a Thu Nov 20 10:00:00 2026\nA: 1\n\n"
				   "b\n\nFrom c Thu Nov 20 10:00:00 2026\n"
				   "A: 2\n";
		size_t offset = 0, line = 1;
		struct mbox_span span;

		mbox_next(text, strlen(text), &offset, &line, &span);
		mbox_next(text, strlen(text), &offset, &line, &span);
		is_int((long long)span.line, 6, "line of the second From_");
	}
	return done_testing();
}

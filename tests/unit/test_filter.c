/* test_filter.c: X-Liaison-* headers replaced, everything else exact. */
#include <string.h>

#include "filter.h"
#include "tap.h"

static const char ours_lf[] =
    "X-Liaison-Category: process\nX-Liaison-Score: 9\n"
    "X-Liaison-Breaking: yes\nX-Liaison-Confidential: no\n";
static const char ours_crlf[] =
    "X-Liaison-Category: process\r\nX-Liaison-Score: 9\r\n"
    "X-Liaison-Breaking: yes\r\nX-Liaison-Confidential: no\r\n";

static const struct {
	const char *name;
	const char *in;
	const char *head;	/* expected text before our headers */
	const char *ours;
	const char *tail;	/* expected text after them */
} cases[] = {
	{ "LF message", "Subject: a\nFrom: b\n\nbody\n",
	  "Subject: a\nFrom: b\n", ours_lf, "\nbody\n" },
	{ "CRLF message keeps CRLF", "Subject: a\r\n\r\nbody\r\n",
	  "Subject: a\r\n", ours_crlf, "\r\nbody\r\n" },
	{ "forged headers removed, with continuation lines",
	  "X-Liaison-Category: routine\nSubject: a\nx-liaison-score: 99\n"
	  "\tcontinued\nX-LIAISON-Confidential: no\n\n>From body\n",
	  "Subject: a\n", ours_lf, "\n>From body\n" },
	{ "headers only, no newline at the end", "Subject: a",
	  "Subject: a\n", ours_lf, "" },
	{ "8-bit body and NUL untouched", "Subject: a\n\n\xff\xfe\x01z\n",
	  "Subject: a\n", ours_lf, "\n\xff\xfe\x01z\n" },
	{ "mbox From_ line kept", "From x Thu Nov 20 10:00:00 2026\nA: b\n\nc",
	  "From x Thu Nov 20 10:00:00 2026\nA: b\n", ours_lf, "\nc" },
	{ "a header that only starts like ours stays",
	  "X-Liaisonbot-Other: kept\n\nb", "X-Liaisonbot-Other: kept\n",
	  ours_lf, "\nb" },
};

int
main(void)
{
	struct verdict verdict = { .category = CATEGORY_PROCESS, .score = 9,
		.breaking = true, .reasons = (char *)"a(+5) b(+4)" };

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GString) out = g_string_new(NULL);
		g_autofree char *want = g_strconcat(cases[i].head,
		    cases[i].ours, cases[i].tail, NULL);

		filter_rewrite(cases[i].in, strlen(cases[i].in), &verdict,
		    false, out);
		is_str(out->str, want, "%s", cases[i].name);
	}
	{
		g_autoptr(GString) out = g_string_new(NULL);
		const char *in = "Subject: a\n\nb\n";

		filter_rewrite(in, strlen(in), &verdict, true, out);
		ok(strstr(out->str, "X-Liaison-Rules: a(+5)\n\tb(+4)\n\nb\n") !=
		    NULL, "--explain: one rule per folded line");
	}
	{
		g_autoptr(GString) out = g_string_new(NULL);
		const char in[] = "Subject: a\n\nx\0y\n";

		filter_rewrite(in, sizeof(in) - 1, &verdict, false, out);
		ok(out->len == sizeof(in) - 1 + strlen(ours_lf) &&
		    memcmp(out->str + out->len - 5, "\nx\0y\n", 5) == 0,
		    "NUL inside the body copied");
	}
	return done_testing();
}

/* test_summary.c: lead sentences, salutations and boilerplate skipped. */
#include <glib.h>

#include "summary.h"
#include "tap.h"

static const struct {
	const char *name;
	const char *text;
	int sentences;
	size_t chars;
	const char *want;
} cases[] = {
	{ "first sentences kept, salutation skipped",
	  "Hi all,\n\nThe IESG plans to change how DISCUSS positions are\n"
	  "resolved. Comments are due by 1 December. A draft statement\n"
	  "is attached. Thanks.\n",
	  2, 400,
	  "The IESG plans to change how DISCUSS positions are resolved. "
	  "Comments are due by 1 December." },
	{ "abbreviations do not end a sentence",
	  "Several SDOs, e.g. ITU-T and ETSI, asked. We will reply soon.", 1,
	  400, "Several SDOs, e.g. ITU-T and ETSI, asked." },
	{ "version numbers do not end a sentence",
	  "Version 2.0 of the liaison is out. More later.", 1, 400,
	  "Version 2.0 of the liaison is out." },
	{ "long text cut at a word with an ellipsis",
	  "Alpha beta gamma delta epsilon zeta eta theta", 5, 20,
	  "Alpha beta gamma…" },
	{ "datatracker boilerplate skipped",
	  "When responding, please keep the subject line intact and reply to "
	  "all\nThe new text resolves my concern.", 3, 400,
	  "The new text resolves my concern." },
	{ "liaison statement: the field block is skipped, Body: read",
	  "Title: LS on identifiers\nSubmission Date: 2026-11-16\n"
	  "From: ITU-T-SG-13 (A Person <a@itu.example>)\nTo: IETF (The "
	  "IESG\n  <iesg@ietf.org>)\nDeadline: 2026-11-27\n\nBody: SG13 "
	  "asks the IETF for comments on identifiers. Details follow.\n"
	  "Attachments:\n  ls.pdf\n", 1, 400,
	  "SG13 asks the IETF for comments on identifiers." },
	{ "nothing left", "\n\n   \n", 3, 400, "" },
	{ "no sentences wanted", "Something.", 0, 400, "" },
};

int
main(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *got = summary_extract(cases[i].text,
		    cases[i].sentences, cases[i].chars);

		is_str(got, cases[i].want, "%s", cases[i].name);
	}
	return done_testing();
}

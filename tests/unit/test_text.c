/* test_text.c: own words apart from quotes and signatures; HTML to text;
 * one-line cleanup. */
#include <string.h>

#include "tap.h"
#include "text.h"

/* The datatracker's 70-dash rule. */
#define RULE "-----------------------------------" \
	"-----------------------------------\n"

/* A forwarded liaison statement, kept whole in the own words. */
#define FORWARDED_LS \
	"---------- Forwarded message ---------\n" \
	"From: Liaison Statement Management Tool <statements@ietf.org>\n" \
	"Date: Tue, Mar 5, 2024 at 9:00 AM\n" \
	"Subject: New Liaison Statement, \"LS on IMT-2030\"\n" \
	"To: <iab@iab.org>\n" \
	"\n" \
	"> quoted inside the forward stays\n" \
	"Title: LS on IMT-2030\n"

static const struct {
	const char *name;
	const char *text;
	const char *want;
} own_cases[] = {
	{ "plain text untouched",
	  "The IAB has reviewed the liaison from ITU-T SG13.\n"
	  "No response is needed.\n",
	  "The IAB has reviewed the liaison from ITU-T SG13.\n"
	  "No response is needed." },
	{ "bottom quote with gmail attribution",
	  "I support adoption.\n"
	  "\n"
	  "On Tue, Mar 5, 2024 at 10:02 AM Jane Doe <jane@example.com> wrote:\n"
	  "> Dear IESG,\n"
	  "> Please review draft-ietf-foo-bar.\n",
	  "I support adoption." },
	{ "interleaved reply, nested quotes",
	  "Hi Joe,\n"
	  "\n"
	  "Joe Smith <joe@example.org> wrote:\n"
	  "> > Should the registry be Expert Review?\n"
	  "> I think so.\n"
	  "\n"
	  "Agreed, Expert Review is fine.\n"
	  "\n"
	  ">> What about the IANA considerations?\n"
	  "> > > deep\n"
	  "\n"
	  "Those look right to me.\n",
	  "Hi Joe,\n"
	  "\n"
	  "Agreed, Expert Review is fine.\n"
	  "\n"
	  "Those look right to me." },
	{ "multi-line attribution",
	  "Thanks, done.\n"
	  "\n"
	  "On Wed, 6 Mar 2024 at 14:11, Roman Danyliw via Datatracker <\n"
	  "noreply@ietf.org> wrote:\n"
	  "\n"
	  "> Roman Danyliw has entered the following ballot position\n",
	  "Thanks, done." },
	{ "french attribution",
	  "D'accord.\n"
	  "\n"
	  "Le mar. 5 mars 2024 à 10:02, Jean Dupont <jean@example.fr> "
	  "a écrit :\n"
	  "> Bonjour\n",
	  "D'accord." },
	{ "wrote: without quote after is kept",
	  "As Jari wrote:\n"
	  "the architecture matters.\n",
	  "As Jari wrote:\n"
	  "the architecture matters." },
	{ "rfc 3676 signature",
	  "Please see the updated text.\n"
	  "\n"
	  "-- \n"
	  "Alissa Cooper\n"
	  "IETF Chair\n",
	  "Please see the updated text." },
	{ "signature without trailing space",
	  "Ok by me.\n"
	  "--\n"
	  "Mirja\n",
	  "Ok by me." },
	{ "sent from my phone",
	  "Yes.\n"
	  "\n"
	  "Sent from my iPhone\n",
	  "Yes." },
	{ "outlook original message",
	  "Fine with me.\n"
	  "\n"
	  "Thanks,\n"
	  "Deborah\n"
	  "\n"
	  "-----Original Message-----\n"
	  "From: iesg <iesg-bounces@ietf.org> On Behalf Of Warren Kumari\n"
	  "Sent: Tuesday, March 5, 2024 10:00 AM\n"
	  "To: The IESG <iesg@ietf.org>\n"
	  "Subject: Telechat agenda\n"
	  "\n"
	  "Here is the agenda.\n",
	  "Fine with me.\n"
	  "\n"
	  "Thanks,\n"
	  "Deborah" },
	{ "outlook header block with rule",
	  "No objection.\n"
	  "\n"
	  "________________________________\n"
	  "From: Zaheduzzaman Sarker <zahed@example.com>\n"
	  "Sent: Monday, March 4, 2024 9:12 PM\n"
	  "To: iesg@ietf.org\n"
	  "Subject: Re: Retreat\n"
	  "\n"
	  "What about Thursday?\n",
	  "No objection." },
	{ "outlook header block without rule",
	  "Works for me.\n"
	  "\n"
	  "From: Eric Vyncke <evyncke@example.com>\n"
	  "Date: Monday, 4 March 2024 at 21:12\n"
	  "To: iesg@ietf.org\n"
	  "\n"
	  "Thursday?\n",
	  "Works for me." },
	{ "mailman 2 footer",
	  "The minutes are posted.\n"
	  "\n"
	  "_______________________________________________\n"
	  "IAB mailing list\n"
	  "IAB@iab.org\n"
	  "https://www.iab.org/mailman/listinfo/iab\n",
	  "The minutes are posted." },
	{ "mailman 3 footer after signature",
	  "Agenda attached.\n"
	  "-- \n"
	  "Cindy\n"
	  "_______________________________________________\n"
	  "IETF-Announce mailing list -- ietf-announce@ietf.org\n"
	  "To unsubscribe send an email to ietf-announce-leave@ietf.org\n",
	  "Agenda attached." },
	{ "underscore rule that is not a footer",
	  "Title\n"
	  "__________\n"
	  "Body text.\n",
	  "Title\n"
	  "__________\n"
	  "Body text." },
	{ "gmail forward kept, footer dropped",
	  "FYI, a liaison for the IAB.\n"
	  "\n"
	  FORWARDED_LS
	  "-- \n"
	  "ITU-R WP5D\n"
	  "_______________________________________________\n"
	  "IAB mailing list\n"
	  "https://www.iab.org/mailman/listinfo/iab\n",
	  "FYI, a liaison for the IAB.\n"
	  "\n"
	  FORWARDED_LS
	  "--\n"
	  "ITU-R WP5D" },
	{ "forward after signature",
	  "See below.\n"
	  "-- \n"
	  "Tommy\n"
	  "\n"
	  "Begin forwarded message:\n"
	  "\n"
	  "From: 3GPP SA2 <sa2@3gpp.org>\n"
	  "Subject: LS on QUIC\n",
	  "See below.\n"
	  "\n"
	  "Begin forwarded message:\n"
	  "\n"
	  "From: 3GPP SA2 <sa2@3gpp.org>\n"
	  "Subject: LS on QUIC" },
	{ "thunderbird forward",
	  "-------- Forwarded Message --------\n"
	  "Subject: LS from BBF\n",
	  "-------- Forwarded Message --------\n"
	  "Subject: LS from BBF" },
	{ "attached message marker",
	  "Please see attached.\n"
	  "\n"
	  TEXT_ATTACHED_MARKER "\n"
	  "From: ITU-T SG17\n"
	  "\n"
	  "> kept\n",
	  "Please see attached.\n"
	  "\n"
	  TEXT_ATTACHED_MARKER "\n"
	  "From: ITU-T SG17\n"
	  "\n"
	  "> kept" },
	{ "datatracker ballot boilerplate",
	  "Erik Kline has entered the following ballot position for\n"
	  "draft-ietf-foo-bar-12: No Objection\n"
	  "\n"
	  "When responding, please keep the subject line intact and reply "
	  "to all\n"
	  "email addresses included in the To and CC lines. (Feel free to "
	  "cut this\n"
	  "introductory paragraph, however.)\n"
	  "\n"
	  "\n"
	  "Please refer to https://www.ietf.org/about/groups/iesg/statements/"
	  "handling-ballot-positions/\n"
	  "for more information about how to handle DISCUSS and COMMENT "
	  "positions.\n"
	  "\n"
	  "\n"
	  "The document, along with other ballot positions, can be found "
	  "here:\n"
	  "https://datatracker.ietf.org/doc/draft-ietf-foo-bar/\n"
	  "\n"
	  "\n"
	  "\n"
	  RULE
	  "COMMENT:\n"
	  RULE
	  "\n"
	  "Section 3: s/recieve/receive/\n",
	  "Erik Kline has entered the following ballot position for\n"
	  "draft-ietf-foo-bar-12: No Objection\n"
	  "\n"
	  RULE
	  "COMMENT:\n"
	  RULE
	  "\n"
	  "Section 3: s/recieve/receive/" },
	{ "blank runs and trailing space trimmed",
	  "\n\n\nFirst.   \n\n\n\n\nSecond.\t\n\n\n",
	  "First.\n\nSecond." },
	{ "only quotes",
	  "> all quoted\n> here\n",
	  "" },
	{ "empty", "", "" },
};

static void
test_own_words(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(own_cases); i++) {
		g_autofree char *got = text_own_words(own_cases[i].text);

		is_str(got, own_cases[i].want, "own words: %s",
		    own_cases[i].name);
	}
	g_autofree char *null = text_own_words(NULL);
	is_str(null, "", "own words of NULL");
}

static const struct {
	const char *name;
	const char *html;
	const char *want;
} html_cases[] = {
	{ "paragraphs, entities, script and style",
	  "<html><head><title>T</title><style>p{color:red}</style>"
	  "<script>alert('x')</script></head><body>"
	  "<p>Dear&nbsp;colleagues,</p><p>Caf&eacute; &amp; &lt;tea&gt; "
	  "&#8364;5</p></body></html>",
	  "Dear colleagues,\n\nCafé & <tea> €5" },
	{ "br and div",
	  "<div>one</div><div>two<br>three<br><br>four</div>",
	  "one\ntwo\nthree\n\nfour" },
	{ "whitespace collapsed",
	  "<p>  lots\n   of\t\tspace  </p>",
	  "lots of space" },
	{ "lists and table",
	  "<ul><li>alpha</li><li>beta</li></ul><table><tr><td>a</td>"
	  "<td>b</td></tr><tr><td>c</td></tr></table>",
	  "alpha\nbeta\n\na b\nc" },
	{ "pre keeps lines",
	  "<pre>  x = 1\n  y = 2</pre>",
	  "  x = 1\n  y = 2" },
	{ "blockquote becomes quoted lines",
	  "<div>Agreed.</div><blockquote>Original<br>text</blockquote>",
	  "Agreed.\n\n> Original\n> text" },
	{ "meta charset ignored",
	  "<html><head><meta charset=\"iso-8859-1\"></head>"
	  "<body>Caf\xc3\xa9</body></html>",
	  "Café" },
	{ "broken markup recovered",
	  "<p>unclosed <b>bold <i>both</p><p>next",
	  "unclosed bold both\n\nnext" },
	{ "comment dropped",
	  "a<!-- hidden -->b",
	  "ab" },
	{ "empty", "", "" },
};

static void
test_html(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(html_cases); i++) {
		const char *html = html_cases[i].html;
		g_autofree char *got = text_html_to_text(html, strlen(html));

		is_str(got, html_cases[i].want, "html: %s",
		    html_cases[i].name);
	}
}

/* Deep nesting must not recurse on the C stack, in libxml2 or here. */
static void
test_html_deep(void)
{
	GString *html = g_string_new("<body>");
	g_autofree char *got = NULL;

	for (int i = 0; i < 100000; i++)
		g_string_append(html, "<div><blockquote>");
	g_string_append(html, "deep");
	got = text_html_to_text(html->str, html->len);
	ok(got != NULL, "html nested 100000 deep survives");
	g_string_free(html, TRUE);
}

static const struct {
	const char *name;
	const char *in;
	gssize len;
	size_t max;
	const char *want;
	bool truncated;
} clean_cases[] = {
	{ "folded", "  Re: a\r\n\tfolded  subject ", -1, 100,
	  "Re: a folded subject", false },
	{ "controls", "a\x01" "b\x7f" "c\xc2\x85" "d", -1, 100,
	  "a b c d", false },
	{ "invalid utf-8", "caf\xe9!", -1, 100, "caf\xef\xbf\xbd!", false },
	{ "embedded nul", "a\0b", 3, 100, "a b", false },
	{ "cut on character", "\xc3\xa9\xc3\xa9\xc3\xa9", -1, 5,
	  "\xc3\xa9\xc3\xa9", true },
	{ "nbsp and bom", "\xef\xbb\xbfx\xc2\xa0y", -1, 100, "x y", false },
	{ "empty", "", -1, 10, "", false },
};

static void
test_clean_line(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(clean_cases); i++) {
		bool truncated = !clean_cases[i].truncated;
		g_autofree char *got = text_clean_line(clean_cases[i].in,
		    clean_cases[i].len, clean_cases[i].max, &truncated);

		is_str(got, clean_cases[i].want, "clean: %s",
		    clean_cases[i].name);
		ok(truncated == clean_cases[i].truncated,
		    "clean: %s: truncated is %d", clean_cases[i].name,
		    clean_cases[i].truncated);
	}
	is_int((long long)text_utf8_prefix("a\xc3\xa9", 3, 2), 1,
	    "utf8 prefix backs off a partial character");
	is_int((long long)text_utf8_prefix("abc", 3, 10), 3,
	    "utf8 prefix of a short string is all of it");
}

int
main(void)
{
	test_own_words();
	test_html();
	test_html_deep();
	test_clean_line();
	return done_testing();
}

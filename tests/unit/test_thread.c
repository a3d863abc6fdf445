/* test_thread.c: thread keys and subject keys. */
#include "tap.h"
#include "thread.h"

static const struct {
	const char *subject;
	const char *want;
} subject_cases[] = {
	{ "Re: Telechat agenda", "telechat agenda" },
	{ "RE: RE: Fwd: Telechat agenda", "telechat agenda" },
	{ "[IAB] Re: [iesg] FW: AW: WG: Sv: Fw: Retreat  planning",
	  "retreat planning" },
	{ "Re[2]: Re(3): re : LS on QUIC", "ls on quic" },
	{ "  Re:\tfolded\r\n subject ", "folded subject" },
	{ "Fwd: [Liaison] New Liaison Statement, \"LS on IMT-2030\"",
	  "new liaison statement, \"ls on imt-2030\"" },
	{ "Réunion du IAB", "réunion du iab" },
	{ "Reply needed: Review of draft", "reply needed: review of draft" },
	{ "Re:", "" },
	{ "[unterminated tag subject", "[unterminated tag subject" },
	{ "", "" },
	{ NULL, "" },
};

static void
test_subject_key(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(subject_cases); i++) {
		g_autofree char *got =
		    thread_subject_key(subject_cases[i].subject);
		g_autofree char *name = g_strescape(subject_cases[i].subject ?
		    subject_cases[i].subject : "(null)", "\xc3\xa9");

		is_str(got, subject_cases[i].want, "subject key %zu: %s", i,
		    name);
	}
}

static void
test_thread_key(void)
{
	struct message *message = message_new();
	char *refs[] = { "root@example.org", "middle@example.org", NULL };
	char *key;

	message->message_id = g_strdup("self@example.org");
	key = thread_key(message);
	is_str(key, "self@example.org", "thread key: own id alone");
	g_free(key);

	message->in_reply_to = g_strdup("parent@example.org");
	key = thread_key(message);
	is_str(key, "parent@example.org", "thread key: in-reply-to");
	g_free(key);

	message->references = g_strdupv(refs);
	key = thread_key(message);
	is_str(key, "root@example.org", "thread key: first reference");
	g_free(key);

	g_strfreev(message->references);
	message->references = g_new0(char *, 1);
	key = thread_key(message);
	is_str(key, "parent@example.org",
	    "thread key: empty references fall back");
	g_free(key);
	message_free(message);
}

int
main(void)
{
	test_subject_key();
	test_thread_key();
	return done_testing();
}

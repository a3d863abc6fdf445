/* test_digest.c: threads, categories, ordering, ballots, left-out counts,
 * and the rendered model (with the shipped templates). */
#include <string.h>

#include "digest.h"
#include "model.h"
#include "render.h"
#include "store_query.h"
#include "tap.h"

static gint64 next_id = 1;

static struct stored_message *
msg(const char *thread, const char *subject, const char *from,
    enum verdict_category category, int score, const char *kind,
    gint64 date, const char *text)
{
	struct stored_message *m = g_new0(struct stored_message, 1);

	m->id = next_id++;
	m->message_id = g_strdup_printf("m%" G_GINT64_FORMAT "@example.org",
	    m->id);
	m->thread_key = g_strdup(thread);
	m->subject = g_strdup(subject);
	m->subject_key = g_ascii_strdown(subject, -1);
	m->from_name = g_strdup(from);
	m->own_text = g_strdup(text);
	m->kind = g_strdup(kind);
	m->category = category;
	m->score = score;
	m->date = date;
	if (m->id == 1)
		m->archived_at = g_strdup(
		    "https://mailarchive.ietf.org/arch/msg/iesg/abc");
	return m;
}

static GPtrArray *
corpus(void)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)stored_message_free);

	next_id = 1;
	g_ptr_array_add(a, msg("t1", "IESG statement on DISCUSS criteria",
	    "Alice Chair", CATEGORY_PROCESS, 9, NULL, 1000,
	    "The IESG proposes new DISCUSS criteria. Comments welcome."));
	g_ptr_array_add(a, msg("t1", "Re: IESG statement on DISCUSS criteria",
	    "Bob AD", CATEGORY_NONE, 0, NULL, 2000, "I support this."));
	g_ptr_array_add(a, msg("t1", "Re: IESG statement on DISCUSS criteria",
	    "Alice Chair", CATEGORY_NONE, 0, NULL, 3000, "Thanks Bob."));
	g_ptr_array_add(a, msg("t2", "Liaison statement from ITU-T SG13",
	    "Liaison Manager", CATEGORY_EXTERNAL, 8, "liaison", 1500,
	    "ITU-T SG13 asks about {{secret}} identifiers."));
	g_ptr_array_add(a, msg("t3", "Another process thing", "Carol",
	    CATEGORY_PROCESS, 12, NULL, 1700, "A bigger change."));
	/* No references, same subject: grouped by the subject fallback. */
	g_ptr_array_add(a, msg("t4", "Last Call: <draft-x-y-01.txt> (X) to "
	    "Proposed Standard", "The IESG", CATEGORY_ROUTINE, 6, "last-call",
	    1200, "The IESG has received a request..."));
	g_ptr_array_add(a, msg("t5", "Protocol Action: 'Z' to Proposed Standard",
	    "The IESG", CATEGORY_ROUTINE, 6, "document-action", 1300, "..."));
	g_ptr_array_add(a, msg("t6", "Lunch", "Dan", CATEGORY_NONE, 0, NULL,
	    1400, "Lunch?"));
	g_ptr_array_add(a, msg("t7", "Roman Danyliw's Discuss on "
	    "draft-ietf-foo-bar-05: (with DISCUSS)", "Roman Danyliw",
	    CATEGORY_ROUTINE, 6, "ballot", 1600,
	    "Roman Danyliw has entered the following ballot position for\n"
	    "draft-ietf-foo-bar-05: Discuss\n"));
	g_ptr_array_add(a, msg("t8", "Paul Wouters's Yes on "
	    "draft-ietf-foo-bar-05: (with COMMENT)", "Paul Wouters",
	    CATEGORY_ROUTINE, 6, "ballot", 1650,
	    "Paul Wouters has entered the following ballot position for\n"
	    "draft-ietf-foo-bar-05: Yes\n"));
	g_ptr_array_add(a, msg("t9", "IESG statement on DISCUSS criteria",
	    "Eve", CATEGORY_NONE, 0, NULL, 3500, "Lost references."));
	/* An out-of-office reply in the thread: counted, not a participant. */
	g_ptr_array_add(a, msg("t1", "Automatic reply: IESG statement on "
	    "DISCUSS criteria", "Fred Away", CATEGORY_ROUTINE, 6, "auto-reply",
	    1100, "I am out of the office."));
	return a;
}

static void
test_grouping(void)
{
	struct digest_options options = { .summary_sentences = 1 };
	struct digest *d = digest_build(corpus(), 0, 10000, &options);
	struct digest_thread *t;

	is_int(d->threads[CATEGORY_PROCESS]->len, 2, "two process threads");
	t = g_ptr_array_index(d->threads[CATEGORY_PROCESS], 0);
	is_str(t->subject, "Another process thing", "higher score first");
	t = g_ptr_array_index(d->threads[CATEGORY_PROCESS], 1);
	is_int(t->messages->len, 4,
	    "replies and the subject-only message join the thread");
	is_str(((struct digest_participant *)g_ptr_array_index(
	    t->participants, 0))->name, "Alice Chair", "most active first");
	is_int(t->participants->len, 3,
	    "an automatic reply is no participant");
	is_str(t->summary, "The IESG proposes new DISCUSS criteria.",
	    "summary of the most relevant message, one sentence");
	is_int(d->threads[CATEGORY_EXTERNAL]->len, 1, "one external thread");
	is_int(d->threads[CATEGORY_ARCHITECTURE]->len, 0, "no architecture");
	is_int(d->ballots->len, 1, "ballot mails tallied per document");
	is_int(d->left_out_total, 4, "four messages left out");
	ok(!digest_is_empty(d), "not empty");
	digest_free(d);
}

static void
test_render(void)
{
	struct digest_options options = { .summary_sentences = 2 };
	struct digest *d = digest_build(corpus(), 0, 10000, &options);
	GTimeZone *utc = g_time_zone_new_utc();
	struct model_options mo = { utc, "digest", 5000 };
	JsonNode *model = model_from_digest(d, &mo);
	g_autofree char *dir = g_build_filename(
	    g_getenv("LIAISONBOT_SRCDIR") ? g_getenv("LIAISONBOT_SRCDIR") : ".",
	    "templates", NULL);
	struct render *render = render_new(dir);
	g_autoptr(GError) error = NULL;
	g_autofree char *text = NULL, *html = NULL;

	ok(render_draft(render, "digest", model, &text, &html, &error),
	    "digest renders%s%s", error ? ": " : "",
	    error ? error->message : "");
	ok(text && strstr(text, "== IETF process ==") != NULL,
	    "text has the process section");
	ok(text && strstr(text, "draft-ietf-foo-bar: 1 Discuss (Roman "
	    "Danyliw), 1 Yes") != NULL, "text has the ballot tally");
	ok(text && strstr(text, "1 Last Call announcements") != NULL,
	    "text counts what was left out, by kind");
	ok(text && strstr(text, "1 automatic replies") != NULL,
	    "automatic replies are counted as left out");
	ok(text && strstr(text, "asks about {{secret}} identifiers") != NULL,
	    "template tags inside messages are printed, not run");
	ok(text && strstr(text, "<https://mailarchive.ietf.org/arch/msg/iesg/"
	    "abc>") != NULL, "Archived-At link");
	ok(text && strstr(text, "<mid:m2@example.org>") != NULL,
	    "Message-ID link when no Archived-At");
	ok(html && strstr(html, "<h2 style=\"font-size: 1.1em;\">IETF "
	    "process</h2>") != NULL, "HTML part rendered");
	json_node_unref(model);
	render_free(render);
	digest_free(d);
	g_time_zone_unref(utc);
}

static JsonObject *
first_of(JsonObject *object, const char *member)
{
	return json_array_get_object_element(
	    json_object_get_array_member(object, member), 0);
}

/* Links: only http(s) Archived-At, else a percent-encoded mid: URI. */
static void
test_links(void)
{
	static const struct {
		const char *archived_at, *message_id, *want;
	} cases[] = {
		{ "https://mailarchive.ietf.org/arch/msg/iesg/x", "a@b",
		  "https://mailarchive.ietf.org/arch/msg/iesg/x" },
		{ "javascript:alert(1)", "a@b", "mid:a@b" },
		{ "https://evil.example/\"onmouseover=x", "a@b", "mid:a@b" },
		{ "data:text/html,<script>", "a@b", "mid:a@b" },
		{ NULL, "odd/id%with space?#@example.org",
		  "mid:odd%2Fid%25with%20space%3F%23@example.org" },
	};
	struct digest_options options = { .summary_sentences = 1 };
	GTimeZone *utc = g_time_zone_new_utc();
	struct model_options mo = { utc, "digest", 5000 };

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GPtrArray *a = g_ptr_array_new_with_free_func(
		    (GDestroyNotify)stored_message_free);
		struct stored_message *m = msg("t", "IESG statement on links",
		    "Alice", CATEGORY_PROCESS, 9, NULL, 1000, "Text.");
		struct digest *d;
		JsonNode *model;
		JsonObject *link;

		g_free(m->archived_at);
		m->archived_at = g_strdup(cases[i].archived_at);
		g_free(m->message_id);
		m->message_id = g_strdup(cases[i].message_id);
		g_ptr_array_add(a, m);
		d = digest_build(a, 0, 10000, &options);
		model = model_from_digest(d, &mo);
		link = json_node_get_object(model);
		link = first_of(link, "sections");
		link = first_of(link, "threads");
		link = first_of(link, "links");
		is_str(json_object_get_string_member(link, "url"),
		    cases[i].want, "link %zu: %s", i, cases[i].want);
		json_node_unref(model);
		digest_free(d);
	}
	g_time_zone_unref(utc);
}

static void
test_empty(void)
{
	struct digest_options options = { .summary_sentences = 2 };
	GPtrArray *none = g_ptr_array_new_with_free_func(
	    (GDestroyNotify)stored_message_free);
	struct digest *d = digest_build(none, 0, 10, &options);

	ok(digest_is_empty(d), "no messages: empty");
	digest_free(d);
}

int
main(void)
{
	test_grouping();
	test_render();
	test_links();
	test_empty();
	{
		g_autofree char *clean = digest_clean_line(
		    "Subject\r\nBcc: victim@example.org\tand\x01more");

		is_str(clean, "Subject Bcc: victim@example.org and more",
		    "CR, LF and controls become single spaces");
	}
	return done_testing();
}

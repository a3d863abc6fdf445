/* cmd_status.c: `liaisonbot status [--json]`: the store, each folder's
 * last sync, this period's messages by category, the outbox and the next
 * digest. Confidential messages are not counted here either. */
#include <stdio.h>
#include <sys/stat.h>

#include <json-glib/json-glib.h>

#include "cmd.h"
#include "digest_clock.h"
#include "error.h"
#include "store_draft.h"
#include "store_query.h"
#include "when.h"

struct status {
	const struct config *config;
	gint64 now;
	gint64 store_size;
	GPtrArray *folders;		/* struct store_folder_state * */
	gint64 period_start;
	gint64 counts[CATEGORY_COUNT];
	GPtrArray *drafts;		/* struct store_draft * */
	gint64 next_digest;		/* 0: none scheduled */
	char *next_rule;
	char *schedule_error;
};

static char *
status_time(gint64 when)
{
	g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(when);

	return t ? g_date_time_format(t, "%Y-%m-%d %H:%M UTC") : g_strdup("?");
}

static char *
status_age(gint64 seconds)
{
	if (seconds < 120)
		return g_strdup_printf("%" G_GINT64_FORMAT "s ago", seconds);
	if (seconds < 7200)
		return g_strdup_printf("%" G_GINT64_FORMAT "m ago",
		    seconds / 60);
	if (seconds < 172800)
		return g_strdup_printf("%" G_GINT64_FORMAT "h ago",
		    seconds / 3600);
	return g_strdup_printf("%" G_GINT64_FORMAT "d ago", seconds / 86400);
}

/* A schedule that cannot be read is shown, not fatal: status must work. */
static void
status_next_digest(struct status *status)
{
	g_autoptr(GError) error = NULL;
	struct digest_clock *clock = digest_clock_new(status->config, &error);
	const char *rule = NULL;

	if (clock != NULL && digest_clock_next(clock, status->now,
	    &status->next_digest, &rule, &error))
		status->next_rule = g_strdup(rule);
	else
		status->schedule_error = g_strdup(error->message);
	digest_clock_free(clock);
}

static bool
status_gather(struct status *status, struct store *store, GError **error)
{
	struct stat st;
	gint64 last_end = 0;

	status->store_size = stat(store_path(store), &st) == 0 ? st.st_size
							     : 0;
	if ((status->folders = store_folder_states(store, error)) == NULL ||
	    !store_draft_last_period_end(store, "digest", &last_end, error))
		return false;
	status->period_start = last_end > 0 ? last_end
					    : status->now - 7 * 86400;
	if (!store_count_by_category(store, status->period_start,
	    status->counts, error) ||
	    (status->drafts = store_drafts_by_state(store, NULL, error)) ==
	    NULL)
		return false;
	status_next_digest(status);
	return true;
}

static bool
status_copy_owed(const struct store_draft *draft)
{
	return g_strcmp0(draft->imap_state, "pending") == 0 ||
	    g_strcmp0(draft->imap_state, "failed") == 0;
}

static guint
status_count_drafts(const struct status *status, const char *state)
{
	guint n = 0;

	for (guint i = 0; i < status->drafts->len; i++)
		n += g_strcmp0(((struct store_draft *)g_ptr_array_index(
		    status->drafts, i))->state, state) == 0;
	return n;
}

static void
status_print_text(const struct status *status)
{
	static const char *const states[] = { "queued", "sent", "failed",
		"uncertain" };
	g_autofree char *since = status_time(status->period_start);

	printf("store: %s (%.1f MB)\n", status->config->store.path,
	    (double)status->store_size / 1e6);
	printf("folders:\n");
	if (status->folders->len == 0)
		printf("  none synced yet\n");
	for (guint i = 0; i < status->folders->len; i++) {
		const struct store_folder_state *f =
		    g_ptr_array_index(status->folders, i);
		g_autofree char *when = status_time(f->last_sync);
		g_autofree char *age = status_age(status->now - f->last_sync);

		if (f->last_sync > 0)
			printf("  %s %s: last sync %s (%s), uid %u\n",
			    f->account, f->folder, when, age, f->last_uid);
		else
			printf("  %s %s: never synced\n", f->account,
			    f->folder);
		if (f->last_error != NULL)
			printf("    last error: %s\n", f->last_error);
	}
	printf("this period (since %s):\n ", since);
	for (size_t c = CATEGORY_PROCESS; c < CATEGORY_COUNT; c++)
		printf(" %s %" G_GINT64_FORMAT ",", verdict_category_name(c),
		    status->counts[c]);
	printf(" none %" G_GINT64_FORMAT "\n", status->counts[CATEGORY_NONE]);
	printf("drafts:");
	for (size_t s = 0; s < G_N_ELEMENTS(states); s++)
		printf(" %u %s%s", status_count_drafts(status, states[s]),
		    states[s], s + 1 < G_N_ELEMENTS(states) ? "," : "\n");
	for (guint i = 0; i < status->drafts->len; i++) {
		const struct store_draft *d =
		    g_ptr_array_index(status->drafts, i);

		/* Everything not done yet, also a draft caught mid-send by a
		 * crash (sending, committing, accepted) until the next
		 * delivery recovers it. */
		if (g_strcmp0(d->state, "sent") != 0)
			printf("  %s #%" G_GINT64_FORMAT " %s: %s%s%s\n",
			    d->state, d->id, d->kind, d->subject,
			    d->last_error ? ": " : "",
			    d->last_error ? d->last_error : "");
		/* Sent, but its copy in the Drafts folder is still owed. */
		else if (status_copy_owed(d))
			printf("  sent #%" G_GINT64_FORMAT " %s: %s (Drafts "
			    "folder copy %s)\n", d->id, d->kind, d->subject,
			    d->imap_state);
	}
	if (status->next_digest > 0) {
		g_autofree char *next = status_time(status->next_digest);

		printf("next digest: %s (%s)\n", next, status->next_rule);
	} else {
		printf("next digest: %s\n", status->schedule_error
		    ? status->schedule_error : "none scheduled");
	}
}

static void
status_json_member(JsonBuilder *b, const char *name, gint64 value)
{
	json_builder_set_member_name(b, name);
	json_builder_add_int_value(b, value);
}

static void
status_json_string(JsonBuilder *b, const char *name, const char *value)
{
	json_builder_set_member_name(b, name);
	if (value != NULL)
		json_builder_add_string_value(b, value);
	else
		json_builder_add_null_value(b);
}

static void
status_print_json(const struct status *status)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonGenerator) generator = json_generator_new();
	g_autoptr(JsonNode) root = NULL;
	g_autofree char *text = NULL;

	json_builder_begin_object(b);
	status_json_string(b, "store", status->config->store.path);
	status_json_member(b, "store_bytes", status->store_size);
	json_builder_set_member_name(b, "folders");
	json_builder_begin_array(b);
	for (guint i = 0; i < status->folders->len; i++) {
		const struct store_folder_state *f =
		    g_ptr_array_index(status->folders, i);

		json_builder_begin_object(b);
		status_json_string(b, "account", f->account);
		status_json_string(b, "folder", f->folder);
		status_json_member(b, "last_sync", f->last_sync);
		status_json_member(b, "age", f->last_sync
		    ? status->now - f->last_sync : -1);
		status_json_member(b, "uidvalidity", f->uidvalidity);
		status_json_member(b, "last_uid", f->last_uid);
		status_json_string(b, "last_error", f->last_error);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	status_json_member(b, "period_start", status->period_start);
	json_builder_set_member_name(b, "messages");
	json_builder_begin_object(b);
	for (size_t c = 0; c < CATEGORY_COUNT; c++)
		status_json_member(b, verdict_category_name(c),
		    status->counts[c]);
	json_builder_end_object(b);
	json_builder_set_member_name(b, "drafts");
	json_builder_begin_array(b);
	for (guint i = 0; i < status->drafts->len; i++) {
		const struct store_draft *d =
		    g_ptr_array_index(status->drafts, i);

		json_builder_begin_object(b);
		status_json_member(b, "id", d->id);
		status_json_string(b, "kind", d->kind);
		status_json_string(b, "state", d->state);
		status_json_string(b, "subject", d->subject);
		status_json_string(b, "message_id", d->message_id);
		status_json_member(b, "attempts", d->attempts);
		status_json_member(b, "created", d->created);
		status_json_string(b, "last_error", d->last_error);
		status_json_string(b, "drafts_copy", d->imap_state);
		json_builder_end_object(b);
	}
	json_builder_end_array(b);
	status_json_member(b, "next_digest", status->next_digest);
	status_json_string(b, "next_digest_rule", status->next_rule);
	status_json_string(b, "schedule_error", status->schedule_error);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	json_generator_set_root(generator, root);
	json_generator_set_pretty(generator, TRUE);
	text = json_generator_to_data(generator, NULL);
	printf("%s\n", text);
}

static int
status_run(struct cmd_context *ctx, int argc, char **argv)
{
	gboolean json = FALSE;
	const GOptionEntry entries[] = {
		{ "json", 0, 0, G_OPTION_ARG_NONE, &json,
		  "Print JSON for scripts", NULL },
		{ NULL },
	};
	g_autoptr(GError) error = NULL;
	struct status status = { 0 };
	struct config *config;
	struct store *store;
	int code;

	if (!cmd_parse_options(ctx, &cmd_status, entries, &argc, &argv,
	    &code))
		return code;
	if ((config = cmd_load_config(ctx)) == NULL)
		return LB_EXIT_CONFIG;
	status.config = config;
	status.now = when_now();
	store = cmd_open_store(config, &error);
	if (store == NULL || !status_gather(&status, store, &error)) {
		code = cmd_report(error);
	} else {
		if (json)
			status_print_json(&status);
		else
			status_print_text(&status);
		code = LB_EXIT_OK;
	}
	if (status.folders != NULL)
		g_ptr_array_unref(status.folders);
	if (status.drafts != NULL)
		g_ptr_array_unref(status.drafts);
	g_free(status.next_rule);
	g_free(status.schedule_error);
	store_close(store);
	config_free(config);
	return code;
}

const struct cmd cmd_status = {
	.name = "status",
	.args = "[--json]",
	.summary = "Show syncs, this period's messages, drafts, next digest",
	.run = status_run,
};

/* outbox.c: the delivery state machine over store_draft and smtp_send. */
#include <string.h>

#include "crashpoint.h"
#include "draft.h"
#include "error.h"
#include "log.h"
#include "outbox.h"
#include "secret.h"
#include "smtp_send.h"
#include "store_draft.h"
#include "when.h"

#define OUTBOX_FIRST_RETRY 60	/* seconds */

struct outbox {
	struct store *store;
	const struct config *config;
	const struct outbox_imap *imap;
};

/* The send in progress, for the SMTP callbacks. */
struct outbox_send {
	struct outbox *outbox;
	struct store_draft *draft;
};

struct outbox *
outbox_new(struct store *store, const struct config *config,
    const struct outbox_imap *imap)
{
	struct outbox *outbox = g_new0(struct outbox, 1);

	outbox->store = store;
	outbox->config = config;
	outbox->imap = imap;
	return outbox;
}

void
outbox_free(struct outbox *outbox)
{
	g_free(outbox);
}

int
outbox_backoff(int attempts, int max)
{
	gint64 wait = OUTBOX_FIRST_RETRY;

	for (int i = 1; i < attempts && wait < max; i++)
		wait *= 2;
	if (wait > max)
		wait = max;
	/* ±10% so several liaisonbots do not retry in step. */
	wait += g_random_int_range(-(int)(wait / 10), (int)(wait / 10) + 1);
	return (int)MAX(wait, 1);
}

static void
outbox_set(struct store_draft *draft, const char *state, const char *error)
{
	g_free(draft->state);
	draft->state = g_strdup(state);
	g_free(draft->last_error);
	draft->last_error = g_strdup(error);
}

static bool
outbox_save(struct outbox *outbox, struct store_draft *draft,
    const char *state, const char *error_text, GError **error)
{
	outbox_set(draft, state, error_text);
	log_debug(LOG_AREA_SMTP, "draft %" G_GINT64_FORMAT ": %s",
	    draft->id, state);
	return store_draft_set_state(outbox->store, draft, error);
}

/* Until this returns, the server cannot have the message. */
static bool
outbox_committing(void *data, GError **error)
{
	struct outbox_send *send = data;

	if (!outbox_save(send->outbox, send->draft, "committing", NULL,
	    error))
		return false;
	crashpoint("outbox-committing");
	return true;
}

static void
outbox_accepted(void *data, int code, const char *reply)
{
	struct outbox_send *send = data;
	g_autoptr(GError) error = NULL;

	crashpoint("outbox-accepted");
	if (!outbox_save(send->outbox, send->draft, "accepted", NULL, &error))
		log_warn("draft %" G_GINT64_FORMAT ": %s", send->draft->id,
		    error->message);
}

static enum smtp_starttls
outbox_starttls(const char *setting)
{
	if (setting != NULL && strcmp(setting, "try") == 0)
		return SMTP_STARTTLS_TRY;
	if (setting != NULL && strcmp(setting, "no") == 0)
		return SMTP_STARTTLS_NO;
	return SMTP_STARTTLS_REQUIRED;
}

/* Recipients still owed the draft: not yet accepted or refused for good. */
static GPtrArray *
outbox_pending_recipients(struct outbox *outbox,
    const struct store_draft *draft, GError **error)
{
	g_autoptr(GHashTable) done = store_draft_recipients(outbox->store,
	    draft->id, error);
	GPtrArray *out;
	char **to = outbox->config->drafts.to;

	if (done == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func(g_free);
	for (size_t i = 0; to != NULL && to[i] != NULL; i++) {
		g_autofree char *address = draft_address_of(to[i]);
		const char *state;

		if (address == NULL)
			continue;
		state = g_hash_table_lookup(done, address);
		if (state == NULL || (strcmp(state, "accepted") != 0 &&
		    strcmp(state, "permanent") != 0))
			g_ptr_array_add(out, g_steal_pointer(&address));
	}
	g_ptr_array_add(out, NULL);
	return out;
}

static bool
outbox_record_recipients(struct outbox *outbox, struct store_draft *draft,
    const struct smtp_result *result, bool *any_temporary, GError **error)
{
	*any_temporary = false;
	for (size_t i = 0; result != NULL && i < result->rcpt_count; i++) {
		const struct smtp_rcpt_result *r = &result->rcpts[i];
		const char *state = smtp_rcpt_status_name(r->status);

		/* Accepted for delivery only if DATA was accepted too. */
		if (r->status == SMTP_RCPT_ACCEPTED && !result->accepted)
			state = "untried";
		if (strcmp(state, "temporary") == 0 ||
		    strcmp(state, "untried") == 0)
			*any_temporary = true;
		if (!store_draft_set_recipient(outbox->store, draft->id,
		    r->address, state, r->reply, error))
			return false;
	}
	return true;
}

static void
outbox_retry_later(struct outbox *outbox, struct store_draft *draft,
    gint64 now)
{
	draft->next_attempt = now + outbox_backoff(draft->attempts,
	    outbox->config->smtp.retry_max);
}

/* Records the outcome of one send in one transaction. */
static bool
outbox_settle(struct outbox *outbox, struct store_draft *draft, bool sent,
    const struct smtp_result *result, const GError *send_error, gint64 now,
    struct outbox_report *report, GError **error)
{
	bool temporary = false;
	const char *state;

	if (!store_begin(outbox->store, error))
		return false;
	if (!outbox_record_recipients(outbox, draft, result, &temporary,
	    error))
		goto fail;
	if (sent && !temporary) {
		draft->sent_at = now;
		state = "sent";
		report->sent++;
	} else if (sent || lb_error_is_temporary(send_error)) {
		/* Accepted for some, or not at all yet: the rest later. */
		outbox_retry_later(outbox, draft, now);
		state = "queued";
		report->deferred++;
		if (sent)
			draft->sent_at = now;
	} else {
		state = "failed";
		report->failed++;
	}
	if (!outbox_save(outbox, draft, state,
	    send_error ? send_error->message : NULL, error))
		goto fail;
	return store_commit(outbox->store, error);
fail:
	store_rollback(outbox->store);
	return false;
}

static bool
outbox_send_one(struct outbox *outbox, struct store_draft *draft, gint64 now,
    struct outbox_report *report, GError **error)
{
	const struct config_smtp *smtp = &outbox->config->smtp;
	g_autoptr(GPtrArray) recipients = NULL;
	g_autoptr(GError) send_error = NULL;
	g_autofree char *envelope = NULL;
	struct outbox_send send = { outbox, draft };
	struct smtp_result *result = NULL;
	struct smtp_options options;
	char *password;
	gsize size;
	const char *raw = g_bytes_get_data(draft->raw, &size);
	bool sent = false, ok;

	recipients = outbox_pending_recipients(outbox, draft, error);
	if (recipients == NULL)
		return false;
	password = secret_resolve(&smtp->secret, "smtp", &send_error);
	draft->attempts++;
	if (password != NULL && recipients->len > 1) {
		if (!outbox_save(outbox, draft, "sending", NULL, error)) {
			secret_free(password);
			return false;
		}
		envelope = smtp->envelope_from ? g_strdup(smtp->envelope_from)
		    : draft_address_of(outbox->config->drafts.from);
		smtp_options_init(&options);
		options.url = smtp->url;
		options.starttls = outbox_starttls(smtp->starttls);
		options.ca_file = smtp->ca_file;
		options.tls_verify = smtp->tls_verify;
		options.user = smtp->user;
		options.password = password;
		options.envelope_from = envelope ? envelope : "";
		options.recipients = (const char *const *)recipients->pdata;
		options.timeout = (unsigned)smtp->timeout;
		options.committing = outbox_committing;
		options.accepted = outbox_accepted;
		options.callback_data = &send;
		sent = smtp_send(&options, raw, size, &result, &send_error);
	} else if (password != NULL) {
		sent = true;	/* every recipient done already */
	}
	secret_free(password);
	if (send_error != NULL)
		log_warn("draft %" G_GINT64_FORMAT " <%s>: %s", draft->id,
		    draft->message_id, send_error->message);
	else
		log_info("draft %" G_GINT64_FORMAT " <%s>: delivered",
		    draft->id, draft->message_id);
	ok = outbox_settle(outbox, draft, sent, result, send_error, now,
	    report, error);
	smtp_result_free(result);
	return ok;
}

/* Copies to the Drafts folder, recognising an earlier copy by its
 * Message-ID so a crash never leaves two. */
static bool
outbox_copy_one(struct outbox *outbox, struct store_draft *draft,
    struct outbox_report *report, GError **error)
{
	const char *folder = outbox->config->drafts.imap_folder;
	g_autoptr(GError) imap_error = NULL;
	bool found = false;

	if (outbox->imap->contains(outbox->imap->data, folder,
	    draft->message_id, &found, &imap_error) && !found)
		outbox->imap->append(outbox->imap->data, folder, draft->raw,
		    &imap_error);
	if (imap_error == NULL) {
		report->copied++;
		return store_draft_set_imap_state(outbox->store, draft->id,
		    "done", error);
	}
	log_warn("draft %" G_GINT64_FORMAT ": copy to %s: %s", draft->id,
	    folder, imap_error->message);
	if (lb_error_is_temporary(imap_error))
		return true;
	return store_draft_set_imap_state(outbox->store, draft->id, "failed",
	    error);
}

static bool
outbox_copy_pending(struct outbox *outbox, struct outbox_report *report,
    GError **error)
{
	g_autoptr(GPtrArray) drafts = NULL;

	if (outbox->imap == NULL || outbox->config->drafts.imap_folder == NULL)
		return true;
	drafts = store_drafts_imap_pending(outbox->store, error);
	if (drafts == NULL)
		return false;
	for (guint i = 0; i < drafts->len; i++)
		if (!outbox_copy_one(outbox, g_ptr_array_index(drafts, i),
		    report, error))
			return false;
	return true;
}

bool
outbox_deliver(struct outbox *outbox, gint64 now,
    struct outbox_report *report, GError **error)
{
	g_autoptr(GPtrArray) queued = NULL;

	memset(report, 0, sizeof(*report));
	if (outbox->config->smtp.url != NULL) {
		queued = store_drafts_by_state(outbox->store, "queued", error);
		if (queued == NULL)
			return false;
	}
	for (guint i = 0; queued != NULL && i < queued->len; i++) {
		struct store_draft *draft = g_ptr_array_index(queued, i);

		if (draft->next_attempt > now)
			continue;
		if (!outbox_send_one(outbox, draft, now, report, error))
			return false;
	}
	/* The copies after the mail: an IMAP server that is down or slow to
	 * time out must not hold up the Liaison's mail. */
	return outbox_copy_pending(outbox, report, error);
}

bool
outbox_next_due(struct outbox *outbox, gint64 *when, GError **error)
{
	g_autoptr(GPtrArray) queued = store_drafts_by_state(outbox->store,
	    "queued", error);

	*when = 0;
	if (queued == NULL)
		return false;
	for (guint i = 0; i < queued->len; i++) {
		struct store_draft *draft = g_ptr_array_index(queued, i);

		if (*when == 0 || draft->next_attempt < *when)
			*when = MAX(draft->next_attempt, 1);
	}
	return true;
}

/* Was a draft caught mid-commit delivered? Only its Message-ID can tell. */
static bool
outbox_arrived(struct outbox *outbox, const struct store_draft *draft,
    bool *found, GError **error)
{
	g_autoptr(GError) imap_error = NULL;

	if (!store_has_message_id(outbox->store, draft->message_id, found,
	    error))
		return false;
	if (*found || outbox->imap == NULL)
		return true;
	if (!outbox->imap->contains(outbox->imap->data, NULL,
	    draft->message_id, found, &imap_error))
		log_warn("draft %" G_GINT64_FORMAT ": cannot look for it over "
		    "IMAP: %s", draft->id, imap_error->message);
	return true;
}

static bool
outbox_recover_one(struct outbox *outbox, struct store_draft *draft,
    GError **error)
{
	bool found = false;

	if (strcmp(draft->state, "sending") == 0)
		return outbox_save(outbox, draft, "queued", draft->last_error,
		    error);
	if (strcmp(draft->state, "accepted") == 0) {
		draft->sent_at = when_now();
		return outbox_save(outbox, draft, "sent", NULL, error);
	}
	if (!outbox_arrived(outbox, draft, &found, error))
		return false;
	if (found) {
		log_info("draft %" G_GINT64_FORMAT " <%s>: found delivered "
		    "after a crash", draft->id, draft->message_id);
		draft->sent_at = when_now();
		return outbox_save(outbox, draft, "sent", NULL, error);
	}
	log_warn("draft %" G_GINT64_FORMAT " <%s>: interrupted while the "
	    "server was accepting it; not sent again. Check your mail, then "
	    "'liaisonbot outbox --resend %" G_GINT64_FORMAT "' if it is "
	    "missing", draft->id, draft->message_id, draft->id);
	return outbox_save(outbox, draft, "uncertain",
	    "interrupted while the server was accepting it", error);
}

bool
outbox_recover(struct outbox *outbox, GError **error)
{
	static const char *const states[] = { "sending", "committing",
		"accepted" };

	for (size_t s = 0; s < G_N_ELEMENTS(states); s++) {
		g_autoptr(GPtrArray) drafts = store_drafts_by_state(
		    outbox->store, states[s], error);

		if (drafts == NULL)
			return false;
		for (guint i = 0; i < drafts->len; i++)
			if (!outbox_recover_one(outbox,
			    g_ptr_array_index(drafts, i), error))
				return false;
	}
	return true;
}

bool
outbox_resend(struct outbox *outbox, gint64 id, GError **error)
{
	g_autoptr(GPtrArray) drafts = store_drafts_by_state(outbox->store,
	    NULL, error);

	if (drafts == NULL)
		return false;
	for (guint i = 0; i < drafts->len; i++) {
		struct store_draft *draft = g_ptr_array_index(drafts, i);

		if (draft->id != id)
			continue;
		if (strcmp(draft->state, "failed") != 0 &&
		    strcmp(draft->state, "uncertain") != 0) {
			g_set_error(error, LB_ERROR, LB_ERROR_INPUT,
			    "draft %" G_GINT64_FORMAT " is %s: only failed or "
			    "uncertain drafts can be resent", id, draft->state);
			return false;
		}
		/* A deliberate resend tries again whoever refused it, and
		 * never those who have it. */
		draft->next_attempt = 0;
		if (!store_begin(outbox->store, error))
			return false;
		if (!store_draft_forget_refusals(outbox->store, id, error) ||
		    !outbox_save(outbox, draft, "queued", NULL, error)) {
			store_rollback(outbox->store);
			return false;
		}
		return store_commit(outbox->store, error);
	}
	g_set_error(error, LB_ERROR, LB_ERROR_INPUT,
	    "no draft %" G_GINT64_FORMAT, id);
	return false;
}

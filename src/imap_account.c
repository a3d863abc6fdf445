/* imap_account.c: config -> imap_conn. */
#include <string.h>

#include "error.h"
#include "imap_account.h"
#include "log.h"
#include "secret.h"

char *
imap_account_name(const struct config_imap *imap)
{
	return g_strdup_printf("%s@%s", imap->user ? imap->user : "",
	    imap->host ? imap->host : "");
}

static enum imap_tls_mode
imap_account_tls(const char *tls)
{
	if (strcmp(tls, "starttls") == 0)
		return IMAP_TLS_STARTTLS;
	if (strcmp(tls, "none") == 0)
		return IMAP_TLS_NONE;
	return IMAP_TLS_IMAPS;
}

static enum imap_auth
imap_account_auth(const char *auth)
{
	if (strcmp(auth, "plain") == 0)
		return IMAP_AUTH_PLAIN;
	if (strcmp(auth, "xoauth2") == 0)
		return IMAP_AUTH_XOAUTH2;
	return IMAP_AUTH_LOGIN;
}

struct imap_conn *
imap_account_connect(const struct config_imap *imap, GError **error)
{
	struct imap_options options = { 0 };
	struct imap_conn *conn;
	char *secret = secret_resolve(&imap->secret, "imap", error);

	if (secret == NULL)
		return NULL;
	options.host = imap->host;
	options.port = (unsigned)imap->port;
	options.tls = imap_account_tls(imap->tls);
	options.allow_plaintext = imap->allow_plaintext;
	options.ca_file = imap->ca_file;
	options.tls_verify = imap->tls_verify;
	options.user = imap->user;
	options.password = secret;
	options.auth = imap_account_auth(imap->auth);
	options.connect_timeout = (unsigned)imap->timeout;
	options.read_timeout = (unsigned)imap->timeout;
	conn = imap_conn_open(&options, error);
	if (conn != NULL && !imap_conn_login(conn, error)) {
		imap_conn_close(conn);
		conn = NULL;
	}
	secret_free(secret);
	return conn;
}

static void
imap_account_finish(struct imap_conn *conn)
{
	imap_conn_logout(conn, NULL);
	imap_conn_close(conn);
}

static bool
imap_account_append(void *data, const char *folder, GBytes *raw,
    GError **error)
{
	const struct config *config = data;
	struct imap_conn *conn = imap_account_connect(&config->imap, error);
	gsize size;
	const char *bytes = g_bytes_get_data(raw, &size);
	bool ok;

	if (conn == NULL)
		return false;
	ok = imap_conn_append(conn, folder, bytes, size,
	    IMAP_FLAG_DRAFT | IMAP_FLAG_SEEN, NULL, error);
	imap_account_finish(conn);
	return ok;
}

/* folder NULL: every followed folder. */
static bool
imap_account_contains(void *data, const char *folder,
    const char *message_id, bool *found, GError **error)
{
	const struct config *config = data;
	struct imap_conn *conn = imap_account_connect(&config->imap, error);
	const char *one[] = { folder, NULL };
	const char *const *folders = folder
	    ? one : (const char *const *)config->imap.folders;
	bool ok = conn != NULL;

	*found = false;
	for (size_t i = 0; ok && !*found && folders[i] != NULL; i++) {
		GArray *uids = NULL;

		ok = imap_conn_search_message_id(conn, folders[i], message_id,
		    &uids, error);
		*found = ok && uids->len > 0;
		if (uids != NULL)
			g_array_unref(uids);
	}
	if (conn != NULL)
		imap_account_finish(conn);
	return ok;
}

struct outbox_imap
imap_account_outbox(const struct config *config)
{
	struct outbox_imap ops = {
		.append = imap_account_append,
		.contains = imap_account_contains,
		.data = (void *)config,
	};

	return ops;
}

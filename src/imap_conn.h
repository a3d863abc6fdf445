/* imap_conn.h: one IMAP connection over libetpan's mailimap, with verified
 * TLS (tls.h), timeouts on every step and errors in the LB_ERROR domain.
 *
 * Every call blocks, at most for the configured timeouts, and leaves the
 * connection usable unless it failed with LB_ERROR_TEMPORARY for a lost
 * connection: then the only useful call is imap_conn_close(). Messages and
 * errors never contain the password or token.
 *
 * Error codes: connection refused, reset, lost or timed out and "BYE" from
 * the server are LB_ERROR_TEMPORARY; authentication refused, a missing
 * folder, an untrusted certificate, a failed TLS handshake or a command the
 * server rejects are LB_ERROR_PERMANENT; options that cannot work (plaintext
 * not allowed, unusable ca_file) are LB_ERROR_CONFIG. */
#ifndef LIAISONBOT_IMAP_CONN_H
#define LIAISONBOT_IMAP_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#define IMAP_CONN_CONNECT_TIMEOUT 30	/* seconds, default */
#define IMAP_CONN_READ_TIMEOUT 120	/* seconds, default */
#define IMAP_CONN_FETCH_BATCH 1000	/* messages per UID FETCH, default */
/* RFC 2177: servers may drop an IDLE after 30 minutes; end and restart it
 * sooner than this. */
#define IMAP_CONN_IDLE_RESTART (29 * 60)

enum imap_tls_mode {
	IMAP_TLS_IMAPS,		/* TLS from the first byte (port 993) */
	IMAP_TLS_STARTTLS,	/* STARTTLS before anything else (port 143) */
	IMAP_TLS_NONE,		/* clear text: needs allow_plaintext */
};

enum imap_auth {
	IMAP_AUTH_LOGIN,	/* the IMAP LOGIN command */
	IMAP_AUTH_PLAIN,	/* AUTHENTICATE PLAIN (Cyrus SASL plugin,
				   Debian package libsasl2-modules) */
	IMAP_AUTH_XOAUTH2,	/* AUTHENTICATE XOAUTH2; password is the
				   OAuth2 access token */
};

/* What a connection needs. Strings are borrowed by imap_conn_open(), which
 * copies what it keeps. */
struct imap_options {
	const char *host;
	unsigned port;			/* 0: 993 with IMAPS, else 143 */
	enum imap_tls_mode tls;
	bool allow_plaintext;		/* required for IMAP_TLS_NONE */
	const char *ca_file;		/* PEM; NULL: system trust store */
	bool tls_verify;		/* false: any certificate is accepted
					   (the caller warns at every start) */
	const char *user;
	const char *password;		/* secret or access token */
	enum imap_auth auth;
	unsigned connect_timeout;	/* seconds; 0: default */
	unsigned read_timeout;		/* seconds per read or write;
					   0: default */
};

struct imap_folder_status {
	uint32_t uidvalidity;
	uint32_t uidnext;		/* 0 when the server did not say */
	uint32_t exists;
};

enum imap_flag {
	IMAP_FLAG_SEEN = 1 << 0,
	IMAP_FLAG_DRAFT = 1 << 1,
};

struct imap_conn;

/* Receives one fetched message. bytes (len bytes, not NUL-terminated) is
 * borrowed for the call only; internaldate is Unix time (0 if the server
 * sent none). Returning false (with error set) stops the delivery of the
 * rest of the batch and makes the fetch fail with that error. Runs inside
 * the fetch: it must not call imap_conn functions. */
typedef bool imap_message_fn(uint32_t uid, const char *bytes, size_t len,
    gint64 internaldate, void *data, GError **error);

/* Connects, runs TLS (IMAPS or STARTTLS) and learns the capabilities.
 * Refuses IMAP_TLS_NONE without allow_plaintext before connecting. */
struct imap_conn *imap_conn_open(const struct imap_options *options,
    GError **error);

/* Authenticates as options->user. Never sends a secret over a connection
 * without TLS unless allow_plaintext. A no-op after a PREAUTH greeting. */
bool imap_conn_login(struct imap_conn *conn, GError **error);

/* Whether the server advertised name ("IDLE", "UIDPLUS", "AUTH=PLAIN"). */
bool imap_conn_has_capability(struct imap_conn *conn, const char *name);

/* SELECT (read-write) or EXAMINE (read-only) folder; fills status. */
bool imap_conn_select(struct imap_conn *conn, const char *folder,
    struct imap_folder_status *status, GError **error);
bool imap_conn_examine(struct imap_conn *conn, const char *folder,
    struct imap_folder_status *status, GError **error);

/* Whether the server announced a message count (EXISTS) since the folder
 * was selected. Servers announce new mail once, at the end of whatever
 * command is running when it arrives: a UID SEARCH made before may not list
 * it, and an IDLE started now would not hear of it. Select again. */
bool imap_conn_folder_grew(struct imap_conn *conn);

/* UIDs greater than after_uid in the selected folder, ascending, into a
 * new array of guint32 (caller frees with g_array_unref). */
bool imap_conn_list_uids(struct imap_conn *conn, uint32_t after_uid,
    GArray **uids, GError **error);

/* One UID FETCH of BODY.PEEK[] and INTERNALDATE for uids (ascending; \Seen
 * is not set), calling fn for each message as it arrives, so memory holds
 * one message at a time. UIDs that no longer exist are skipped. */
bool imap_conn_fetch_uids(struct imap_conn *conn, const uint32_t *uids,
    size_t count, imap_message_fn *fn, void *data, GError **error);

/* Every message of the selected folder with a UID above after_uid, batch
 * UIDs per command (0: default), in the order the server sends them:
 * ascending UIDs from every server we know (RFC 3501 does not promise it).
 * With mark_seen each batch's messages that fn accepted get \Seen
 * afterwards. *fetched (may be NULL) counts the messages fn accepted, also
 * on failure. Memory: one message plus about 100 bytes per UID. */
bool imap_conn_fetch_new(struct imap_conn *conn, uint32_t after_uid,
    unsigned batch, bool mark_seen, imap_message_fn *fn, void *data,
    unsigned *fetched, GError **error);

/* Adds \Seen to uids of the selected folder. */
bool imap_conn_mark_seen(struct imap_conn *conn, const uint32_t *uids,
    size_t count, GError **error);

/* IDLE on the selected folder (RFC 2177; check imap_conn_has_capability
 * "IDLE" first). While idling, watch imap_conn_idle_fd() for input (also
 * act at once when imap_conn_idle_pending() says data is already buffered)
 * and call nothing but imap_conn_idle_done(), which ends the IDLE and says
 * whether an EXISTS response (new mail) arrived meanwhile. That is a hint:
 * mail announced before the IDLE began goes unnoticed, so fetch_new after
 * each IDLE (cheap when nothing is new). End an IDLE before
 * IMAP_CONN_IDLE_RESTART seconds and start again. A server gone while
 * idling makes the fd readable and idle_done fail (LB_ERROR_TEMPORARY). */
bool imap_conn_idle_start(struct imap_conn *conn, GError **error);
int imap_conn_idle_fd(struct imap_conn *conn);
bool imap_conn_idle_pending(struct imap_conn *conn);
bool imap_conn_idle_done(struct imap_conn *conn, bool *new_mail,
    GError **error);

/* Woken while idling: reads what the server has sent so far, without
 * waiting and without ending the IDLE. Untagged OKs with plain text only
 * (keepalives: Dovecot's "* OK Still here" every two minutes) are read
 * and dropped; *news says whether anything else came (EXISTS, EXPUNGE,
 * BYE...), which is left for imap_conn_idle_done to read. A lost
 * connection fails (LB_ERROR_TEMPORARY); the IDLE is over then. */
bool imap_conn_idle_news(struct imap_conn *conn, bool *news,
    GError **error);

/* APPENDs a message (bare LF become CRLF) with flags to an existing
 * folder; a missing folder is a permanent error, never created. *uid gets
 * the new UID when the server reports it (UIDPLUS), else 0; may be NULL. */
bool imap_conn_append(struct imap_conn *conn, const char *folder,
    const char *bytes, size_t len, unsigned flags, uint32_t *uid,
    GError **error);

/* UID SEARCH HEADER Message-ID message_id in folder, which it leaves
 * selected read-only (EXAMINE). UIDs into a new array of guint32. */
bool imap_conn_search_message_id(struct imap_conn *conn, const char *folder,
    const char *message_id, GArray **uids, GError **error);

/* A folder name (UTF-8) as IMAP spells it: modified UTF-7 (RFC 3501
 * 5.1.3). Every imap_conn function taking a folder applies it. NULL when
 * folder is not valid UTF-8; caller frees. */
char *imap_conn_folder_encode(const char *folder);

/* Says LOGOUT and waits for the answer; the connection is closed after it
 * whatever happens (imap_conn_close() is still needed to free it). */
bool imap_conn_logout(struct imap_conn *conn, GError **error);

/* Closes the connection without a word to the server and frees it (the
 * password copy is wiped). NULL-safe. */
void imap_conn_close(struct imap_conn *conn);

#endif

/* imap_conn.c: an IMAP connection over libetpan's mailimap API.
 *
 * libetpan parses and builds the protocol; the sockets, TLS and timeouts
 * are ours (tls.c), because libetpan's TLS verifies nothing. Each call is
 * one or a few synchronous commands. */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "error.h"
#include "imap_conn.h"
#include "log.h"
#include "tls.h"

/* Read buffer of the mailstream: large reads keep the parser fed. */
#define IMAP_CONN_BUFFER (64 * 1024)
/* Longest server text quoted in an error message. */
#define IMAP_CONN_TEXT_MAX 300

struct imap_conn {
	mailimap *session;
	char *host;
	char *user;
	char *password;		/* wiped and freed once logged in */
	char *where;		/* "host:port", for connection errors */
	char *who;		/* "user@host", for account errors */
	char *ca_file;
	enum imap_tls_mode tls;
	enum imap_auth auth;
	unsigned port;
	unsigned connect_timeout;
	unsigned read_timeout;
	bool allow_plaintext;
	bool tls_verify;
	bool broken;		/* the stream failed: only close is left */
	bool idling;
};

/* What a running UID FETCH hands to the message callback. */
struct imap_fetch {
	imap_message_fn *fn;
	void *data;
	GError *error;		/* the first failure of fn */
	GArray *accepted;	/* UIDs fn accepted */
};

static void
imap_conn_wipe(char *secret)
{
	if (secret != NULL) {
		explicit_bzero(secret, strlen(secret));
		g_free(secret);
	}
}

/* The server's text of the last response, made safe to quote. */
static char *
imap_conn_server_text(struct imap_conn *conn)
{
	const char *text = conn->session ? conn->session->imap_response : NULL;
	GString *out;

	if (text == NULL || *text == '\0')
		return g_strdup("(no text from the server)");
	out = g_string_new(NULL);
	for (size_t i = 0; text[i] != '\0' && i < IMAP_CONN_TEXT_MAX; i++) {
		unsigned char c = (unsigned char)text[i];

		g_string_append_c(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	if (!g_utf8_validate(out->str, -1, NULL)) {
		char *valid = g_utf8_make_valid(out->str, -1);

		g_string_assign(out, valid);
		g_free(valid);
	}
	return g_string_free(out, FALSE);
}

static const char *
imap_conn_stream_error(struct imap_conn *conn)
{
	const char *reason = NULL;

	if (conn->session != NULL && conn->session->imap_stream != NULL)
		reason = tls_stream_last_error(
		    mailstream_get_low(conn->session->imap_stream));
	return reason ? reason : "connection lost";
}

/* Whether libetpan's result r of a command is success; if not, turns it
 * into an error. A refusal by the server (NO) gets no_code; what names the
 * command. */
static bool G_GNUC_PRINTF(5, 6)
imap_conn_check(struct imap_conn *conn, int r, int no_code, GError **error,
    const char *format, ...)
{
	g_autofree char *what = NULL;
	g_autofree char *text = NULL;
	va_list ap;

	if (r == MAILIMAP_NO_ERROR)
		return true;
	va_start(ap, format);
	what = g_strdup_vprintf(format, ap);
	va_end(ap);
	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		conn->broken = true;
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "imap %s: %s: %s", conn->where, what,
		    imap_conn_stream_error(conn));
		return false;
	case MAILIMAP_ERROR_PARSE:
	case MAILIMAP_ERROR_NEEDS_MORE_DATA:
		conn->broken = true;
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "imap %s: %s: unparsable response from the server",
		    conn->where, what);
		return false;
	case MAILIMAP_ERROR_FATAL:
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		conn->broken = true;
		text = imap_conn_server_text(conn);
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "imap %s: %s: server closed the connection: %s",
		    conn->where, what, text);
		return false;
	case MAILIMAP_ERROR_MEMORY:
		g_error("imap: out of memory");
	case MAILIMAP_ERROR_PROTOCOL:
		text = imap_conn_server_text(conn);
		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "imap %s: %s: rejected as bad: %s", conn->who, what,
		    text);
		return false;
	case MAILIMAP_ERROR_BAD_STATE:
		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "imap %s: %s: not possible in this state", conn->who,
		    what);
		return false;
	default:
		text = imap_conn_server_text(conn);
		g_set_error(error, LB_ERROR, no_code, "imap %s: %s: %s",
		    conn->who, what, text);
		return false;
	}
}

/* Refuses to use a connection that already failed or is idling. */
static bool
imap_conn_usable(struct imap_conn *conn, GError **error)
{
	if (conn->broken) {
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "imap %s: connection lost earlier", conn->where);
		return false;
	}
	if (conn->idling) {
		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "imap %s: command while idling", conn->where);
		return false;
	}
	return true;
}

/* Keepalive probes notice a server that vanished during a long IDLE. */
static void
imap_conn_keepalive(int fd)
{
	int on = 1, idle = 120, interval = 30, count = 4;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval,
	    sizeof(interval));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
}

/* Non-blocking connect to one address, waiting until deadline (µs). */
static int
imap_conn_connect_one(const struct addrinfo *ai, gint64 deadline, int *err)
{
	struct pollfd pfd;
	socklen_t len = sizeof(*err);
	int fd, r;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	*err = errno;
	pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
	while (*err == EINPROGRESS || *err == EINTR) {
		gint64 left = deadline - g_get_monotonic_time();

		if (left <= 0) {
			*err = ETIMEDOUT;
			break;
		}
		r = poll(&pfd, 1, (int)MIN(left / 1000 + 1, G_MAXINT));
		if (r < 0 && errno != EINTR) {
			*err = errno;
			break;
		}
		if (r > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, err,
		    &len) < 0)
			*err = errno;
	}
	if (*err == 0)
		return fd;
	close(fd);
	return -1;
}

/* A TCP connection to host:port, trying each address in turn. */
static int
imap_conn_connect(struct imap_conn *conn, GError **error)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct addrinfo *list = NULL;
	char service[16];
	gint64 deadline;
	int fd = -1, err = ETIMEDOUT, r;

	g_snprintf(service, sizeof(service), "%u", conn->port);
	r = getaddrinfo(conn->host, service, &hints, &list);
	if (r != 0) {
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "imap %s: cannot resolve host: %s", conn->where,
		    gai_strerror(r));
		return -1;
	}
	deadline = g_get_monotonic_time() +
	    (gint64)conn->connect_timeout * G_USEC_PER_SEC;
	for (struct addrinfo *ai = list; ai != NULL && fd < 0; ai = ai->ai_next)
		fd = imap_conn_connect_one(ai, deadline, &err);
	freeaddrinfo(list);
	if (fd < 0) {
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "imap %s: connect: %s", conn->where,
		    err == ETIMEDOUT ? "timed out" : g_strerror(err));
		return -1;
	}
	imap_conn_keepalive(fd);
	return fd;
}

static struct tls_options
imap_conn_tls_options(const struct imap_conn *conn)
{
	return (struct tls_options){
		.ca_file = conn->ca_file,
		.verify = conn->tls_verify,
		.timeout = conn->read_timeout,
	};
}

static bool
imap_conn_capability(struct imap_conn *conn, GError **error)
{
	struct mailimap_capability_data *data = NULL;
	int r = mailimap_capability(conn->session, &data);

	if (!imap_conn_check(conn, r, LB_ERROR_PERMANENT, error, "CAPABILITY"))
		return false;
	mailimap_capability_data_free(data);
	return true;
}

static bool
imap_conn_has_capability_list(struct imap_conn *conn)
{
	struct mailimap_connection_info *info =
	    conn->session->imap_connection_info;

	return info != NULL && info->imap_capability != NULL;
}

static bool
imap_conn_require(struct imap_conn *conn, const char *capability,
    GError **error)
{
	if (imap_conn_has_capability(conn, capability))
		return true;
	g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
	    "imap %s: server does not offer %s", conn->where, capability);
	return false;
}

/* RFC 3501 6.2.1: STARTTLS, then the handshake on the same socket; the
 * capabilities learnt before it are forgotten. */
static bool
imap_conn_starttls(struct imap_conn *conn, GError **error)
{
	struct tls_options tls = imap_conn_tls_options(conn);
	mailstream *stream = conn->session->imap_stream;
	mailstream_low *plain = mailstream_get_low(stream);
	mailstream_low *secure = NULL;
	int r;

	if (!imap_conn_require(conn, "STARTTLS", error))
		return false;
	r = mailimap_starttls(conn->session);
	if (!imap_conn_check(conn, r, LB_ERROR_PERMANENT, error, "STARTTLS"))
		return false;
	/* Anything already buffered came in clear text after the OK: an
	 * injection attempt (CVE-2011-0411 and kin; Debian's libetpan
	 * refuses it itself since CVE-2020-15953). */
	if (stream->read_buffer_len != 0) {
		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "imap %s: clear-text data after STARTTLS, refusing",
		    conn->where);
		return false;
	}
	if (!tls_stream_open(mailstream_low_get_fd(plain), conn->host, &tls,
	    &secure, error)) {
		g_prefix_error(error, "imap %s: ", conn->where);
		return false;
	}
	mailstream_low_free(plain);	/* the fd lives on in secure */
	mailstream_set_low(stream, secure);
	return imap_conn_capability(conn, error);
}

/* Any messages a fetch delivers go to the handler; libetpan only calls it
 * when a progress function is set, hence this no-op. */
static void
imap_conn_items_progress(size_t current, size_t maximum, void *data)
{
}

static struct imap_conn *
imap_conn_new(const struct imap_options *options)
{
	struct imap_conn *conn = g_new0(struct imap_conn, 1);

	conn->host = g_strdup(options->host);
	conn->user = g_strdup(options->user ? options->user : "");
	conn->password = g_strdup(options->password);
	conn->ca_file = g_strdup(options->ca_file);
	conn->tls = options->tls;
	conn->auth = options->auth;
	conn->port = options->port ? options->port
				   : options->tls == IMAP_TLS_IMAPS ? 993 : 143;
	conn->connect_timeout = options->connect_timeout
	    ? options->connect_timeout : IMAP_CONN_CONNECT_TIMEOUT;
	conn->read_timeout = options->read_timeout ? options->read_timeout
						   : IMAP_CONN_READ_TIMEOUT;
	conn->allow_plaintext = options->allow_plaintext;
	conn->tls_verify = options->tls_verify;
	conn->where = g_strdup_printf("%s:%u", conn->host, conn->port);
	conn->who = g_strdup_printf("%s@%s", conn->user, conn->host);
	return conn;
}

/* Socket, TLS, greeting: the stream the session then owns. */
static bool
imap_conn_greet(struct imap_conn *conn, GError **error)
{
	struct tls_options tls = imap_conn_tls_options(conn);
	mailstream_low *low = NULL;
	mailstream *stream;
	int fd, r;

	fd = imap_conn_connect(conn, error);
	if (fd < 0)
		return false;
	if (conn->tls == IMAP_TLS_IMAPS) {
		if (!tls_stream_open(fd, conn->host, &tls, &low, error)) {
			close(fd);
			g_prefix_error(error, "imap %s: ", conn->where);
			return false;
		}
	} else {
		low = tls_stream_open_plain(fd, conn->read_timeout);
	}
	stream = mailstream_new(low, IMAP_CONN_BUFFER);
	if (stream == NULL)
		g_error("imap: out of memory");
	r = mailimap_connect(conn->session, stream);
	if (r == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED)
		return true;
	if (conn->session->imap_stream == NULL)
		mailstream_close(stream);
	return imap_conn_check(conn, r, LB_ERROR_TEMPORARY, error, "greeting");
}

struct imap_conn *
imap_conn_open(const struct imap_options *options, GError **error)
{
	struct imap_conn *conn;

	if (options->host == NULL || *options->host == '\0') {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "imap: no host given");
		return NULL;
	}
	conn = imap_conn_new(options);
	if (conn->tls == IMAP_TLS_NONE && !conn->allow_plaintext) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "imap %s: tls = none sends the password in clear text; "
		    "allow_plaintext = true is required for that",
		    conn->where);
		goto fail;
	}
	conn->session = mailimap_new(0, NULL);
	if (conn->session == NULL)
		g_error("imap: out of memory");
	mailimap_set_progress_callback(conn->session, NULL,
	    imap_conn_items_progress, NULL);
	if (!imap_conn_greet(conn, error))
		goto fail;
	if (!imap_conn_has_capability_list(conn) &&
	    !imap_conn_capability(conn, error))
		goto fail;
	if (conn->tls == IMAP_TLS_STARTTLS && !imap_conn_starttls(conn, error))
		goto fail;
	log_debug(LOG_AREA_IMAP, "%s: connected (%s)", conn->where,
	    tls_stream_is_tls(mailstream_get_low(conn->session->imap_stream))
		? "TLS" : "clear text");
	return conn;
fail:
	imap_conn_close(conn);
	return NULL;
}

bool
imap_conn_has_capability(struct imap_conn *conn, const char *name)
{
	if (g_ascii_strncasecmp(name, "AUTH=", 5) == 0)
		return mailimap_has_authentication(conn->session, name + 5);
	return mailimap_has_extension(conn->session, name);
}

/* The command that carries the secret, per mechanism; -1 when it could
 * not be sent (error set). */
static int
imap_conn_authenticate(struct imap_conn *conn, GError **error)
{
	mailimap *session = conn->session;
	int r;

	switch (conn->auth) {
	case IMAP_AUTH_PLAIN:
		if (!imap_conn_require(conn, "AUTH=PLAIN", error))
			return -1;
		/* Cyrus SASL fails before sending anything when its PLAIN
		 * plugin is missing: tell that from a refusal. */
		session->imap_response = NULL;
		r = mailimap_authenticate(session, "PLAIN", conn->host, NULL,
		    NULL, conn->user, conn->user, conn->password, NULL);
		if (r == MAILIMAP_ERROR_LOGIN &&
		    session->imap_response == NULL) {
			g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
			    "imap %s: SASL PLAIN unavailable here (is "
			    "libsasl2-modules installed?)", conn->who);
			return -1;
		}
		return r;
	case IMAP_AUTH_XOAUTH2:
		if (!imap_conn_require(conn, "AUTH=XOAUTH2", error))
			return -1;
		return mailimap_oauth2_authenticate(session, conn->user,
		    conn->password);
	case IMAP_AUTH_LOGIN:
	default:
		if (imap_conn_has_capability(conn, "LOGINDISABLED")) {
			g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
			    "imap %s: server disabled LOGIN (LOGINDISABLED)",
			    conn->where);
			return -1;
		}
		return mailimap_login(session, conn->user, conn->password);
	}
}

bool
imap_conn_login(struct imap_conn *conn, GError **error)
{
	mailstream_low *low;
	int r;

	if (!imap_conn_usable(conn, error))
		return false;
	if (conn->session->imap_state != MAILIMAP_STATE_NON_AUTHENTICATED)
		return true;	/* PREAUTH */
	low = mailstream_get_low(conn->session->imap_stream);
	if (!tls_stream_is_tls(low) && !conn->allow_plaintext) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "imap %s: refusing to send the password without TLS",
		    conn->where);
		return false;
	}
	if (conn->password == NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "imap %s: no password or token", conn->who);
		return false;
	}
	r = imap_conn_authenticate(conn, error);
	imap_conn_wipe(conn->password);
	conn->password = NULL;
	if (r < 0)
		return false;
	if (r == MAILIMAP_ERROR_LOGIN) {	/* NO from the server */
		g_autofree char *text = imap_conn_server_text(conn);

		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "imap %s: authentication failed: %s", conn->who, text);
		return false;
	}
	if (!imap_conn_check(conn, r, LB_ERROR_PERMANENT, error, "login"))
		return false;
	log_debug(LOG_AREA_IMAP, "%s: logged in", conn->who);
	/* Servers often advertise more once authenticated (RFC 3501 7.2.1). */
	return imap_conn_capability(conn, error);
}

char *
imap_conn_folder_encode(const char *folder)
{
	static const char base64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";
	GString *out;
	const char *p = folder;

	if (!g_utf8_validate(folder, -1, NULL))
		return NULL;
	out = g_string_new(NULL);
	while (*p != '\0') {
		const char *start = p;
		gunichar2 *utf16;
		guint32 bits = 0;
		int nbits = 0;
		glong n = 0;

		if (*p >= 0x20 && *p <= 0x7e) {
			if (*p == '&')
				g_string_append(out, "&-");
			else
				g_string_append_c(out, *p);
			p++;
			continue;
		}
		/* A run of other characters: UTF-16BE in modified base64. */
		while (*p != '\0' && !(*p >= 0x20 && *p <= 0x7e))
			p = g_utf8_next_char(p);
		utf16 = g_utf8_to_utf16(start, p - start, NULL, &n, NULL);
		g_string_append_c(out, '&');
		for (glong i = 0; i < n; i++) {
			bits = bits << 16 | utf16[i];
			nbits += 16;
			for (; nbits >= 6; nbits -= 6)
				g_string_append_c(out,
				    base64[bits >> (nbits - 6) & 63]);
		}
		if (nbits > 0)
			g_string_append_c(out,
			    base64[bits << (6 - nbits) & 63]);
		g_string_append_c(out, '-');
		g_free(utf16);
	}
	return g_string_free(out, FALSE);
}

static char *
imap_conn_folder(struct imap_conn *conn, const char *folder, GError **error)
{
	char *name = imap_conn_folder_encode(folder);

	if (name == NULL)
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "imap %s: folder name is not UTF-8", conn->who);
	return name;
}

static bool
imap_conn_open_folder(struct imap_conn *conn, const char *folder,
    bool read_only, struct imap_folder_status *status, GError **error)
{
	g_autofree char *name = NULL;
	struct mailimap_selection_info *info;
	int r;

	if (!imap_conn_usable(conn, error))
		return false;
	name = imap_conn_folder(conn, folder, error);
	if (name == NULL)
		return false;
	r = read_only ? mailimap_examine(conn->session, name)
		      : mailimap_select(conn->session, name);
	if (!imap_conn_check(conn, r, LB_ERROR_PERMANENT, error, "folder %s",
	    folder))
		return false;
	info = conn->session->imap_selection_info;
	if (info == NULL || info->sel_uidvalidity == 0) {
		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "imap %s: folder %s: no UIDVALIDITY from the server",
		    conn->who, folder);
		return false;
	}
	if (status != NULL) {
		status->uidvalidity = info->sel_uidvalidity;
		status->uidnext = info->sel_uidnext;
		status->exists = info->sel_exists;
	}
	/* From here on an EXISTS means mail arrived: imap_conn_folder_grew. */
	info->sel_has_exists = 0;
	info->sel_has_recent = 0;
	log_debug(LOG_AREA_IMAP, "%s: %s %s: uidvalidity %u uidnext %u "
	    "exists %u", conn->who, read_only ? "examined" : "selected",
	    folder, info->sel_uidvalidity, info->sel_uidnext,
	    info->sel_exists);
	return true;
}

bool
imap_conn_select(struct imap_conn *conn, const char *folder,
    struct imap_folder_status *status, GError **error)
{
	return imap_conn_open_folder(conn, folder, false, status, error);
}

bool
imap_conn_examine(struct imap_conn *conn, const char *folder,
    struct imap_folder_status *status, GError **error)
{
	return imap_conn_open_folder(conn, folder, true, status, error);
}

bool
imap_conn_folder_grew(struct imap_conn *conn)
{
	struct mailimap_selection_info *info =
	    conn->session->imap_selection_info;

	return info != NULL && info->sel_has_exists;
}

/* A UID set from ascending uids, consecutive runs as ranges. */
static struct mailimap_set *
imap_conn_uid_set(const uint32_t *uids, size_t count)
{
	struct mailimap_set *set = mailimap_set_new_empty();

	for (size_t i = 0, j; i < count; i = j + 1) {
		for (j = i; j + 1 < count && uids[j + 1] == uids[j] + 1; j++)
			;
		if (mailimap_set_add_interval(set, uids[i], uids[j]) !=
		    MAILIMAP_NO_ERROR)
			g_error("imap: out of memory");
	}
	return set;
}

static gint
imap_conn_uid_compare(gconstpointer a, gconstpointer b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* UID SEARCH key (consumed); keeps UIDs above floor, ascending. */
static bool
imap_conn_search(struct imap_conn *conn, struct mailimap_search_key *key,
    uint32_t floor, GArray **uids, const char *what, GError **error)
{
	clist *result = NULL;
	int r;

	r = mailimap_uid_search(conn->session, NULL, key, &result);
	mailimap_search_key_free(key);
	if (!imap_conn_check(conn, r, LB_ERROR_PERMANENT, error, "%s", what))
		return false;
	*uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (clistiter *it = clist_begin(result); it; it = clist_next(it)) {
		uint32_t uid = *(uint32_t *)clist_content(it);

		if (uid > floor)
			g_array_append_val(*uids, uid);
	}
	mailimap_search_result_free(result);
	g_array_sort(*uids, imap_conn_uid_compare);
	return true;
}

bool
imap_conn_list_uids(struct imap_conn *conn, uint32_t after_uid,
    GArray **uids, GError **error)
{
	if (!imap_conn_usable(conn, error))
		return false;
	if (after_uid == UINT32_MAX) {
		*uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		return true;
	}
	/* "n:*" always includes the highest UID, even below n: the floor
	 * filters it out again. */
	return imap_conn_search(conn, mailimap_search_key_new_uid(
	    mailimap_set_new_interval(after_uid + 1, 0)), after_uid, uids,
	    "UID SEARCH", error);
}

/* INTERNALDATE as Unix time; the zone is +-HHMM as a number. */
static gint64
imap_conn_unix_time(const struct mailimap_date_time *date)
{
	g_autoptr(GTimeZone) zone = NULL;
	g_autoptr(GDateTime) time = NULL;
	int hhmm;

	if (date == NULL)
		return 0;
	hhmm = ABS(date->dt_zone);
	zone = g_time_zone_new_offset((date->dt_zone < 0 ? -1 : 1) *
	    (hhmm / 100 * 3600 + hhmm % 100 * 60));
	time = g_date_time_new(zone, date->dt_year, date->dt_month,
	    date->dt_day, date->dt_hour, date->dt_min, date->dt_sec);
	return time != NULL ? g_date_time_to_unix(time) : 0;
}

/* libetpan's handler for each FETCH response as it is parsed; the message
 * is freed right after, so memory holds one message at a time. */
static void
imap_conn_on_message(struct mailimap_msg_att *att, void *context)
{
	struct imap_fetch *fetch = context;
	struct mailimap_msg_att_body_section *body = NULL;
	gint64 date = 0;
	uint32_t uid = 0;

	for (clistiter *it = clist_begin(att->att_list); it;
	     it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *att_static;

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		att_static = item->att_data.att_static;
		if (att_static->att_type == MAILIMAP_MSG_ATT_UID)
			uid = att_static->att_data.att_uid;
		else if (att_static->att_type == MAILIMAP_MSG_ATT_INTERNALDATE)
			date = imap_conn_unix_time(
			    att_static->att_data.att_internal_date);
		else if (att_static->att_type == MAILIMAP_MSG_ATT_BODY_SECTION)
			body = att_static->att_data.att_body_section;
	}
	/* Unsolicited FETCH responses (flag changes) carry no body. */
	if (uid == 0 || body == NULL || fetch->error != NULL)
		return;
	if (!fetch->fn(uid, body->sec_body_part ? body->sec_body_part : "",
	    body->sec_body_part ? body->sec_length : 0, date, fetch->data,
	    &fetch->error)) {
		if (fetch->error == NULL)
			g_set_error(&fetch->error, LB_ERROR,
			    LB_ERROR_TEMPORARY, "message %u refused", uid);
		return;
	}
	g_array_append_val(fetch->accepted, uid);
}

/* One UID FETCH; the UIDs fn accepted are appended to accepted. */
static bool
imap_conn_fetch_run(struct imap_conn *conn, const uint32_t *uids,
    size_t count, imap_message_fn *fn, void *data, GArray *accepted,
    GError **error)
{
	struct imap_fetch fetch = { fn, data, NULL, accepted };
	struct mailimap_fetch_type *type;
	struct mailimap_set *set;
	clist *result = NULL;
	int r;

	if (!imap_conn_usable(conn, error))
		return false;
	if (count == 0)
		return true;
	type = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(type,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(type,
	    mailimap_fetch_att_new_internaldate());
	mailimap_fetch_type_new_fetch_att_list_add(type,
	    mailimap_fetch_att_new_body_peek_section(mailimap_section_new(
		NULL)));
	set = imap_conn_uid_set(uids, count);
	mailimap_set_msg_att_handler(conn->session, imap_conn_on_message,
	    &fetch);
	r = mailimap_uid_fetch(conn->session, set, type, &result);
	mailimap_set_msg_att_handler(conn->session, NULL, NULL);
	mailimap_fetch_type_free(type);
	mailimap_set_free(set);
	if (r == MAILIMAP_NO_ERROR)
		mailimap_fetch_list_free(result);
	if (fetch.error != NULL) {
		g_propagate_error(error, fetch.error);
		return false;
	}
	if (!imap_conn_check(conn, r, LB_ERROR_PERMANENT, error,
	    "UID FETCH %u:%u", uids[0], uids[count - 1]))
		return false;
	log_debug(LOG_AREA_IMAP, "%s: fetched %u of %zu messages (uid %u-%u)",
	    conn->who, accepted->len, count, uids[0], uids[count - 1]);
	return true;
}

bool
imap_conn_fetch_uids(struct imap_conn *conn, const uint32_t *uids,
    size_t count, imap_message_fn *fn, void *data, GError **error)
{
	g_autoptr(GArray) accepted = g_array_new(FALSE, FALSE,
	    sizeof(uint32_t));

	return imap_conn_fetch_run(conn, uids, count, fn, data, accepted,
	    error);
}

bool
imap_conn_fetch_new(struct imap_conn *conn, uint32_t after_uid,
    unsigned batch, bool mark_seen, imap_message_fn *fn, void *data,
    unsigned *fetched, GError **error)
{
	g_autoptr(GArray) uids = NULL;
	g_autoptr(GArray) accepted = NULL;
	unsigned total = 0;
	bool ok;

	if (batch == 0)
		batch = IMAP_CONN_FETCH_BATCH;
	ok = imap_conn_list_uids(conn, after_uid, &uids, error);
	accepted = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	for (guint i = 0; ok && i < uids->len; i += batch) {
		g_array_set_size(accepted, 0);
		ok = imap_conn_fetch_run(conn,
		    &g_array_index(uids, uint32_t, i),
		    MIN(batch, uids->len - i), fn, data, accepted, error);
		total += accepted->len;
		/* What the caller accepted is seen, even if the batch
		 * failed later; a lost connection fails this quietly. */
		if (mark_seen && accepted->len > 0 &&
		    !imap_conn_mark_seen(conn, (uint32_t *)accepted->data,
			accepted->len, ok ? error : NULL))
			ok = false;
	}
	if (fetched != NULL)
		*fetched = total;
	return ok;
}

bool
imap_conn_mark_seen(struct imap_conn *conn, const uint32_t *uids,
    size_t count, GError **error)
{
	struct mailimap_flag_list *flags;
	struct mailimap_store_att_flags *store;
	struct mailimap_set *set;
	int r;

	if (!imap_conn_usable(conn, error))
		return false;
	if (count == 0)
		return true;
	flags = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(flags, mailimap_flag_new_seen());
	store = mailimap_store_att_flags_new_add_flags_silent(flags);
	set = imap_conn_uid_set(uids, count);
	r = mailimap_uid_store(conn->session, set, store);
	mailimap_store_att_flags_free(store);
	mailimap_set_free(set);
	if (!imap_conn_check(conn, r, LB_ERROR_PERMANENT, error,
	    "UID STORE \\Seen"))
		return false;
	return true;
}

bool
imap_conn_idle_start(struct imap_conn *conn, GError **error)
{
	int r;

	if (!imap_conn_usable(conn, error))
		return false;
	if (!imap_conn_require(conn, "IDLE", error))
		return false;
	r = mailimap_idle(conn->session);
	if (!imap_conn_check(conn, r, LB_ERROR_PERMANENT, error, "IDLE"))
		return false;
	conn->idling = true;
	return true;
}

int
imap_conn_idle_fd(struct imap_conn *conn)
{
	return mailimap_idle_get_fd(conn->session);
}

bool
imap_conn_idle_pending(struct imap_conn *conn)
{
	mailstream *stream = conn->session->imap_stream;

	return stream != NULL && (stream->read_buffer_len > 0 ||
	    tls_stream_pending(mailstream_get_low(stream)));
}

bool
imap_conn_idle_done(struct imap_conn *conn, bool *new_mail, GError **error)
{
	struct mailimap_selection_info *info;
	int r;

	if (!conn->idling) {
		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "imap %s: not idling", conn->where);
		return false;
	}
	conn->idling = false;
	r = mailimap_idle_done(conn->session);
	if (!imap_conn_check(conn, r, LB_ERROR_PERMANENT, error, "IDLE"))
		return false;
	info = conn->session->imap_selection_info;
	*new_mail = info != NULL && (info->sel_has_exists ||
	    info->sel_has_recent);
	return true;
}

/* A response that only says the server is there: "* OK" and plain text,
 * no [response code] and no literal. */
static bool
imap_conn_is_keepalive(const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len < 4 || g_ascii_strncasecmp(line, "* OK", 4) != 0)
		return false;
	if (len > 4 && (line[4] != ' ' || (len > 5 && line[5] == '[')))
		return false;
	return line[len - 1] != '}';
}

bool
imap_conn_idle_news(struct imap_conn *conn, bool *news, GError **error)
{
	mailstream *stream;

	*news = false;
	if (!conn->idling) {
		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "imap %s: not idling", conn->where);
		return false;
	}
	stream = conn->session->imap_stream;
	for (;;) {
		const char *end;
		size_t len;

		if (stream->read_buffer_len == 0) {
			ssize_t r = tls_stream_read_now(
			    mailstream_get_low(stream), stream->read_buffer,
			    stream->buffer_max_size);
			const char *why;

			if (r == 0)
				return true;
			if (r < 0) {
				why = tls_stream_last_error(
				    mailstream_get_low(stream));
				conn->broken = true;
				conn->idling = false;
				g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
				    "imap %s: connection lost while idling: %s",
				    conn->where, why ? why : "read failed");
				return false;
			}
			stream->read_buffer_len = (size_t)r;
		}
		/* Only whole lines are judged; a part of one is news, and
		 * stays in the buffer for libetpan. */
		end = memchr(stream->read_buffer, '\n', stream->read_buffer_len);
		len = end != NULL ? (size_t)(end - stream->read_buffer) + 1 : 0;
		if (len == 0 || !imap_conn_is_keepalive(stream->read_buffer,
		    len)) {
			*news = true;
			return true;
		}
		log_debug(LOG_AREA_IMAP, "%s: keepalive while idling",
		    conn->who);
		stream->read_buffer_len -= len;
		memmove(stream->read_buffer, stream->read_buffer + len,
		    stream->read_buffer_len);
	}
}

bool
imap_conn_append(struct imap_conn *conn, const char *folder,
    const char *bytes, size_t len, unsigned flags, uint32_t *uid,
    GError **error)
{
	g_autofree char *name = NULL;
	struct mailimap_flag_list *list = NULL;
	uint32_t uidvalidity = 0, new_uid = 0;
	int r;

	if (!imap_conn_usable(conn, error))
		return false;
	name = imap_conn_folder(conn, folder, error);
	if (name == NULL)
		return false;
	if (flags != 0) {
		list = mailimap_flag_list_new_empty();
		if (flags & IMAP_FLAG_SEEN)
			mailimap_flag_list_add(list, mailimap_flag_new_seen());
		if (flags & IMAP_FLAG_DRAFT)
			mailimap_flag_list_add(list, mailimap_flag_new_draft());
	}
	r = mailimap_uidplus_append(conn->session, name, list, NULL, bytes,
	    len, &uidvalidity, &new_uid);
	if (list != NULL)
		mailimap_flag_list_free(list);
	if (!imap_conn_check(conn, r, LB_ERROR_PERMANENT, error,
	    "append to folder %s", folder))
		return false;
	if (uid != NULL)
		*uid = new_uid;
	log_debug(LOG_AREA_IMAP, "%s: appended %zu bytes to %s (uid %u)",
	    conn->who, len, folder, new_uid);
	return true;
}

bool
imap_conn_search_message_id(struct imap_conn *conn, const char *folder,
    const char *message_id, GArray **uids, GError **error)
{
	size_t len = strlen(message_id);

	/* Only what a quoted string can carry safely. */
	for (size_t i = 0; i < len; i++) {
		if (message_id[i] < 0x20 || message_id[i] > 0x7e) {
			g_set_error(error, LB_ERROR, LB_ERROR_INPUT,
			    "imap %s: cannot search for a Message-ID with "
			    "control or non-ASCII characters", conn->who);
			return false;
		}
	}
	if (len == 0 || len > 998) {
		g_set_error(error, LB_ERROR, LB_ERROR_INPUT,
		    "imap %s: Message-ID of %zu characters", conn->who, len);
		return false;
	}
	if (!imap_conn_examine(conn, folder, NULL, error))
		return false;
	return imap_conn_search(conn, mailimap_search_key_new_header(
	    strdup("Message-ID"), strdup(message_id)), 0, uids,
	    "UID SEARCH HEADER Message-ID", error);
}

bool
imap_conn_logout(struct imap_conn *conn, GError **error)
{
	int r;

	if (conn->session->imap_stream == NULL)
		return true;
	if (!imap_conn_usable(conn, error))
		return false;
	r = mailimap_logout(conn->session);
	if (!imap_conn_check(conn, r, LB_ERROR_TEMPORARY, error, "LOGOUT"))
		return false;
	return true;
}

void
imap_conn_close(struct imap_conn *conn)
{
	if (conn == NULL)
		return;
	if (conn->session != NULL) {
		/* mailimap_free() would say LOGOUT and wait for the answer. */
		if (conn->session->imap_stream != NULL) {
			mailstream_close(conn->session->imap_stream);
			conn->session->imap_stream = NULL;
		}
		mailimap_free(conn->session);
	}
	imap_conn_wipe(conn->password);
	g_free(conn->host);
	g_free(conn->user);
	g_free(conn->where);
	g_free(conn->who);
	g_free(conn->ca_file);
	g_free(conn);
}

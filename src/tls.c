/* tls.c: a libetpan low-level stream over a socket, with GnuTLS or plain.
 *
 * The socket is non-blocking; every read and write waits with poll() up to
 * the timeout, so a silent server costs at most that long. End of file is
 * a failure: libetpan's literal reader loops forever on zero-length reads. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "error.h"
#include "log.h"
#include "tls.h"

#define TLS_CLOSED "connection closed by the server"
/* Bytes read from the socket at once under TLS (see tls_pull). */
#define TLS_RECEIVE_BUFFER (128 * 1024)

struct tls_stream {
	int fd;
	gnutls_session_t session;	/* NULL: plain */
	gnutls_certificate_credentials_t credentials;
	unsigned timeout;		/* seconds */
	bool cancelled;
	char *last_error;
	/* Under TLS: read from the socket, not yet taken by GnuTLS. */
	guint8 *received;		/* TLS_RECEIVE_BUFFER bytes, or NULL */
	size_t received_start, received_end;
};

static ssize_t tls_low_read(mailstream_low *low, void *buf, size_t count);
static ssize_t tls_low_write(mailstream_low *low, const void *buf,
    size_t count);
static int tls_low_close(mailstream_low *low);
static int tls_low_get_fd(mailstream_low *low);
static void tls_low_free(mailstream_low *low);
static void tls_low_cancel(mailstream_low *low);

static mailstream_low_driver tls_driver = {
	.mailstream_read = tls_low_read,
	.mailstream_write = tls_low_write,
	.mailstream_close = tls_low_close,
	.mailstream_get_fd = tls_low_get_fd,
	.mailstream_free = tls_low_free,
	.mailstream_cancel = tls_low_cancel,
};

static struct tls_stream *
tls_stream_data(mailstream_low *low)
{
	if (low == NULL || low->driver != &tls_driver)
		return NULL;
	return low->data;
}

static void G_GNUC_PRINTF(2, 3)
tls_set_error(struct tls_stream *stream, const char *format, ...)
{
	va_list ap;

	g_free(stream->last_error);
	va_start(ap, format);
	stream->last_error = g_strdup_vprintf(format, ap);
	va_end(ap);
}

/* The transport failed under GnuTLS (a reset: the server went away with
 * data on the way): the socket's error says more than GnuTLS's. */
static void
tls_set_lost(struct tls_stream *stream, int saved_errno, int r)
{
	tls_set_error(stream, "connection lost: %s", saved_errno != 0 &&
	    saved_errno != EAGAIN ? g_strerror(saved_errno)
	    : gnutls_strerror(r));
}

/* Wait until fd is ready for events or the deadline (monotonic µs) passes. */
static bool
tls_wait(struct tls_stream *stream, short events, gint64 deadline)
{
	struct pollfd pfd = { .fd = stream->fd, .events = events };

	for (;;) {
		gint64 left = deadline - g_get_monotonic_time();
		int r;

		if (stream->cancelled) {
			tls_set_error(stream, "cancelled");
			return false;
		}
		if (left <= 0) {
			tls_set_error(stream, "timed out after %u s",
			    stream->timeout);
			return false;
		}
		r = poll(&pfd, 1, (int)MIN(left / 1000 + 1, G_MAXINT));
		if (r > 0)
			return true;
		if (r < 0 && errno != EINTR) {
			tls_set_error(stream, "poll: %s", g_strerror(errno));
			return false;
		}
	}
}

static gint64
tls_deadline(const struct tls_stream *stream)
{
	return g_get_monotonic_time() +
	    (gint64)stream->timeout * G_USEC_PER_SEC;
}

/* One try at reading: bytes read, 0 for "would block", -1 on failure. */
static ssize_t
tls_plain_read_once(struct tls_stream *stream, void *buf, size_t count)
{
	ssize_t r = recv(stream->fd, buf, count, MSG_DONTWAIT);

	if (r > 0)
		return r;
	if (r == 0) {
		tls_set_error(stream, TLS_CLOSED);
		return -1;
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	tls_set_error(stream, "%s", g_strerror(errno));
	return -1;
}

static ssize_t
tls_plain_read(struct tls_stream *stream, void *buf, size_t count)
{
	gint64 deadline = tls_deadline(stream);

	for (;;) {
		ssize_t r = tls_plain_read_once(stream, buf, count);

		if (r != 0)
			return r;
		if (!tls_wait(stream, POLLIN, deadline))
			return -1;
	}
}

static ssize_t
tls_plain_write(struct tls_stream *stream, const void *buf, size_t count)
{
	gint64 deadline = tls_deadline(stream);

	for (;;) {
		ssize_t r = send(stream->fd, buf, count,
		    MSG_DONTWAIT | MSG_NOSIGNAL);

		if (r >= 0)
			return r;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			tls_set_error(stream, "%s", g_strerror(errno));
			return -1;
		}
		if (!tls_wait(stream, POLLOUT, deadline))
			return -1;
	}
}

/* GnuTLS would block: wait for the direction it was going. It also says
 * so after a record it handled itself (a TLS 1.3 session ticket) when
 * the next one is already in tls_pull's buffer: then there is nothing to
 * wait for. */
static bool
tls_wait_session(struct tls_stream *stream, gint64 deadline)
{
	short events = gnutls_record_get_direction(stream->session) ? POLLOUT
								    : POLLIN;

	if (events == POLLIN &&
	    stream->received_end > stream->received_start)
		return true;
	return tls_wait(stream, events, deadline);
}

/* One record, or one try: bytes read, 0 when GnuTLS would block (also
 * after a record it handled itself), -1 on failure. */
static ssize_t
tls_session_read_once(struct tls_stream *stream, void *buf, size_t count)
{
	ssize_t r = gnutls_record_recv(stream->session, buf, count);
	int saved = errno;

	if (r > 0)
		return r;
	if (r == 0 || r == GNUTLS_E_PREMATURE_TERMINATION) {
		tls_set_error(stream, TLS_CLOSED);
		return -1;
	}
	if (r == GNUTLS_E_PULL_ERROR) {
		tls_set_lost(stream, saved, (int)r);
		return -1;
	}
	if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
		return 0;
	tls_set_error(stream, "TLS: %s", gnutls_strerror((int)r));
	return -1;
}

static ssize_t
tls_low_read(mailstream_low *low, void *buf, size_t count)
{
	struct tls_stream *stream = low->data;
	gint64 deadline;

	if (stream->cancelled || stream->fd < 0)
		return -1;
	if (stream->session == NULL)
		return tls_plain_read(stream, buf, count);
	deadline = tls_deadline(stream);
	for (;;) {
		ssize_t r = tls_session_read_once(stream, buf, count);

		if (r != 0)
			return r;
		if (!tls_wait_session(stream, deadline))
			return -1;
	}
}

static ssize_t
tls_low_write(mailstream_low *low, const void *buf, size_t count)
{
	struct tls_stream *stream = low->data;
	gint64 deadline;

	if (stream->cancelled || stream->fd < 0)
		return -1;
	if (stream->session == NULL)
		return tls_plain_write(stream, buf, count);
	deadline = tls_deadline(stream);
	for (;;) {
		/* After AGAIN GnuTLS wants the very same arguments again. */
		ssize_t r = gnutls_record_send(stream->session, buf, count);
		int saved = errno;

		if (r >= 0)
			return r;
		if (r == GNUTLS_E_PUSH_ERROR) {
			tls_set_lost(stream, saved, (int)r);
			return -1;
		}
		if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED) {
			tls_set_error(stream, "TLS: %s",
			    gnutls_strerror((int)r));
			return -1;
		}
		if (!tls_wait_session(stream, deadline))
			return -1;
	}
}

static int
tls_low_close(mailstream_low *low)
{
	struct tls_stream *stream = low->data;

	if (stream->fd < 0)
		return 0;
	/* One try at close_notify; a peer that is not reading loses it. */
	if (stream->session != NULL && !stream->cancelled)
		gnutls_bye(stream->session, GNUTLS_SHUT_WR);
	close(stream->fd);
	stream->fd = -1;
	return 0;
}

static int
tls_low_get_fd(mailstream_low *low)
{
	struct tls_stream *stream = low->data;

	return stream->fd;
}

static void
tls_stream_free(struct tls_stream *stream)
{
	if (stream->session != NULL)
		gnutls_deinit(stream->session);
	if (stream->credentials != NULL)
		gnutls_certificate_free_credentials(stream->credentials);
	g_free(stream->last_error);
	g_free(stream->received);
	g_free(stream);
}

/* Releases the stream, not the fd (mailstream_low_close closes that). */
static void
tls_low_free(mailstream_low *low)
{
	tls_stream_free(low->data);
	/* mailstream_low_new() allocated low with malloc(). */
	free(low);
}

static void
tls_low_cancel(mailstream_low *low)
{
	struct tls_stream *stream = low->data;

	stream->cancelled = true;
}

/* The transport's send, without SIGPIPE when the server has gone. */
static ssize_t
tls_push(gnutls_transport_ptr_t transport, const void *buf, size_t len)
{
	struct tls_stream *stream = transport;

	return send(stream->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* The transport's receive. GnuTLS asks for a record in pieces (its
 * header, then its body), and a recv() for each cost a system call per
 * 2 KB of an initial sync (55,880 for 10,000 messages). The socket is
 * read in gulps of what has arrived instead, and GnuTLS served from
 * them; tls_stream_pending counts what is held here. */
static ssize_t
tls_pull(gnutls_transport_ptr_t transport, void *buf, size_t len)
{
	struct tls_stream *stream = transport;
	size_t held = stream->received_end - stream->received_start;

	if (held == 0) {
		ssize_t r;

		if (stream->received == NULL)
			stream->received = g_malloc(TLS_RECEIVE_BUFFER);
		r = recv(stream->fd, stream->received, TLS_RECEIVE_BUFFER,
		    MSG_DONTWAIT);
		if (r <= 0) {
			if (r < 0)
				gnutls_transport_set_errno(stream->session,
				    errno);
			return r;
		}
		stream->received_start = 0;
		stream->received_end = held = (size_t)r;
	}
	len = MIN(len, held);
	memcpy(buf, stream->received + stream->received_start, len);
	stream->received_start += len;
	return (ssize_t)len;
}

/* GnuTLS wants this beside a pull function of one's own: is there
 * something to read within ms milliseconds? */
static int
tls_pull_timeout(gnutls_transport_ptr_t transport, unsigned int ms)
{
	struct tls_stream *stream = transport;
	struct pollfd pfd = { .fd = stream->fd, .events = POLLIN };
	int r;

	if (stream->received_end > stream->received_start)
		return 1;
	r = poll(&pfd, 1, ms == GNUTLS_INDEFINITE_TIMEOUT ? -1
	    : (int)MIN(ms, (unsigned)G_MAXINT));
	if (r < 0)
		gnutls_transport_set_errno(stream->session, errno);
	return r;
}

static struct tls_stream *
tls_stream_new(int fd, unsigned timeout)
{
	struct tls_stream *stream = g_new0(struct tls_stream, 1);
	int flags = fcntl(fd, F_GETFL);

	if (flags >= 0 && !(flags & O_NONBLOCK))
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	stream->fd = fd;
	stream->timeout = timeout ? timeout : TLS_DEFAULT_TIMEOUT;
	return stream;
}

static mailstream_low *
tls_low_new(struct tls_stream *stream)
{
	mailstream_low *low = mailstream_low_new(stream, &tls_driver);

	if (low == NULL)
		g_error("tls: out of memory");
	return low;
}

mailstream_low *
tls_stream_open_plain(int fd, unsigned timeout)
{
	return tls_low_new(tls_stream_new(fd, timeout));
}

static bool
tls_load_trust(gnutls_certificate_credentials_t credentials,
    const struct tls_options *options, GError **error)
{
	int n;

	if (options->ca_file != NULL) {
		n = gnutls_certificate_set_x509_trust_file(credentials,
		    options->ca_file, GNUTLS_X509_FMT_PEM);
		if (n <= 0) {
			g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
			    "ca_file %s: %s", options->ca_file,
			    n < 0 ? gnutls_strerror(n)
				  : "no certificate in it");
			return false;
		}
		return true;
	}
	n = gnutls_certificate_set_x509_system_trust(credentials);
	if (n <= 0) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "no system trust store (%s): install ca-certificates "
		    "or set ca_file", n < 0 ? gnutls_strerror(n) : "empty");
		return false;
	}
	return true;
}

static bool
tls_session_setup(struct tls_stream *stream, const char *host,
    const struct tls_options *options, GError **error)
{
	int r;

	if (gnutls_certificate_allocate_credentials(&stream->credentials) < 0)
		g_error("tls: out of memory");
	if (options->verify &&
	    !tls_load_trust(stream->credentials, options, error))
		return false;
	r = gnutls_init(&stream->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK);
	if (r == GNUTLS_E_SUCCESS)
		r = gnutls_set_default_priority(stream->session);
	if (r == GNUTLS_E_SUCCESS)
		r = gnutls_credentials_set(stream->session,
		    GNUTLS_CRD_CERTIFICATE, stream->credentials);
	/* RFC 6066: no IP literals as server names. */
	if (r == GNUTLS_E_SUCCESS && !g_hostname_is_ip_address(host))
		r = gnutls_server_name_set(stream->session, GNUTLS_NAME_DNS,
		    host, strlen(host));
	if (r != GNUTLS_E_SUCCESS) {
		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "TLS setup: %s", gnutls_strerror(r));
		return false;
	}
	/* Chain and host name (DNS or IP subjectAltName) checked during
	 * the handshake, which fails when they do not hold. */
	if (options->verify)
		gnutls_session_set_verify_cert(stream->session, host, 0);
	gnutls_transport_set_ptr(stream->session, stream);
	gnutls_transport_set_push_function(stream->session, tls_push);
	gnutls_transport_set_pull_function(stream->session, tls_pull);
	gnutls_transport_set_pull_timeout_function(stream->session,
	    tls_pull_timeout);
	return true;
}

static void
tls_handshake_error(struct tls_stream *stream, int r, GError **error)
{
	gnutls_datum_t text = { NULL, 0 };
	unsigned status;

	if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
		status = gnutls_session_get_verify_cert_status(stream->session);
		gnutls_certificate_verification_status_print(status,
		    GNUTLS_CRT_X509, &text, 0);
		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "TLS certificate not trusted: %s",
		    text.data ? g_strstrip((char *)text.data)
			      : "unknown reason");
		gnutls_free(text.data);
	} else if (r == GNUTLS_E_FATAL_ALERT_RECEIVED) {
		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "TLS handshake refused by the server: %s",
		    gnutls_alert_get_name(gnutls_alert_get(stream->session)));
	} else if (r == GNUTLS_E_PREMATURE_TERMINATION ||
	    r == GNUTLS_E_PULL_ERROR || r == GNUTLS_E_PUSH_ERROR) {
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "TLS handshake: connection lost: %s", gnutls_strerror(r));
	} else {
		g_set_error(error, LB_ERROR, LB_ERROR_PERMANENT,
		    "TLS handshake failed: %s", gnutls_strerror(r));
	}
}

static bool
tls_handshake(struct tls_stream *stream, GError **error)
{
	gint64 deadline = tls_deadline(stream);
	int r;

	for (;;) {
		r = gnutls_handshake(stream->session);
		if (r == GNUTLS_E_SUCCESS)
			return true;
		if (r != GNUTLS_E_AGAIN && r != GNUTLS_E_INTERRUPTED &&
		    gnutls_error_is_fatal(r)) {
			tls_handshake_error(stream, r, error);
			return false;
		}
		if (!tls_wait_session(stream, deadline)) {
			g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
			    "TLS handshake: %s", stream->last_error);
			return false;
		}
	}
}

bool
tls_stream_open(int fd, const char *host, const struct tls_options *options,
    mailstream_low **out, GError **error)
{
	struct tls_stream *stream = tls_stream_new(fd, options->timeout);
	char *description;

	if (!tls_session_setup(stream, host, options, error) ||
	    !tls_handshake(stream, error)) {
		tls_stream_free(stream);	/* fd stays the caller's */
		return false;
	}
	if (log_debug_enabled(LOG_AREA_TLS)) {
		description = gnutls_session_get_desc(stream->session);
		log_debug(LOG_AREA_TLS, "%s: %s%s", host, description,
		    options->verify ? "" : " (certificate not verified)");
		gnutls_free(description);
	}
	*out = tls_low_new(stream);
	return true;
}

bool
tls_stream_pending(mailstream_low *low)
{
	struct tls_stream *stream = tls_stream_data(low);

	return stream != NULL && stream->session != NULL &&
	    (gnutls_record_check_pending(stream->session) > 0 ||
	    stream->received_end > stream->received_start);
}

ssize_t
tls_stream_read_now(mailstream_low *low, void *buf, size_t count)
{
	struct tls_stream *stream = tls_stream_data(low);
	ssize_t r;

	if (stream == NULL || stream->cancelled || stream->fd < 0)
		return -1;
	if (stream->session == NULL)
		return tls_plain_read_once(stream, buf, count);
	/* Each try that ends without data has used up a record or the
	 * socket's bytes: this ends once nothing is held. */
	while ((r = tls_session_read_once(stream, buf, count)) == 0)
		if (!tls_stream_pending(low))
			return 0;
	return r;
}

const char *
tls_stream_last_error(mailstream_low *low)
{
	struct tls_stream *stream = tls_stream_data(low);

	return stream != NULL ? stream->last_error : NULL;
}

bool
tls_stream_is_tls(mailstream_low *low)
{
	struct tls_stream *stream = tls_stream_data(low);

	return stream != NULL && stream->session != NULL;
}

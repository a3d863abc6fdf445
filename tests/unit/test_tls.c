/* test_tls: the TLS stream against an in-process GnuTLS server on a
 * socket pair. What a real server cannot be made to do on cue: two
 * records that arrive together, so that the second is already read off
 * the socket (and held, still encrypted) when the first is handed out.
 * The daemon's IDLE wait watches the socket only when nothing is held
 * (imap_conn_idle_pending); were a held record not counted, an EXISTS
 * behind a keepalive would wait for the next wake-up. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "tap.h"
#include "tls.h"

#define KEEPALIVE "* OK Still here\r\n"
#define EXISTS "* 3 EXISTS\r\n"

struct server {
	int fd;
	gnutls_certificate_credentials_t credentials;
	GMutex lock;
	GCond changed;
	bool sent, finish;	/* under lock */
	int result;		/* 0, or the first GnuTLS error */
};

/* A throwaway self-signed certificate for localhost: the client below
 * does not verify it (tls_verify = false); verification is tested
 * against Dovecot in tests/integration/imap_conn.sh. */
static gnutls_certificate_credentials_t
server_credentials(void)
{
	gnutls_certificate_credentials_t credentials;
	gnutls_x509_privkey_t key;
	gnutls_x509_crt_t crt;
	unsigned char serial = 1;
	time_t now = time(NULL);

	gnutls_x509_privkey_init(&key);
	gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	gnutls_x509_crt_init(&crt);
	gnutls_x509_crt_set_version(crt, 3);
	gnutls_x509_crt_set_serial(crt, &serial, sizeof(serial));
	gnutls_x509_crt_set_activation_time(crt, now - 3600);
	gnutls_x509_crt_set_expiration_time(crt, now + 3600);
	gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
	    "localhost", strlen("localhost"));
	gnutls_x509_crt_set_key(crt, key);
	gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0);
	gnutls_certificate_allocate_credentials(&credentials);
	gnutls_certificate_set_x509_key(credentials, &crt, 1, key);
	gnutls_x509_crt_deinit(crt);
	gnutls_x509_privkey_deinit(key);
	return credentials;
}

static int
server_send(gnutls_session_t session, const char *text)
{
	ssize_t r;

	do
		r = gnutls_record_send(session, text, strlen(text));
	while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
	return r < 0 ? (int)r : 0;
}

/* Handshake; then two records, one write each, before the client reads
 * any; then waits to be told to finish. */
static gpointer
server_run(gpointer data)
{
	struct server *server = data;
	gnutls_session_t session;
	int r;

	gnutls_init(&session, GNUTLS_SERVER);
	gnutls_set_default_priority(session);
	gnutls_credentials_set(session, GNUTLS_CRD_CERTIFICATE,
	    server->credentials);
	gnutls_transport_set_int(session, server->fd);
	do
		r = gnutls_handshake(session);
	while (r < 0 && !gnutls_error_is_fatal(r));
	if (r == 0)
		r = server_send(session, KEEPALIVE);
	if (r == 0)
		r = server_send(session, EXISTS);
	g_mutex_lock(&server->lock);
	server->result = r;
	server->sent = true;
	g_cond_broadcast(&server->changed);
	while (!server->finish)
		g_cond_wait(&server->changed, &server->lock);
	g_mutex_unlock(&server->lock);
	gnutls_bye(session, GNUTLS_SHUT_WR);
	gnutls_deinit(session);
	return NULL;
}

/* Reads one chunk: GnuTLS hands out one record per call. */
static char *
read_chunk(mailstream_low *low)
{
	char buf[256];
	ssize_t n = mailstream_low_read(low, buf, sizeof(buf) - 1);

	return n > 0 ? g_strndup(buf, (gsize)n) : g_strdup("(read failed)");
}

static bool
socket_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1;
}

static void
test_held_records_are_pending(void)
{
	struct server server = { .result = 0 };
	struct tls_options options = { .verify = false, .timeout = 10 };
	g_autoptr(GError) error = NULL;
	mailstream_low *low = NULL;
	GThread *thread;
	char buf[64];
	int pair[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
		ok(0, "socketpair");
		return;
	}
	server.fd = pair[1];
	server.credentials = server_credentials();
	g_mutex_init(&server.lock);
	g_cond_init(&server.changed);
	thread = g_thread_new("tls-server", server_run, &server);

	ok(tls_stream_open(pair[0], "localhost", &options, &low, &error),
	    "handshake with the in-process server%s%s",
	    error ? ": " : "", error ? error->message : "");
	g_mutex_lock(&server.lock);
	while (!server.sent)
		g_cond_wait(&server.changed, &server.lock);
	g_mutex_unlock(&server.lock);
	is_int(server.result, 0, "the server sent both records");
	if (low != NULL) {
		g_autofree char *first = NULL, *second = NULL;

		ok(!tls_stream_pending(low), "nothing pending before a read "
		    "(both records still in the socket)");
		first = read_chunk(low);
		is_str(first, KEEPALIVE, "the first read gives the first "
		    "record");
		/* The precondition of what follows: one recv() took both. */
		ok(!socket_readable(pair[0]), "the socket has nothing left "
		    "to read");
		ok(tls_stream_pending(low), "so the second record, held in "
		    "the stream, counts as pending");
		second = read_chunk(low);
		is_str(second, EXISTS, "and reading gives it at once");
		ok(!tls_stream_pending(low), "then nothing is pending");
		/* A blocking read never returns 0: data, or -1 at the
		 * timeout. */
		is_int((int)tls_stream_read_now(low, buf, sizeof(buf)), 0,
		    "read_now with nothing there: 0, without waiting");
	}
	g_mutex_lock(&server.lock);
	server.finish = true;
	g_cond_broadcast(&server.changed);
	g_mutex_unlock(&server.lock);
	g_thread_join(thread);
	if (low != NULL) {
		is_int((int)tls_stream_read_now(low, buf, sizeof(buf)), -1,
		    "read_now after the server's close_notify: -1");
		is_str(tls_stream_last_error(low),
		    "connection closed by the server", "... saying so");
		mailstream_low_close(low);	/* closes pair[0] too */
		mailstream_low_free(low);
	} else {
		close(pair[0]);
	}
	close(pair[1]);
	gnutls_certificate_free_credentials(server.credentials);
	g_mutex_clear(&server.lock);
	g_cond_clear(&server.changed);
}

static void
test_plain_stream(void)
{
	int pair[2];
	mailstream_low *low;
	g_autofree char *got = NULL, *arrived = NULL;
	char buf[64];
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
		ok(0, "socketpair");
		return;
	}
	low = tls_stream_open_plain(pair[0], 5);
	ok(!tls_stream_is_tls(low), "a plain stream is not TLS");
	if (write(pair[1], EXISTS, strlen(EXISTS)) < 0)
		diag("write: %s", g_strerror(errno));
	got = read_chunk(low);
	is_str(got, EXISTS, "a plain stream reads what was written");
	ok(!tls_stream_pending(low), "and holds nothing back");
	is_int((int)tls_stream_read_now(low, buf, sizeof(buf)), 0,
	    "plain read_now with nothing there: 0, without waiting");
	if (write(pair[1], KEEPALIVE, strlen(KEEPALIVE)) < 0)
		diag("write: %s", g_strerror(errno));
	n = tls_stream_read_now(low, buf, sizeof(buf));
	arrived = n > 0 ? g_strndup(buf, (gsize)n) : g_strdup("(none)");
	is_str(arrived, KEEPALIVE, "plain read_now gives what has arrived");
	shutdown(pair[1], SHUT_WR);
	is_int((int)tls_stream_read_now(low, buf, sizeof(buf)), -1,
	    "plain read_now once the peer has closed: -1");
	mailstream_low_free(low);	/* leaves pair[0] open */
	close(pair[0]);
	close(pair[1]);
}

int
main(void)
{
	test_held_records_are_pending();
	test_plain_stream();
	return done_testing();
}

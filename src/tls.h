/* tls.h: libetpan streams over a connected socket, TLS (GnuTLS, with
 * certificate chain and host name verification) or plain, with timeouts.
 *
 * libetpan's own TLS stream verifies nothing, and its socket stream turns
 * end of file into endless zero-length reads inside a literal. These streams
 * run the handshake themselves and report end of file, errors and timeouts
 * as failures (-1), so a dead server never hangs or spins its client.
 * Nothing here knows about IMAP. */
#ifndef LIAISONBOT_TLS_H
#define LIAISONBOT_TLS_H

#include <stdbool.h>

#include <glib.h>
#include <libetpan/libetpan.h>

#define TLS_DEFAULT_TIMEOUT 60	/* seconds */

struct tls_options {
	const char *ca_file;	/* PEM trust anchors; NULL: system store */
	bool verify;		/* false accepts any certificate: the caller
				   warns about it */
	unsigned timeout;	/* seconds for the handshake and for each read
				   or write; 0: TLS_DEFAULT_TIMEOUT */
};

/* Runs a TLS handshake on the connected socket fd as a client of host
 * (sent as SNI unless it is an IP address; verified against the
 * certificate when options->verify). Blocks up to the timeout. On success
 * *out owns fd: mailstream_low_close() closes both, mailstream_low_free()
 * releases the stream without closing fd. On failure fd stays open and the
 * caller closes it. Errors: LB_ERROR_PERMANENT for an untrusted certificate
 * ("TLS certificate not trusted: <GnuTLS status>") or a handshake the
 * server refused, LB_ERROR_TEMPORARY for a timeout or a lost connection,
 * LB_ERROR_CONFIG for an unusable ca_file. */
bool tls_stream_open(int fd, const char *host,
    const struct tls_options *options, mailstream_low **out,
    GError **error);

/* The same stream without encryption, for plaintext connections and for
 * the clear-text phase before STARTTLS (take its fd with
 * mailstream_low_get_fd, free it with mailstream_low_free: the fd stays
 * open). Reads and writes time out after timeout seconds (0: default).
 * Never fails. */
mailstream_low *tls_stream_open_plain(int fd, unsigned timeout);

/* Whether bytes are already received (decrypted or not) and waiting inside
 * the stream, so that watching its fd for input would not wake up for
 * them. */
bool tls_stream_pending(mailstream_low *low);

/* Reads what has arrived, without waiting: the bytes read into buf (> 0),
 * 0 when nothing is there yet (also after a record GnuTLS handled itself,
 * such as a session ticket), -1 when the stream failed or the server
 * closed it (tls_stream_last_error says which). For a caller woken by the
 * fd that must not block on a server that sent no application data. */
ssize_t tls_stream_read_now(mailstream_low *low, void *buf, size_t count);

/* Why the last read or write failed ("timed out after 60 s", "connection
 * closed by the server", a system or GnuTLS error), or NULL. Borrowed until
 * the next operation on the stream. */
const char *tls_stream_last_error(mailstream_low *low);

/* Whether the stream is one of ours and encrypted. */
bool tls_stream_is_tls(mailstream_low *low);

#endif

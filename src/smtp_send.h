/* smtp_send.h: hand one rendered RFC 5322 message to an SMTP server (libcurl).
 *
 * smtp_send() returns true when the server answered 2xx to the end of
 * DATA: the message is then "accepted", and the per-recipient results say
 * for whom. Otherwise it returns false with an LB_ERROR code saying whether
 * a retry can help:
 *   TEMPORARY  connection failure or timeout, 4xx to the greeting, EHLO,
 *              STARTTLS, AUTH, MAIL or DATA, or no recipient accepted and
 *              at least one of them answered 4xx
 *   PERMANENT  5xx to the greeting, AUTH, MAIL or DATA, every recipient
 *              refused with 5xx, STARTTLS required but not offered,
 *              certificate verification failed, user set but no AUTH
 *              offered
 *   CONFIG     unusable options (URL, addresses, CA file)
 *   INPUT      an empty message
 * It blocks for at most options->timeout seconds, plus as much again (120 s
 * at most) for a server slow to answer the closing QUIT, which comes after
 * the verdict and cannot change it. Nothing secret is logged: AUTH
 * exchanges are withheld from the debug transcript (log area "smtp") and
 * the password is never written anywhere.
 */
#ifndef LIAISONBOT_SMTP_SEND_H
#define LIAISONBOT_SMTP_SEND_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

#define SMTP_DEFAULT_CONNECT_TIMEOUT 30	/* seconds */
#define SMTP_DEFAULT_TIMEOUT 300	/* seconds, the whole session */

enum smtp_starttls {
	SMTP_STARTTLS_REQUIRED,	/* refuse to send in plaintext */
	SMTP_STARTTLS_TRY,	/* upgrade when offered, else plaintext */
	SMTP_STARTTLS_NO,	/* never upgrade */
};

/* All strings are borrowed for the duration of smtp_send(). Fill with
 * smtp_options_init() first: it sets the defaults. */
struct smtp_options {
	const char *url;	/* smtp://host[:port] or smtps://host[:port] */
	enum smtp_starttls starttls;	/* smtp:// only; default REQUIRED */
	const char *ca_file;	/* PEM bundle, trusted alone; NULL: system */
	bool tls_verify;	/* default true; false trusts any peer */
	const char *user;	/* NULL: no AUTH; else AUTH must succeed */
	const char *password;	/* the resolved secret */
	const char *login_options;	/* CURLOPT_LOGIN_OPTIONS: AUTH=PLAIN */
	const char *helo;	/* EHLO name; NULL: this host's name */
	const char *envelope_from;	/* MAIL FROM; "" is the null sender */
	const char *const *recipients;	/* RCPT TO; NULL-terminated, >= 1 */
	unsigned connect_timeout;	/* seconds; 0: the default */
	unsigned timeout;	/* seconds for the whole session; 0: default */

	/* Called once, inside smtp_send(), when the last byte of the body
	 * is in libcurl's hands and before the final "." is sent: until it
	 * returns, the server cannot accept the message. Record
	 * "committing" durably here. Returning false (error set) abandons
	 * the transaction without the "."; smtp_send() then fails with that
	 * error. May be NULL. */
	bool (*committing)(void *data, GError **error);
	/* Called inside smtp_send() as soon as the server's 2xx to the end
	 * of DATA has been read; reply (the text after the code) is
	 * borrowed. May be NULL. */
	void (*accepted)(void *data, int code, const char *reply);
	void *callback_data;
};

enum smtp_rcpt_status {
	SMTP_RCPT_UNTRIED,	/* the session ended before its RCPT TO */
	SMTP_RCPT_ACCEPTED,	/* 2xx to RCPT TO */
	SMTP_RCPT_TEMPORARY,	/* 4xx: may be retried later */
	SMTP_RCPT_PERMANENT,	/* 5xx or no usable reply: do not retry */
};

struct smtp_rcpt_result {
	char *address;
	enum smtp_rcpt_status status;
	int code;		/* the reply code; 0 when none */
	char *reply;		/* text after the code; NULL when none */
};

/* What the server said. Recipients whose RCPT TO was accepted received the
 * message only when accepted is true. */
struct smtp_result {
	bool accepted;		/* 2xx to the end of DATA */
	int data_code;		/* refusal of DATA, or reply to its end */
	char *data_reply;
	size_t rcpt_count;
	struct smtp_rcpt_result *rcpts;	/* as options->recipients */
};

void smtp_options_init(struct smtp_options *options);

/* Send message (length bytes, LF or CRLF line ends; bare LF becomes CRLF)
 * to options->recipients. When result is not NULL, *result is set to a new
 * smtp_result whether or not the send succeeded (NULL only when the options
 * or the message were refused before connecting); free it with
 * smtp_result_free(). */
bool smtp_send(const struct smtp_options *options, const char *message,
    size_t length, struct smtp_result **result, GError **error);

void smtp_result_free(struct smtp_result *result);

/* "untried", "accepted", "temporary", "permanent": stable words. */
const char *smtp_rcpt_status_name(enum smtp_rcpt_status status);

#endif

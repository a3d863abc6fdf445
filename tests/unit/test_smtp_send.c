/* test_smtp_send: option checks, and sessions against a scripted SMTP server
 * in a thread on an ephemeral 127.0.0.1 port, where every reply and every
 * byte received can be chosen and inspected. Real servers are exercised by
 * tests/integration/smtp_send.sh. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>

#include "error.h"
#include "log.h"
#include "smtp_send.h"
#include "tap.h"

/* What the scripted server answers; NULL means a plain 250. Replies of
 * several lines are separated by "\r\n". */
struct script {
	const char *greeting;
	const char *ehlo;
	const char *auth;
	const char *mail;
	const char *rcpt[4];
	const char *data;
	const char *end_of_data;
};

struct server {
	const struct script *script;
	GSocketListener *listener;
	guint16 port;
	GThread *thread;
	GString *body;		/* DATA as received, dot-stuffing and all */
	GString *auth_lines;	/* what the client sent during AUTH */
	int saw_dot;		/* atomic: the final "." has arrived */
};

static void
server_reply(GOutputStream *out, const char *reply, const char *fallback)
{
	g_autofree char *line = g_strconcat(reply ? reply : fallback, "\r\n",
	    NULL);

	g_output_stream_write_all(out, line, strlen(line), NULL, NULL, NULL);
}

static char *
server_read_line(GDataInputStream *in)
{
	char *line = g_data_input_stream_read_line(in, NULL, NULL, NULL);

	if (line != NULL)
		g_strchomp(line);
	return line;
}

/* After "AUTH PLAIN" without an initial response: one 334, one line. */
static void
server_auth(struct server *server, GDataInputStream *in, GOutputStream *out,
    const char *line)
{
	char *response;

	g_string_append_printf(server->auth_lines, "%s\n", line);
	if (strchr(line + 5, ' ') == NULL) {
		server_reply(out, "334 ", NULL);
		response = server_read_line(in);
		if (response != NULL)
			g_string_append_printf(server->auth_lines, "%s\n",
			    response);
		g_free(response);
	}
	server_reply(out, server->script->auth, "235 2.7.0 Authenticated");
}

static void
server_session(struct server *server, GDataInputStream *in,
    GOutputStream *out)
{
	const struct script *script = server->script;
	bool in_data = false;
	size_t rcpt = 0;
	char *line;

	server_reply(out, script->greeting, "220 fake ESMTP");
	while ((line = server_read_line(in)) != NULL) {
		if (in_data && strcmp(line, ".") == 0) {
			in_data = false;
			g_atomic_int_set(&server->saw_dot, 1);
			server_reply(out, script->end_of_data, "250 2.0.0 Ok");
		} else if (in_data) {
			g_string_append_printf(server->body, "%s\r\n", line);
		} else if (g_ascii_strncasecmp(line, "EHLO", 4) == 0) {
			server_reply(out, script->ehlo, "250 fake");
		} else if (g_ascii_strncasecmp(line, "AUTH", 4) == 0) {
			server_auth(server, in, out, line);
		} else if (g_ascii_strncasecmp(line, "MAIL", 4) == 0) {
			server_reply(out, script->mail, "250 2.1.0 Ok");
		} else if (g_ascii_strncasecmp(line, "RCPT", 4) == 0) {
			server_reply(out, rcpt < 4 ? script->rcpt[rcpt] : NULL,
			    "250 2.1.5 Ok");
			rcpt++;
		} else if (g_ascii_strncasecmp(line, "DATA", 4) == 0) {
			server_reply(out, script->data, "354 go ahead");
			in_data = script->data == NULL ||
			    script->data[0] == '3';
		} else if (g_ascii_strncasecmp(line, "QUIT", 4) == 0) {
			server_reply(out, "221 bye", NULL);
			g_free(line);
			break;
		} else {
			server_reply(out, "502 5.5.2 unknown", NULL);
		}
		g_free(line);
	}
}

static gpointer
server_run(gpointer data)
{
	struct server *server = data;
	g_autoptr(GSocketConnection) connection = NULL;
	g_autoptr(GDataInputStream) in = NULL;
	GOutputStream *out;

	connection = g_socket_listener_accept(server->listener, NULL, NULL,
	    NULL);
	if (connection == NULL)
		return NULL;
	g_socket_set_timeout(g_socket_connection_get_socket(connection), 10);
	in = g_data_input_stream_new(g_io_stream_get_input_stream(
	    G_IO_STREAM(connection)));
	g_data_input_stream_set_newline_type(in,
	    G_DATA_STREAM_NEWLINE_TYPE_LF);
	out = g_io_stream_get_output_stream(G_IO_STREAM(connection));
	server_session(server, in, out);
	return NULL;
}

static struct server *
server_start(const struct script *script)
{
	struct server *server = g_new0(struct server, 1);
	g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback(
	    G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) address = g_inet_socket_address_new(
	    loopback, 0);
	g_autoptr(GSocketAddress) bound = NULL;

	server->script = script;
	server->body = g_string_new(NULL);
	server->auth_lines = g_string_new(NULL);
	server->listener = g_socket_listener_new();
	if (!g_socket_listener_add_address(server->listener, address,
	    G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound, NULL))
		g_error("cannot listen on 127.0.0.1");
	server->port = g_inet_socket_address_get_port(
	    G_INET_SOCKET_ADDRESS(bound));
	server->thread = g_thread_new("fake-smtp", server_run, server);
	return server;
}

static void
server_free(struct server *server)
{
	g_thread_join(server->thread);
	g_socket_listener_close(server->listener);
	g_object_unref(server->listener);
	g_string_free(server->body, true);
	g_string_free(server->auth_lines, true);
	g_free(server);
}

/* Callbacks note their order and whether the server had the "." yet. */
struct events {
	struct server *server;
	GString *order;
	bool dot_before_commit;
	bool dot_before_accept;
	int accepted_code;
	char *accepted_reply;
};

static bool
events_committing(void *data, GError **error)
{
	struct events *events = data;

	g_string_append(events->order, "commit ");
	/* The client is blocked here, so only libcurl's own sending could
	 * have delivered the dot, and it must not have. */
	events->dot_before_commit = g_atomic_int_get(&events->server->saw_dot);
	return true;
}

static void
events_accepted(void *data, int code, const char *reply)
{
	struct events *events = data;

	g_string_append(events->order, "accept ");
	events->dot_before_accept = g_atomic_int_get(&events->server->saw_dot);
	events->accepted_code = code;
	events->accepted_reply = g_strdup(reply);
}

static void
options_for(struct smtp_options *options, struct server *server, char **url,
    const char *const *recipients)
{
	smtp_options_init(options);
	*url = g_strdup_printf("smtp://127.0.0.1:%u", server->port);
	options->url = *url;
	options->starttls = SMTP_STARTTLS_NO;
	options->envelope_from = "bot@example.net";
	options->recipients = recipients;
	options->helo = "client.example.net";
	options->timeout = 10;
}

static void
test_option_checks(void)
{
	static const char *const one[] = { "a@example.org", NULL };
	static const char *const none[] = { NULL };
	static const char *const bad_rcpt[] = { "a@example.org\r\nDATA", NULL };
	static const struct {
		const char *name, *url, *from, *helo;
		const char *const *rcpts;
		const char *message;
		int want;
	} cases[] = {
		{ "no url", NULL, "f@x", NULL, one, "m", LB_ERROR_CONFIG },
		{ "imap url", "imap://h", "f@x", NULL, one, "m",
		    LB_ERROR_CONFIG },
		{ "not a url", "mail host", "f@x", NULL, one, "m",
		    LB_ERROR_CONFIG },
		{ "user in url", "smtp://u:p@h", "f@x", NULL, one, "m",
		    LB_ERROR_CONFIG },
		{ "path", "smtp://h/x", "f@x", NULL, one, "m",
		    LB_ERROR_CONFIG },
		{ "query", "smtp://h/?x", "f@x", NULL, one, "m",
		    LB_ERROR_CONFIG },
		{ "no sender", "smtp://h", NULL, NULL, one, "m",
		    LB_ERROR_CONFIG },
		{ "sender with CRLF", "smtp://h", "f@x\r\nRSET", NULL, one,
		    "m", LB_ERROR_CONFIG },
		{ "no recipients", "smtp://h", "f@x", NULL, none, "m",
		    LB_ERROR_CONFIG },
		{ "recipient with CRLF", "smtp://h", "f@x", NULL, bad_rcpt,
		    "m", LB_ERROR_CONFIG },
		{ "helo with space", "smtp://h", "f@x", "a b", one, "m",
		    LB_ERROR_CONFIG },
		{ "empty message", "smtp://h", "f@x", NULL, one, "",
		    LB_ERROR_INPUT },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		struct smtp_result *result = (struct smtp_result *)1;
		struct smtp_options options;
		bool sent;

		smtp_options_init(&options);
		options.url = cases[i].url;
		options.envelope_from = cases[i].from;
		options.helo = cases[i].helo;
		options.recipients = cases[i].rcpts;
		sent = smtp_send(&options, cases[i].message,
		    strlen(cases[i].message), &result, &error);
		ok(!sent && error != NULL && error->domain == LB_ERROR &&
		    error->code == cases[i].want && result == NULL,
		    "refused before connecting: %s", cases[i].name);
	}
}

/* Three recipients, three fates; multi-line replies are joined. */
static void
test_per_recipient(void)
{
	static const char *const rcpts[] = { "ok@example.org",
		"later@example.org", "gone@example.org", NULL };
	static const struct script script = {
		.rcpt = { NULL, "451-4.3.0 busy\r\n451 4.3.0 come back",
		    "550 5.1.1 no such user" },
		.end_of_data = "250 2.0.0 queued as X1",
	};
	struct server *server = server_start(&script);
	struct events events = { .server = server, .order = g_string_new("") };
	g_autofree char *url = NULL;
	g_autoptr(GError) error = NULL;
	struct smtp_result *result = NULL;
	struct smtp_options options;
	bool sent;

	options_for(&options, server, &url, rcpts);
	options.committing = events_committing;
	options.accepted = events_accepted;
	options.callback_data = &events;
	sent = smtp_send(&options, "Subject: x\n\nbody\n", 17, &result,
	    &error);
	server_free(server);
	ok(sent && error == NULL, "accepted for some recipients: sent");
	is_int(result->rcpts[0].status, SMTP_RCPT_ACCEPTED, "first accepted");
	is_int(result->rcpts[1].status, SMTP_RCPT_TEMPORARY,
	    "second temporary");
	is_str(result->rcpts[1].reply, "4.3.0 busy 4.3.0 come back",
	    "multi-line reply joined, codes dropped");
	is_int(result->rcpts[2].status, SMTP_RCPT_PERMANENT, "third permanent");
	is_int(result->rcpts[2].code, 550, "third's code");
	is_str(result->rcpts[2].reply, "5.1.1 no such user", "third's reply");
	is_int(result->data_code, 250, "DATA reply code");
	is_str(result->data_reply, "2.0.0 queued as X1", "DATA reply text");
	is_str(events.order->str, "commit accept ", "commit, then accept");
	ok(!events.dot_before_commit, "commit hook ran before the final dot");
	ok(events.dot_before_accept, "accepted only after the final dot");
	is_str(events.accepted_reply, "2.0.0 queued as X1",
	    "accepted callback has the reply");
	smtp_result_free(result);
	g_string_free(events.order, true);
	g_free(events.accepted_reply);
}

static bool
count_commits(void *data, GError **error)
{
	(*(int *)data)++;
	return true;
}

/* Bare LF becomes CRLF, a missing last newline is supplied, lines starting
 * with a dot are stuffed (so libcurl sends more than the size it was told,
 * and asks for more after the last byte). */
static void
test_body_on_the_wire(void)
{
	static const char *const rcpts[] = { "a@example.org", NULL };
	static const struct script script = { 0 };
	static const char message[] = "Subject: dots\n\n.\n..x\r\n.y\nlast";
	struct server *server = server_start(&script);
	g_autofree char *url = NULL;
	g_autoptr(GError) error = NULL;
	struct smtp_options options;
	int commits = 0;
	bool sent;

	options_for(&options, server, &url, rcpts);
	options.committing = count_commits;
	options.callback_data = &commits;
	sent = smtp_send(&options, message, strlen(message), NULL, &error);
	ok(sent, "sent without a result pointer");
	is_int(commits, 1, "commit hook ran once");
	is_str(server->body->str,
	    "Subject: dots\r\n\r\n..\r\n...x\r\n..y\r\nlast\r\n",
	    "CRLF line ends and dot-stuffing on the wire");
	server_free(server);
}

/* Replies that decide the outcome before DATA or at its end. */
static void
test_refusals(void)
{
	static const char *const rcpts[] = { "a@example.org", "b@example.org",
		NULL };
	static const struct {
		const char *name;
		struct script script;
		int want;
		const char *message;
	} cases[] = {
		{ "greeting 554", { .greeting = "554 5.3.2 go away" },
		    LB_ERROR_PERMANENT, "greeting refused: 554" },
		{ "greeting 421", { .greeting = "421 4.3.2 busy" },
		    LB_ERROR_TEMPORARY, "greeting refused: 421" },
		{ "MAIL 452", { .mail = "452 4.3.1 full" },
		    LB_ERROR_TEMPORARY, "MAIL FROM refused: 452" },
		{ "all RCPT 5xx", { .rcpt = { "550 no", "553 no" } },
		    LB_ERROR_PERMANENT, "every recipient refused" },
		{ "RCPT 5xx and 4xx", { .rcpt = { "550 no", "450 later" } },
		    LB_ERROR_TEMPORARY, "every recipient refused" },
		{ "DATA 554", { .data = "554 5.7.1 no" },
		    LB_ERROR_PERMANENT, "DATA refused: 554" },
		{ "end of DATA 451", { .end_of_data = "451 4.3.0 later" },
		    LB_ERROR_TEMPORARY, "end of DATA refused: 451" },
		{ "end of DATA 552", { .end_of_data = "552 5.3.4 too big" },
		    LB_ERROR_PERMANENT, "end of DATA refused: 552" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct server *server = server_start(&cases[i].script);
		g_autofree char *url = NULL;
		g_autoptr(GError) error = NULL;
		struct smtp_result *result = NULL;
		struct smtp_options options;
		bool sent;

		options_for(&options, server, &url, rcpts);
		sent = smtp_send(&options, "x\n", 2, &result, &error);
		server_free(server);
		ok(!sent && error != NULL && error->code == cases[i].want &&
		    strstr(error->message, cases[i].message) != NULL &&
		    result != NULL && !result->accepted,
		    "%s: %s", cases[i].name, error ? error->message : "sent");
		smtp_result_free(result);
	}
}

/* A hostile server's endless reply is cut, not stored whole. */
static void
test_long_reply(void)
{
	static const char *const rcpts[] = { "a@example.org", NULL };
	struct script script = { 0 };
	g_autoptr(GString) reply = g_string_new(NULL);
	struct server *server;
	g_autofree char *url = NULL;
	g_autoptr(GError) error = NULL;
	struct smtp_result *result = NULL;
	struct smtp_options options;

	for (int i = 0; i < 200; i++)
		g_string_append_printf(reply, "550-%0400d\r\n", i);
	g_string_append(reply, "550 end");
	script.rcpt[0] = reply->str;
	server = server_start(&script);
	options_for(&options, server, &url, rcpts);
	smtp_send(&options, "x\n", 2, &result, &error);
	server_free(server);
	ok(result != NULL && result->rcpts[0].status == SMTP_RCPT_PERMANENT &&
	    strlen(result->rcpts[0].reply) <= 512,
	    "80 KB reply: recipient permanent, reply kept under 512 bytes");
	smtp_result_free(result);
}

/* Runs fn with stderr going to a string, for the debug log. */
static char *
capture_stderr(void (*fn)(void *), void *data)
{
	char path[] = "/tmp/test_smtp_send.XXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	char *text = NULL;

	fflush(stderr);
	dup2(fd, 2);
	fn(data);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	g_file_get_contents(path, &text, NULL, NULL);
	unlink(path);
	return text;
}

struct auth_run {
	struct server *server;
	bool sent;
};

static void
auth_send(void *data)
{
	static const char *const rcpts[] = { "a@example.org", NULL };
	struct auth_run *run = data;
	g_autofree char *url = NULL;
	struct smtp_options options;

	options_for(&options, run->server, &url, rcpts);
	options.user = "liaison";
	options.password = "Sw0rdf1sh-secret";
	run->sent = smtp_send(&options, "x\n", 2, NULL, NULL);
}

static void
test_auth_withheld(void)
{
	static const struct script script = {
		.ehlo = "250-fake\r\n250 AUTH PLAIN",
	};
	struct auth_run run = { .server = server_start(&script) };
	g_autofree char *log = NULL;
	g_autofree char *plain = g_base64_encode(
	    (const guchar *)"\0liaison\0Sw0rdf1sh-secret", 25);

	log_setup(LOG_TARGET_STDERR, LOG_LEVEL_DEBUG, "smtp");
	log = capture_stderr(auth_send, &run);
	log_setup(LOG_TARGET_STDERR, LOG_LEVEL_INFO, NULL);
	ok(run.sent, "AUTH PLAIN session sent");
	ok(strstr(run.server->auth_lines->str, plain) != NULL,
	    "the server did get the credentials");
	ok(log != NULL && strstr(log, "> MAIL FROM:<bot@example.net>") != NULL,
	    "the debug log has the transcript");
	ok(log != NULL && strstr(log, "AUTH PLAIN [withheld]") != NULL,
	    "the debug log shows AUTH withheld");
	ok(log != NULL && strstr(log, "Sw0rdf1sh") == NULL &&
	    strstr(log, plain) == NULL, "no password in the debug log");
	server_free(run.server);
}

int
main(void)
{
	test_option_checks();
	test_per_recipient();
	test_body_on_the_wire();
	test_refusals();
	test_long_reply();
	test_auth_withheld();
	return done_testing();
}

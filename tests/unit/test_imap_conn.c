/* test_imap_conn: imap_conn against scripted fake servers on 127.0.0.1
 * (timeouts, refusals, STARTTLS injection) and the folder name encoding.
 * The real-server cases live in tests/integration/imap_conn.sh. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "imap_conn.h"
#include "tap.h"

/* libetpan leaks the parsed greeting when it is a BYE (mailimap_connect);
 * keep LeakSanitizer builds quiet about that one. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:mailimap_greeting_new\n";
}

/* A fake server: sends greeting, then for each line it reads sends the
 * next reply (NULL: close). accept_client = false: listen, never accept. */
struct fake {
	int listener;
	unsigned port;
	bool accept_client;
	const char *greeting;
	const char *const *replies;
	GThread *thread;
};

static gpointer
fake_run(gpointer data)
{
	struct fake *fake = data;
	char line[1024];
	size_t len = 0;
	int fd = accept(fake->listener, NULL, NULL);

	if (fd < 0)
		return NULL;
	if (fake->greeting != NULL &&
	    write(fd, fake->greeting, strlen(fake->greeting)) < 0)
		goto out;
	for (size_t i = 0; fake->replies && fake->replies[i]; i++) {
		/* One command line (we never see literals here). */
		for (len = 0; len < sizeof(line); len++) {
			if (read(fd, line + len, 1) != 1)
				goto out;
			if (line[len] == '\n')
				break;
		}
		if (write(fd, fake->replies[i], strlen(fake->replies[i])) < 0)
			goto out;
	}
out:
	close(fd);
	return NULL;
}

static void
fake_start(struct fake *fake)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fake->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fake->listener < 0 ||
	    bind(fake->listener, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(fake->listener, 4) < 0 ||
	    getsockname(fake->listener, (struct sockaddr *)&sin, &len) < 0) {
		printf("Bail out! fake server: %s\n", g_strerror(errno));
		exit(1);
	}
	fake->port = ntohs(sin.sin_port);
	if (fake->accept_client)
		fake->thread = g_thread_new("fake", fake_run, fake);
}

static void
fake_stop(struct fake *fake)
{
	if (fake->thread != NULL)
		g_thread_join(fake->thread);
	close(fake->listener);
}

static struct imap_options
options_for(unsigned port, enum imap_tls_mode tls)
{
	return (struct imap_options){
		.host = "127.0.0.1",
		.port = port,
		.tls = tls,
		.allow_plaintext = true,
		.tls_verify = true,
		.user = "tester",
		.password = "not-a-real-secret",
		.connect_timeout = 2,
		.read_timeout = 1,
	};
}

static const char *const no_starttls[] = { NULL };
static const char *const injected[] = {
	"1 OK Begin TLS negotiation now\r\n* OK injected\r\n", NULL
};
static const char *const login_refused[] = {
	"1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n", NULL
};

static const struct {
	const char *name;
	bool accept_client;
	const char *greeting;
	const char *const *replies;
	enum imap_tls_mode tls;
	bool login;		/* also try imap_conn_login */
	int code;
	const char *text;	/* expected in the message */
} cases[] = {
	{ "silent server: read timeout", false, NULL, NULL, IMAP_TLS_NONE,
	    false, LB_ERROR_TEMPORARY, "timed out after 1 s" },
	{ "silent server: TLS handshake timeout", false, NULL, NULL,
	    IMAP_TLS_IMAPS, false, LB_ERROR_TEMPORARY,
	    "TLS handshake: timed out after 1 s" },
	{ "greeting then close", true, "* OK [CAPABILITY IMAP4rev1] hi\r\n",
	    NULL, IMAP_TLS_NONE, true, LB_ERROR_TEMPORARY, ": login: " },
	{ "BYE greeting", true, "* BYE too busy\r\n", NULL, IMAP_TLS_NONE,
	    false, LB_ERROR_TEMPORARY, "too busy" },
	{ "no STARTTLS offered", true,
	    "* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] hi\r\n", no_starttls,
	    IMAP_TLS_STARTTLS, false, LB_ERROR_PERMANENT,
	    "server does not offer STARTTLS" },
	{ "STARTTLS response injection", true,
	    "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n", injected,
	    IMAP_TLS_STARTTLS, false, LB_ERROR_PERMANENT, "STARTTLS" },
	{ "TLS garbage", true, "* OK this is not TLS\r\n", NULL,
	    IMAP_TLS_IMAPS, false, LB_ERROR_PERMANENT, "TLS handshake" },
	{ "login refused", true, "* OK [CAPABILITY IMAP4rev1] hi\r\n",
	    login_refused, IMAP_TLS_NONE, true, LB_ERROR_PERMANENT,
	    "imap tester@127.0.0.1: authentication failed: "
	    "Authentication failed." },
};

static void
test_fake_servers(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct fake fake = {
			.accept_client = cases[i].accept_client,
			.greeting = cases[i].greeting,
			.replies = cases[i].replies,
		};
		struct imap_options options;
		struct imap_conn *conn;
		GError *error = NULL;
		gint64 start = g_get_monotonic_time();

		fake_start(&fake);
		options = options_for(fake.port, cases[i].tls);
		conn = imap_conn_open(&options, &error);
		if (conn != NULL && cases[i].login)
			imap_conn_login(conn, &error);
		ok(error != NULL && error->domain == LB_ERROR &&
		    error->code == cases[i].code &&
		    strstr(error->message, cases[i].text) != NULL &&
		    strstr(error->message, options.password) == NULL,
		    "%s: %s", cases[i].name, error ? error->message : "no error");
		ok(g_get_monotonic_time() - start < 5 * G_USEC_PER_SEC,
		    "%s: within the timeouts", cases[i].name);
		g_clear_error(&error);
		imap_conn_close(conn);
		fake_stop(&fake);
	}
}

static void
test_refusals(void)
{
	struct imap_options options = options_for(1, IMAP_TLS_NONE);
	struct imap_conn *conn;
	GError *error = NULL;
	struct fake fake = { .accept_client = false };

	options.allow_plaintext = false;
	options.host = "192.0.2.1";	/* never contacted */
	conn = imap_conn_open(&options, &error);
	ok(conn == NULL && error &&
	    error->code == LB_ERROR_CONFIG &&
	    strstr(error->message, "allow_plaintext"),
	    "tls none without allow_plaintext: %s",
	    error ? error->message : "no error");
	g_clear_error(&error);
	imap_conn_close(conn);

	/* A port that was just free: nobody listens. */
	fake_start(&fake);
	close(fake.listener);
	options = options_for(fake.port, IMAP_TLS_IMAPS);
	conn = imap_conn_open(&options, &error);
	ok(conn == NULL && error &&
	    error->code == LB_ERROR_TEMPORARY &&
	    strstr(error->message, "connect: Connection refused"),
	    "connection refused: %s", error ? error->message : "no error");
	g_clear_error(&error);
	imap_conn_close(conn);

	options.ca_file = "/nonexistent/ca.pem";
	fake_start(&fake);
	options.port = fake.port;
	conn = imap_conn_open(&options, &error);
	ok(conn == NULL && error &&
	    error->code == LB_ERROR_CONFIG &&
	    strstr(error->message, "ca_file /nonexistent/ca.pem"),
	    "unreadable ca_file: %s", error ? error->message : "no error");
	g_clear_error(&error);
	imap_conn_close(conn);
	close(fake.listener);
}

static void
test_folder_encode(void)
{
	static const struct {
		const char *utf8, *wire;
	} rows[] = {
		{ "INBOX", "INBOX" },
		{ "Drafts & Notes", "Drafts &- Notes" },
		{ "Entwürfe", "Entw&APw-rfe" },
		/* RFC 3501 5.1.3 */
		{ "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac"
		  "\xe8\xaa\x9e", "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
		{ "\xf0\x9f\x93\xa7", "&2D3c5w-" },	/* surrogate pair */
		{ "", "" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		g_autofree char *got = imap_conn_folder_encode(rows[i].utf8);

		is_str(got, rows[i].wire, "folder %zu: %s", i, rows[i].wire);
	}
	ok(imap_conn_folder_encode("bad \xff") == NULL,
	    "invalid UTF-8 is refused");
}

int
main(void)
{
	test_folder_encode();
	test_refusals();
	test_fake_servers();
	return done_testing();
}

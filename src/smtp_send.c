/* smtp_send.c: one message, one SMTP session, through libcurl.
 *
 * libcurl runs the protocol; we watch it through CURLOPT_DEBUGFUNCTION to
 * learn what it will not tell us directly: the reply to each RCPT TO and to
 * the end of DATA. The debug stream is never dumped raw, since AUTH lines
 * carry credentials: each line is parsed, and AUTH exchanges are withheld.
 */
#include <string.h>

#include <curl/curl.h>

#include "error.h"
#include "log.h"
#include "smtp_send.h"

/* RFC 5321 4.5.3.1.5 allows 512 octets per reply line; keep a little more
 * of a multi-line reply, and never more: the server may be hostile. */
#define SMTP_LINE_MAX 1024
#define SMTP_REPLY_MAX 512
#define SMTP_REPLY_TIMEOUT 120	/* seconds, libcurl's own default */

enum smtp_command {
	SMTP_COMMAND_GREETING,
	SMTP_COMMAND_HELLO,
	SMTP_COMMAND_STARTTLS,
	SMTP_COMMAND_AUTH,
	SMTP_COMMAND_MAIL,
	SMTP_COMMAND_RCPT,
	SMTP_COMMAND_DATA,
	SMTP_COMMAND_END_OF_DATA,
	SMTP_COMMAND_QUIT,
	SMTP_COMMAND_OTHER,
};

static const char *const smtp_command_names[] = {
	[SMTP_COMMAND_GREETING] = "greeting",
	[SMTP_COMMAND_HELLO] = "EHLO",
	[SMTP_COMMAND_STARTTLS] = "STARTTLS",
	[SMTP_COMMAND_AUTH] = "AUTH",
	[SMTP_COMMAND_MAIL] = "MAIL FROM",
	[SMTP_COMMAND_RCPT] = "RCPT TO",
	[SMTP_COMMAND_DATA] = "DATA",
	[SMTP_COMMAND_END_OF_DATA] = "end of DATA",
	[SMTP_COMMAND_QUIT] = "QUIT",
	[SMTP_COMMAND_OTHER] = "command",
};

static const struct {
	const char *verb;
	enum smtp_command command;
} smtp_verbs[] = {
	{ "EHLO", SMTP_COMMAND_HELLO },	{ "HELO", SMTP_COMMAND_HELLO },
	{ "STARTTLS", SMTP_COMMAND_STARTTLS }, { "AUTH", SMTP_COMMAND_AUTH },
	{ "MAIL", SMTP_COMMAND_MAIL },	{ "RCPT", SMTP_COMMAND_RCPT },
	{ "DATA", SMTP_COMMAND_DATA },	{ "QUIT", SMTP_COMMAND_QUIT },
};

/* Everything one smtp_send() call needs inside libcurl's callbacks. */
struct smtp_session {
	const struct smtp_options *options;
	char *server;			/* host:port, for messages */
	struct smtp_result *result;

	char *body;			/* the message with CRLF line ends */
	size_t body_length;
	size_t body_offset;
	bool committing_called;
	GError *read_error;		/* why smtp_read() stopped the send */

	GString *out_line;		/* partial lines of the debug stream */
	GString *in_line;
	GString *reply;			/* text of a multi-line reply so far */
	enum smtp_command command;	/* what the next reply answers */
	size_t rcpts_sent;
	size_t rcpt_index;
	bool auth_continuation;		/* the next client line is a secret */
	bool authenticated;		/* 2xx to AUTH */

	/* The latest refusal not followed by a success; RCPT kept apart. */
	enum smtp_command failed_command;
	int failed_code;
	char *failed_reply;
};

static GOnce smtp_curl_once = G_ONCE_INIT;

static gpointer
smtp_curl_init(gpointer unused)
{
	CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);

	return GINT_TO_POINTER(code);
}

void
smtp_options_init(struct smtp_options *options)
{
	memset(options, 0, sizeof(*options));
	options->starttls = SMTP_STARTTLS_REQUIRED;
	options->tls_verify = true;
}

const char *
smtp_rcpt_status_name(enum smtp_rcpt_status status)
{
	switch (status) {
	case SMTP_RCPT_UNTRIED:
		return "untried";
	case SMTP_RCPT_ACCEPTED:
		return "accepted";
	case SMTP_RCPT_TEMPORARY:
		return "temporary";
	case SMTP_RCPT_PERMANENT:
		return "permanent";
	}
	return "unknown";
}

void
smtp_result_free(struct smtp_result *result)
{
	if (result == NULL)
		return;
	for (size_t i = 0; i < result->rcpt_count; i++) {
		g_free(result->rcpts[i].address);
		g_free(result->rcpts[i].reply);
	}
	g_free(result->rcpts);
	g_free(result->data_reply);
	g_free(result);
}

static enum smtp_rcpt_status
smtp_status_of(int code)
{
	if (code >= 200 && code < 300)
		return SMTP_RCPT_ACCEPTED;
	if (code >= 400 && code < 500)
		return SMTP_RCPT_TEMPORARY;
	return SMTP_RCPT_PERMANENT;
}

/* Printable ASCII only, so replies are safe in logs and stable output. */
static void
smtp_sanitize(char *text)
{
	for (char *p = text; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
}

/* The debug stream must never carry the password into the log, whatever
 * libcurl decides to say: a line containing it is withheld whole. */
static void
smtp_session_log(struct smtp_session *s, const char *prefix,
    const char *line)
{
	const char *password = s->options->password;

	if (!log_debug_enabled(LOG_AREA_SMTP))
		return;
	if (password != NULL && *password != '\0' &&
	    strstr(line, password) != NULL)
		line = "[line withheld]";
	log_debug(LOG_AREA_SMTP, "smtp %s: %s%s", s->server, prefix, line);
}

static void
smtp_session_fail(struct smtp_session *s, int code, const char *text)
{
	s->failed_command = s->command;
	s->failed_code = code;
	g_free(s->failed_reply);
	s->failed_reply = g_strdup(text);
}

static void
smtp_session_data_reply(struct smtp_session *s, int code, const char *text)
{
	const struct smtp_options *options = s->options;

	s->result->data_code = code;
	g_free(s->result->data_reply);
	s->result->data_reply = g_strdup(text);
	if (s->command == SMTP_COMMAND_END_OF_DATA && code / 100 == 2) {
		s->result->accepted = true;
		if (options->accepted != NULL)
			options->accepted(options->callback_data, code, text);
	} else {
		smtp_session_fail(s, code, text);
	}
}

/* One complete reply from the server: file it under the command it
 * answers. libcurl sends one command at a time and waits for its reply
 * (no PIPELINING), so "the last command sent" is exact. */
static void
smtp_session_reply(struct smtp_session *s, int code, const char *text)
{
	struct smtp_rcpt_result *rcpt;

	switch (s->command) {
	case SMTP_COMMAND_RCPT:
		if (s->rcpt_index >= s->result->rcpt_count)
			break;
		rcpt = &s->result->rcpts[s->rcpt_index];
		rcpt->status = smtp_status_of(code);
		rcpt->code = code;
		g_free(rcpt->reply);
		rcpt->reply = g_strdup(text);
		break;
	case SMTP_COMMAND_DATA:
		if (code / 100 == 3)
			s->command = SMTP_COMMAND_END_OF_DATA;
		else
			smtp_session_data_reply(s, code, text);
		break;
	case SMTP_COMMAND_END_OF_DATA:
		smtp_session_data_reply(s, code, text);
		break;
	case SMTP_COMMAND_AUTH:
		if (code == 334) {
			s->auth_continuation = true;
			break;
		}
		s->authenticated = code / 100 == 2;
		/* fall through */
	default:
		if (s->command == SMTP_COMMAND_QUIT)
			break;
		if (code / 100 == 2)
			s->failed_code = 0;
		else if (code >= 400)
			smtp_session_fail(s, code, text);
		break;
	}
}

/* A line the server sent. Multi-line replies ("250-...") are gathered
 * until their last line ("250 ..."). */
static void
smtp_session_in_line(struct smtp_session *s, const char *line)
{
	size_t length = strlen(line);
	int code = 0;
	bool last;

	if (s->command == SMTP_COMMAND_AUTH && g_str_has_prefix(line, "334"))
		smtp_session_log(s, "< ", "334 [challenge withheld]");
	else
		smtp_session_log(s, "< ", line);
	if (length >= 3 && g_ascii_isdigit(line[0]) &&
	    g_ascii_isdigit(line[1]) && g_ascii_isdigit(line[2]))
		code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
	last = length <= 3 || line[3] != '-';
	if (length > 4 && s->reply->len + 1 < SMTP_REPLY_MAX) {
		if (s->reply->len > 0)
			g_string_append_c(s->reply, ' ');
		g_string_append_len(s->reply, line + 4,
		    MIN(length - 4, SMTP_REPLY_MAX - s->reply->len));
	}
	if (!last)
		return;
	smtp_session_reply(s, code, s->reply->str);
	g_string_truncate(s->reply, 0);
}

/* A line libcurl sent: note which command the next reply answers. */
static void
smtp_session_out_line(struct smtp_session *s, const char *line)
{
	size_t verb_length = strcspn(line, " :");
	g_autofree char *verb = g_ascii_strup(line, (gssize)verb_length);

	if (s->auth_continuation) {
		/* A SASL response: credentials, whatever the mechanism. */
		s->auth_continuation = false;
		smtp_session_log(s, "> ", "[credentials withheld]");
		return;
	}
	s->command = SMTP_COMMAND_OTHER;
	for (size_t i = 0; i < G_N_ELEMENTS(smtp_verbs); i++)
		if (strcmp(verb, smtp_verbs[i].verb) == 0)
			s->command = smtp_verbs[i].command;
	if (s->command == SMTP_COMMAND_AUTH) {
		/* "AUTH PLAIN <initial response>": show the mechanism only. */
		g_auto(GStrv) words = g_strsplit(line, " ", 3);
		g_autofree char *shown = g_strdup_printf("AUTH %s [withheld]",
		    words[0] != NULL && words[1] != NULL ? words[1] : "");

		smtp_session_log(s, "> ", shown);
		return;
	}
	smtp_session_log(s, "> ", line);
	if (s->command == SMTP_COMMAND_RCPT)
		s->rcpt_index = s->rcpts_sent++;
}

/* Split a debug chunk into lines; a line longer than SMTP_LINE_MAX is cut,
 * the rest of it dropped up to its end. */
static void
smtp_session_feed(struct smtp_session *s, GString *buffer, const char *data,
    size_t size, void (*line_fn)(struct smtp_session *, const char *))
{
	for (size_t i = 0; i < size; i++) {
		if (data[i] == '\n') {
			if (g_str_has_suffix(buffer->str, "\r"))
				g_string_truncate(buffer, buffer->len - 1);
			smtp_sanitize(buffer->str);
			line_fn(s, buffer->str);
			g_string_truncate(buffer, 0);
		} else if (buffer->len < SMTP_LINE_MAX) {
			g_string_append_c(buffer, data[i]);
		}
	}
}

static int
smtp_debug(CURL *curl, curl_infotype type, char *data, size_t size,
    void *userp)
{
	struct smtp_session *s = userp;
	g_autofree char *text = NULL;

	switch (type) {
	case CURLINFO_TEXT:
		if (!log_debug_enabled(LOG_AREA_SMTP))
			break;
		text = g_strndup(data, MIN(size, SMTP_LINE_MAX));
		g_strchomp(text);
		smtp_sanitize(text);
		smtp_session_log(s, "* ", text);
		break;
	case CURLINFO_HEADER_IN:
		smtp_session_feed(s, s->in_line, data, size,
		    smtp_session_in_line);
		break;
	case CURLINFO_HEADER_OUT:
		smtp_session_feed(s, s->out_line, data, size,
		    smtp_session_out_line);
		break;
	default:
		/* Message data and TLS records: never logged. */
		break;
	}
	return 0;
}

/* Hands the body to libcurl. The commit point is the moment its last byte
 * is in libcurl's buffer: libcurl sends the final "." only after this
 * returns. That is not necessarily the call that returns 0: knowing the
 * size (CURLOPT_INFILESIZE), libcurl may stop asking once it has it all. */
static size_t
smtp_read(char *buffer, size_t size, size_t count, void *userp)
{
	struct smtp_session *s = userp;
	const struct smtp_options *options = s->options;
	size_t n = MIN(size * count, s->body_length - s->body_offset);

	/* libcurl skips AUTH when the server offers none (or not before
	 * STARTTLS); with credentials configured, that is not our session. */
	if (options->user != NULL && !s->authenticated) {
		g_set_error(&s->read_error, LB_ERROR, LB_ERROR_PERMANENT,
		    "user is set but the server offered no AUTH; not sending "
		    "unauthenticated");
		return CURL_READFUNC_ABORT;
	}
	memcpy(buffer, s->body + s->body_offset, n);
	s->body_offset += n;
	if (s->body_offset < s->body_length || s->committing_called)
		return n;
	s->committing_called = true;
	if (options->committing != NULL &&
	    !options->committing(options->callback_data, &s->read_error)) {
		if (s->read_error == NULL)
			g_set_error(&s->read_error, LB_ERROR,
			    LB_ERROR_TEMPORARY, "commit hook refused the send");
		return CURL_READFUNC_ABORT;
	}
	return n;
}

/* SMTP wants CRLF; a message rendered with bare LF gets CRs added. */
static char *
smtp_crlf(const char *message, size_t length, size_t *out_length)
{
	size_t extra = 0, j = 0;
	char *out;

	for (size_t i = 0; i < length; i++)
		if (message[i] == '\n' && (i == 0 || message[i - 1] != '\r'))
			extra++;
	out = g_malloc(length + extra + 1);
	for (size_t i = 0; i < length; i++) {
		if (message[i] == '\n' && (i == 0 || message[i - 1] != '\r'))
			out[j++] = '\r';
		out[j++] = message[i];
	}
	out[j] = '\0';
	*out_length = j;
	return out;
}

/* Envelope addresses and the EHLO name go into command lines verbatim:
 * refuse anything that could end or split a command. */
static bool
smtp_check_word(const char *what, const char *word, bool allow_empty,
    GError **error)
{
	if (word == NULL || (*word == '\0' && !allow_empty)) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "smtp: %s is not set", what);
		return false;
	}
	for (const char *p = word; *p != '\0'; p++) {
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p == 0x7f) {
			g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
			    "smtp: %s: spaces and control characters are not "
			    "allowed", what);
			return false;
		}
	}
	return true;
}

static bool
smtp_check_options(const struct smtp_options *options, GError **error)
{
	if (options->url == NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "smtp: url is not set");
		return false;
	}
	if ((unsigned)options->starttls > SMTP_STARTTLS_NO) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "smtp: starttls: expected required, try or no");
		return false;
	}
	if (!smtp_check_word("envelope sender", options->envelope_from, true,
	    error))
		return false;
	if (options->helo != NULL &&
	    !smtp_check_word("helo name", options->helo, false, error))
		return false;
	if (options->recipients == NULL || options->recipients[0] == NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "smtp: no recipients");
		return false;
	}
	for (size_t i = 0; options->recipients[i] != NULL; i++)
		if (!smtp_check_word("recipient", options->recipients[i],
		    false, error))
			return false;
	return true;
}

static bool
smtp_url_refuse(const char *url, const char *why, GError **error)
{
	g_set_error(error, LB_ERROR, LB_ERROR_CONFIG, "smtp: url %s: %s", url,
	    why);
	return false;
}

static bool
smtp_url_has(CURLU *u, CURLUPart part)
{
	char *value = NULL;
	bool has = curl_url_get(u, part, &value, 0) == CURLUE_OK;

	curl_free(value);
	return has;
}

/* Check the configured URL and build the one libcurl gets: its path is the
 * EHLO name. Credentials in the URL are refused: they would be logged. */
static bool
smtp_url_build(const struct smtp_options *options, char **url,
    char **server, GError **error)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	char *full = NULL;
	g_autofree char *helo_path = NULL;
	bool ok = false;

	if (curl_url_set(u, CURLUPART_URL, options->url, 0) != CURLUE_OK) {
		smtp_url_refuse(options->url, "not a valid URL", error);
		goto out;
	}
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	if (scheme == NULL || (g_ascii_strcasecmp(scheme, "smtp") != 0 &&
	    g_ascii_strcasecmp(scheme, "smtps") != 0))
		smtp_url_refuse(options->url, "expected smtp:// or smtps://",
		    error);
	else if (smtp_url_has(u, CURLUPART_USER) ||
	    smtp_url_has(u, CURLUPART_PASSWORD))
		smtp_url_refuse(options->url, "put credentials in user and "
		    "password, not in the URL", error);
	else if ((path != NULL && strcmp(path, "/") != 0) ||
	    smtp_url_has(u, CURLUPART_QUERY) ||
	    smtp_url_has(u, CURLUPART_FRAGMENT))
		smtp_url_refuse(options->url, "expected no path", error);
	else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK)
		smtp_url_refuse(options->url, "expected a host", error);
	else
		ok = true;
	if (!ok)
		goto out;
	helo_path = g_strconcat("/", options->helo != NULL ? options->helo :
	    g_get_host_name(), NULL);
	if (curl_url_set(u, CURLUPART_PATH, helo_path, CURLU_URLENCODE) !=
	    CURLUE_OK || curl_url_get(u, CURLUPART_URL, &full, 0) !=
	    CURLUE_OK) {
		ok = smtp_url_refuse(options->url, "bad helo name", error);
		goto out;
	}
	*url = g_strdup(full);
	*server = g_strdup_printf("%s:%s", host, port);
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(full);
	curl_url_cleanup(u);
	return ok;
}

static struct smtp_result *
smtp_result_new(const char *const *recipients)
{
	struct smtp_result *result = g_new0(struct smtp_result, 1);

	while (recipients[result->rcpt_count] != NULL)
		result->rcpt_count++;
	result->rcpts = g_new0(struct smtp_rcpt_result, result->rcpt_count);
	for (size_t i = 0; i < result->rcpt_count; i++)
		result->rcpts[i].address = g_strdup(recipients[i]);
	return result;
}

static void
smtp_setopt_tls(CURL *curl, const struct smtp_options *options)
{
	static const long use_ssl[] = {
		[SMTP_STARTTLS_REQUIRED] = CURLUSESSL_ALL,
		[SMTP_STARTTLS_TRY] = CURLUSESSL_TRY,
		[SMTP_STARTTLS_NO] = CURLUSESSL_NONE,
	};

	/* For smtps:// libcurl uses TLS from the start whatever this says. */
	curl_easy_setopt(curl, CURLOPT_USE_SSL, use_ssl[options->starttls]);
	curl_easy_setopt(curl, CURLOPT_SSLVERSION,
	    (long)CURL_SSLVERSION_TLSv1_2);
	if (options->ca_file != NULL) {
		/* The file alone: without this, libcurl adds the system
		 * store's directory to it. */
		curl_easy_setopt(curl, CURLOPT_CAINFO, options->ca_file);
		curl_easy_setopt(curl, CURLOPT_CAPATH, NULL);
	}
	if (!options->tls_verify) {
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

/* Set every option; false only if libcurl refuses one (too old a
 * libcurl, or out of memory). */
static bool
smtp_setopt(CURL *curl, struct smtp_session *s, const char *url,
    struct curl_slist *rcpts, char *errbuf)
{
	const struct smtp_options *options = s->options;
	unsigned connect_timeout = options->connect_timeout ?
	    options->connect_timeout : SMTP_DEFAULT_CONNECT_TIMEOUT;
	unsigned timeout = options->timeout ? options->timeout :
	    SMTP_DEFAULT_TIMEOUT;
	CURLcode code = CURLE_OK;

	smtp_setopt_tls(curl, options);
	code |= curl_easy_setopt(curl, CURLOPT_URL, url);
	code |= curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	code |= curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	code |= curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	code |= curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
	    (long)connect_timeout);
	code |= curl_easy_setopt(curl, CURLOPT_TIMEOUT, (long)timeout);
	/* libcurl waits up to 120 s for each reply, and CURLOPT_TIMEOUT does
	 * not bound the QUIT that curl_easy_cleanup() sends: this does. */
	code |= curl_easy_setopt(curl, CURLOPT_SERVER_RESPONSE_TIMEOUT,
	    (long)MIN(timeout, SMTP_REPLY_TIMEOUT));
	code |= curl_easy_setopt(curl, CURLOPT_MAIL_FROM,
	    options->envelope_from);
	code |= curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
	/* One refused recipient must not stop the others. The option was
	 * misspelt with three Ls until libcurl 8.2; both are enum members,
	 * not macros, so only the version number can choose. */
#if CURL_AT_LEAST_VERSION(8, 2, 0)
	code |= curl_easy_setopt(curl, CURLOPT_MAIL_RCPT_ALLOWFAILS, 1L);
#elif CURL_AT_LEAST_VERSION(7, 69, 0)
	code |= curl_easy_setopt(curl, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
#else
#error "libcurl 7.69 or later is needed (MAIL_RCPT_ALLLOWFAILS)"
#endif
	if (options->user != NULL) {
		code |= curl_easy_setopt(curl, CURLOPT_USERNAME, options->user);
		code |= curl_easy_setopt(curl, CURLOPT_PASSWORD,
		    options->password != NULL ? options->password : "");
	}
	if (options->login_options != NULL)
		code |= curl_easy_setopt(curl, CURLOPT_LOGIN_OPTIONS,
		    options->login_options);
	code |= curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	code |= curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)s->body_length);
	code |= curl_easy_setopt(curl, CURLOPT_READFUNCTION, smtp_read);
	code |= curl_easy_setopt(curl, CURLOPT_READDATA, s);
	/* VERBOSE only feeds smtp_debug, which never passes data through. */
	code |= curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, smtp_debug);
	code |= curl_easy_setopt(curl, CURLOPT_DEBUGDATA, s);
	code |= curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);
	return code == CURLE_OK;
}

/* Neither accepted nor refused outright by a reply: decide from the
 * recipients' replies, then from what libcurl reports. */
static void
smtp_session_classify(struct smtp_session *s, CURLcode code,
    const char *errbuf, GError **error)
{
	const struct smtp_result *result = s->result;
	const char *why = *errbuf != '\0' ? errbuf : curl_easy_strerror(code);
	size_t refused = 0, permanent = 0;
	const struct smtp_rcpt_result *last = NULL;
	enum lb_error_code kind = LB_ERROR_TEMPORARY;

	if (s->failed_code != 0) {
		kind = s->failed_code / 100 == 4 ? LB_ERROR_TEMPORARY :
		    LB_ERROR_PERMANENT;
		g_set_error(error, LB_ERROR, kind, "smtp %s: %s refused: %d %s",
		    s->server, smtp_command_names[s->failed_command],
		    s->failed_code, s->failed_reply);
		return;
	}
	for (size_t i = 0; i < result->rcpt_count; i++) {
		if (result->rcpts[i].status == SMTP_RCPT_UNTRIED ||
		    result->rcpts[i].status == SMTP_RCPT_ACCEPTED)
			continue;
		refused++;
		last = &result->rcpts[i];
		if (last->status == SMTP_RCPT_PERMANENT)
			permanent++;
	}
	if (refused == result->rcpt_count) {
		kind = permanent == refused ? LB_ERROR_PERMANENT :
		    LB_ERROR_TEMPORARY;
		g_set_error(error, LB_ERROR, kind, "smtp %s: every recipient "
		    "refused (%zu of them permanently), last %s: %d %s",
		    s->server, permanent, last->address, last->code,
		    last->reply);
		return;
	}
	switch (code) {
	case CURLE_USE_SSL_FAILED:
		why = "STARTTLS required but not offered by the server";
		/* fall through */
	case CURLE_LOGIN_DENIED:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		kind = LB_ERROR_PERMANENT;
		break;
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_UNSUPPORTED_PROTOCOL:
		kind = LB_ERROR_CONFIG;
		break;
	default:
		kind = LB_ERROR_TEMPORARY;
		break;
	}
	g_set_error(error, LB_ERROR, kind, "smtp %s: %s", s->server, why);
}

/* Run the session; the verdict comes from the replies seen, libcurl's own
 * result only where no reply decides. */
static bool
smtp_session_run(struct smtp_session *s, const char *url, GError **error)
{
	const struct smtp_options *options = s->options;
	struct curl_slist *rcpts = NULL;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURLcode code;
	CURL *curl;

	curl = curl_easy_init();
	if (curl == NULL) {
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "smtp %s: cannot start libcurl", s->server);
		return false;
	}
	for (size_t i = 0; options->recipients[i] != NULL; i++)
		rcpts = curl_slist_append(rcpts, options->recipients[i]);
	if (!smtp_setopt(curl, s, url, rcpts, errbuf)) {
		curl_easy_cleanup(curl);
		curl_slist_free_all(rcpts);
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "smtp %s: libcurl refused an option (too old?)",
		    s->server);
		return false;
	}
	code = curl_easy_perform(curl);
	/* Cleanup says QUIT; the verdict no longer depends on its reply. */
	curl_easy_cleanup(curl);
	curl_slist_free_all(rcpts);
	if (code == CURLE_OK && !s->result->accepted) {
		/* libcurl saw a 2xx to the end of DATA that we did not. */
		s->result->accepted = true;
		if (options->accepted != NULL)
			options->accepted(options->callback_data, 250, "");
	}
	if (s->result->accepted)
		return true;
	if (s->read_error != NULL) {
		g_propagate_prefixed_error(error, g_steal_pointer(
		    &s->read_error), "smtp %s: ", s->server);
		return false;
	}
	smtp_session_classify(s, code, errbuf, error);
	return false;
}

bool
smtp_send(const struct smtp_options *options, const char *message,
    size_t length, struct smtp_result **result, GError **error)
{
	struct smtp_session s = { .options = options };
	g_autofree char *url = NULL;
	bool ok;

	if (result != NULL)
		*result = NULL;
	if (!smtp_check_options(options, error) ||
	    !smtp_url_build(options, &url, &s.server, error))
		return false;
	if (length == 0) {
		g_set_error(error, LB_ERROR, LB_ERROR_INPUT,
		    "smtp %s: empty message", s.server);
		g_free(s.server);
		return false;
	}
	g_once(&smtp_curl_once, smtp_curl_init, NULL);
	s.result = smtp_result_new(options->recipients);
	s.body = smtp_crlf(message, length, &s.body_length);
	s.out_line = g_string_new(NULL);
	s.in_line = g_string_new(NULL);
	s.reply = g_string_new(NULL);
	log_debug(LOG_AREA_SMTP, "smtp %s: sending %zu bytes to %zu "
	    "recipients", s.server, s.body_length, s.result->rcpt_count);
	ok = smtp_session_run(&s, url, error);
	if (result != NULL)
		*result = s.result;
	else
		smtp_result_free(s.result);
	g_clear_error(&s.read_error);
	g_string_free(s.out_line, true);
	g_string_free(s.in_line, true);
	g_string_free(s.reply, true);
	g_free(s.failed_reply);
	g_free(s.body);
	g_free(s.server);
	return ok;
}

/* smtp_probe: send one message file through smtp_send() and print what
 * happened in a stable, line-oriented form for tests/integration/smtp_send.sh:
 *
 *   event committing                  the commit hook ran
 *   event accepted CODE TEXT          the server accepted the message
 *   outcome sent|temporary|permanent|config|input
 *   error TEXT                        on failure
 *   data CODE TEXT                    the DATA reply, when there was one
 *   rcpt ADDRESS STATUS CODE TEXT     one per recipient, in order
 *
 * Exit status as liaisonbot's: 0 sent, 75 temporary, 1 permanent, 78 config.
 * --commit=fail makes the commit hook refuse; --commit=exit makes it _exit(3)
 * as a crash at the commit point would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "log.h"
#include "smtp_send.h"

static char *commit_mode;

static bool
probe_committing(void *data, GError **error)
{
	printf("event committing\n");
	fflush(stdout);
	if (g_strcmp0(commit_mode, "exit") == 0)
		_exit(3);
	if (g_strcmp0(commit_mode, "fail") == 0) {
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "probe: commit hook told to fail");
		return false;
	}
	return true;
}

static void
probe_accepted(void *data, int code, const char *reply)
{
	printf("event accepted %d %s\n", code, reply);
	fflush(stdout);
}

static const char *
probe_outcome(const GError *error)
{
	if (error == NULL)
		return "sent";
	if (error->domain != LB_ERROR)
		return "temporary";
	switch ((enum lb_error_code)error->code) {
	case LB_ERROR_TEMPORARY:
		return "temporary";
	case LB_ERROR_PERMANENT:
		return "permanent";
	case LB_ERROR_CONFIG:
		return "config";
	case LB_ERROR_INPUT:
		return "input";
	}
	return "unknown";
}

static void
probe_print(const struct smtp_result *result, const GError *error)
{
	printf("outcome %s\n", probe_outcome(error));
	if (error != NULL)
		printf("error %s\n", error->message);
	if (result == NULL)
		return;
	if (result->data_code != 0)
		printf("data %d %s\n", result->data_code, result->data_reply);
	for (size_t i = 0; i < result->rcpt_count; i++) {
		const struct smtp_rcpt_result *r = &result->rcpts[i];

		printf("rcpt %s %s %d %s\n", r->address,
		    smtp_rcpt_status_name(r->status), r->code,
		    r->reply != NULL ? r->reply : "");
	}
}

static bool
probe_starttls(const char *name, enum smtp_starttls *starttls)
{
	if (name == NULL || strcmp(name, "required") == 0)
		*starttls = SMTP_STARTTLS_REQUIRED;
	else if (strcmp(name, "try") == 0)
		*starttls = SMTP_STARTTLS_TRY;
	else if (strcmp(name, "no") == 0)
		*starttls = SMTP_STARTTLS_NO;
	else
		return false;
	return true;
}

int
main(int argc, char **argv)
{
	g_autofree char *url = NULL, *from = NULL, *starttls = NULL;
	g_autofree char *ca_file = NULL, *user = NULL, *password_file = NULL;
	g_autofree char *login_options = NULL, *helo = NULL;
	g_autofree char *password = NULL, *message = NULL;
	g_auto(GStrv) to = NULL;
	gboolean no_verify = false, verbose = false;
	int connect_timeout = 0, timeout = 0;
	GOptionEntry entries[] = {
		{ "url", 0, 0, G_OPTION_ARG_STRING, &url, "server", "URL" },
		{ "from", 0, 0, G_OPTION_ARG_STRING, &from, "envelope sender",
		    "ADDR" },
		{ "to", 0, 0, G_OPTION_ARG_STRING_ARRAY, &to, "recipient",
		    "ADDR" },
		{ "starttls", 0, 0, G_OPTION_ARG_STRING, &starttls,
		    "required, try or no", "MODE" },
		{ "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file, "CA file",
		    "FILE" },
		{ "no-verify", 0, 0, G_OPTION_ARG_NONE, &no_verify,
		    "tls_verify = false", NULL },
		{ "user", 0, 0, G_OPTION_ARG_STRING, &user, "AUTH user",
		    "NAME" },
		{ "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
		    "AUTH password, first line of FILE", "FILE" },
		{ "login-options", 0, 0, G_OPTION_ARG_STRING, &login_options,
		    "e.g. AUTH=PLAIN", "OPTIONS" },
		{ "helo", 0, 0, G_OPTION_ARG_STRING, &helo, "EHLO name",
		    "NAME" },
		{ "connect-timeout", 0, 0, G_OPTION_ARG_INT, &connect_timeout,
		    "seconds", "N" },
		{ "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "seconds",
		    "N" },
		{ "commit", 0, 0, G_OPTION_ARG_STRING, &commit_mode,
		    "commit hook: ok, fail or exit", "MODE" },
		{ "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
		    "debug log of the smtp area on stderr", NULL },
		{ NULL },
	};
	g_autoptr(GOptionContext) context = NULL;
	g_autoptr(GError) error = NULL;
	struct smtp_result *result = NULL;
	struct smtp_options options;
	gsize length = 0;
	int status;

	context = g_option_context_new("MESSAGE-FILE");
	g_option_context_add_main_entries(context, entries, NULL);
	smtp_options_init(&options);
	if (!g_option_context_parse(context, &argc, &argv, &error) ||
	    argc != 2 || !probe_starttls(starttls, &options.starttls)) {
		fprintf(stderr, "smtp_probe: %s\n", error != NULL ?
		    error->message : "bad arguments (see --help)");
		return LB_EXIT_USAGE;
	}
	log_setup(LOG_TARGET_STDERR, verbose ? LOG_LEVEL_DEBUG :
	    LOG_LEVEL_INFO, "smtp");
	if (!g_file_get_contents(argv[1], &message, &length, &error) ||
	    (password_file != NULL && !g_file_get_contents(password_file,
	    &password, NULL, &error))) {
		fprintf(stderr, "smtp_probe: %s\n", error->message);
		return LB_EXIT_USAGE;
	}
	if (password != NULL)
		password[strcspn(password, "\r\n")] = '\0';
	options.url = url;
	options.envelope_from = from;
	options.recipients = (const char *const *)to;
	options.ca_file = ca_file;
	options.tls_verify = !no_verify;
	options.user = user;
	options.password = password;
	options.login_options = login_options;
	options.helo = helo;
	options.connect_timeout = (unsigned)MAX(connect_timeout, 0);
	options.timeout = (unsigned)MAX(timeout, 0);
	options.committing = probe_committing;
	options.accepted = probe_accepted;

	smtp_send(&options, message, length, &result, &error);
	probe_print(result, error);
	status = lb_error_exit_code(error);
	smtp_result_free(result);
	g_free(commit_mode);
	return status;
}

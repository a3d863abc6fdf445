/* test_config.c: config loading, defaults, every error with its line. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "config.h"
#include "error.h"
#include "secret.h"
#include "tap.h"

static char *tmpdir;

static char *
write_file(const char *name, const char *text, int mode)
{
	char *path = g_build_filename(tmpdir, name, NULL);

	g_file_set_contents(path, text, -1, NULL);
	g_chmod(path, mode);
	return path;
}

/* Each bad file and the exact first line of the error it must give. */
static const struct {
	const char *text;
	const char *want;	/* with "F" standing for the file name */
} bad_files[] = {
	{ "[imap]\nhost = x\nport = abc\n",
	  "F:3: [imap] port: expected an integer in 0..65535, got 'abc'" },
	{ "[imap]\nport = 70000\n",
	  "F:2: [imap] port: expected an integer in 0..65535, got '70000'" },
	{ "[nonsense]\nkey = 1\n",
	  "F:1: unknown group [nonsense]: expected one of [store], [log], "
	  "[classify], [imap], [smtp], [drafts], [digest], [breaking]" },
	{ "[store]\n# comment\npath = /tmp/x.db\ncolour = blue\n",
	  "F:4: unknown key 'colour' in [store]" },
	{ "[imap]\ntls = sometimes\n",
	  "F:2: [imap] tls: expected one of imaps|starttls|none, got "
	  "'sometimes'" },
	{ "[imap]\nmark_seen = perhaps\n",
	  "F:2: [imap] mark_seen: expected true or false, got 'perhaps'" },
	{ "[imap]\npoll_interval = soon\n",
	  "F:2: [imap] poll_interval: expected a duration (90s, 15m, 24h, 1d) "
	  "in seconds 10..86400, got 'soon'" },
	{ "[imap]\nthis line has no equals sign\n",
	  "F:2: expected 'key = value', got 'this line has no equals sign'" },
	{ "host = x\n", "F:1: expected a '[group]' line before 'host = x'" },
	{ "[imap\n", "F:1: expected '[group]', got '[imap'" },
	{ "[imap]\ntls = none\n",
	  "F:2: [imap] tls = none sends the password in clear: expected "
	  "allow_plaintext = true beside it, or imaps/starttls" },
	{ "[imap]\npassword = a\npassword_command = echo b\n",
	  "F:1: [imap]: expected at most one of password, password_file and "
	  "password_command" },
	{ "[imap]\npoll_interval = 99999999999999999d\n",
	  "F:2: [imap] poll_interval: expected a duration (90s, 15m, 24h, 1d) "
	  "in seconds 10..86400, got '99999999999999999d'" },
	{ "[imap]\nhost = caf\xe9\n", "F:2: expected UTF-8 text" },
	{ "[smtp]\nurl = http://example.org\n",
	  "F:2: [smtp] url: expected smtp://HOST[:PORT] or smtps://HOST[:PORT], "
	  "got 'http://example.org'" },
};

static void
test_bad_files(void)
{
	for (size_t i = 0; i < G_N_ELEMENTS(bad_files); i++) {
		g_autofree char *path = write_file("bad.conf",
		    bad_files[i].text, 0600);
		g_autoptr(GError) error = NULL;
		struct config *config = config_load(path, &error);
		g_autofree char *want = NULL;
		g_auto(GStrv) lines = NULL;
		GString *w = g_string_new(bad_files[i].want);

		g_string_replace(w, "F", path, 1);
		want = g_string_free(w, FALSE);
		ok(config == NULL && error != NULL &&
		    error->code == LB_ERROR_CONFIG, "bad file %zu refused", i);
		lines = g_strsplit(error ? error->message : "", "\n", -1);
		is_str(lines[0], want, "bad file %zu: message", i);
		config_free(config);
	}
}

/* Text in memory: a NUL byte would end GKeyFile's reading early. */
static void
test_load_data(void)
{
	static const char text[] = "[imap]\nhost = a\0\nuser = b\n";
	g_autoptr(GError) error = NULL;
	struct config *config = config_load_data("mem.conf", text,
	    sizeof(text) - 1, &error);

	ok(config == NULL && error != NULL, "NUL byte refused");
	is_str(error ? error->message : "", "mem.conf:2: unexpected NUL byte",
	    "NUL byte: message names the line");
	config_free(config);
	g_clear_error(&error);
	config = config_load_data("mem.conf", "[imap]\nhost = a\n", -1,
	    &error);
	ok(config != NULL && strcmp(config->imap.host, "a") == 0,
	    "NUL-terminated text loads");
	config_free(config);
}

static void
test_all_errors_reported(void)
{
	g_autofree char *path = write_file("many.conf",
	    "[imap]\nport = x\nfoo = 1\n[bar]\n", 0600);
	g_autoptr(GError) error = NULL;
	struct config *config = config_load(path, &error);
	g_auto(GStrv) lines = NULL;

	ok(config == NULL, "file with three errors refused");
	lines = g_strsplit(error->message, "\n", -1);
	is_int(g_strv_length(lines), 3, "all three errors reported at once");
}

static void
test_defaults_and_values(void)
{
	g_autofree char *path = write_file("good.conf",
	    "# a comment\n[imap]\nhost = imap.example.org\nuser = liaison\n"
	    "folders = INBOX, ietf/iesg , \nidle_refresh = 20m\n"
	    "tls = starttls\n[store]\npath = state/lb.db\n"
	    "[digest]\nschedule = thu 18:00 UTC, before-iab 24h\n", 0600);
	g_autoptr(GError) error = NULL;
	struct config *config = config_load(path, &error);
	g_autofree char *expect_store = g_build_filename(tmpdir, "state",
	    "lb.db", NULL);

	ok(config != NULL, "good file loads%s%s", error ? ": " : "",
	    error ? error->message : "");
	if (config == NULL)
		return;
	is_str(config->imap.host, "imap.example.org", "string value");
	is_int(config->imap.port, 143, "port derived from tls = starttls");
	is_int(g_strv_length(config->imap.folders), 2, "list trimmed");
	is_str(config->imap.folders[1], "ietf/iesg", "second folder");
	is_int(config->imap.idle_refresh, 1200, "duration 20m");
	is_int(config->imap.poll_interval, 300, "default poll_interval 5m");
	ok(config->imap.tls_verify, "tls_verify defaults to true");
	ok(!config->imap.mark_seen, "mark_seen defaults to false");
	is_str(config->store.path, expect_store,
	    "relative path resolved against the config's directory");
	is_str(config->digest.schedule[1], "before-iab 24h", "schedule list");
	is_str(config->drafts.subject_prefix, "[IESG liaison]",
	    "string default");
	ok(config_require(config, "imap", NULL), "imap requirements met");
	ok(!config_require(config, "smtp", &error) &&
	    g_str_has_suffix(error->message,
	    "expected a [smtp] group with key 'url'"),
	    "missing [smtp] url reported");
	config_free(config);
}

static void
test_durations(void)
{
	static const struct {
		const char *text;
		int want;	/* -1: invalid */
	} cases[] = {
		{ "90", 90 }, { "90s", 90 }, { "15m", 900 }, { "24h", 86400 },
		{ "1d", 86400 }, { "1h30m", 5400 }, { "2h 30m", 9000 },
		{ "", -1 }, { "h", -1 }, { "-5m", -1 }, { "5x", -1 },
		{ "99999999999d", -1 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		int got = -1;
		bool parsed = config_parse_duration(cases[i].text, &got);

		is_int(parsed ? got : -1, cases[i].want, "duration '%s'",
		    cases[i].text);
	}
}

static void
test_secrets(void)
{
	g_autofree char *loose = write_file("loose", "hunter2\n", 0644);
	g_autofree char *tight = write_file("tight", "hunter2\n", 0600);
	struct config_secret secret = { 0 };
	g_autoptr(GError) error = NULL;
	char *got;

	secret.password_file = loose;
	got = secret_resolve(&secret, "imap", &error);
	ok(got == NULL && error != NULL &&
	    strstr(error->message, "readable by group or others") != NULL,
	    "password_file readable by others refused");
	ok(error && strstr(error->message, "hunter2") == NULL,
	    "the refusal does not show the password");
	g_clear_error(&error);
	secret.password_file = tight;
	got = secret_resolve(&secret, "imap", &error);
	is_str(got, "hunter2", "password_file read, newline removed");
	secret_free(got);
	secret.password_file = NULL;
	secret.password_command = (char *)"printf 'tok-en\\n\\n'";
	got = secret_resolve(&secret, "imap", &error);
	is_str(got, "tok-en", "password_command output");
	secret_free(got);
	secret.password_command = (char *)"exit 3";
	got = secret_resolve(&secret, "imap", &error);
	ok(got == NULL && error != NULL, "failing password_command refused");
}

static void
test_example_loads(void)
{
	g_autofree char *text = config_example();
	g_autofree char *path = write_file("example.conf", text, 0600);
	g_autoptr(GError) error = NULL;
	struct config *config = config_load(path, &error);

	ok(config != NULL, "config --example output loads cleanly%s%s",
	    error ? ": " : "", error ? error->message : "");
	ok(strstr(text, "\n#password_command =\n") != NULL,
	    "example lists password_command");
	config_free(config);
}

int
main(void)
{
	tmpdir = g_dir_make_tmp("test_config.XXXXXX", NULL);
	test_bad_files();
	test_all_errors_reported();
	test_load_data();
	test_defaults_and_values();
	test_durations();
	test_secrets();
	test_example_loads();
	g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	g_free(tmpdir);
	return done_testing();
}

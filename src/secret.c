/* secret.c: password, password_file or password_command. */
#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>

#include "error.h"
#include "secret.h"

static char *
secret_from_file(const char *path, const char *what, GError **error)
{
	g_autoptr(GError) local = NULL;
	struct stat st;
	char *text;
	gsize len;

	if (stat(path, &st) != 0) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s password_file %s: %s", what, path, g_strerror(errno));
		return NULL;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s password_file %s: readable by group or others "
		    "(mode %03o): expected chmod 600",
		    what, path, (unsigned)(st.st_mode & 0777));
		return NULL;
	}
	if (!g_file_get_contents(path, &text, &len, &local)) {
		g_set_error(error, LB_ERROR, LB_ERROR_CONFIG,
		    "%s password_file: %s", what, local->message);
		return NULL;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	return text;
}

static char *
secret_from_command(const char *command, const char *what, GError **error)
{
	const char *argv[] = { "/bin/sh", "-c", command, NULL };
	g_autoptr(GError) local = NULL;
	char *out = NULL;
	int status;
	size_t len;

	/* The command's stderr stays ours: its complaints help the user. */
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL,
	    NULL, &out, NULL, &status, &local)) {
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "%s password_command: %s", what, local->message);
		return NULL;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		secret_free(out);
		g_set_error(error, LB_ERROR, LB_ERROR_TEMPORARY,
		    "%s password_command failed (%s)", what,
		    WIFEXITED(status) ? "non-zero exit" : "killed");
		return NULL;
	}
	len = strlen(out);
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	return out;
}

char *
secret_resolve(const struct config_secret *secret, const char *what,
    GError **error)
{
	if (secret->password != NULL)
		return g_strdup(secret->password);
	if (secret->password_file != NULL)
		return secret_from_file(secret->password_file, what, error);
	if (secret->password_command != NULL)
		return secret_from_command(secret->password_command, what,
		    error);
	return g_strdup("");
}

void
secret_free(char *secret)
{
	if (secret == NULL)
		return;
	/* volatile keeps the compiler from dropping the wipe. */
	for (volatile char *p = secret; *p != '\0'; p++)
		*p = '\0';
	g_free(secret);
}

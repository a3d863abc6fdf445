/* error.h: the one error domain. The code says whether retrying can help. */
#ifndef LIAISONBOT_ERROR_H
#define LIAISONBOT_ERROR_H

#include <stdbool.h>

#include <glib.h>

#define LB_ERROR lb_error_quark()

enum lb_error_code {
	LB_ERROR_TEMPORARY,	/* server down, store locked, disk full: retry later */
	LB_ERROR_PERMANENT,	/* auth refused, mailbox gone: stop and tell the user */
	LB_ERROR_CONFIG,	/* bad config or rules file: refuse to start */
	LB_ERROR_INPUT,		/* unusable input; report it, lose nothing */
};

/* sysexits.h values used as process exit codes. */
enum lb_exit {
	LB_EXIT_OK = 0,
	LB_EXIT_FAILURE = 1,	/* permanent failure (authentication, 5xx) */
	LB_EXIT_USAGE = 64,	/* EX_USAGE */
	LB_EXIT_DATAERR = 65,	/* EX_DATAERR */
	LB_EXIT_SOFTWARE = 70,	/* EX_SOFTWARE */
	LB_EXIT_TEMPFAIL = 75,	/* EX_TEMPFAIL */
	LB_EXIT_NOPERM = 77,	/* EX_NOPERM */
	LB_EXIT_CONFIG = 78,	/* EX_CONFIG */
};

GQuark lb_error_quark(void);

/* The exit status a command should end with for this error. Errors from
 * other domains (GLib I/O, GMime) count as temporary: the caller keeps the
 * input and may retry. */
int lb_error_exit_code(const GError *error);

/* True when error is in our domain with a code of TEMPORARY, or foreign. */
bool lb_error_is_temporary(const GError *error);

#endif

/* error.c: the LB_ERROR domain and its mapping to exit codes. */
#include <stdbool.h>

#include "error.h"

G_DEFINE_QUARK(liaisonbot-error-quark, lb_error)

bool
lb_error_is_temporary(const GError *error)
{
	return error->domain != LB_ERROR || error->code == LB_ERROR_TEMPORARY;
}

int
lb_error_exit_code(const GError *error)
{
	if (error == NULL)
		return LB_EXIT_OK;
	if (error->domain != LB_ERROR)
		return LB_EXIT_TEMPFAIL;
	switch ((enum lb_error_code)error->code) {
	case LB_ERROR_TEMPORARY:
		return LB_EXIT_TEMPFAIL;
	case LB_ERROR_PERMANENT:
		return LB_EXIT_FAILURE;
	case LB_ERROR_CONFIG:
		return LB_EXIT_CONFIG;
	case LB_ERROR_INPUT:
		return LB_EXIT_DATAERR;
	}
	return LB_EXIT_FAILURE;
}

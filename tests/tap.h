/* tap.h: a tiny Test Anything Protocol producer for the unit tests.
 * Header-only so each test links nothing but the modules it exercises. */
#ifndef LIAISONBOT_TAP_H
#define LIAISONBOT_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count;
static int tap_failed;

static inline void tap_vreport(int passed, const char *fmt, va_list ap)
{
	tap_count++;
	if (!passed)
		tap_failed++;
	printf("%sok %d - ", passed ? "" : "not ", tap_count);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

/* ok(condition, "description %s", ...): one test point. */
static inline int __attribute__((format(printf, 2, 3)))
ok(int passed, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vreport(passed, fmt, ap);
	va_end(ap);
	return passed;
}

/* is_str(got, want, "description"): compare strings, show both on failure. */
static inline int __attribute__((format(printf, 3, 4)))
is_str(const char *got, const char *want, const char *fmt, ...)
{
	int passed = (got == NULL && want == NULL) ||
	    (got != NULL && want != NULL && strcmp(got, want) == 0);
	va_list ap;

	va_start(ap, fmt);
	tap_vreport(passed, fmt, ap);
	va_end(ap);
	if (!passed)
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n",
		    got ? got : "(null)", want ? want : "(null)");
	return passed;
}

/* is_int(got, want, "description"). */
static inline int __attribute__((format(printf, 3, 4)))
is_int(long long got, long long want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vreport(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
	return got == want;
}

static inline void __attribute__((format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static inline void skip_all(const char *reason)
{
	printf("1..0 # SKIP %s\n", reason);
	exit(0);
}

/* Ends main(): prints the plan and gives the exit status. */
static inline int done_testing(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed == 0 && tap_count > 0 ? 0 : 1;
}

#endif

/* test_when.c: --since / --until parsing. */
#include "error.h"
#include "tap.h"
#include "when.h"

int
main(void)
{
	static const struct {
		const char *text;
		gint64 want;	/* -1: refused */
	} cases[] = {
		{ "2026-11-01", 1793491200 },
		{ "2026-11-01 18:00", 1793556000 },
		{ "2026-11-01T18:00Z", 1793556000 },
		{ "2026-11-01T19:00:00+01:00", 1793556000 },
		{ "now", 1800000000 },
		{ "7d", 1800000000 - 7 * 86400 },
		{ "36h", 1800000000 - 36 * 3600 },
		{ "yesterday", -1 },
		{ "2026-13-01", -1 },
		{ "", -1 },
	};
	GTimeZone *utc = g_time_zone_new_utc();
	GTimeZone *berlin = g_time_zone_new_identifier("Europe/Berlin");
	gint64 got;

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autoptr(GError) error = NULL;
		bool parsed = when_parse(cases[i].text, utc, 1800000000, &got,
		    &error);

		is_int(parsed ? got : -1, cases[i].want, "'%s'", cases[i].text);
		if (!parsed)
			ok(error && error->code == LB_ERROR_INPUT,
			    "'%s': input error", cases[i].text);
	}
	ok(when_parse("2026-11-01 18:00", berlin, 0, &got, NULL) &&
	    got == 1793556000 - 3600, "local time in the drafts' zone");
	/* The test hook: read once, then the clock runs on from it. */
	g_setenv("LIAISONBOT_NOW", "1800000000", TRUE);
	got = when_now();
	ok(got >= 1800000000 && got < 1800000000 + 60,
	    "LIAISONBOT_NOW sets the clock (%" G_GINT64_FORMAT ")", got);
	g_setenv("LIAISONBOT_NOW", "1", TRUE);
	ok(when_now() >= got, "and it is read only once");
	g_time_zone_unref(utc);
	g_time_zone_unref(berlin);
	return done_testing();
}

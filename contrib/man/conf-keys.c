/* conf-keys.c: print the key table of src/config.c as man(7) entries for
 * liaisonbot.conf(5), one block per group between marker comments that
 * update-conf-keys.sh splices into the page. Built by that script only. */
#include "config.c"

/* 3600 -> "1h": durations as people write them in the file. */
static char *
conf_keys_duration(long long seconds)
{
	if (seconds > 0 && seconds % 86400 == 0)
		return g_strdup_printf("%lldd", seconds / 86400);
	if (seconds > 0 && seconds % 3600 == 0)
		return g_strdup_printf("%lldh", seconds / 3600);
	if (seconds > 0 && seconds % 60 == 0)
		return g_strdup_printf("%lldm", seconds / 60);
	return g_strdup_printf("%llds", seconds);
}

/* Backslashes as roff prints them. */
static char *
conf_keys_escape(const char *text)
{
	GString *out = g_string_new(NULL);

	for (const char *p = text; *p; p++)
		if (*p == '\\')
			g_string_append(out, "\\e");
		else
			g_string_append_c(out, *p);
	return g_string_free(out, FALSE);
}

/* Roff text in lines of at most 72 columns (mandoc -T lint wants 80),
 * none starting with a control character. */
static void
conf_keys_wrap(GString *out, const char *text)
{
	g_auto(GStrv) words = g_strsplit(text, " ", -1);
	size_t column = 0;

	for (size_t i = 0; words[i] != NULL; i++) {
		size_t n = strlen(words[i]);

		if (column > 0 && column + 1 + n > 72) {
			g_string_append_c(out, '\n');
			column = 0;
		} else if (column > 0) {
			g_string_append_c(out, ' ');
			column++;
		}
		if (column == 0 && (*words[i] == '.' || *words[i] == '\''))
			g_string_append(out, "\\&");
		g_string_append(out, words[i]);
		column += n;
	}
	g_string_append_c(out, '\n');
}

/* "how much is logged" -> "How much is logged"; leaves "smtp://..." and
 * "iCalendar" alone. */
static void
conf_keys_capitalize(char *text)
{
	const char *p = text;

	while (g_ascii_islower(*p) || *p == '-')
		p++;
	if (*p == ' ' || *p == '\0')
		text[0] = g_ascii_toupper(text[0]);
}

static char *
conf_keys_type(const struct config_key *key)
{
	long long lo, hi;
	bool range = key->choices != NULL &&
	    sscanf(key->choices, "%lld..%lld", &lo, &hi) == 2;

	switch (key->type) {
	case CONFIG_STRING:
		return g_strdup("string");
	case CONFIG_PATH:
		return g_strdup("path");
	case CONFIG_BOOL:
		return g_strdup("boolean");
	case CONFIG_LIST:
		return g_strdup("list");
	case CONFIG_INT:
		return range ? g_strdup_printf("integer, %lld to %lld", lo, hi)
			     : g_strdup("integer");
	case CONFIG_DURATION:
		if (range) {
			g_autofree char *a = conf_keys_duration(lo);
			g_autofree char *b = conf_keys_duration(hi);

			return g_strdup_printf("duration, %s to %s", a, b);
		}
		return g_strdup("duration");
	case CONFIG_ENUM: {
		g_auto(GStrv) names = g_strsplit(key->choices, "|", -1);
		g_autofree char *list = g_strjoinv(", ", names);

		return g_strdup_printf("one of %s", list);
	}
	}
	g_assert_not_reached();
}

static void
conf_keys_entry(GString *out, const struct config_key *key)
{
	g_autofree char *type = conf_keys_type(key);
	g_autofree char *help = conf_keys_escape(key->help);
	g_autofree char *text = NULL;

	g_string_append_printf(out, ".TP\n.B %s\n", key->key);
	conf_keys_capitalize(help);
	type[0] = g_ascii_toupper(type[0]);
	if (key->fallback != NULL && *key->fallback != '\0') {
		g_autofree char *fallback = conf_keys_escape(key->fallback);

		/* \\fB...\\fR rather than a macro: the line may wrap. */
		text = g_strdup_printf("%s. %s; default \\fB%s\\fR.", help,
		    type, fallback);
	} else {
		text = g_strdup_printf("%s. %s.", help, type);
	}
	conf_keys_wrap(out, text);
}

int
main(void)
{
	g_autoptr(GString) out = g_string_new(NULL);
	const char *group = NULL;

	for (size_t i = 0; i < G_N_ELEMENTS(config_keys); i++) {
		const struct config_key *key = &config_keys[i];

		if (group == NULL || strcmp(group, key->group) != 0) {
			if (group != NULL)
				g_string_append_printf(out,
				    ".\\\" keys [%s] end\n", group);
			group = key->group;
			g_string_append_printf(out, ".\\\" keys [%s] begin: "
			    "made by contrib/man/update-conf-keys.sh\n", group);
		}
		conf_keys_entry(out, key);
	}
	if (group != NULL)
		g_string_append_printf(out, ".\\\" keys [%s] end\n", group);
	fputs(out->str, stdout);
	return 0;
}

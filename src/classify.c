/* classify.c: run every rule over one message and turn the sums into a
 * verdict. */
#include <string.h>

#include "classify.h"
#include "confidential.h"
#include "log.h"

/* What the rules said about one message. */
struct classify_run {
	int scores[CATEGORY_COUNT];
	const struct rule *kind_rule[CATEGORY_COUNT];	/* strongest with kind */
	const struct rule *breaking_rule;	/* first "breaking" that fired */
	GPtrArray *fired;		/* const struct rule *, firing order */
	guint raw_fired;		/* fired[raw_fired..] matched raw headers */
	bool confidential;
};

/* Withholds confidential sections, then runs every rule. The folded body
 * that tells whether a section may start is the one the rules use. */
static void
run_rules(const struct ruleset *ruleset, struct message *message,
    struct classify_run *run)
{
	struct rules_fields fields;

	memset(run, 0, sizeof(*run));
	run->fired = g_ptr_array_new();
	rules_fields_init(&fields, ruleset, message);
	if (confidential_may_redact(ruleset, &fields)) {
		rules_fields_clear(&fields);
		confidential_redact(ruleset, message);
		rules_fields_init(&fields, ruleset, message);
	}
	for (guint i = 0; i < ruleset->rules->len; i++) {
		const struct rule *rule = g_ptr_array_index(ruleset->rules, i);
		const struct rule *kind_rule;

		if (!rules_fires(rule, &fields))
			continue;
		g_ptr_array_add(run->fired, (gpointer)rule);
		log_debug(LOG_AREA_CLASSIFY, "%s: rule %s %+d",
		    message->message_id ? message->message_id : "?",
		    rule->name, rule->weight);
		if (rule->confidential) {
			run->confidential = true;
			continue;
		}
		run->scores[rule->category] += rule->weight;
		if (rule->breaking && run->breaking_rule == NULL)
			run->breaking_rule = rule;
		kind_rule = run->kind_rule[rule->category];
		if (rule->kind != NULL && (kind_rule == NULL ||
		    rule->weight > kind_rule->weight))
			run->kind_rule[rule->category] = rule;
	}
	rules_fields_clear(&fields);
	/* Fail closed: the raw header block can name a confidential venue
	 * that the parsed fields lost. */
	run->raw_fired = run->fired->len;
	if (!run->confidential)
		run->confidential = confidential_raw_headers(ruleset, message,
		    run->fired);
}

static char *
describe_reasons(const struct classify_run *run)
{
	GString *reasons = g_string_new(NULL);

	for (guint i = 0; i < run->fired->len; i++) {
		const struct rule *rule = g_ptr_array_index(run->fired, i);

		if (reasons->len > 0)
			g_string_append_c(reasons, ' ');
		if (rule->confidential)
			g_string_append_printf(reasons, "%s(confidential)",
			    rule->name);
		else
			g_string_append_printf(reasons, "%s(%+d)", rule->name,
			    rule->weight);
	}
	return g_string_free(reasons, FALSE);
}

static void
decide(const struct ruleset *ruleset, const struct classify_run *run,
    struct verdict *verdict)
{
	enum verdict_category winner = CATEGORY_NONE;
	int highest = 0;

	verdict_clear(verdict);
	for (int c = CATEGORY_PROCESS; c < CATEGORY_COUNT; c++) {
		int score = run->scores[c];

		verdict->scores[c] = score;
		if (c == CATEGORY_PROCESS || score > highest)
			highest = score;
		/* Strictly greater: on a tie the earlier category stays. */
		if (score >= ruleset->thresholds[c] &&
		    (winner == CATEGORY_NONE || score > run->scores[winner]))
			winner = (enum verdict_category)c;
	}
	verdict->category = winner;
	verdict->score = winner != CATEGORY_NONE ? run->scores[winner]
	    : highest;
	if (winner != CATEGORY_NONE && run->kind_rule[winner] != NULL)
		verdict->kind = g_strdup(run->kind_rule[winner]->kind);
	verdict->confidential = run->confidential;
	verdict->breaking = !verdict->confidential &&
	    winner != CATEGORY_NONE && winner != CATEGORY_ROUTINE &&
	    (run->breaking_rule != NULL ||
	    verdict->score >= ruleset->breaking_threshold);
	verdict->reasons = describe_reasons(run);
}

void
classify_message(const struct ruleset *ruleset, struct message *message)
{
	struct classify_run run;

	run_rules(ruleset, message, &run);
	decide(ruleset, &run, &message->verdict);
	g_ptr_array_unref(run.fired);
	log_debug(LOG_AREA_CLASSIFY, "%s: %s score %d%s%s",
	    message->message_id ? message->message_id : "?",
	    verdict_category_name(message->verdict.category),
	    message->verdict.score,
	    message->verdict.breaking ? " breaking" : "",
	    message->verdict.confidential ? " confidential" : "");
}

static void
explain_rule(GString *out, const struct rule *rule, bool raw)
{
	g_string_append_printf(out, "  %-24s %-12s ", rule->name,
	    rule->confidential ? "confidential"
	    : verdict_category_name(rule->category));
	if (rule->confidential)
		g_string_append(out, "   -");
	else
		g_string_append_printf(out, "%+4d", rule->weight);
	g_string_append_printf(out, "  %s%s%s %s \"%s\"",
	    raw ? "raw headers (for " : "",
	    rule->where == RULE_WHERE_HEADER ? "header:" : "",
	    rule->where == RULE_WHERE_HEADER ? rule->header
	    : rules_where_name(rule->where), rules_match_name(rule->match),
	    rule->pattern);
	if (raw)
		g_string_append_c(out, ')');
	if (rule->breaking)
		g_string_append(out, " breaking");
	if (rule->case_sensitive)
		g_string_append(out, " case");
	if (rule->kind != NULL)
		g_string_append_printf(out, " kind=%s", rule->kind);
	g_string_append_c(out, '\n');
}

char *
classify_explain(const struct ruleset *ruleset, struct message *message)
{
	const struct verdict *verdict = &message->verdict;
	GString *out = g_string_new(NULL);
	struct classify_run run;

	run_rules(ruleset, message, &run);
	decide(ruleset, &run, &message->verdict);
	g_string_append_printf(out, "category: %s (score %d)\n",
	    verdict_category_name(verdict->category), verdict->score);
	g_string_append_printf(out, "kind: %s\n",
	    verdict->kind ? verdict->kind : "-");
	g_string_append_printf(out, "breaking: %s", verdict->breaking ? "yes"
	    : "no");
	if (verdict->breaking && run.breaking_rule != NULL)
		g_string_append_printf(out, " (rule %s)",
		    run.breaking_rule->name);
	else if (verdict->breaking)
		g_string_append_printf(out, " (score %d >= %d)",
		    verdict->score, ruleset->breaking_threshold);
	g_string_append_printf(out, "\nconfidential: %s\nredacted: %s\n",
	    verdict->confidential ? "yes" : "no",
	    message->flags & MESSAGE_FLAG_REDACTED ? "yes" : "no");
	g_string_append(out, "scores:");
	for (int c = CATEGORY_PROCESS; c < CATEGORY_COUNT; c++)
		g_string_append_printf(out, " %s %d/%d",
		    verdict_category_name((enum verdict_category)c),
		    verdict->scores[c], ruleset->thresholds[c]);
	g_string_append_printf(out, "\nrules fired: %u\n", run.fired->len);
	for (guint i = 0; i < run.fired->len; i++)
		explain_rule(out, g_ptr_array_index(run.fired, i),
		    i >= run.raw_fired);
	g_ptr_array_unref(run.fired);
	return g_string_free(out, FALSE);
}
